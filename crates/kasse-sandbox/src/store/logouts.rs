//! Logouts through the hosted logout page. The sandbox has no browser session to end, so a logout
//! is only recorded: a test can see that the reader was sent there, and where back to.

use super::*;

impl Store {
    /// Records a logout of a client's reader.
    pub fn insert_logout(&self, client_id: &str, return_url: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO logouts (client_id, return_url, at_ms) VALUES (?1, ?2, ?3)",
            params![client_id, return_url, now_ms()],
        )?;
        Ok(())
    }

    /// Every logout, oldest first (`/__sandbox/logouts`).
    pub fn admin_logouts(&self) -> rusqlite::Result<Vec<Value>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT client_id, return_url, at_ms FROM logouts ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(json!({
                "clientId": r.get::<_, String>(0)?,
                "returnUrl": r.get::<_, String>(1)?,
                "at": r.get::<_, i64>(2)?,
            }))
        })?;
        rows.collect()
    }
}
