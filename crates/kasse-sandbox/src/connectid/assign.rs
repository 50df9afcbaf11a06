//! Assign user: gives the reader of a completed order an account (found or created by credential).

use super::*;

/// `POST /capi/v1/client/order/{orderId}/user`: gives a completed order's reader an account.
pub(super) async fn assign_user(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, CidError> {
    let order_id = parse_order_id(&order_id)?;
    let obj = &parse_object(&body)?;
    let credential = credential(obj)?;
    check_message_options(obj)?;
    let order = completed_order(&state, &caller, order_id)?;
    let (user, created) = state.store.user_for_credential(credential)?;
    if let Some(answer) = earlier_answer(&order, &user.unique_user_id)? {
        return Ok(Json(answer).into_response());
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

/// `credential`: the reader's e-mail address or phone number (documented as `+4712345678`).
fn credential(obj: &Map<String, Value>) -> Result<&str, CidError> {
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
    Ok(credential)
}

/// The login message's options: `overrideClientId` is documented as required when `isSendMessage`
/// is true; the link URLs are absolute and its lifetime positive.
fn check_message_options(obj: &Map<String, Value>) -> Result<(), CidError> {
    let send_message = match obj.get("isSendMessage") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(CidError::validation("isSendMessage must be a boolean")),
    };
    let override_client = obj.get("overrideClientId").and_then(Value::as_str);
    if send_message && override_client.is_none_or(|s| s.trim().is_empty()) {
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
    Ok(())
}

/// The caller's order, which must be completed: only a paid order gives access.
fn completed_order(state: &AppState, caller: &Caller, order_id: i64) -> Result<OrderRow, CidError> {
    let order = own_order(state, caller, order_id)?;
    if order.state != OrderState::Completed {
        return Err(CidError::bad(
            "OrderNotCompletedException",
            format!(
                "order {order_id} is {}: only a completed order can be assigned a user",
                order.state
            ),
        ));
    }
    Ok(order)
}

/// An order assigned before: to another user it is refused; to the same user a retried
/// assignment gets the first answer again.
fn earlier_answer(order: &OrderRow, user_id: &str) -> Result<Option<Value>, CidError> {
    let Some(previous) = &order.unique_user_id else {
        return Ok(None);
    };
    if previous != user_id {
        return Err(CidError::bad(
            "OrderAlreadyAssignedException",
            format!("order {} already belongs to another user", order.order_id),
        ));
    }
    Ok(order
        .assignment
        .as_deref()
        .and_then(|a| serde_json::from_str::<Value>(a).ok()))
}
