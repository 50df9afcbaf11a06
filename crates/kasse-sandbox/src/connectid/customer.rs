//! The logged-in customer's profile (`GET /v1/customer/profile`, user token).

use super::*;

/// `GET /capi/v1/customer/profile` (user token): who the reader is, in ConnectID's shape —
/// `{userId, uniqueId, customerNumber, name{…}, emails[], phoneNumbers[], credential{…}}`, and no
/// postal address (the vendor's profile has none; an order's payer carries it).
pub(super) async fn customer_profile(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, CidError> {
    let unique_id = caller.unique_user_id.clone().unwrap_or_default();
    // A user created by assign user and forgotten by a reset may still hold a token.
    let account = state.store.account(&unique_id)?.ok_or_else(|| CidError {
        status: StatusCode::NOT_FOUND,
        exception_type: "CustomerNotFoundException",
        message: format!("customer {unique_id} not found"),
    })?;
    let seeded = state.seed.user(&unique_id);
    let name = |f: fn(&crate::seed::User) -> Option<&str>| seeded.and_then(f).filter(|s| !s.is_empty());
    Ok(Json(json!({
        "userId": account.user_id,
        "uniqueId": unique_id,
        "customerNumber": seeded.and_then(|u| u.customer_number),
        "name": {
            "firstName": name(|u| Some(u.first_name.as_str())),
            "middleName": name(|u| u.middle_name.as_deref()),
            "lastName": name(|u| Some(u.last_name.as_str())),
            "companyName": name(|u| u.company_name.as_deref()),
        },
        "emails": account.email.iter().collect::<Vec<_>>(),
        "phoneNumbers": account.phone.iter()
            .map(|p| json!({"phoneNumber": p, "phoneNumberType": "MOBILE"}))
            .collect::<Vec<_>>(),
        "credential": credential(&account),
    }))
    .into_response())
}

/// The credential the reader logs in with: the e-mail address where there is one (the login page
/// asks for it), else the phone number.
fn credential(account: &Account) -> Value {
    match (&account.email, &account.phone) {
        (Some(email), _) => json!({"credential": email, "credentialType": "EMAIL"}),
        (None, Some(phone)) => json!({"credential": phone, "credentialType": "PHONE"}),
        (None, None) => Value::Null,
    }
}
