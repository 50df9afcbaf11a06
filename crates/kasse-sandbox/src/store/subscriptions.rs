//! Subscriptions started by logged-in readers (ConnectID's start subscription), kept as received.

use super::*;

impl Store {
    /// Stores a started subscription; returns its id.
    pub fn insert_subscription(&self, client_id: &str, user_id: &str, body: &str) -> rusqlite::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO subscriptions (client_id, unique_user_id, body, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![client_id, user_id, body, now_ms()],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Every started subscription (`/__sandbox/subscriptions`).
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
