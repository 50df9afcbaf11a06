//! Marketing consent events (client mode): a reader gave or withdrew a consent. Registered,
//! stored as received, and read back per subject.

use super::consent_texts::issuer_not_found;
use super::*;
use crate::seed::Consent;
use crate::store::{ConsentEventRow, NewConsentEvent};

/// ConnectID's `subjectType`s: the subject is a ConnectID user (`CONNECT`, `CONNECTID`), the
/// publisher's own id (`EXTERNAL`) or an order (`ORDER`).
const SUBJECT_TYPES: [&str; 4] = ["CONNECT", "CONNECTID", "EXTERNAL", "ORDER"];

/// The earliest `eventTime` taken as epoch ms (2000-01-01): anything earlier is almost surely
/// seconds sent for milliseconds, a mistake the vendor would store silently as a 1970 date.
const EARLIEST_EVENT_MS: i64 = 946_684_800_000;

/// How far ahead of the sandbox's clock an `eventTime` may be (clock skew, not a future consent).
const MAX_FUTURE_MS: i64 = 24 * 3600 * 1000;

/// Longest `data` accepted (base64 text).
const MAX_DATA_CHARS: usize = 65_536;

/// `POST /capi/v1/client/customer/privacy/consentEvent`, body `{consentId | (consentTarget +
/// consentScope), subject, subjectType, source, action, eventTime, data?}` → 200 `{consentId,
/// subject, subjectType, consentEventId, created, source, action}`. Every field is checked; a
/// problem is a 400 that names the field.
pub(super) async fn register_consent_event(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    let consent = resolve_consent(&state.seed.connectid.consents, obj)?;
    let event = NewConsentEvent {
        client_id: caller.client_id.clone(),
        issuer: consent.issuer.clone(),
        consent_id: consent.consent_id.clone(),
        subject: field_str(obj, "subject", 255, true)?
            .unwrap_or_default()
            .trim()
            .to_string(),
        subject_type: subject_type(field_str(obj, "subjectType", 20, true)?.unwrap_or_default())?,
        source: field_str(obj, "source", 255, true)?
            .unwrap_or_default()
            .trim()
            .to_string(),
        action: action(obj)?,
        event_time: event_time(field_int(obj, "eventTime", true)?.unwrap_or_default())?,
        data: data(obj)?,
    };
    let row = state.store.insert_consent_event(&event)?;
    Ok(Json(answer(&row)).into_response())
}

/// `GET /capi/v1/client/customer/privacy/consentEvent/history/{issuer}/{subjectType}/{subject}`
/// → `{issuer, subjectType, subject, consentEvents[…]}`, oldest first; each event as the
/// register answer plus `eventTime` and `data`.
pub(super) async fn consent_event_history(
    State(state): State<Arc<AppState>>,
    Path((issuer, kind, subject)): Path<(String, String, String)>,
) -> Result<Response, CidError> {
    if !state.seed.has_issuer(&issuer) {
        return Err(issuer_not_found(&issuer));
    }
    let kind = subject_type(&kind)?;
    let events: Vec<Value> = state
        .store
        .consent_history(&issuer, &kind, &subject)?
        .iter()
        .map(history_entry)
        .collect();
    Ok(Json(json!({
        "issuer": issuer,
        "subjectType": kind,
        "subject": subject,
        "consentEvents": events,
    }))
    .into_response())
}

/// A stored event as `/__sandbox/consents` shows it: everything, the client and issuer included.
pub fn admin_view(row: &ConsentEventRow) -> Value {
    let mut view = history_entry(row);
    view["clientId"] = json!(row.event.client_id);
    view["issuer"] = json!(row.event.issuer);
    view
}

fn answer(row: &ConsentEventRow) -> Value {
    let e = &row.event;
    json!({
        "consentId": e.consent_id,
        "subject": e.subject,
        "subjectType": e.subject_type,
        "consentEventId": row.id,
        "created": row.created_ms,
        "source": e.source,
        "action": e.action,
    })
}

