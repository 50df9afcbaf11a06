//! SQLite storage: orders (both vendors), their state history, tokens, authorization codes, users
//! and subscriptions. One connection behind a mutex: a sandbox sees a handful of requests per
//! second, and holding the lock for one statement is far below a millisecond.
//!
//! Never hold the lock across an `.await`: every method here is synchronous and short.

use crate::seed::User;
use crate::util::now_ms;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

const SCHEMA: &str = r#"
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
CREATE TABLE IF NOT EXISTS subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id      TEXT NOT NULL,
    unique_user_id TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_ms     INTEGER NOT NULL
);
"#;

/// The sandbox database.
pub struct Store {
    conn: Mutex<Connection>,
}

/// Token kinds: ConnectID client credentials, ConnectID user (authorization code), refresh, S4.
pub mod kind {
    /// ConnectID client-credentials access token.
    pub const CLIENT: &str = "client";
    /// ConnectID user access token.
    pub const USER: &str = "user";
    /// ConnectID refresh token.
    pub const REFRESH: &str = "refresh";
    /// S4 access token.
    pub const S4: &str = "s4";
}

/// A stored token.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Kind (see [`kind`]).
    pub kind: String,
    /// Owning client.
    pub client_id: String,
    /// The user, for user tokens.
    pub unique_user_id: Option<String>,
    /// Expiry, epoch ms.
    pub expires_ms: i64,
}

/// A stored authorization code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// Client the code was issued to.
    pub client_id: String,
    /// Redirect URI it was issued for.
    pub redirect_uri: String,
    /// PKCE code challenge.
    pub challenge: String,
    /// `S256` or `plain`.
    pub method: String,
    /// The logged-in user.
    pub unique_user_id: String,
    /// Expiry, epoch ms.
    pub expires_ms: i64,
}

/// A ConnectID order to insert.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Client that registered it.
    pub client_id: String,
    /// `client` or `user`.
    pub mode: &'static str,
    /// The logged-in user (user mode).
    pub unique_user_id: Option<String>,
    /// `externalOrderId`.
    pub external_order_id: Option<String>,
    /// Raw body text as received.
    pub body: String,
    /// `paymentMethod`.
    pub payment_method: String,
    /// `prepaid`.
    pub prepaid: bool,
    /// Sum of the lines in minor units.
    pub amount_cents: i64,
    /// `currency`.
    pub currency: Option<String>,
    /// `payer.customerNumber`.
    pub customer_number: Option<i64>,
}

/// Result of inserting an order with an `externalOrderId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// A new order.
    Created(i64),
    /// The same body was registered before under the same externalOrderId: that order.
    Duplicate(i64),
    /// The externalOrderId is taken by an order with a different body.
    Conflict(i64),
}

/// A stored ConnectID order.
#[derive(Debug, Clone)]
pub struct OrderRow {
    /// `orderId`.
    pub order_id: i64,
    /// Owning client.
    pub client_id: String,
    /// `client` or `user`.
    pub mode: String,
    /// Assigned or logged-in user.
    pub unique_user_id: Option<String>,
    /// `externalOrderId`.
    pub external_order_id: Option<String>,
    /// Raw body.
    pub body: String,
    /// `preliminary`, `completed`, `cancelled`, `failed`.
    pub state: String,
    /// `paymentMethod`.
    pub payment_method: String,
    /// `prepaid`.
    pub prepaid: bool,
    /// Sum of the lines in minor units.
    pub amount_cents: i64,
    /// `currency`.
    pub currency: Option<String>,
    /// `payer.customerNumber`.
    pub customer_number: Option<i64>,
    /// The assign-user answer, JSON.
    pub assignment: Option<String>,
    /// Created, epoch ms.
    pub created_ms: i64,
    /// Last change, epoch ms.
    pub updated_ms: i64,
}

/// A ConnectID user.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// `uniqueUserId`.
    pub unique_user_id: String,
    /// Whether a password is set.
    pub password_set: bool,
}

