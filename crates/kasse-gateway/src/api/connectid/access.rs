//! Access the gateway gives by itself: a reader who was not logged in gets access through assign
//! user, asked for by the tab the order was made in. When the payment page's return opens in
//! another browser (a bank or Vipps app hands back to the phone's default one), that tab never
//! asks, and the reader would have paid for nothing. So the payer's credential is kept sealed at
//! registration, and the housekeeping checks such orders on kasse-core's schedule
//! (`lifecycle::next_access_check`), taking the same steps as the reader's request: the vendor's
//! status is the proof of payment, and the access goes only to the payer's own credential.

use kasse_core::lifecycle::{access_check, next_access_check, AccessCheck};

use super::*;
use crate::ledger::PendingAccess;

/// Orders checked per housekeeping pass (one a minute), at most two vendor calls each: a bound
/// well inside ConnectID's documented 2000 calls a minute per client.
const CHECKS_PER_PASS: i64 = 100;

/// What a seal of order `order_id`'s credential is bound to: it opens for no other order.
fn bound_to(order_id: i64) -> String {
    format!("connectid-order:{order_id}")
}

/// Keeps the payer's credential of a newly registered `order`, sealed, when its route gives
/// access through assign user and the publisher allows it (`assign_user.unasked`). A failure is
/// logged: the reader's own tab still asks as before.
pub(super) async fn keep_for_access(state: &Shared, order: &ClientOrder, route: Route, order_id: i64, now: i64) {
    let unasked = state.settings.connectid.as_ref().is_some_and(|c| c.assign_user.unasked);
    let (Some(credential), Some(first)) = (order.payer.credential(), next_access_check(now, 0)) else {
        return;
    };
    if !unasked || !route.assigns_user() {
        return;
    }
    let row = PendingAccess {
        order_id: order_id.to_string(),
        sealed_credential: state.access_sealer.seal(&bound_to(order_id), credential.as_bytes()),
        checks: 0,
        created_ms: now,
    };
    if let Err(e) = state.pending.pending_put(&row, first).await {
        tracing::error!(order_id, error = %e, "the credential for an unasked access was not kept");
    }
}

/// Forgets order `order_id`'s kept credential: its access is given.
pub(super) async fn forget_credential(state: &Shared, order_id: i64) {
    if let Err(e) = state.pending.pending_drop(&order_id.to_string()).await {
        tracing::warn!(order_id, error = %e, "a kept credential was not forgotten; its checks end it");
    }
}

/// Checks the orders awaiting their access whose check is due at `now_ms` (at most
/// [`CHECKS_PER_PASS`]), giving access where the vendor reports the order paid. Returns how many
/// were given access. The gateway's housekeeping calls it every minute.
pub async fn give_due_access(state: &Shared, now_ms: i64) -> usize {
    let Some(cid) = state.connectid.as_ref() else {
        return 0;
    };
    if !state.settings.connectid.as_ref().is_some_and(|c| c.assign_user.unasked) {
        // Turned off since the credentials were kept: none is kept any longer.
        if let Ok(gone @ 1..) = state.pending.pending_drop_all().await {
            tracing::info!(rows = gone, "kept credentials forgotten: assign_user.unasked is off");
        }
        return 0;
    }
    let due = match state.pending.pending_due(now_ms, CHECKS_PER_PASS).await {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "orders awaiting access not read; tried again next minute");
            return 0;
        }
    };
    let mut given = 0;
    for row in due {
        match check(state, cid, &row, now_ms).await {
            Checked::Given => given += 1,
            // The vendor is down or busy: the other orders wait for the next pass.
            Checked::Unavailable => break,
            Checked::Nothing | Checked::Again => {}
        }
    }
    given
}

/// How long a check holds its order: no other instance takes the order's next check before
/// (a backlog's next check may be due at once).
const CHECK_LEASE_MS: i64 = 2 * 60_000;

/// What one check came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checked {
    /// The access is given.
    Given,
    /// Nothing left to give (given already, an order that ended, a seal or credential that does
    /// not hold, a refusal for good).
    Nothing,
    /// Not yet (not completed, not paid): the next check on the schedule.
    Again,
    /// The vendor did not answer, or asked to wait: the next check on the schedule, and the pass
    /// stops.
    Unavailable,
}

/// Takes `row`'s due check (unless another instance did), then forgets the credential when the
/// check settled the order or was its last.
async fn check(state: &Shared, cid: &crate::upstream::Vendor, row: &PendingAccess, now_ms: i64) -> Checked {
    let next = next_access_check(row.created_ms, usize::try_from(row.checks + 1).unwrap_or(usize::MAX));
    let hold = next.map_or(i64::MAX, |next| next.max(now_ms + CHECK_LEASE_MS));
    match state.pending.pending_take(row, hold).await {
        Ok(true) => {}
        Ok(false) => return Checked::Nothing, // another gateway instance takes this check
        Err(e) => {
            tracing::warn!(order_id = %row.order_id, error = %e, "an access check was not taken");
            return Checked::Unavailable;
        }
    }
    let checked = give(state, cid, row).await;
    let settled = matches!(checked, Checked::Given | Checked::Nothing);
    if settled || next.is_none() {
        if !settled {
            tracing::warn!(order_id = %row.order_id, "no access given within the order's checks; the credential is forgotten");
        }
        if let Err(e) = state.pending.pending_drop(&row.order_id).await {
            tracing::warn!(order_id = %row.order_id, error = %e, "a kept credential was not forgotten; the pruner ends it");
        }
    }
    checked
}

/// One check of `row`'s order: what the lifecycle allows, with the sealed credential, which must
/// still be one the order allows (as for the reader's own request).
async fn give(state: &Shared, cid: &crate::upstream::Vendor, row: &PendingAccess) -> Checked {
    let Ok(order_id) = row.order_id.parse::<i64>() else {
        return Checked::Nothing;
    };
    let mut record = match state.ledger.find(Backend::ConnectId, &row.order_id).await {
        Ok(Some(record)) => record,
        Ok(None) => return Checked::Nothing,
        Err(_) => return Checked::Unavailable,
    };
    let effects = match access_check(record.route, record.state) {
        AccessCheck::Forget => return Checked::Nothing,
        AccessCheck::Wait => return Checked::Again,
        AccessCheck::Assign(effects) => effects,
    };
    let opened = state.access_sealer.open(&bound_to(order_id), &row.sealed_credential);
    let Some(credential) = opened.and_then(|plain| String::from_utf8(plain).ok()) else {
        tracing::error!(
            order_id,
            "a kept credential does not open (the order-token secret changed?)"
        );
        return Checked::Nothing;
    };
    let request = steps::assign_user_request(state, credential);
    let valid = kasse_core::connectid::validate_assign_user(&request).is_ok();
    if !valid || !may_claim(&record.credentials, &request.credential) {
        tracing::error!(order_id, "a kept credential is not one the order allows; not assigned");
        return Checked::Nothing;
    }
    match steps::assign_at_vendor(state, cid, &mut record, order_id, effects, &request).await {
        Ok(answer) => {
            tracing::info!(
                order_id,
                new_user = answer.is_new_user,
                "access given to a reader who did not ask"
            );
            Checked::Given
        }
        Err(e) if e.body.code == "payment_pending" => Checked::Again,
        Err(e) if e.status.as_u16() == 429 || e.status.is_server_error() => {
            tracing::info!(order_id, code = %e.body.code, "access not given yet: the vendor is unavailable");
            Checked::Unavailable
        }
        Err(e) => {
            tracing::warn!(order_id, code = %e.body.code, "the vendor refused the access; customer service must give it");
            Checked::Nothing
        }
    }
}
