//! ConnectID orders: deduplicated on the client's `externalOrderId`, moved between states only
//! from the state the caller expects.

use super::*;

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
    /// `orderStatus`.
    pub state: OrderState,
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

pub(super) const ORDER_COLUMNS: &str = "order_id, client_id, mode, unique_user_id, external_order_id, body, \
     state, payment_method, prepaid, amount_cents, currency, customer_number, assignment, \
     created_ms, updated_ms";

pub(super) fn order_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
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

impl Store {
    /// Inserts an order, deduplicating on (client, externalOrderId) in the same lock so that two
    /// concurrent retries cannot both create an order.
    pub fn insert_order(&self, new: &NewOrder) -> rusqlite::Result<InsertOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(ext) = &new.external_order_id {
            if let Some(outcome) = replayed_order(&tx, new, ext)? {
                tx.commit()?;
                return Ok(outcome);
            }
        }
        let id = insert_new_order(&tx, new)?;
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
    pub fn transition(&self, order_id: i64, from: OrderState, to: OrderState) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let now = now_ms();
        let changed = conn.execute(
            "UPDATE orders SET state = ?1, updated_ms = ?2 WHERE order_id = ?3 AND state = ?4",
            params![to, now, order_id, from],
        )?;
        if changed == 1 {
            record_event(&conn, api::CONNECTID, &order_id.to_string(), now, &to)?;
        }
        Ok(changed == 1)
    }

    /// Stores the assign-user answer on an order.
    pub fn assign(&self, order_id: i64, user_id: &str, answer: &Value) -> rusqlite::Result<()> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            "UPDATE orders SET unique_user_id = ?1, assignment = ?2, updated_ms = ?3 WHERE order_id = ?4",
            params![user_id, answer.to_string(), now, order_id],
        )?;
        let event = format!("assigned:{user_id}");
        record_event(&conn, api::CONNECTID, &order_id.to_string(), now, &event)
    }
}

/// The order an earlier request registered under the same `externalOrderId`: the same body (as
/// JSON, whitespace aside) is a replay of it, another body a conflict. Either is recorded.
fn replayed_order(conn: &Connection, new: &NewOrder, ext: &str) -> rusqlite::Result<Option<InsertOutcome>> {
    let existing: Option<(i64, String)> = conn
        .query_row(
            "SELECT order_id, body FROM orders WHERE client_id = ?1 AND external_order_id = ?2",
            params![new.client_id, ext],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, body)) = existing else {
        return Ok(None);
    };
    let (outcome, event) = if same_json(&body, &new.body) {
        (InsertOutcome::Duplicate(id), "duplicate-accepted")
    } else {
        (InsertOutcome::Conflict(id), "duplicate-rejected")
    };
    record_event(conn, api::CONNECTID, &id.to_string(), now_ms(), &event)?;
    Ok(Some(outcome))
}

/// A new order, `preliminary` until fulfilled.
fn insert_new_order(conn: &Connection, new: &NewOrder) -> rusqlite::Result<i64> {
    let now = now_ms();
    conn.execute(
        "INSERT INTO orders (client_id, mode, unique_user_id, external_order_id, body, state,
             payment_method, prepaid, amount_cents, currency, customer_number, created_ms, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?12, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
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
            now,
            OrderState::Preliminary
        ],
    )?;
    let id = conn.last_insert_rowid();
    record_event(conn, api::CONNECTID, &id.to_string(), now, &OrderState::Preliminary)?;
    Ok(id)
}

fn same_json(a: &str, b: &str) -> bool {
    match (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
