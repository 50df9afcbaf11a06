//! SQLite storage, one file per table group: ConnectID orders, S4 orders and subscribers, their shared event
//! history, tokens, authorization codes, users and started subscriptions, what a reader has access to,
//! consent events and logouts, plus the admin views.
//! One connection behind a mutex: a sandbox sees a handful of requests per second, and holding the
//! lock for one statement is far below a millisecond.
//!
//! Never hold the lock across an `.await`: every method here is synchronous and short.

mod access;
mod admin;
mod codes;
mod consents;
mod events;
mod logouts;
mod orders;
mod s4;
mod s4_subscribers;
mod schema;
mod subscriptions;
mod tokens;
mod users;

use crate::seed::User;
use crate::state::{OrderState, S4Status, TerminalState};
use crate::util::now_ms;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub use access::*;
pub use codes::*;
pub use consents::*;
pub use events::api;
pub use orders::*;
pub use s4::*;
pub use s4_subscribers::*;
pub use tokens::*;
pub use users::*;

use events::record_event;
use schema::SCHEMA;

/// The sandbox database.
pub struct Store {
    conn: Mutex<Connection>,
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
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each call is one statement or
        // one transaction), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets every order, subscription, code, user, consent event and logout the sandbox created.
    /// Tokens and seed users stay, so a running gateway keeps working across a reset; order ids keep
    /// counting up so a stale id from before the reset can never name a new order.
    pub fn reset(&self) -> rusqlite::Result<()> {
        self.conn().execute_batch(
            "BEGIN;
             DELETE FROM orders; DELETE FROM s4_orders; DELETE FROM s4_subscribers; DELETE FROM order_events;
             DELETE FROM subscriptions; DELETE FROM auth_codes; DELETE FROM users WHERE seeded = 0;
             DELETE FROM consent_events; DELETE FROM logouts;
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
        let a = store.insert_order(&new_order(Some("e1"), r#"{"a":1}"#)).unwrap();
        let InsertOutcome::Created(id) = a else { panic!("{a:?}") };
        // Same JSON, different whitespace: the same order.
        assert_eq!(
            store.insert_order(&new_order(Some("e1"), r#"{ "a" : 1 }"#)).unwrap(),
            InsertOutcome::Duplicate(id)
        );
        assert_eq!(
            store.insert_order(&new_order(Some("e1"), r#"{"a":2}"#)).unwrap(),
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
        assert!(store
            .transition(id, OrderState::Preliminary, OrderState::Completed)
            .unwrap());
        assert!(!store
            .transition(id, OrderState::Preliminary, OrderState::Cancelled)
            .unwrap());
        assert_eq!(store.order(id).unwrap().unwrap().state, OrderState::Completed);
    }
}
