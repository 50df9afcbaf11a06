//! Marketing consent events, kept as registered: the vendor's consent history and the
//! `/__sandbox/consents` oracle read them back.

use super::*;

/// A consent event to store (the fields of ConnectID's consentEvent, resolved to one consent).
#[derive(Debug, Clone)]
pub struct NewConsentEvent {
    /// Client that registered it.
    pub client_id: String,
    /// The consent's issuer.
    pub issuer: String,
    /// `consentId`.
    pub consent_id: String,
    /// `subject`.
    pub subject: String,
    /// `subjectType`.
    pub subject_type: String,
    /// `source`.
    pub source: String,
    /// `action`: true = given, false = withdrawn.
    pub action: bool,
    /// `eventTime`, epoch ms.
    pub event_time: i64,
    /// `data`, base64, as received.
    pub data: Option<String>,
}

/// A stored consent event.
#[derive(Debug, Clone)]
pub struct ConsentEventRow {
    /// `consentEventId`.
    pub id: i64,
    /// What was registered.
    pub event: NewConsentEvent,
    /// When the sandbox stored it, epoch ms (`created`).
    pub created_ms: i64,
}

const COLUMNS: &str = "consent_event_id, client_id, issuer, consent_id, subject, subject_type, source, \
     action, event_time, data, created_ms";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentEventRow> {
    Ok(ConsentEventRow {
        id: r.get(0)?,
        event: NewConsentEvent {
            client_id: r.get(1)?,
            issuer: r.get(2)?,
            consent_id: r.get(3)?,
            subject: r.get(4)?,
            subject_type: r.get(5)?,
            source: r.get(6)?,
            action: r.get(7)?,
            event_time: r.get(8)?,
            data: r.get(9)?,
        },
        created_ms: r.get(10)?,
    })
}

impl Store {
    /// Stores a consent event; returns it as stored.
    pub fn insert_consent_event(&self, e: &NewConsentEvent) -> rusqlite::Result<ConsentEventRow> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            "INSERT INTO consent_events (client_id, issuer, consent_id, subject, subject_type, source,
                 action, event_time, data, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.client_id,
                e.issuer,
                e.consent_id,
                e.subject,
                e.subject_type,
                e.source,
                e.action,
                e.event_time,
                e.data,
                now
            ],
        )?;
        Ok(ConsentEventRow {
            id: conn.last_insert_rowid(),
            event: e.clone(),
            created_ms: now,
        })
    }

    /// The events of one subject under one issuer, oldest first.
    pub fn consent_history(
        &self,
        issuer: &str,
        subject_type: &str,
        subject: &str,
    ) -> rusqlite::Result<Vec<ConsentEventRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consent_events
             WHERE issuer = ?1 AND subject_type = ?2 AND subject = ?3 ORDER BY consent_event_id"
        ))?;
        let rows = stmt.query_map(params![issuer, subject_type, subject], from_row)?;
        rows.collect()
    }

    /// Every consent event, oldest first (`/__sandbox/consents`).
    pub fn all_consent_events(&self) -> rusqlite::Result<Vec<ConsentEventRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consent_events ORDER BY consent_event_id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect()
    }
}
