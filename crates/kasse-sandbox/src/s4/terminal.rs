//! The simulated Vipps / MobilePay / SwedbankPay page behind `terminalRedirectUrl`, and the
//! callback it pokes.

use super::*;

/// Where the terminal page sends the reader back to: (approve URL, cancel URL).
pub(super) fn return_urls(row: &S4OrderRow) -> Option<(String, String)> {
    let body: Value = serde_json::from_str(&row.body).ok()?;
    let params = body.get("paymentAgreementParameters")?;
    if let Some(p) = params.get("payExEcommerceParameters") {
        return Some((
            p.get("completeUrl")?.as_str()?.to_string(),
            p.get("cancelUrl")?.as_str()?.to_string(),
        ));
    }
    let redirect = params
        .get("vippsMobilePayParameters")?
        .get("merchantRedirectUrl")?
        .as_str()?;
    Some((redirect.to_string(), redirect.to_string()))
}

pub(super) fn back_to(url: &str, order_id: &str) -> Response {
    match absolute_http_url(url) {
        Some(u) => Redirect::to(&with_query(u, &[("orderId", order_id)])).into_response(),
        None => (StatusCode::BAD_REQUEST, "bad return URL").into_response(),
    }
}

pub(super) fn terminal_error(status: StatusCode, message: &str) -> Response {
    let mut response = (
        status,
        Html(page(
            "Payment",
            "Payment terminal",
            &format!("<p class=\"error\">{}</p>", text(message)),
        )),
    )
        .into_response();
    response.extensions_mut().insert(ErrorTag(message.to_string()));
    response
}

/// The order behind a terminal URL and where its page returns to, or the error page.
fn terminal_order(state: &AppState, id: &str) -> Result<(S4OrderRow, String, String), Box<Response>> {
    let row = match state.store.s4_order(id) {
        Ok(Some(row)) if row.interactive => row,
        _ => return Err(Box::new(terminal_error(StatusCode::NOT_FOUND, "Unknown payment."))),
    };
    // An order S4 has settled by itself meanwhile shows as settled.
    let row = match super::settle_untouched(state, &row) {
        Ok(true) => state.store.s4_order(id).ok().flatten().unwrap_or(row),
        _ => row,
    };
    let Some((ok_url, cancel_url)) = return_urls(&row) else {
        return Err(Box::new(terminal_error(
            StatusCode::BAD_REQUEST,
            "The order has no return URL.",
        )));
    };
    Ok((row, ok_url, cancel_url))
}

/// `GET /s4/terminal/{id}`: Approve / Cancel for an undecided order; a decided one goes straight
/// back to where its decision leads.
pub(super) async fn terminal_page(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let (row, ok_url, cancel_url) = match terminal_order(&state, &id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match (row.status, row.terminal_state) {
        (S4Status::InProgress, TerminalState::Pending) => {}
        (_, TerminalState::Approved) | (S4Status::Completed, _) => return back_to(&ok_url, &row.id),
        _ => return back_to(&cancel_url, &row.id),
    }
    let method = row.payment_method.clone().unwrap_or_default();
    let body = terminal_form(&row, &method, &template_name(&state, &row));
    let mut response = Html(page("Payment", &method, &body)).into_response();
    response.extensions_mut().insert(ClientTag(row.client_id));
    response
}

/// The name of the order's template package, for the page.
fn template_name(state: &AppState, row: &S4OrderRow) -> String {
    state
        .seed
        .s4_tenant(&row.tenant_id)
        .and_then(|t| {
            t.templates
                .iter()
                .find(|x| x.id.eq_ignore_ascii_case(&row.template_package_id))
        })
        .map(|t| t.name.clone())
        .unwrap_or_default()
}

fn terminal_form(row: &S4OrderRow, method: &str, template: &str) -> String {
    let what = if method == "SwedbankPay" {
        "Pay"
    } else {
        "Approve the agreement"
    };
    format!(
        r#"<h1>{what}</h1>
<dl>
  <dt>Order</dt><dd id="order-id">{id}</dd>
  <dt>Plan</dt><dd>{template}</dd>
  <dt>Price</dt><dd id="amount">{price}</dd>
  <dt>Method</dt><dd id="method">{method}</dd>
</dl>
<form method="post" action="/s4/terminal/{id_attr}">
  <div class="buttons">
    <button class="primary" type="submit" name="action" value="approve">Approve</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
  </div>
</form>
<p class="note">Sandbox stand-in for the {method} page.</p>"#,
        what = text(what),
        id = text(&row.id),
        id_attr = attr(&row.id),
        template = text(template),
        price = money_text(row.price_cents),
        method = text(method),
    )
}

/// `POST /s4/terminal/{id}`: records Approve or Cancel (Cancel also cancels the order), pokes the
/// callback, and sends the reader back.
pub(super) async fn terminal_decision(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (row, ok_url, cancel_url) = match terminal_order(&state, &id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let decision = match form.get("action").map(String::as_str) {
        Some("approve") => TerminalState::Approved,
        Some("cancel") => TerminalState::Cancelled,
        _ => return terminal_error(StatusCode::BAD_REQUEST, "action must be approve or cancel"),
    };
    if decide(&state, &row.id, decision).unwrap_or(false) {
        notify_callback(&state, &row, decision);
    }
    // Repeat what actually happened (a second click repeats the first decision).
    let now = state.store.s4_order(&row.id).ok().flatten().unwrap_or(row);
    let mut response = if now.terminal_state == TerminalState::Approved || now.status == S4Status::Completed {
        back_to(&ok_url, &now.id)
    } else {
        back_to(&cancel_url, &now.id)
    };
    response.extensions_mut().insert(ClientTag(now.client_id));
    response
}

/// Records the decision if none was made yet (a cancel also cancels the order); returns whether
/// this call decided.
fn decide(state: &AppState, id: &str, decision: TerminalState) -> rusqlite::Result<bool> {
    let changed = state.store.s4_terminal(id, decision)?;
    if changed && decision == TerminalState::Cancelled {
        state.store.s4_finish(id, S4Status::Cancelled, None, None, None)?;
    }
    Ok(changed)
}

/// SwedbankPay calls the merchant's `callbackUrl` when a payment changes; best effort.
pub(super) fn notify_callback(state: &Arc<AppState>, row: &S4OrderRow, decision: TerminalState) {
    let callback = serde_json::from_str::<Value>(&row.body).ok().and_then(|b| {
        b.pointer("/paymentAgreementParameters/payExEcommerceParameters/callbackUrl")
            .and_then(Value::as_str)
            .map(String::from)
    });
    let (Some(url), Some(status)) = (callback, decision.payment_status()) else {
        return;
    };
    let http = state.http.clone();
    let app = Arc::clone(state);
    let order_id = row.id.clone();
    let amount = money_json(row.price_cents);
    tokio::spawn(async move {
        let note = match http
            .post(&url)
            .json(&json!({"orderId": order_id, "paymentStatus": status, "amount": amount}))
            .send()
            .await
        {
            Ok(r) => format!("callback {status}: HTTP {}", r.status().as_u16()),
            Err(e) => format!("callback {status}: failed: {e}"),
        };
        let _ = app.store.event(api::S4, &order_id, &note);
    });
}
