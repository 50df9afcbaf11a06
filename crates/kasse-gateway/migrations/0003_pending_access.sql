-- Orders whose reader may not come back to ask for the access they paid for (the payment page's
-- return opened in another browser): the credential the access goes to, sealed (AEAD, a key
-- derived from the order-token secret, bound to the order), until the gateway has given it or
-- its checks are over (a day). Portable SQL, as 0001.
CREATE TABLE pending_access (
    order_id            TEXT PRIMARY KEY,
    sealed_credential   TEXT NOT NULL,
    checks              BIGINT NOT NULL,
    next_check_ms       BIGINT NOT NULL,
    created_ms          BIGINT NOT NULL
);
CREATE INDEX pending_access_due ON pending_access (next_check_ms);
