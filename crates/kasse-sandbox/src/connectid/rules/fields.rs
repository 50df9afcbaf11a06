//! Typed reads of optional order fields: absent or `null` is `None`; a value of the wrong JSON type
//! is a `ValidationException` naming the field's path.

use crate::errors::CidError;
use crate::util::{money_cents, MoneyError};
use serde_json::{Map, Value};

/// A JSON object (an order, a line, a party).
pub(super) type Obj = Map<String, Value>;

pub(super) fn opt_str<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<Option<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(CidError::validation(format!("{path}{key} must be a string"))),
    }
}

/// A string, where blank counts as absent.
pub(super) fn opt_nonblank<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<Option<&'a str>, CidError> {
    Ok(opt_str(obj, key, path)?.filter(|s| !s.trim().is_empty()))
}

pub(super) fn opt_int(obj: &Obj, key: &str, path: &str) -> Result<Option<i64>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| CidError::validation(format!("{path}{key} must be an integer"))),
    }
}

pub(super) fn opt_bool(obj: &Obj, key: &str, path: &str) -> Result<Option<bool>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(CidError::validation(format!("{path}{key} must be a boolean"))),
    }
}

/// An amount in major units (`149.5`), as minor units.
pub(super) fn opt_money(obj: &Obj, key: &str, path: &str) -> Result<Option<i64>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => money_cents(v).map(Some).map_err(|e| {
            CidError::validation(match e {
                MoneyError::NotANumber => {
                    format!("{path}{key} must be a number (major units, e.g. 149.5)")
                }
                MoneyError::OutOfRange => format!("{path}{key} must be zero or positive"),
                MoneyError::TooPrecise => format!("{path}{key} has more than two decimals"),
            })
        }),
    }
}

/// An array of strings; absent is empty.
pub(super) fn opt_strings<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<Vec<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .ok_or_else(|| CidError::validation(format!("{path}{key}[{i}] must be a string")))
            })
            .collect(),
        Some(_) => Err(CidError::validation(format!("{path}{key} must be an array of strings"))),
    }
}
