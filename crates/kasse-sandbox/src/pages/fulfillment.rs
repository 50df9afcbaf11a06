//! ConnectID's hosted fulfillment page: Pay, Cancel or Fail, then back to the client's return URL.

use super::*;

/// The fulfillment parameters as the client sends them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentParams {
    client_id: Option<String>,
    order_id: Option<String>,
    return_url: Option<String>,
    error_url: Option<String>,
    action: Option<String>,
}

/// What a fulfillment request resolves to.
pub(super) enum Resolved {
    /// Redirect now (error, prepaid, already decided).
    Go(Response),
    /// Show the page / apply the decision for this order.
    Order(Box<OrderRow>, url::Url),
}

/// Checks the return URLs, the client and the order of a fulfillment request (parameters as
/// ConnectID documents them: `clientId`, `orderId`, absolute `returnUrl`, optional `errorUrl`).
pub(super) fn resolve(state: &AppState, p: &FulfillmentParams) -> Resolved {
    let Some(return_url) = p.return_url.as_deref().and_then(absolute_http_url) else {
        return Resolved::Go(error_page(
            StatusCode::BAD_REQUEST,
            "returnUrl is required and must be an absolute http(s) URL",
        ));
    };
    let error_url = match p.error_url.as_deref() {
        None | Some("") => return_url.clone(),
        Some(e) => match absolute_http_url(e) {
            Some(u) => u,
            None => {
                return Resolved::Go(error_page(
                    StatusCode::BAD_REQUEST,
                    "errorUrl must be an absolute http(s) URL",
                ))
            }
        },
    };
    let go_error = |reason: &str| {
        let mut response = redirect(with_query(
            error_url.clone(),
            &[("fulfillmentStatus", "error"), ("errorCode", reason)],
        ));
        response.extensions_mut().insert(ErrorTag(reason.to_string()));
        Resolved::Go(response)
    };
    let Some(client) = p.client_id.as_deref().and_then(|c| state.seed.client(c)) else {
        return go_error("unknown_client");
    };
    let order = p
        .order_id
        .as_deref()
        .and_then(|o| o.trim().parse::<i64>().ok())
        .and_then(|id| state.store.order(id).ok().flatten())
        .filter(|o| o.client_id == client.client_id);
    let Some(order) = order else {
        return go_error("unknown_order");
    };
    if NOT_REDIRECT_FULFILLABLE.contains(&order.payment_method.as_str()) {
        return go_error("payment_method_not_supported");
    }
    Resolved::Order(Box::new(order), return_url)
}

/// Back to the client's `returnUrl` with the outcome.
pub(super) fn back(return_url: url::Url, status: &str) -> Response {
    redirect(with_query(return_url, &[("fulfillmentStatus", status)]))
}

/// The `fulfillmentStatus` a decided order returns with (ConnectID documents
/// `success|cancel|error`); none while it is preliminary. A revisit repeats it.
pub(super) fn fulfillment_status(state: OrderState) -> Option<&'static str> {
    match state {
        OrderState::Completed => Some("success"),
        OrderState::Cancelled => Some("cancel"),
        OrderState::Failed => Some("error"),
        OrderState::Preliminary => None,
    }
}

/// The order's lines as list items: quantity × coupon, product or article.
pub(super) fn order_lines_html(order: &OrderRow) -> String {
    let body: Value = serde_json::from_str(&order.body).unwrap_or(Value::Null);
    let mut out = String::new();
    if let Some(lines) = body.get("orderLines").and_then(Value::as_array) {
        for line in lines {
            let label = match (
                line.get("productSpecCode").and_then(Value::as_str),
                line.get("productSpecNo").and_then(Value::as_i64),
                line.get("product").and_then(Value::as_str),
            ) {
                (Some(code), Some(no), _) => format!("{code}/{no}"),
                (_, _, Some(product)) => product.to_string(),
                _ => "article".to_string(),
            };
            let quantity = line.get("quantity").and_then(Value::as_i64).unwrap_or(1);
            out.push_str(&format!("<li>{} × {}</li>", quantity, text(&label)));
        }
    }
    out
}

/// `GET /user/fulfillment`: the order and Pay / Cancel / Fail; a prepaid or decided order goes
/// straight back.
pub(super) async fn fulfillment_page(
    State(state): State<Arc<AppState>>,
    Query(p): Query<FulfillmentParams>,
) -> Response {
    let (order, return_url) = match resolve(&state, &p) {
        Resolved::Go(response) => return tag(response, p.client_id.as_deref()),
        Resolved::Order(order, url) => (order, url),
    };
    if let Some(outcome) = fulfillment_status(order.state) {
        return tag(back(return_url, outcome), p.client_id.as_deref());
    }
    if order.prepaid {
        // Paid before ordering: nothing to do here but to confirm and send the reader back.
        let _ = state
            .store
            .transition(order.order_id, OrderState::Preliminary, OrderState::Completed);
        return tag(back(return_url, "success"), p.client_id.as_deref());
    }
    let currency = order.currency.clone().unwrap_or_default();
    let body = format!(
        r#"<h1>Confirm your order</h1>
<dl>
  <dt>Order</dt><dd id="order-id">{order_id}</dd>
  <dt>Amount</dt><dd id="amount">{amount} {currency}</dd>
  <dt>Payment method</dt><dd id="method">{method}</dd>
</dl>
<ul>{lines}</ul>
<form method="post" action="/user/fulfillment/decision">
  {h_client}{h_order}{h_return}{h_error}
  <div class="buttons">
    <button class="primary" type="submit" name="action" value="pay">Pay</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
    <button class="danger" type="submit" name="action" value="fail">Fail</button>
  </div>
</form>
<p class="note">Sandbox payment page: "Pay" completes the order, "Cancel" cancels it, "Fail" simulates a declined payment.</p>"#,
        order_id = order.order_id,
        amount = money_text(order.amount_cents),
        currency = text(&currency),
        method = text(&order.payment_method),
        lines = order_lines_html(&order),
        h_client = hidden("clientId", &order.client_id),
        h_order = hidden("orderId", &order.order_id.to_string()),
        h_return = hidden("returnUrl", p.return_url.as_deref().unwrap_or_default()),
        h_error = hidden("errorUrl", p.error_url.as_deref().unwrap_or_default()),
    );
    let mut response = Html(page("Payment", "ConnectID", &body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, "no-store".parse().expect("static header"));
    tag(response, Some(&order.client_id))
}

/// `POST /user/fulfillment/decision`: moves the order and sends the reader back with the outcome.
pub(super) async fn fulfillment_decision(
    State(state): State<Arc<AppState>>,
    Form(p): Form<FulfillmentParams>,
) -> Response {
    let (order, return_url) = match resolve(&state, &p) {
        Resolved::Go(response) => return tag(response, p.client_id.as_deref()),
        Resolved::Order(order, url) => (order, url),
    };
    let to = match p.action.as_deref() {
        Some("pay") => OrderState::Completed,
        Some("cancel") => OrderState::Cancelled,
        Some("fail") => OrderState::Failed,
        _ => return error_page(StatusCode::BAD_REQUEST, "action must be pay, cancel or fail"),
    };
    let decided = match state.store.transition(order.order_id, OrderState::Preliminary, to) {
        Ok(true) => Some(to),
        // Decided before (double submit, back button): repeat the first outcome.
        Ok(false) => state.store.order(order.order_id).ok().flatten().map(|o| o.state),
        Err(_) => None,
    };
    let outcome = decided.and_then(fulfillment_status).unwrap_or("error");
    tag(back(return_url, outcome), Some(&order.client_id))
}
