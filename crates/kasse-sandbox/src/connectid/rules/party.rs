//! The payer, and a line's receiver (same shape): the fields ConnectID's order documentation calls
//! "commonly required", and the formats of the contact fields.

use super::fields::{opt_int, opt_nonblank, opt_str, opt_strings, Obj};
use crate::errors::CidError;
use crate::util::{is_email, is_phone_like};
use serde_json::Value;

/// Checks a payer or receiver named `name`; returns its `customerNumber`.
pub(super) fn validate_party(value: &Value, name: &str) -> Result<Option<i64>, CidError> {
    let party = value
        .as_object()
        .ok_or_else(|| CidError::validation(format!("{name} must be an object")))?;
    let p = format!("{name}.");
    if opt_nonblank(party, "companyName", &p)?.is_none() && opt_nonblank(party, "lastName", &p)?.is_none() {
        return Err(CidError::validation(format!(
            "{name}: companyName or lastName is required"
        )));
    }
    if opt_nonblank(party, "postalCode", &p)?.is_none() {
        return Err(CidError::validation(format!("{name}.postalCode is required")));
    }
    check_contacts(party, name, &p)?;
    if let Some(cc) = opt_str(party, "countryCode", &p)? {
        if !(2..=3).contains(&cc.len()) || !cc.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(CidError::validation(format!(
                "{name}.countryCode must be 2 or 3 upper-case letters"
            )));
        }
    }
    for key in ["streetNumber", "floor", "birthDate"] {
        opt_int(party, key, &p)?;
    }
    opt_int(party, "customerNumber", &p)
}

/// `emails` or `phoneNumbers` (at least one of them), each well-formed, and `invoiceEmailAddress`.
fn check_contacts(party: &Obj, name: &str, p: &str) -> Result<(), CidError> {
    let emails = opt_strings(party, "emails", p)?;
    let phones = opt_strings(party, "phoneNumbers", p)?;
    if emails.is_empty() && phones.is_empty() {
        return Err(CidError::validation(format!(
            "{name}: emails or phoneNumbers is required"
        )));
    }
    if let Some(i) = emails.iter().position(|e| !is_email(e)) {
        return Err(CidError::validation(format!(
            "{name}.emails[{i}] is not a valid e-mail address"
        )));
    }
    if let Some(i) = phones.iter().position(|n| !is_phone_like(n)) {
        return Err(CidError::validation(format!(
            "{name}.phoneNumbers[{i}] is not a valid phone number"
        )));
    }
    if let Some(e) = opt_str(party, "invoiceEmailAddress", p)? {
        if !is_email(e) {
            return Err(CidError::validation(format!(
                "{name}.invoiceEmailAddress is not a valid e-mail address"
            )));
        }
    }
    Ok(())
}
