//! The history of every order of both vendors (`order_events`): states entered, dedupe decisions,
//! assignments, callback outcomes. `/__sandbox/orders` shows it with each order.

use super::*;
use rusqlite::ToSql;

/// Which vendor's order an event belongs to (also the `api` of `/__sandbox/orders`).
pub mod api {
    /// ConnectID orders (`orderId` is the integer id).
    pub const CONNECTID: &str = "connectid";
    /// S4 orders (the order GUID).
    pub const S4: &str = "s4";
}

/// Appends an event inside the caller's statement sequence (and transaction, if any).
pub(super) fn record_event(
    conn: &Connection,
    api: &str,
    order_id: &str,
    at_ms: i64,
    event: &dyn ToSql,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO order_events (api, order_id, at_ms, event) VALUES (?1, ?2, ?3, ?4)",
        params![api, order_id, at_ms, event],
    )?;
    Ok(())
}

/// An order's events, oldest first, as `{at, event}`.
pub(super) fn events_of(conn: &Connection, api: &str, order_id: &str) -> rusqlite::Result<Vec<Value>> {
    let mut stmt =
        conn.prepare("SELECT at_ms, event FROM order_events WHERE api = ?1 AND order_id = ?2 ORDER BY rowid")?;
    let rows = stmt.query_map(params![api, order_id], |r| {
        Ok(json!({"at": r.get::<_, i64>(0)?, "event": r.get::<_, String>(1)?}))
    })?;
    rows.collect()
}

impl Store {
    /// Records an event (callback outcome, …) on an order's history.
    pub fn event(&self, api: &str, order_id: &str, event: &str) -> rusqlite::Result<()> {
        record_event(&self.conn(), api, order_id, now_ms(), &event)
    }
}
