//! What a reader's access is made of: her completed orders and the subscriptions started for her.
//! The access check (`/v1/customer/access`) reads the products out of their bodies.

use super::*;

/// Something a reader bought: a completed order or a started subscription, with its body as received.
#[derive(Debug, Clone)]
pub struct Purchase {
    /// `order` or `subscription`.
    pub source: &'static str,
    /// The order id or the subscription id.
    pub id: i64,
    /// The request body as received.
    pub body: Value,
}

impl Store {
    /// The user's completed orders (user-mode orders, and client-mode orders assigned to her),
    /// then her started subscriptions, each oldest first. Only a completed order counts: an
    /// unpaid or cancelled one gives no access.
    pub fn purchases(&self, unique_user_id: &str) -> rusqlite::Result<Vec<Purchase>> {
        let conn = self.conn();
        let mut out = collect(
            &conn,
            "order",
            "SELECT order_id, body FROM orders WHERE unique_user_id = ?1 AND state = ?2 ORDER BY order_id",
            params![unique_user_id, OrderState::Completed],
        )?;
        out.extend(collect(
            &conn,
            "subscription",
            "SELECT id, body FROM subscriptions WHERE unique_user_id = ?1 ORDER BY id",
            params![unique_user_id],
        )?);
        Ok(out)
    }
}

fn collect(
    conn: &Connection,
    source: &'static str,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<Purchase>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(args, |r| {
        let body: String = r.get(1)?;
        Ok(Purchase {
            source,
            id: r.get(0)?,
            body: serde_json::from_str(&body).unwrap_or(Value::Null),
        })
    })?;
    rows.collect()
}