fn history_entry(row: &ConsentEventRow) -> Value {
    let mut entry = answer(row);
    entry["eventTime"] = json!(row.event.event_time);
    entry["data"] = json!(row.event.data);
    entry
}

/// The consent an event is about: by `consentId`, or by `consentTarget` + `consentScope`. When
/// both are given they must name the same consent.
fn resolve_consent<'a>(consents: &'a [Consent], obj: &Map<String, Value>) -> Result<&'a Consent, CidError> {
    let id = field_str(obj, "consentId", 100, false)?.filter(|s| !s.trim().is_empty());
    let target = field_str(obj, "consentTarget", 100, false)?.filter(|s| !s.trim().is_empty());
    let scope = field_str(obj, "consentScope", 100, false)?.filter(|s| !s.trim().is_empty());
    let not_found = |what: String| CidError::bad("ConsentNotFoundException", what);
    if let Some(id) = id {
        let consent = consents
            .iter()
            .find(|c| c.consent_id == id)
            .ok_or_else(|| not_found(format!("consentId {id} is not a known consent")))?;
        for (key, given, own) in [
            ("consentTarget", target, &consent.target),
            ("consentScope", scope, &consent.scope),
        ] {
            if given.is_some_and(|g| g != own) {
                return Err(CidError::validation(format!(
                    "{key} does not match consent {id} ({own})"
                )));
            }
        }
        return Ok(consent);
    }
    let (target, scope) = match (target, scope) {
        (Some(t), Some(s)) => (t, s),
        (Some(_), None) => return Err(CidError::validation("consentScope is required with consentTarget")),
        (None, Some(_)) => return Err(CidError::validation("consentTarget is required with consentScope")),
        (None, None) => {
            return Err(CidError::validation(
                "consentId (or consentTarget and consentScope) is required",
            ))
        }
    };
    let mut matching = consents.iter().filter(|c| c.target == target && c.scope == scope);
    match (matching.next(), matching.next()) {
        (Some(c), None) => Ok(c),
        (Some(_), Some(_)) => Err(CidError::validation(format!(
            "consentTarget {target} and consentScope {scope} match several consents: give consentId"
        ))),
        (None, _) => Err(not_found(format!(
            "no consent with consentTarget {target} and consentScope {scope}"
        ))),
    }
}

fn subject_type(text: &str) -> Result<String, CidError> {
    SUBJECT_TYPES
        .iter()
        .find(|t| **t == text)
        .map(|t| t.to_string())
        .ok_or_else(|| {
            CidError::validation(format!(
                "subjectType {text:?} must be one of {}",
                SUBJECT_TYPES.join(", ")
            ))
        })
}

/// `action`: a JSON boolean (true = consent given, false = withdrawn); `"true"` or 1 is refused.
fn action(obj: &Map<String, Value>) -> Result<bool, CidError> {
    match obj.get("action") {
        Some(Value::Bool(b)) => Ok(*b),
        None | Some(Value::Null) => Err(CidError::validation("action is required")),
        Some(_) => Err(CidError::validation("action must be a boolean (true or false)")),
    }
}

fn event_time(ms: i64) -> Result<i64, CidError> {
    if ms < EARLIEST_EVENT_MS {
        return Err(CidError::validation(
            "eventTime must be epoch milliseconds (this is before 2000: seconds sent for milliseconds?)",
        ));
    }
    if ms > now_ms() + MAX_FUTURE_MS {
        return Err(CidError::validation("eventTime is in the future"));
    }
    Ok(ms)
}

/// `data`: optional, standard base64 (with padding).
fn data(obj: &Map<String, Value>) -> Result<Option<String>, CidError> {
    let Some(text) = field_str(obj, "data", MAX_DATA_CHARS, false)? else {
        return Ok(None);
    };
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| CidError::validation("data must be base64"))?;
    Ok(Some(text.to_string()))
}
