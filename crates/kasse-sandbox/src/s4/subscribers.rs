//! Subscribers: `POST /subscriber` (`{externalId?, subscriberNumber?, contact?}` →
//! `SubscriberView`) and `GET /subscriber?ExternalId=…`, the lookup S4's own browser checkout
//! makes before creating, so a retry does not make a second subscriber.
//!
//! The lookup's answer shape is not in the documentation we have; the sandbox answers a JSON
//! array of `SubscriberView` (empty when none), and a client must treat it as the vendor's
//! configuration-dependent part.

use super::rules::field;
use super::*;
use crate::store::S4Subscriber;
use crate::util::is_email;

/// The `SubscriberView` of `s`.
fn subscriber_view(s: &S4Subscriber) -> Value {
    json!({
        "id": s.id,
        "externalId": s.external_id,
        "subscriberNumber": s.subscriber_number,
        "contact": s.contact,
    })
}

/// A short text field: absent, or a string of 1 to `max` characters.
fn text(obj: &Map<String, Value>, key: &str, path: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max => Some(s.clone()),
        Some(_) => {
            field(
                errors,
                &format!("{path}{key}"),
                format!("Must be text of 1 to {max} characters."),
            );
            None
        }
    }
}

/// `contact`: name, e-mail, phone (E.164), `addressLines` (the street goes there), zip, city,
/// country (ISO 3166 alpha-2).
fn check_contact(contact: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let p = "contact.";
    text(contact, "name", p, 200, errors);
    if let Some(email) = text(contact, "email", p, 254, errors) {
        if !is_email(&email) {
            field(errors, "contact.email", "The e-mail address is not valid.");
        }
    }
    if let Some(phone) = text(contact, "phone", p, 20, errors) {
        if !is_e164(&phone) {
            field(
                errors,
                "contact.phone",
                "The phone number must be in E.164 form (+4791234567).",
            );
        }
    }
    match contact.get("addressLines") {
        None | Some(Value::Null) => {}
        Some(Value::Array(lines)) if lines.len() <= 4 => {
            for (i, line) in lines.iter().enumerate() {
                if !line
                    .as_str()
                    .is_some_and(|l| !l.trim().is_empty() && l.chars().count() <= 200)
                {
                    field(
                        errors,
                        &format!("contact.addressLines[{i}]"),
                        "Must be text of 1 to 200 characters.",
                    );
                }
            }
        }
        Some(_) => field(errors, "contact.addressLines", "Must be an array of at most 4 lines."),
    }
    text(contact, "zip", p, 20, errors);
    text(contact, "city", p, 100, errors);
    if let Some(country) = text(contact, "country", p, 2, errors) {
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            field(errors, "contact.country", "Must be an ISO 3166 alpha-2 code (NO).");
        }
    }
}

/// `POST /subscriber`.
pub(super) async fn create_subscriber(
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
    let Some(obj) = value.as_object() else {
        return Err(S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: "The request body must be a JSON object.".into(),
        }]));
    };
    let mut errors = Vec::new();
    let external_id = text(obj, "externalId", "", 100, &mut errors);
    let subscriber_number = match obj.get("subscriberNumber") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => text(obj, "subscriberNumber", "", 30, &mut errors),
    };
    let contact = match obj.get("contact") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Object(c)) => {
            check_contact(c, &mut errors);
            Value::Object(c.clone())
        }
        Some(_) => {
            field(&mut errors, "contact", "Must be an object.");
            Value::Null
        }
    };
    if !errors.is_empty() {
        return Err(S4Error::validation(errors));
    }
    let subscriber = S4Subscriber {
        id: uuid::Uuid::new_v4().to_string(),
        tenant_id: caller.tenant_id.clone(),
        client_id: caller.client_id.clone(),
        external_id,
        subscriber_number,
        contact,
        created_ms: now_ms(),
    };
    state.store.insert_s4_subscriber(&subscriber)?;
    Ok((StatusCode::CREATED, Json(subscriber_view(&subscriber))).into_response())
}

/// `GET /subscriber?ExternalId=…`: the tenant's subscribers with that external id.
pub(super) async fn find_subscribers(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, S4Error> {
    let external = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("externalid"))
        .map(|(_, v)| v.clone())
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            S4Error::validation(vec![FieldError {
                field: "ExternalId".into(),
                message: "The ExternalId query parameter is required.".into(),
            }])
        })?;
    let found = state
        .store
        .s4_subscribers_by_external_id(&caller.tenant_id, &external)?;
    Ok(Json(found.iter().map(subscriber_view).collect::<Vec<_>>()).into_response())
}

/// The admin view: every subscriber, with its tenant.
pub fn admin_view(s: &S4Subscriber) -> Value {
    let mut v = subscriber_view(s);
    v["tenantId"] = json!(s.tenant_id);
    v["clientId"] = json!(s.client_id);
    v["created"] = json!(s.created_ms);
    v
}
