//! The tables: ConnectID orders, S4 orders, their shared event history, tokens (and the login each
//! belongs to), authorization codes, users, started subscriptions, consent events and logouts. `CREATE … IF NOT EXISTS`, so a file database is reopened as is.

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS orders (
    order_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id         TEXT NOT NULL,
    mode              TEXT NOT NULL,
    unique_user_id    TEXT,
    external_order_id TEXT,
    body              TEXT NOT NULL,
    state             TEXT NOT NULL,
    payment_method    TEXT NOT NULL,
    prepaid           INTEGER NOT NULL,
    amount_cents      INTEGER NOT NULL,
    currency          TEXT,
    customer_number   INTEGER,
    assignment        TEXT,
    created_ms        INTEGER NOT NULL,
    updated_ms        INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS orders_external
    ON orders (client_id, external_order_id) WHERE external_order_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS s4_orders (
    id                   TEXT PRIMARY KEY,
    client_id            TEXT NOT NULL,
    tenant_id            TEXT NOT NULL,
    body                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    payment_method       TEXT,
    interactive          INTEGER NOT NULL,
    terminal_state       TEXT NOT NULL,
    price_cents          INTEGER NOT NULL,
    template_package_id  TEXT NOT NULL,
    organization_id      TEXT NOT NULL,
    subscriber_id        TEXT,
    subscription_id      TEXT,
    payment_agreement_id TEXT,
    created_ms           INTEGER NOT NULL,
    updated_ms           INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS order_events (
    api      TEXT NOT NULL,
    order_id TEXT NOT NULL,
    at_ms    INTEGER NOT NULL,
    event    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token          TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    unique_user_id TEXT,
    expires_ms     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_codes (
    code           TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    challenge      TEXT NOT NULL,
    method         TEXT NOT NULL,
    unique_user_id TEXT NOT NULL,
    expires_ms     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    unique_user_id TEXT PRIMARY KEY,
    email          TEXT UNIQUE,
    phone          TEXT UNIQUE,
    password       TEXT,
    seeded         INTEGER NOT NULL,
    created_ms     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS s4_subscribers (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    client_id         TEXT NOT NULL,
    external_id       TEXT,
    subscriber_number TEXT,
    contact           TEXT NOT NULL,
    created_ms        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS s4_subscribers_external ON s4_subscribers (tenant_id, external_id);
CREATE TABLE IF NOT EXISTS subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id      TEXT NOT NULL,
    unique_user_id TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_ms     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS token_grants (
    token    TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS token_grants_grant ON token_grants (grant_id);
CREATE TABLE IF NOT EXISTS consent_events (
    consent_event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id        TEXT NOT NULL,
    issuer           TEXT NOT NULL,
    consent_id       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    subject_type     TEXT NOT NULL,
    source           TEXT NOT NULL,
    action           INTEGER NOT NULL,
    event_time       INTEGER NOT NULL,
    data             TEXT,
    created_ms       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS logouts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  TEXT NOT NULL,
    return_url TEXT NOT NULL,
    at_ms      INTEGER NOT NULL
);
"#;
