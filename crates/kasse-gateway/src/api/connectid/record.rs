//! The order's record: written at registration, found by its token, moved along kasse-core's
//! lifecycle, and the proofs a step needs (the vendor's order status, a prepayment voucher).

use super::*;

/// A prepaid order registers only with the publisher's voucher for exactly this payment, used by
/// no other order attempt: 403 `prepayment_invalid` otherwise, before any vendor call. Returns
/// the voucher's id, now bound to attempt `key`.
pub(super) async fn check_prepayment(
    state: &Shared,
    offer: &Offer,
    order: &ClientOrder,
    key: &str,
    headers: &HeaderMap,
) -> Result<String, ApiError> {
    let invalid = |why: &str| {
        tracing::warn!(offer = %offer.id, why, "prepayment refused");
        ApiError::new(
            StatusCode::FORBIDDEN,
            "prepayment_invalid",
            "the prepayment voucher is missing or does not prove this payment",
        )
    };
    let key_of = state
        .settings
        .connectid
        .as_ref()
        .and_then(|c| c.prepayment_key.as_ref());
    let voucher = headers.get(PREPAYMENT_HEADER).and_then(|v| v.to_str().ok());
    let (Some(voucher_key), Some(voucher)) = (key_of, voucher) else {
        return Err(invalid("no voucher"));
    };
    let info = order.payment_info_pay_ex.as_ref();
    let paid = crate::prepayment::PaidOrder {
        offer: &offer.id,
        amount: order.order_amount.minor(),
        currency: &order.currency,
        transaction_id: info.and_then(|i| i.transaction_id.as_deref()).unwrap_or_default(),
        merchant_id: info.and_then(|i| i.merchant_id.as_deref()).unwrap_or_default(),
    };
    let claims =
        crate::prepayment::verify(voucher_key, voucher, &paid, now_ms() / 1000).map_err(|e| invalid(&e.to_string()))?;
    let fresh = state
        .ledger
        .claim_voucher(&claims.jti, key, claims.exp.saturating_mul(1000))
        .await?;
    if !fresh {
        return Err(invalid("voucher used by another order"));
    }
    Ok(claims.jti)
}

/// Keeps the order's record (its route, state, allowed credentials and token hash) and makes the
/// answer: the order id and its token.
pub(super) async fn record_order(state: &Shared, order: &ClientOrder, reg: Registration, order_id: i64) -> Answer {
    let (token, token_hash) = order_token::issue(&state.token_key, "connectid", &reg.key);
    let registered = ConnectIdOrderRegistered {
        order_id,
        order_token: token,
    };
    let now = now_ms();
    let record = OrderRecord {
        backend: Backend::ConnectId,
        vendor_order_id: order_id.to_string(),
        offer: reg.offer_id,
        method: order.payment_method.wire_name().to_string(),
        route: reg.route,
        amount_minor: order.order_amount.minor(),
        currency: order.currency.clone(),
        state: reg.route.initial_state(),
        idempotency_key: reg.key,
        body_hash: reg.hash,
        answer: serde_json::json!({ "orderId": order_id }).to_string(),
        credentials: order_credentials(order),
        token_hash,
        created_ms: now,
        updated_ms: now,
    };
    // The vendor deduplicates on externalOrderId: a retry after a lost answer (or a crash before
    // the answer was recorded) registers the same order again, whose record may be here already.
    let key = record.idempotency_key.clone();
    let route = record.route;
    match state.ledger.insert(record).await {
        Ok(()) => {
            access::keep_for_access(state, order, route, order_id, now).await;
            Ok(Reply::new(StatusCode::CREATED, &registered))
        }
        Err(crate::ledger::StoreError::Duplicate) => {
            let same = state.ledger.find_by_key(Backend::ConnectId, &key).await;
            match same {
                // Nothing is kept again: the first registration kept the credential (or its
                // checks are over), and this body may not be the first one's.
                Ok(Some(r)) if r.vendor_order_id == order_id.to_string() => {
                    Ok(Reply::new(StatusCode::CREATED, &registered))
                }
                // The id belongs to another attempt's record: never hand out a token for it.
                _ => {
                    tracing::error!(order_id, "the vendor answered an order id recorded for another attempt");
                    Err(ApiError::internal("the order could not be recorded"))
                }
            }
        }
        Err(e) => {
            tracing::error!(order_id, error = %e, "order registered at the vendor but not recorded");
            Err(ApiError::internal("the order could not be recorded; try again"))
        }
    }
}

