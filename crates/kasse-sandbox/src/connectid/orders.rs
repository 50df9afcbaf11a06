//! Register order (client and user mode) and order status.

use super::*;

/// `POST /capi/v1/client/order` (client token).
pub(super) async fn register_order_client(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    register(&state, &caller, "client", &body)
}

/// `POST /capi/v1/order` (user token): the same body and rules, the order owned by the user.
pub(super) async fn register_order_user(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    register(&state, &caller, "user", &body)
}

/// Validates and stores an order, answering a replay of the same `externalOrderId` and body with the
/// first order.
pub(super) fn register(
    state: &AppState,
    caller: &Caller,
    mode: &'static str,
    body: &[u8],
) -> Result<Response, CidError> {
    let text = std::str::from_utf8(body).map_err(|_| CidError::validation("the body is not UTF-8"))?;
    let value = parse_json(body)?;
    let valid = validate_order(&value, &state.seed)?;
    let new = NewOrder {
        client_id: caller.client_id.clone(),
        mode,
        unique_user_id: caller.unique_user_id.clone(),
        external_order_id: valid.external_order_id.clone(),
        body: text.to_string(),
        payment_method: valid.payment_method,
        prepaid: valid.prepaid,
        amount_cents: valid.amount_cents,
        currency: valid.currency,
        customer_number: valid.customer_number,
    };
    match state.store.insert_order(&new)? {
        InsertOutcome::Created(id) => Ok(Json(json!({"orderId": id})).into_response()),
        // Observable on purpose: a test can tell a replayed order from a new one.
        InsertOutcome::Duplicate(id) => {
            Ok(([("x-sandbox-duplicate", "true")], Json(json!({"orderId": id}))).into_response())
        }
        InsertOutcome::Conflict(id) => Err(CidError::bad(
            "DuplicateExternalOrderIdException",
            format!(
                "externalOrderId {} is already used by order {id} with a different body",
                new.external_order_id.unwrap_or_default()
            ),
        )),
    }
}

/// `GET /capi/v1/client/order/status/{orderId}`.
pub(super) async fn order_status(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(order_id): Path<String>,
) -> Result<Response, CidError> {
    let order_id = parse_order_id(&order_id)?;
    let order = own_order(&state, &caller, order_id)?;
    Ok(Json(json!({
        "orders": [{
            "orderId": order.order_id,
            "externalOrderId": order.external_order_id,
            "orderTime": order.created_ms,
            "orderStatus": order.state,
            "orderAmount": money_json(order.amount_cents),
            "customerNumber": order.customer_number,
        }]
    }))
    .into_response())
}