/// An S4 order to insert.
#[derive(Debug, Clone)]
pub struct NewS4Order {
    /// Order GUID.
    pub id: String,
    /// Client.
    pub client_id: String,
    /// Tenant.
    pub tenant_id: String,
    /// Raw body.
    pub body: String,
    /// Payment method of `paymentAgreementParameters`, if any.
    pub payment_method: Option<String>,
    /// Whether the reader must visit the terminal page.
    pub interactive: bool,
    /// Price in minor units.
    pub price_cents: i64,
    /// Template package.
    pub template_package_id: String,
    /// Organization (explicit or the tenant's default).
    pub organization_id: String,
    /// `subscriberId` from the body.
    pub subscriber_id: Option<String>,
    /// `paymentAgreementId` from the body.
    pub payment_agreement_id: Option<String>,
}

/// A stored S4 order.
#[derive(Debug, Clone)]
pub struct S4OrderRow {
    /// Order GUID.
    pub id: String,
    /// Client.
    pub client_id: String,
    /// Tenant.
    pub tenant_id: String,
    /// Raw body.
    pub body: String,
    /// `InProgress`, `Completed`, `Cancelled`, `Rejected`.
    pub status: String,
    /// Payment method.
    pub payment_method: Option<String>,
    /// Whether the reader must visit the terminal page.
    pub interactive: bool,
    /// `pending`, `approved`, `cancelled` (terminal page outcome).
    pub terminal_state: String,
    /// Price in minor units.
    pub price_cents: i64,
    /// Template package.
    pub template_package_id: String,
    /// Organization.
    pub organization_id: String,
    /// Subscriber.
    pub subscriber_id: Option<String>,
    /// Subscription (after completion).
    pub subscription_id: Option<String>,
    /// Payment agreement.
    pub payment_agreement_id: Option<String>,
    /// Created, epoch ms.
    pub created_ms: i64,
    /// Last change, epoch ms.
    pub updated_ms: i64,
}

const ORDER_COLUMNS: &str = "order_id, client_id, mode, unique_user_id, external_order_id, body, \
     state, payment_method, prepaid, amount_cents, currency, customer_number, assignment, \
     created_ms, updated_ms";

fn order_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        order_id: r.get(0)?,
        client_id: r.get(1)?,
        mode: r.get(2)?,
        unique_user_id: r.get(3)?,
        external_order_id: r.get(4)?,
        body: r.get(5)?,
        state: r.get(6)?,
        payment_method: r.get(7)?,
        prepaid: r.get(8)?,
        amount_cents: r.get(9)?,
        currency: r.get(10)?,
        customer_number: r.get(11)?,
        assignment: r.get(12)?,
        created_ms: r.get(13)?,
        updated_ms: r.get(14)?,
    })
}

const S4_COLUMNS: &str = "id, client_id, tenant_id, body, status, payment_method, interactive, \
     terminal_state, price_cents, template_package_id, organization_id, subscriber_id, \
     subscription_id, payment_agreement_id, created_ms, updated_ms";

fn s4_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<S4OrderRow> {
    Ok(S4OrderRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        tenant_id: r.get(2)?,
        body: r.get(3)?,
        status: r.get(4)?,
        payment_method: r.get(5)?,
        interactive: r.get(6)?,
        terminal_state: r.get(7)?,
        price_cents: r.get(8)?,
        template_package_id: r.get(9)?,
        organization_id: r.get(10)?,
        subscriber_id: r.get(11)?,
        subscription_id: r.get(12)?,
        payment_agreement_id: r.get(13)?,
        created_ms: r.get(14)?,
        updated_ms: r.get(15)?,
    })
}

fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

