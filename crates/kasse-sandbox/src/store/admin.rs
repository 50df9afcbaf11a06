//! What `/__sandbox/orders` shows: every order of both vendors as received, with its history.

use super::events::events_of;
use super::*;
use crate::util::money_json;

impl Store {
    /// Every order of both vendors as received, with state and timestamps (the test oracle).
    pub fn admin_orders(&self) -> rusqlite::Result<Vec<Value>> {
        let conn = self.conn();
        let mut out = connectid_views(&conn)?;
        out.extend(s4_views(&conn)?);
        Ok(out)
    }
}

fn connectid_views(conn: &Connection) -> rusqlite::Result<Vec<Value>> {
    let orders: Vec<OrderRow> = {
        let mut stmt = conn.prepare(&format!("SELECT {ORDER_COLUMNS} FROM orders ORDER BY order_id"))?;
        let rows = stmt.query_map([], order_from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let view = |o: OrderRow| -> rusqlite::Result<Value> {
        Ok(json!({
            "api": api::CONNECTID,
            "orderId": o.order_id,
            "clientId": o.client_id,
            "mode": o.mode,
            "externalOrderId": o.external_order_id,
            "state": o.state,
            "paymentMethod": o.payment_method,
            "prepaid": o.prepaid,
            "amount": money_json(o.amount_cents),
            "currency": o.currency,
            "uniqueUserId": o.unique_user_id,
            "assignment": o.assignment.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()),
            "body": serde_json::from_str::<Value>(&o.body).unwrap_or(Value::Null),
            "rawBody": o.body,
            "createdAt": o.created_ms,
            "updatedAt": o.updated_ms,
            "events": events_of(conn, api::CONNECTID, &o.order_id.to_string())?,
        }))
    };
    orders.into_iter().map(view).collect()
}

fn s4_views(conn: &Connection) -> rusqlite::Result<Vec<Value>> {
    let orders: Vec<S4OrderRow> = {
        let mut stmt = conn.prepare(&format!(
            "SELECT {S4_COLUMNS} FROM s4_orders ORDER BY created_ms, rowid"
        ))?;
        let rows = stmt.query_map([], s4_from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let view = |o: S4OrderRow| -> rusqlite::Result<Value> {
        Ok(json!({
            "api": api::S4,
            "orderId": o.id,
            "clientId": o.client_id,
            "tenantId": o.tenant_id,
            "state": o.status,
            "terminalState": o.terminal_state,
            "paymentMethod": o.payment_method,
            "price": money_json(o.price_cents),
            "templatePackageId": o.template_package_id,
            "body": serde_json::from_str::<Value>(&o.body).unwrap_or(Value::Null),
            "rawBody": o.body,
            "createdAt": o.created_ms,
            "updatedAt": o.updated_ms,
            "events": events_of(conn, api::S4, &o.id)?,
        }))
    };
    orders.into_iter().map(view).collect()
}
