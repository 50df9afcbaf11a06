//! S4 subscribers, as `POST /subscriber` makes them. Nothing here refuses a second subscriber
//! with the same external id (S4's documentation does not say it would): the oracle must be able
//! to see a client that creates twice.

use super::*;

/// An S4 subscriber.
#[derive(Debug, Clone, PartialEq)]
pub struct S4Subscriber {
    /// GUID.
    pub id: String,
    /// Tenant.
    pub tenant_id: String,
    /// The client that made it.
    pub client_id: String,
    /// The shop's own id for the subscriber.
    pub external_id: Option<String>,
    /// Subscriber number.
    pub subscriber_number: Option<String>,
    /// The contact, as sent (JSON).
    pub contact: Value,
    /// Created, epoch ms.
    pub created_ms: i64,
}

fn subscriber_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<S4Subscriber> {
    let contact: String = row.get(5)?;
    Ok(S4Subscriber {
        id: row.get(0)?,
        tenant_id: row.get(1)?,
        client_id: row.get(2)?,
        external_id: row.get(3)?,
        subscriber_number: row.get(4)?,
        contact: serde_json::from_str(&contact).unwrap_or(Value::Null),
        created_ms: row.get(6)?,
    })
}

const COLUMNS: &str = "id, tenant_id, client_id, external_id, subscriber_number, contact, created_ms";

impl Store {
    /// Stores a new subscriber.
    pub fn insert_s4_subscriber(&self, s: &S4Subscriber) -> rusqlite::Result<()> {
        self.conn().execute(
            &format!("INSERT INTO s4_subscribers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            params![
                s.id,
                s.tenant_id,
                s.client_id,
                s.external_id,
                s.subscriber_number,
                s.contact.to_string(),
                s.created_ms
            ],
        )?;
        Ok(())
    }

    /// The tenant's subscribers with `external_id`, oldest first.
    pub fn s4_subscribers_by_external_id(
        &self,
        tenant_id: &str,
        external_id: &str,
    ) -> rusqlite::Result<Vec<S4Subscriber>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM s4_subscribers WHERE tenant_id = ?1 AND external_id = ?2 ORDER BY created_ms, id"
        ))?;
        let rows = stmt.query_map(params![tenant_id, external_id], subscriber_of)?;
        rows.collect()
    }

    /// Every subscriber, oldest first (the admin view).
    pub fn all_s4_subscribers(&self) -> rusqlite::Result<Vec<S4Subscriber>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM s4_subscribers ORDER BY created_ms, id"))?;
        let rows = stmt.query_map([], subscriber_of)?;
        rows.collect()
    }
}
