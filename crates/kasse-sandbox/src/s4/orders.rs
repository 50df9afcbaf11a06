//! The order API: create, read, cancel, complete.

use super::*;

pub(super) async fn create_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: format!("Malformed JSON: {e}"),
        }])
    })?;
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

pub(super) async fn read_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
) -> Result<Response, S4Error> {
    let row = own(&state, &caller, &id)?;
    Ok(Json(view(&state, &row)).into_response())
}

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
    Ok(Json(view(&state, &row)).into_response())
}

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

pub(super) async fn complete_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let max_wait = if body.iter().all(u8::is_ascii_whitespace) {
        0
    } else {
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            S4Error::validation(vec![FieldError {
                field: "$".into(),
                message: format!("Malformed JSON: {e}"),
            }])
        })?;
        match value.get("maxPollingTimeout") {
            None | Some(Value::Null) => 0,
            Some(v) => v.as_u64().ok_or_else(|| {
                S4Error::validation(vec![FieldError {
                    field: "maxPollingTimeout".into(),
                    message: "Must be a non-negative integer (milliseconds).".into(),
                }])
            })?,
        }
    }
    .min(MAX_POLLING_MS);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(max_wait);
    loop {
        let row = own(&state, &caller, &id)?;
        match row.status {
            S4Status::Completed | S4Status::Cancelled | S4Status::Rejected => {
                return Ok(Json(view(&state, &row)).into_response())
            }
            S4Status::InProgress => {}
        }
        if !row.interactive || row.terminal_state == TerminalState::Approved {
            finish_completed(&state, &row)?;
            let row = own(&state, &caller, &id)?;
            return Ok(Json(view(&state, &row)).into_response());
        }
        // Waiting for the reader on the payment page.
        if tokio::time::Instant::now() >= deadline {
            let mut response = (StatusCode::ACCEPTED, Json(view(&state, &row))).into_response();
            response
                .extensions_mut()
                .insert(ErrorTag("payment still pending".into()));
            return Ok(response);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
