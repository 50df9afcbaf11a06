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

/// Field problems of an assign-user request: kasse-core's rules, the URL allowlist, and the
/// message link, which may only name this gateway's own client.
pub(super) fn assign_user_problems(state: &Shared, req: &AssignUserRequest) -> Vec<FieldError> {
    let mut errors = kasse_core::connectid::validate_assign_user(req)
        .err()
        .unwrap_or_default();
    let prefixes = &state.settings.allowed_return_url_prefixes;
    errors.extend(check_url("returnUrl", &req.return_url, prefixes).err());
    errors.extend(check_url("errorUrl", &req.error_url, prefixes).err());
    if let (Some(o), Some(c)) = (&req.override_client_id, &state.settings.connectid) {
        if o != &c.client_id {
            errors.push(FieldError::new(
                "overrideClientId",
                kasse_core::error_code::ErrorCode::InvalidValue,
            ));
        }
    }
    errors
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
    let req: AssignUserRequest = parse_as(parse_value(&body)?)?;
    let errors = assign_user_problems(&state, &req);
    if !errors.is_empty() {
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
    if effects_of(&record, Request::AssignUser)?.contains(&Effect::ConfirmPaidAtVendor) {
        confirm_paid(&state, cid, &mut record, order_id).await?;
    }
    let resp: AssignUserResponse = cid
        .send_json(Method::POST, &format!("/v1/client/order/{order_id}/user"), Some(&req))
        .await
        .map_err(|e| {
            tracing::warn!(order_id, error = %e.log_code(), "assign user failed upstream");
            e.to_api_error()
        })?;
    advance(&state, &mut record, Outcome::UserAssigned).await;
    tracing::info!(order_id, new_user = resp.is_new_user, "user assigned to order");
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
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
    if reports_paid(&resp, order_id) {
        advance(&state, &mut record, Outcome::ReportedPaid).await;
    }
    Ok(Reply::new(StatusCode::OK, &resp).into_response())
}