impl Store {
    /// Opens (and creates) the database: a file, or a fresh in-memory one when `path` is `None`.
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        // WAL keeps a reader (the admin listing) from blocking on a writer in a second process
        // (e.g. `sqlite3` opened by a developer while the demo runs).
        if path.is_some() {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each call is one statement or
        // one transaction), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Inserts the seed's test users unless they exist.
    pub fn seed_users(&self, users: &[User]) -> rusqlite::Result<()> {
        let conn = self.conn();
        for u in users {
            conn.execute(
                "INSERT OR IGNORE INTO users (unique_user_id, email, phone, password, seeded, created_ms)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![u.unique_user_id, u.email.to_lowercase(), u.phone, u.password, now_ms()],
            )?;
        }
        Ok(())
    }

    /// Stores a token.
    pub fn insert_token(
        &self,
        token: &str,
        kind: &str,
        client_id: &str,
        unique_user_id: Option<&str>,
        expires_ms: i64,
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO tokens (token, kind, client_id, unique_user_id, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token, kind, client_id, unique_user_id, expires_ms],
        )?;
        Ok(())
    }

    /// Looks a token up (expired ones included: the caller tells "expired" from "unknown").
    pub fn token(&self, token: &str) -> rusqlite::Result<Option<TokenRow>> {
        self.conn()
            .query_row(
                "SELECT kind, client_id, unique_user_id, expires_ms FROM tokens WHERE token = ?1",
                params![token],
                |r| {
                    Ok(TokenRow {
                        kind: r.get(0)?,
                        client_id: r.get(1)?,
                        unique_user_id: r.get(2)?,
                        expires_ms: r.get(3)?,
                    })
                },
            )
            .optional()
    }

