-- The gateway's ledger. Portable SQL: the same schema runs on SQLite and PostgreSQL (hashes as
-- lower-case hex text, times as epoch milliseconds in BIGINT).

-- One row per attempt key: who leads it, and the answer a retry replays.
CREATE TABLE attempts (
    attempt_key     TEXT PRIMARY KEY,
    body_hash       TEXT NOT NULL,
    generation      BIGINT NOT NULL,
    phase           TEXT NOT NULL,
    lease_until_ms  BIGINT NOT NULL,
    answer          TEXT,
    created_ms      BIGINT NOT NULL,
    updated_ms      BIGINT NOT NULL
);
CREATE INDEX attempts_created ON attempts (created_ms);

-- One row per order registered at a vendor.
CREATE TABLE orders (
    backend          TEXT NOT NULL,
    vendor_order_id  TEXT NOT NULL,
    offer            TEXT NOT NULL,
    method           TEXT NOT NULL,
    route            TEXT NOT NULL,
    amount_minor     BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    state            TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    body_hash        TEXT NOT NULL,
    answer           TEXT NOT NULL,
    credentials      TEXT NOT NULL,
    token_hash       TEXT NOT NULL,
    created_ms       BIGINT NOT NULL,
    updated_ms       BIGINT NOT NULL,
    PRIMARY KEY (backend, vendor_order_id),
    UNIQUE (backend, idempotency_key)
);
CREATE INDEX orders_created ON orders (created_ms);

-- Prepayment vouchers used, by their jti: each pays for one attempt only.
CREATE TABLE vouchers (
    jti          TEXT PRIMARY KEY,
    attempt_key  TEXT NOT NULL,
    expires_ms   BIGINT NOT NULL
);

-- Facts of the store itself (the order-token secret when none is configured).
CREATE TABLE store_meta (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
