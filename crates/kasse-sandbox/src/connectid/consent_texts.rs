//! Marketing consent texts (client mode): the sentences a checkout shows beside its consent box,
//! per language, with their history.

use super::*;
use crate::seed::{Consent, ConsentText};

/// `GET /capi/v1/client/customer/privacy/consent/text/history/{issuer}` with optional filters
/// `consentId`, `target`, `scope` and `onlyActive` (`true` keeps only the versions valid now) →
/// `{issuer, consents[{consentId, consentGroupId, target, scope, texts[{consentTextId,
/// languageCode, textHistory[{consentTextHistoryId, text, fromDate, toDate}]}]}]}`.
/// An issuer without consents is unknown: 404.
pub(super) async fn consent_texts(
    State(state): State<Arc<AppState>>,
    Path(issuer): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, CidError> {
    if !state.seed.has_issuer(&issuer) {
        return Err(issuer_not_found(&issuer));
    }
    let only_active = match q.get("onlyActive").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(CidError::validation(format!(
                "onlyActive {other:?} must be true or false"
            )))
        }
    };
    let wanted = |key: &str, value: &str| q.get(key).is_none_or(|w| w == value);
    let now = now_ms();
    let consents: Vec<Value> = state
        .seed
        .connectid
        .consents
        .iter()
        .filter(|c| c.issuer == issuer)
        .filter(|c| wanted("consentId", &c.consent_id) && wanted("target", &c.target) && wanted("scope", &c.scope))
        .map(|c| consent_json(c, only_active.then_some(now)))
        .collect();
    Ok(Json(json!({"issuer": issuer, "consents": consents})).into_response())
}

/// 404 for an issuer the sandbox has no consents of.
pub(super) fn issuer_not_found(issuer: &str) -> CidError {
    CidError {
        status: StatusCode::NOT_FOUND,
        exception_type: "IssuerNotFoundException",
        message: format!("issuer {issuer} not found"),
    }
}

/// A consent with its texts; `active_at` keeps only the versions valid then (and the texts
/// that still have one).
fn consent_json(c: &Consent, active_at: Option<i64>) -> Value {
    let texts: Vec<Value> = c.texts.iter().filter_map(|t| text_json(t, active_at)).collect();
    json!({
        "consentId": c.consent_id,
        "consentGroupId": c.consent_group_id,
        "target": c.target,
        "scope": c.scope,
        "texts": texts,
    })
}

fn text_json(t: &ConsentText, active_at: Option<i64>) -> Option<Value> {
    let history: Vec<Value> = t
        .history
        .iter()
        .filter(|v| active_at.is_none_or(|now| v.active_at(now)))
        .map(|v| {
            json!({
                "consentTextHistoryId": v.id,
                "text": v.text,
                "fromDate": v.from_date,
                "toDate": v.to_date,
            })
        })
        .collect();
    (!history.is_empty()).then(|| {
        json!({
            "consentTextId": t.consent_text_id,
            "languageCode": t.language_code,
            "textHistory": history,
        })
    })
}
