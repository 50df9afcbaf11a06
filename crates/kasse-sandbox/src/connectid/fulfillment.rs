//! Completing an order through the fulfillment API (no reader on a page), with the optional
//! callback ConnectID documents.

use super::*;

/// What the fulfillment answer reports: done, or the `errorMessage` of an `ERROR` answer.
type Outcome = Result<(), String>;

/// `POST /capi/v1/client/order/fulfillment`: completes an order without user interaction.
pub(super) async fn fulfill_order(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    let order_id = obj
        .get("orderId")
        .and_then(Value::as_i64)
        .ok_or_else(|| CidError::validation("orderId is required and must be an integer"))?;
    let callback = callback_url(obj)?;
    let order = own_order(&state, &caller, order_id)?;
    let outcome = fulfil(&state, &order)?;
    if let Some(url) = callback {
        send_callback(&state, url, order_id, outcome.is_ok());
    }
    Ok(answer(order_id, outcome))
}

fn callback_url(obj: &Map<String, Value>) -> Result<Option<url::Url>, CidError> {
    match obj.get("callbackUrl") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => absolute_http_url(s)
            .map(Some)
            .ok_or_else(|| CidError::validation("callbackUrl must be an absolute http(s) URL")),
        Some(_) => Err(CidError::validation("callbackUrl must be a string")),
    }
}

/// Completes the order when its payment method allows completion without the reader.
fn fulfil(state: &AppState, order: &OrderRow) -> Result<Outcome, CidError> {
    let order_id = order.order_id;
    if !(paid_before(order) || API_FULFILLABLE.contains(&order.payment_method.as_str())) {
        return Ok(Err(format!(
            "paymentMethod {} needs interactive payment: use the fulfillment redirect",
            order.payment_method
        )));
    }
    match order.state {
        OrderState::Preliminary => complete(state, order_id),
        // A retried fulfillment (after a lost answer) finds the order done: same answer.
        OrderState::Completed => Ok(Ok(())),
        other => Ok(Err(format!("order {order_id} is {other} and cannot be fulfilled"))),
    }
}

/// The order carries a payment made before it: `prepaid`, or a `paymentInfo…` object.
fn paid_before(order: &OrderRow) -> bool {
    order.prepaid
        || serde_json::from_str::<Value>(&order.body)
            .ok()
            .and_then(|body| body.as_object().map(super::rules::has_payment_info))
            .unwrap_or(false)
}

/// Moves a preliminary order to completed.
fn complete(state: &AppState, order_id: i64) -> Result<Outcome, CidError> {
    if state
        .store
        .transition(order_id, OrderState::Preliminary, OrderState::Completed)?
    {
        return Ok(Ok(()));
    }
    // Someone else moved it in between (the hosted page); report what it is now.
    Ok(match state.store.order(order_id)?.map(|o| o.state) {
        Some(OrderState::Completed) => Ok(()),
        Some(s) => Err(format!("order {order_id} is {s}")),
        None => Err(format!("order {order_id} vanished")),
    })
}

/// The documented callback: a GET with `fulfillmentStatus=success|failed`; best effort, its
/// outcome recorded on the order's history.
fn send_callback(state: &Arc<AppState>, url: url::Url, order_id: i64, success: bool) {
    let status = if success { "success" } else { "failed" };
    let target = with_query(
        url,
        &[("fulfillmentStatus", status), ("orderId", &order_id.to_string())],
    );
    let http = state.http.clone();
    let app = Arc::clone(state);
    tokio::spawn(async move {
        let note = match http.get(&target).send().await {
            Ok(r) => format!("callback {status}: HTTP {}", r.status().as_u16()),
            Err(e) => format!("callback {status}: failed: {e}"),
        };
        let _ = app.store.event(api::CONNECTID, &order_id.to_string(), &note);
    });
}

/// `{fulfillmentStatus: OK | ERROR, orderId, errorMessage}`, 200 either way.
fn answer(order_id: i64, outcome: Outcome) -> Response {
    match outcome {
        Ok(()) => Json(json!({"fulfillmentStatus": "OK", "orderId": order_id})).into_response(),
        Err(message) => {
            let mut response = Json(json!({
                "fulfillmentStatus": "ERROR",
                "orderId": order_id,
                "errorMessage": message,
            }))
            .into_response();
            response.extensions_mut().insert(ErrorTag(message));
            response
        }
    }
}
