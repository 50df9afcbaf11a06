//! The steps after registration: complete, assign user, status.

use super::*;

/// Body of `POST …/connectid/orders/{id}/complete` (optional).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CompleteBody {
    callback_url: Option<String>,
}

pub(in crate::api) async fn complete_order(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let mut record = own_order(&state, &id, &headers).await?;
    let order_id = parse_order_id(&id)?;
    let body: CompleteBody = parse_optional(&body)?;
    check_url(
        "callbackUrl",
        &body.callback_url,
        &state.settings.allowed_return_url_prefixes,
    )
    .map_err(|e| refused(vec![e]))?;
    if effects_of(&record, Request::Complete)? == [Effect::AnswerFromRecord] {
        let done = CompleteOrderResponse {
            fulfillment_status: CompleteStatus::Ok,
            order_id: Some(order_id),
            error_message: None,
        };
        return Ok(Reply::new(StatusCode::OK, &done).into_response());
    }
    let req = CompleteOrderRequest {
        order_id,
        callback_url: body.callback_url,
    };
    let resp: CompleteOrderResponse = cid
        .send_json(Method::POST, "/v1/client/order/fulfillment", Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "connectid completion failed upstream");
            e.to_api_error()
        })?;
    match resp.fulfillment_status {
        CompleteStatus::Ok => {
            advance(&state, &mut record, Outcome::Completed).await;
            tracing::info!(order_id, "connectid order completed");
            Ok(Reply::new(StatusCode::OK, &resp).into_response())
        }
        CompleteStatus::Error => {
            advance(&state, &mut record, Outcome::Refused).await;
            tracing::info!(order_id, "connectid completion answered ERROR");
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "fulfillment_failed",
                "the vendor could not complete the order",
            )
            .with_message_key(kasse_core::i18n::MessageKey::ErrOrderRejected.as_str()))
        }
    }
}

/// The vendor's assign-user request: the reader's credential, and how to tell them from the
/// gateway's configuration (a browser must not choose where a login link leads).
pub(super) fn assign_user_request(state: &Shared, credential: String) -> AssignUserRequest {
    let c = state.settings.connectid.as_ref().expect("checked by the handler");
    let a = &c.assign_user;
    AssignUserRequest {
        credential,
        is_send_message: Some(a.send_message),
        return_url: a.return_url.clone(),
        error_url: a.error_url.clone(),
        link_lifetime: a.link_lifetime_secs,
        override_client_id: a.send_message.then(|| c.client_id.clone()),
    }
}

pub(in crate::api) async fn assign_user(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let mut record = own_order(&state, &id, &headers).await?;
    let order_id = parse_order_id(&id)?;
    let body: AssignUserBody = parse_as(parse_value(&body)?)?;
    let req = assign_user_request(&state, body.credential);
    if let Err(errors) = kasse_core::connectid::validate_assign_user(&req) {
        return Err(refused(errors));
    }
    if !may_claim(&record.credentials, &req.credential) {
        tracing::warn!(order_id, "assign user refused: credential is not the payer's");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "credential_mismatch",
            "the credential must be the e-mail or phone number given on the order",
        )
        .with_field("credential"));
    }
    let effects = effects_of(&record, Request::AssignUser)?;
    let resp = assign_at_vendor(&state, cid, &mut record, order_id, effects, &req).await?;
    tracing::info!(order_id, new_user = resp.is_new_user, "user assigned to order");
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}

/// Takes the lifecycle's `effects` of an assign user on `record` with `req`: the vendor's status
/// first where they ask for it (a hosted order: the proof of payment), then the vendor's assign.
/// The order moves on, and a credential kept for an unasked access is forgotten.
pub(super) async fn assign_at_vendor(
    state: &Shared,
    cid: &crate::upstream::Vendor,
    record: &mut OrderRecord,
    order_id: i64,
    effects: &[Effect],
    req: &AssignUserRequest,
) -> Result<AssignUserResponse, ApiError> {
    if effects.contains(&Effect::ConfirmPaidAtVendor) {
        confirm_paid(state, cid, record, order_id).await?;
    }
    let resp: AssignUserResponse = cid
        .send_json(Method::POST, &format!("/v1/client/order/{order_id}/user"), Some(req))
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "assign user failed upstream");
            e.to_api_error()
        })?;
    advance(state, record, Outcome::UserAssigned).await;
    access::forget_credential(state, order_id).await;
    Ok(resp)
}

pub(in crate::api) async fn order_status(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cid = vendor(&state.connectid, "ConnectID")?;
    let mut record = own_order(&state, &id, &headers).await?;
    let order_id = parse_order_id(&id)?;
    effects_of(&record, Request::Status)?;
    let resp = read_status(cid, order_id).await?;
    if reports_paid(&state, &resp, order_id) {
        advance(&state, &mut record, Outcome::ReportedPaid).await;
    }
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}