/// The record of order `id`, when the request carries its token; 404 otherwise, as for an order
/// this gateway never registered (a wrong token must not tell that the order exists).
pub(in crate::api) async fn own_order(state: &Shared, id: &str, headers: &HeaderMap) -> Result<OrderRecord, ApiError> {
    let order_id = parse_order_id(id)?;
    let record = state
        .ledger
        .find(Backend::ConnectId, &order_id.to_string())
        .await?
        .ok_or_else(unknown_order)?;
    let presented = headers.get(ORDER_TOKEN_HEADER).and_then(|v| v.to_str().ok());
    if !order_token::matches(&record.token_hash, presented) {
        tracing::warn!(order_id, "order call without its token");
        return Err(unknown_order());
    }
    Ok(record)
}

/// The lifecycle's effects for `request` on `record`, or 409 `wrong_step`.
pub(super) fn effects_of(record: &OrderRecord, request: Request) -> Result<&'static [Effect], ApiError> {
    decide(record.route, record.state, request).map_err(|wrong| {
        tracing::info!(order_id = %record.vendor_order_id, state = record.state.as_str(), ?request, "refused: wrong step");
        ApiError::new(StatusCode::CONFLICT, "wrong_step", wrong.to_string())
    })
}

/// Moves the record as the vendor's `outcome` says (a lost race with another request is harmless:
/// the other request moved it the same way).
pub(super) async fn advance(state: &Shared, record: &mut OrderRecord, outcome: Outcome) {
    let Ok(t) = apply(record.route, record.state, outcome) else {
        return;
    };
    if t.state != record.state {
        let id = record.vendor_order_id.clone();
        let moved = state
            .ledger
            .transition(Backend::ConnectId, &id, record.state, t.state, now_ms())
            .await;
        if let Err(e) = moved {
            tracing::error!(order_id = %id, error = %e, "order state not recorded");
        }
        record.state = t.state;
    }
}

/// Asks the vendor whether the order is paid: the reader's return from the payment page is a hint,
/// the vendor's order status the proof. Not paid (yet) → 409 `payment_pending`.
pub(super) async fn confirm_paid(
    state: &Shared,
    cid: &crate::upstream::Vendor,
    record: &mut OrderRecord,
    order_id: i64,
) -> Result<(), ApiError> {
    let status = read_status(cid, order_id).await?;
    if reports_paid(state, &status, order_id) {
        advance(state, record, Outcome::ReportedPaid).await;
        return Ok(());
    }
    tracing::info!(order_id, "assign user before the vendor reports the order paid");
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "payment_pending",
        "the vendor does not report this order paid yet",
    )
    .with_retry_after(2)
    .with_message_key(kasse_core::i18n::MessageKey::PaymentUnknown.as_str()))
}

pub(super) async fn read_status(cid: &crate::upstream::Vendor, order_id: i64) -> Result<OrderStatusResponse, ApiError> {
    cid.send_json::<(), _>(Method::GET, &format!("/v1/client/order/status/{order_id}"), None)
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "order status failed upstream");
            e.to_api_error()
        })
}

/// Whether ConnectID's order status names the order paid: one of the configured
/// `paid_order_statuses`. A status that is neither those nor `preliminary` (documented: not yet
/// paid) is logged, so that an operator learns the vendor's words.
pub(super) fn reports_paid(state: &Shared, status: &OrderStatusResponse, order_id: i64) -> bool {
    let paid: &[String] = state
        .settings
        .connectid
        .as_ref()
        .map_or(&[], |c| c.paid_order_statuses.as_slice());
    let reported = status.orders.iter().filter(|o| o.order_id == order_id);
    let words: Vec<&str> = reported.filter_map(|o| o.order_status.as_deref()).collect();
    let is_paid = |word: &&str| paid.iter().any(|p| p.eq_ignore_ascii_case(word));
    for word in words
        .iter()
        .filter(|w| !is_paid(w) && !w.eq_ignore_ascii_case("preliminary"))
    {
        tracing::warn!(order_id, status = %word, "ConnectID order status not configured as paid nor known as unpaid");
    }
    words.iter().any(is_paid)
}
