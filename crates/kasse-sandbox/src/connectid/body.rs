//! Reading the JSON bodies and path ids of the `/capi/…` endpoints, with ConnectID's
//! `ValidationException` for anything malformed.

use super::*;

pub(super) fn parse_json(body: &[u8]) -> Result<Value, CidError> {
    serde_json::from_slice(body).map_err(|e| CidError::validation(format!("malformed JSON body: {e}")))
}

/// A request body that must be a JSON object (the handlers read their fields from it).
pub(super) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, CidError> {
    match parse_json(body)? {
        Value::Object(obj) => Ok(obj),
        _ => Err(CidError::validation("the request body must be a JSON object")),
    }
}

/// The `{orderId}` of a path.
pub(super) fn parse_order_id(text: &str) -> Result<i64, CidError> {
    text.parse::<i64>()
        .map_err(|_| CidError::validation(format!("orderId {text:?} must be an integer")))
}

/// A string field of at most `max` characters; a required one must not be blank.
pub(super) fn field_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    max: usize,
    required: bool,
) -> Result<Option<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) if required => Err(CidError::validation(format!("{key} is required"))),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(CidError::validation(format!("{key} must be at most {max} characters")))
        }
        Some(Value::String(s)) if required && s.trim().is_empty() => {
            Err(CidError::validation(format!("{key} is required")))
        }
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(CidError::validation(format!("{key} must be a string"))),
    }
}

/// An integer field.
pub(super) fn field_int(obj: &Map<String, Value>, key: &str, required: bool) -> Result<Option<i64>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) if required => Err(CidError::validation(format!("{key} is required"))),
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| CidError::validation(format!("{key} must be an integer"))),
    }
}
