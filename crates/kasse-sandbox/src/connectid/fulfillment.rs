//! Completing an order through the fulfillment API, and assigning its reader an account.

use super::*;

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
    let callback = match obj.get("callbackUrl") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            absolute_http_url(s).ok_or_else(|| CidError::validation("callbackUrl must be an absolute http(s) URL"))?,
        ),
        Some(_) => return Err(CidError::validation("callbackUrl must be a string")),
    };
    let order = own_order(&state, &caller, order_id)?;
    let allowed = order.prepaid || API_FULFILLABLE.contains(&order.payment_method.as_str());
    let outcome: Result<(), String> = if !allowed {
        Err(format!(
            "paymentMethod {} needs interactive payment: use the fulfillment redirect",
            order.payment_method
        ))
    } else {
        match order.state {
            OrderState::Preliminary => {
                if state
                    .store
                    .transition(order_id, OrderState::Preliminary, OrderState::Completed)?
                {
                    Ok(())
                } else {
                    // Someone else moved it in between (the hosted page); report what it is now.
                    match state.store.order(order_id)?.map(|o| o.state) {
                        Some(OrderState::Completed) => Ok(()),
                        Some(s) => Err(format!("order {order_id} is {s}")),
                        None => Err(format!("order {order_id} vanished")),
                    }
                }
            }
            // A retried fulfillment (after a lost answer) finds the order done: same answer.
            OrderState::Completed => Ok(()),
            other => Err(format!("order {order_id} is {other} and cannot be fulfilled")),
        }
    };
    if let Some(url) = callback {
        let status = if outcome.is_ok() { "success" } else { "failed" };
        let target = with_query(
            url,
            &[("fulfillmentStatus", status), ("orderId", &order_id.to_string())],
        );
        let http = state.http.clone();
        let app = Arc::clone(&state);
        tokio::spawn(async move {
            let note = match http.get(&target).send().await {
                Ok(r) => format!("callback {status}: HTTP {}", r.status().as_u16()),
                Err(e) => format!("callback {status}: failed: {e}"),
            };
            let _ = app.store.event("connectid", &order_id.to_string(), &note);
        });
    }
    Ok(match outcome {
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
    })
}

/// `POST /capi/v1/client/order/{orderId}/user`: gives a completed order's reader an account.
pub(super) async fn assign_user(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, CidError> {
    let order_id = parse_order_id(&order_id)?;
    let obj = &parse_object(&body)?;
    let credential = obj
        .get("credential")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| CidError::validation("credential is required"))?;
    if !(is_email(credential) || is_e164(credential)) {
        return Err(CidError::validation(
            "credential must be an e-mail address or a phone number in +E.164 form (e.g. +4712345678)",
        ));
    }
    let send_message = match obj.get("isSendMessage") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(CidError::validation("isSendMessage must be a boolean")),
    };
    if send_message
        && obj
            .get("overrideClientId")
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(CidError::validation(
            "overrideClientId is required when isSendMessage is true",
        ));
    }
    for key in ["returnUrl", "errorUrl"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
            if v.as_str().and_then(absolute_http_url).is_none() {
                return Err(CidError::validation(format!("{key} must be an absolute http(s) URL")));
            }
        }
    }
    if let Some(v) = obj.get("linkLifetime").filter(|v| !v.is_null()) {
        if v.as_i64().is_none_or(|n| n <= 0) {
            return Err(CidError::validation("linkLifetime must be a positive integer"));
        }
    }
    let order = own_order(&state, &caller, order_id)?;
    if order.state != OrderState::Completed {
        return Err(CidError::bad(
            "OrderNotCompletedException",
            format!(
                "order {order_id} is {}: only a completed order can be assigned a user",
                order.state
            ),
        ));
    }
    let (user, created) = state.store.user_for_credential(credential)?;
    if let Some(previous) = &order.unique_user_id {
        if *previous != user.unique_user_id {
            return Err(CidError::bad(
                "OrderAlreadyAssignedException",
                format!("order {order_id} already belongs to another user"),
            ));
        }
        // A retried assignment gets the first answer again.
        if let Some(answer) = order
            .assignment
            .as_deref()
            .and_then(|a| serde_json::from_str::<Value>(a).ok())
        {
            return Ok(Json(answer).into_response());
        }
    }
    let answer = json!({
        "orderId": order_id,
        "uniqueUserId": user.unique_user_id,
        "isNewUser": created,
        "isPasswordSet": user.password_set,
    });
    state.store.assign(order_id, &user.unique_user_id, &answer)?;
    Ok(Json(answer).into_response())
}