    /// Stores an authorization code.
    pub fn insert_code(&self, code: &str, row: &CodeRow) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO auth_codes (code, client_id, redirect_uri, challenge, method, unique_user_id, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![code, row.client_id, row.redirect_uri, row.challenge, row.method, row.unique_user_id, row.expires_ms],
        )?;
        Ok(())
    }

    /// Takes (and deletes) an authorization code: codes are single use.
    pub fn take_code(&self, code: &str) -> rusqlite::Result<Option<CodeRow>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT client_id, redirect_uri, challenge, method, unique_user_id, expires_ms
                 FROM auth_codes WHERE code = ?1",
                params![code],
                |r| {
                    Ok(CodeRow {
                        client_id: r.get(0)?,
                        redirect_uri: r.get(1)?,
                        challenge: r.get(2)?,
                        method: r.get(3)?,
                        unique_user_id: r.get(4)?,
                        expires_ms: r.get(5)?,
                    })
                },
            )
            .optional()?;
        conn.execute("DELETE FROM auth_codes WHERE code = ?1", params![code])?;
        Ok(row)
    }

    /// The user with this e-mail and password (login page).
    pub fn login(&self, email: &str, password: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT unique_user_id FROM users WHERE email = ?1 AND password = ?2",
                params![email.trim().to_lowercase(), password],
                |r| r.get(0),
            )
            .optional()
    }

    /// Finds the user with this credential (e-mail or phone) or creates one.
    /// Returns the user and whether it was created now.
    pub fn user_for_credential(&self, credential: &str) -> rusqlite::Result<(UserRow, bool)> {
        let conn = self.conn();
        let is_email = credential.contains('@');
        let normalized = if is_email {
            credential.trim().to_lowercase()
        } else {
            credential.trim().to_string()
        };
        let column = if is_email { "email" } else { "phone" };
        let existing = conn
            .query_row(
                &format!("SELECT unique_user_id, password FROM users WHERE {column} = ?1"),
                params![normalized],
                |r| {
                    Ok(UserRow {
                        unique_user_id: r.get(0)?,
                        password_set: r.get::<_, Option<String>>(1)?.is_some(),
                    })
                },
            )
            .optional()?;
        if let Some(user) = existing {
            return Ok((user, false));
        }
        let id = uuid::Uuid::new_v4().to_string();
        conn.execute(
            &format!(
                "INSERT INTO users (unique_user_id, {column}, password, seeded, created_ms) VALUES (?1, ?2, NULL, 0, ?3)"
            ),
            params![id, normalized, now_ms()],
        )?;
        Ok((
            UserRow {
                unique_user_id: id,
                password_set: false,
            },
            true,
        ))
    }

    /// Inserts an order, deduplicating on (client, externalOrderId) in the same lock so that two
    /// concurrent retries cannot both create an order.
    pub fn insert_order(&self, new: &NewOrder) -> rusqlite::Result<InsertOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(ext) = &new.external_order_id {
            let existing: Option<(i64, String)> = tx
                .query_row(
                    "SELECT order_id, body FROM orders WHERE client_id = ?1 AND external_order_id = ?2",
                    params![new.client_id, ext],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, body)) = existing {
                let outcome = if same_json(&body, &new.body) {
                    InsertOutcome::Duplicate(id)
                } else {
                    InsertOutcome::Conflict(id)
                };
                tx.execute(
                    "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('connectid', ?1, ?2, ?3)",
                    params![id.to_string(), now_ms(), match outcome {
                        InsertOutcome::Duplicate(_) => "duplicate-accepted",
                        _ => "duplicate-rejected",
                    }],
                )?;
                tx.commit()?;
                return Ok(outcome);
            }
        }
        let now = now_ms();
        tx.execute(
            "INSERT INTO orders (client_id, mode, unique_user_id, external_order_id, body, state,
                 payment_method, prepaid, amount_cents, currency, customer_number, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 'preliminary', ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![
                new.client_id,
                new.mode,
                new.unique_user_id,
                new.external_order_id,
                new.body,
                new.payment_method,
                new.prepaid,
                new.amount_cents,
                new.currency,
                new.customer_number,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('connectid', ?1, ?2, 'preliminary')",
            params![id.to_string(), now],
        )?;
        tx.commit()?;
        Ok(InsertOutcome::Created(id))
    }

    /// An order by id.
    pub fn order(&self, order_id: i64) -> rusqlite::Result<Option<OrderRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = ?1"),
                params![order_id],
                order_from_row,
            )
            .optional()
    }

    /// Moves an order to a new state if it is still in `from`; returns whether it moved.
    pub fn transition(&self, order_id: i64, from: &str, to: &str) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let now = now_ms();
        let changed = conn.execute(
            "UPDATE orders SET state = ?1, updated_ms = ?2 WHERE order_id = ?3 AND state = ?4",
            params![to, now, order_id, from],
        )?;
        if changed == 1 {
            conn.execute(
                "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('connectid', ?1, ?2, ?3)",
                params![order_id.to_string(), now, to],
            )?;
        }
        Ok(changed == 1)
    }

    /// Records an event (callback outcome, …) on an order's history.
    pub fn event(&self, api: &str, order_id: &str, event: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO order_events (api, order_id, at_ms, event) VALUES (?1, ?2, ?3, ?4)",
            params![api, order_id, now_ms(), event],
        )?;
        Ok(())
    }

    /// Stores the assign-user answer on an order.
    pub fn assign(&self, order_id: i64, user_id: &str, answer: &Value) -> rusqlite::Result<()> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            "UPDATE orders SET unique_user_id = ?1, assignment = ?2, updated_ms = ?3 WHERE order_id = ?4",
            params![user_id, answer.to_string(), now, order_id],
        )?;
        conn.execute(
            "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('connectid', ?1, ?2, ?3)",
            params![order_id.to_string(), now, format!("assigned:{user_id}")],
        )?;
        Ok(())
    }

    /// Stores a started subscription; returns its id.
    pub fn insert_subscription(
        &self,
        client_id: &str,
        user_id: &str,
        body: &str,
    ) -> rusqlite::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO subscriptions (client_id, unique_user_id, body, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![client_id, user_id, body, now_ms()],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Inserts an S4 order (status `InProgress`).
    pub fn insert_s4_order(&self, new: &NewS4Order) -> rusqlite::Result<()> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            &format!(
                "INSERT INTO s4_orders ({S4_COLUMNS}) VALUES
                 (?1, ?2, ?3, ?4, 'InProgress', ?5, ?6, 'pending', ?7, ?8, ?9, ?10, NULL, ?11, ?12, ?12)"
            ),
            params![
                new.id,
                new.client_id,
                new.tenant_id,
                new.body,
                new.payment_method,
                new.interactive,
                new.price_cents,
                new.template_package_id,
                new.organization_id,
                new.subscriber_id,
                new.payment_agreement_id,
                now
            ],
        )?;
        conn.execute(
            "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('s4', ?1, ?2, 'InProgress')",
            params![new.id, now],
        )?;
        Ok(())
    }

    /// An S4 order by id.
    pub fn s4_order(&self, id: &str) -> rusqlite::Result<Option<S4OrderRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {S4_COLUMNS} FROM s4_orders WHERE id = ?1"),
                params![id.to_lowercase()],
                s4_from_row,
            )
            .optional()
    }

    /// Records the terminal page's outcome if still pending; returns whether it changed.
    pub fn s4_terminal(&self, id: &str, outcome: &str) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let now = now_ms();
        let changed = conn.execute(
            "UPDATE s4_orders SET terminal_state = ?1, updated_ms = ?2
             WHERE id = ?3 AND terminal_state = 'pending' AND status = 'InProgress'",
            params![outcome, now, id],
        )?;
        if changed == 1 {
            conn.execute(
                "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('s4', ?1, ?2, ?3)",
                params![id, now, format!("terminal:{outcome}")],
            )?;
        }
        Ok(changed == 1)
    }

    /// Moves an S4 order from `InProgress` to `to`, filling the ids a completed order gets.
    pub fn s4_finish(
        &self,
        id: &str,
        to: &str,
        subscriber_id: Option<&str>,
        subscription_id: Option<&str>,
        payment_agreement_id: Option<&str>,
    ) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let now = now_ms();
        let changed = conn.execute(
            "UPDATE s4_orders SET status = ?1, updated_ms = ?2,
                 subscriber_id = COALESCE(?3, subscriber_id),
                 subscription_id = COALESCE(?4, subscription_id),
                 payment_agreement_id = COALESCE(?5, payment_agreement_id)
             WHERE id = ?6 AND status = 'InProgress'",
            params![
                to,
                now,
                subscriber_id,
                subscription_id,
                payment_agreement_id,
                id
            ],
        )?;
        if changed == 1 {
            conn.execute(
                "INSERT INTO order_events (api, order_id, at_ms, event) VALUES ('s4', ?1, ?2, ?3)",
                params![id, now, to],
            )?;
        }
        Ok(changed == 1)
    }

    fn events(conn: &Connection, api: &str, order_id: &str) -> rusqlite::Result<Vec<Value>> {
        let mut stmt = conn.prepare(
            "SELECT at_ms, event FROM order_events WHERE api = ?1 AND order_id = ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![api, order_id], |r| {
            Ok(json!({"at": r.get::<_, i64>(0)?, "event": r.get::<_, String>(1)?}))
        })?;
        rows.collect()
    }

    /// Every order of both vendors as received, with state and timestamps (the test oracle).
    pub fn admin_orders(&self) -> rusqlite::Result<Vec<Value>> {
        let conn = self.conn();
        let mut out = Vec::new();
        let orders: Vec<OrderRow> = {
            let mut stmt = conn.prepare(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders ORDER BY order_id"
            ))?;
            let rows = stmt.query_map([], order_from_row)?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for o in orders {
            let events = Self::events(&conn, "connectid", &o.order_id.to_string())?;
            out.push(json!({
                "api": "connectid",
                "orderId": o.order_id,
                "clientId": o.client_id,
                "mode": o.mode,
                "externalOrderId": o.external_order_id,
                "state": o.state,
                "paymentMethod": o.payment_method,
                "prepaid": o.prepaid,
                "amount": crate::util::money_json(o.amount_cents),
                "currency": o.currency,
                "uniqueUserId": o.unique_user_id,
                "assignment": o.assignment.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()),
                "body": serde_json::from_str::<Value>(&o.body).unwrap_or(Value::Null),
                "rawBody": o.body,
                "createdAt": o.created_ms,
                "updatedAt": o.updated_ms,
                "events": events,
            }));
        }
        let s4: Vec<S4OrderRow> = {
            let mut stmt = conn.prepare(&format!(
                "SELECT {S4_COLUMNS} FROM s4_orders ORDER BY created_ms, rowid"
            ))?;
            let rows = stmt.query_map([], s4_from_row)?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for o in s4 {
            let events = Self::events(&conn, "s4", &o.id)?;
            out.push(json!({
                "api": "s4",
                "orderId": o.id,
                "clientId": o.client_id,
                "tenantId": o.tenant_id,
                "state": o.status,
                "terminalState": o.terminal_state,
                "paymentMethod": o.payment_method,
                "price": crate::util::money_json(o.price_cents),
                "templatePackageId": o.template_package_id,
                "body": serde_json::from_str::<Value>(&o.body).unwrap_or(Value::Null),
                "rawBody": o.body,
                "createdAt": o.created_ms,
                "updatedAt": o.updated_ms,
                "events": events,
            }));
        }
        Ok(out)
    }

    /// Every started subscription.
    pub fn admin_subscriptions(&self) -> rusqlite::Result<Vec<Value>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, client_id, unique_user_id, body, created_ms FROM subscriptions ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let body: String = r.get(3)?;
            Ok(json!({
                "id": r.get::<_, i64>(0)?,
                "clientId": r.get::<_, String>(1)?,
                "uniqueUserId": r.get::<_, String>(2)?,
                "body": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
                "createdAt": r.get::<_, i64>(4)?,
            }))
        })?;
        rows.collect()
    }

    /// Forgets every order, subscription, code and user the sandbox created. Tokens and seed users
    /// stay, so a running gateway keeps working across a reset; order ids keep counting up so a
    /// stale id from before the reset can never name a new order.
    pub fn reset(&self) -> rusqlite::Result<()> {
        self.conn().execute_batch(
            "BEGIN;
             DELETE FROM orders; DELETE FROM s4_orders; DELETE FROM order_events;
             DELETE FROM subscriptions; DELETE FROM auth_codes; DELETE FROM users WHERE seeded = 0;
             COMMIT;",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_order(ext: Option<&str>, body: &str) -> NewOrder {
        NewOrder {
            client_id: "c".into(),
            mode: "client",
            unique_user_id: None,
            external_order_id: ext.map(String::from),
            body: body.into(),
            payment_method: "invoice".into(),
            prepaid: false,
            amount_cents: 100,
            currency: Some("NOK".into()),
            customer_number: None,
        }
    }

    #[test]
    fn dedupes_on_external_order_id() {
        let store = Store::open(None).unwrap();
        let a = store
            .insert_order(&new_order(Some("e1"), r#"{"a":1}"#))
            .unwrap();
        let InsertOutcome::Created(id) = a else {
            panic!("{a:?}")
        };
        // Same JSON, different whitespace: the same order.
        assert_eq!(
            store
                .insert_order(&new_order(Some("e1"), r#"{ "a" : 1 }"#))
                .unwrap(),
            InsertOutcome::Duplicate(id)
        );
        assert_eq!(
            store
                .insert_order(&new_order(Some("e1"), r#"{"a":2}"#))
                .unwrap(),
            InsertOutcome::Conflict(id)
        );
        assert!(matches!(
            store.insert_order(&new_order(None, r#"{"a":1}"#)).unwrap(),
            InsertOutcome::Created(other) if other != id
        ));
    }

    #[test]
    fn transitions_only_from_the_expected_state() {
        let store = Store::open(None).unwrap();
        let InsertOutcome::Created(id) = store.insert_order(&new_order(None, "{}")).unwrap() else {
            panic!()
        };
        assert!(store.transition(id, "preliminary", "completed").unwrap());
        assert!(!store.transition(id, "preliminary", "cancelled").unwrap());
        assert_eq!(store.order(id).unwrap().unwrap().state, "completed");
    }
}
