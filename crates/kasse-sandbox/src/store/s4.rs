//! S4 orders: created `InProgress`, finished once (completed or cancelled), and the terminal
//! page's decision recorded beside the status.

use super::*;

/// An S4 order to insert.
#[derive(Debug, Clone)]
pub struct NewS4Order {
    /// Order GUID.
    pub id: String,
    /// Client.
    pub client_id: String,
    /// Tenant.
    pub tenant_id: String,
    /// Raw body.
    pub body: String,
    /// Payment method of `paymentAgreementParameters`, if any.
    pub payment_method: Option<String>,
    /// Whether the reader must visit the terminal page.
    pub interactive: bool,
    /// Price in minor units.
    pub price_cents: i64,
    /// Template package.
    pub template_package_id: String,
    /// Organization (explicit or the tenant's default).
    pub organization_id: String,
    /// `subscriberId` from the body.
    pub subscriber_id: Option<String>,
    /// `paymentAgreementId` from the body.
    pub payment_agreement_id: Option<String>,
}

/// A stored S4 order.
#[derive(Debug, Clone)]
pub struct S4OrderRow {
    /// Order GUID.
    pub id: String,
    /// Client.
    pub client_id: String,
    /// Tenant.
    pub tenant_id: String,
    /// Raw body.
    pub body: String,
    /// `status`.
    pub status: S4Status,
    /// Payment method.
    pub payment_method: Option<String>,
    /// Whether the reader must visit the terminal page.
    pub interactive: bool,
    /// The terminal page's outcome.
    pub terminal_state: TerminalState,
    /// Price in minor units.
    pub price_cents: i64,
    /// Template package.
    pub template_package_id: String,
    /// Organization.
    pub organization_id: String,
    /// Subscriber.
    pub subscriber_id: Option<String>,
    /// Subscription (after completion).
    pub subscription_id: Option<String>,
    /// Payment agreement.
    pub payment_agreement_id: Option<String>,
    /// Created, epoch ms.
    pub created_ms: i64,
    /// Last change, epoch ms.
    pub updated_ms: i64,
}

pub(super) const S4_COLUMNS: &str = "id, client_id, tenant_id, body, status, payment_method, interactive, \
     terminal_state, price_cents, template_package_id, organization_id, subscriber_id, \
     subscription_id, payment_agreement_id, created_ms, updated_ms";

pub(super) fn s4_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<S4OrderRow> {
    Ok(S4OrderRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        tenant_id: r.get(2)?,
        body: r.get(3)?,
        status: r.get(4)?,
        payment_method: r.get(5)?,
        interactive: r.get(6)?,
        terminal_state: r.get(7)?,
        price_cents: r.get(8)?,
        template_package_id: r.get(9)?,
        organization_id: r.get(10)?,
        subscriber_id: r.get(11)?,
        subscription_id: r.get(12)?,
        payment_agreement_id: r.get(13)?,
        created_ms: r.get(14)?,
        updated_ms: r.get(15)?,
    })
}

impl Store {
    /// Inserts an S4 order (status `InProgress`).
    pub fn insert_s4_order(&self, new: &NewS4Order) -> rusqlite::Result<()> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            &format!(
                "INSERT INTO s4_orders ({S4_COLUMNS}) VALUES
                 (?1, ?2, ?3, ?4, ?13, ?5, ?6, ?14, ?7, ?8, ?9, ?10, NULL, ?11, ?12, ?12)"
            ),
            params![
                new.id,
                new.client_id,
                new.tenant_id,
                new.body,
                new.payment_method,
                new.interactive,
                new.price_cents,
                new.template_package_id,
                new.organization_id,
                new.subscriber_id,
                new.payment_agreement_id,
                now,
                S4Status::InProgress,
                TerminalState::Pending
            ],
        )?;
        record_event(&conn, api::S4, &new.id, now, &S4Status::InProgress)
    }

    /// An S4 order by id.
    pub fn s4_order(&self, id: &str) -> rusqlite::Result<Option<S4OrderRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {S4_COLUMNS} FROM s4_orders WHERE id = ?1"),
                params![id.to_lowercase()],
                s4_from_row,
            )
            .optional()
    }

    /// Records the terminal page's outcome if still pending; returns whether it changed.
    pub fn s4_terminal(&self, id: &str, outcome: TerminalState) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let now = now_ms();
        let changed = conn.execute(
            "UPDATE s4_orders SET terminal_state = ?1, updated_ms = ?2
             WHERE id = ?3 AND terminal_state = ?4 AND status = ?5",
            params![outcome, now, id, TerminalState::Pending, S4Status::InProgress],
        )?;
        if changed == 1 {
            record_event(&conn, api::S4, id, now, &format!("terminal:{}", outcome.as_str()))?;
        }
        Ok(changed == 1)
    }

    /// Moves an S4 order from `InProgress` to `to`, filling the ids a completed order gets.
    pub fn s4_finish(
        &self,
        id: &str,
        to: S4Status,
        subscriber_id: Option<&str>,
        subscription_id: Option<&str>,
        payment_agreement_id: Option<&str>,
    ) -> rusqlite::Result<bool> {
        let conn = self.conn();
        let now = now_ms();
        let changed = conn.execute(
            "UPDATE s4_orders SET status = ?1, updated_ms = ?2,
                 subscriber_id = COALESCE(?3, subscriber_id),
                 subscription_id = COALESCE(?4, subscription_id),
                 payment_agreement_id = COALESCE(?5, payment_agreement_id)
             WHERE id = ?6 AND status = ?7",
            params![
                to,
                now,
                subscriber_id,
                subscription_id,
                payment_agreement_id,
                id,
                S4Status::InProgress
            ],
        )?;
        if changed == 1 {
            record_event(&conn, api::S4, id, now, &to)?;
        }
        Ok(changed == 1)
    }
}
