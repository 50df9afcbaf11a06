//! What `/__sandbox/orders` shows: every order of both vendors as received, with its history.

use super::*;

impl Store {
    fn events(conn: &Connection, api: &str, order_id: &str) -> rusqlite::Result<Vec<Value>> {
        let mut stmt =
            conn.prepare("SELECT at_ms, event FROM order_events WHERE api = ?1 AND order_id = ?2 ORDER BY rowid")?;
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
            let mut stmt = conn.prepare(&format!("SELECT {ORDER_COLUMNS} FROM orders ORDER BY order_id"))?;
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
        let mut stmt =
            conn.prepare("SELECT id, client_id, unique_user_id, body, created_ms FROM subscriptions ORDER BY id")?;
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
}
