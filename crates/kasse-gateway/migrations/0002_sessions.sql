-- Readers logged in through the gateway (ConnectID authorization code). Portable SQL, as 0001.

-- One row per login begun: the `state` sent to ConnectID (as a hash) and where the reader goes
-- back to. Taken once by the callback.
CREATE TABLE login_states (
    state_hash     TEXT PRIMARY KEY,
    return_url     TEXT NOT NULL,
    -- The PKCE verifier, where PKCE is configured (ConnectID documents none).
    pkce_verifier  TEXT,
    expires_ms     BIGINT NOT NULL
);

-- One row per session: the session cookie's hash and the reader's ConnectID tokens, sealed
-- (AEAD) with a key derived from the order-token secret.
CREATE TABLE sessions (
    id_hash            TEXT PRIMARY KEY,
    sealed_tokens      TEXT NOT NULL,
    access_expires_ms  BIGINT NOT NULL,
    expires_ms         BIGINT NOT NULL,
    created_ms         BIGINT NOT NULL,
    updated_ms         BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_ms);
