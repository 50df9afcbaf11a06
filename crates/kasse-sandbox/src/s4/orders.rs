//! The order API: create, read, cancel, complete.

use super::*;

/// The S4 error for a body that is not JSON.
fn parse_body(body: &[u8]) -> Result<Value, S4Error> {
    serde_json::from_slice(body).map_err(|e| {
        S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: format!("Malformed JSON: {e}"),
        }])
    })
}

/// `POST /order`: validates and stores the order, `InProgress`.
pub(super) async fn create_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let value = parse_body(&body)?;
    let tenant = state
        .seed
        .s4_tenant(&caller.tenant_id)
        .ok_or_else(|| S4Error::plain(StatusCode::FORBIDDEN, "unknown tenant"))?;
    let valid = validate_s4(&value, tenant)?;
    let id = uuid::Uuid::new_v4().to_string();
    state.store.insert_s4_order(&NewS4Order {
        id: id.clone(),
        client_id: caller.client_id.clone(),
        tenant_id: caller.tenant_id.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        payment_method: valid.payment_method,
        interactive: valid.interactive,
        price_cents: valid.price_cents,
        template_package_id: valid.template_package_id,
        organization_id: valid.organization_id,
        subscriber_id: valid.subscriber_id,
        payment_agreement_id: valid.payment_agreement_id,
    })?;
    let row = own(&state, &caller, &id)?;
    Ok((StatusCode::CREATED, Json(view(&state, &row))).into_response())
}

/// `GET /order/{id}`.
pub(super) async fn read_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
) -> Result<Response, S4Error> {
    let row = own(&state, &caller, &id)?;
    Ok(Json(view(&state, &row)).into_response())
}

/// `DELETE /order/{id}`: cancels an unfinished order; cancelling again is no error.
pub(super) async fn cancel_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
) -> Result<Response, S4Error> {
    let row = own(&state, &caller, &id)?;
    match row.status {
        S4Status::InProgress => {
            state.store.s4_finish(&row.id, S4Status::Cancelled, None, None, None)?;
        }
        S4Status::Cancelled => {}
        other => {
            return Err(S4Error::plain(
                StatusCode::BAD_REQUEST,
                format!("Order {id} is {other} and cannot be cancelled."),
            ))
        }
    }
    let row = own(&state, &caller, &id)?;
    // S4 documents 202 Accepted for a cancellation.
    Ok((StatusCode::ACCEPTED, Json(view(&state, &row))).into_response())
}

/// S4's 409 for an agreement the reader did not approve (cancelled on the terminal page, or
/// rejected). S4's own checkout reads it as "not approved" and deletes the order.
fn not_approved(id: &str) -> S4Error {
    S4Error::plain(
        StatusCode::CONFLICT,
        format!("The payment agreement of order {id} was not approved."),
    )
}

/// Completes an order, giving it the subscriber, agreement and subscription a completed order has.
pub(super) fn finish_completed(state: &AppState, row: &S4OrderRow) -> rusqlite::Result<bool> {
    let subscriber = row
        .subscriber_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let agreement = row
        .payment_agreement_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let subscription = uuid::Uuid::new_v4().to_string();
    state.store.s4_finish(
        &row.id,
        S4Status::Completed,
        Some(&subscriber),
        Some(&subscription),
        Some(&agreement),
    )
}

/// `POST /order/{id}/complete`: completes an order that needs no reader or that the reader
/// approved, waiting up to `maxPollingTimeout` ms for a pending decision (200 with the order still
/// `InProgress` when it stays pending).
pub(super) async fn complete_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let max_wait = polling_timeout(&body)?;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(max_wait);
    loop {
        let row = own(&state, &caller, &id)?;
        match row.status {
            S4Status::Completed => return Ok(Json(view(&state, &row)).into_response()),
            S4Status::Cancelled | S4Status::Rejected => return Err(not_approved(&id)),
            S4Status::InProgress => {}
        }
        if !row.interactive || row.terminal_state == TerminalState::Approved {
            finish_completed(&state, &row)?;
            let row = own(&state, &caller, &id)?;
            return Ok(Json(view(&state, &row)).into_response());
        }
        // Waiting for the reader on the payment page, at most maxPollingTimeout; then the order
        // as it stands, still InProgress ("0 = fully asynchronous": the caller asks again).
        // 409 is for an agreement the reader did not approve (Cancelled, Rejected), above.
        if tokio::time::Instant::now() >= deadline {
            return Ok(Json(view(&state, &row)).into_response());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `maxPollingTimeout` of a complete body (none or empty = 0), capped as the vendor caps it.
fn polling_timeout(body: &[u8]) -> Result<u64, S4Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(0);
    }
    let wait = match parse_body(body)?.get("maxPollingTimeout") {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_u64().ok_or_else(|| {
            S4Error::validation(vec![FieldError {
                field: "maxPollingTimeout".into(),
                message: "Must be a non-negative integer (milliseconds).".into(),
            }])
        })?,
    };
    Ok(wait.min(MAX_POLLING_MS))
}
