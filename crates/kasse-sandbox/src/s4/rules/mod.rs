//! The rules S4's order API documents for `POST /order`, each family in its own check: the
//! subscriber, template package and organization here, the price and the payment agreement in
//! their own modules. Every problem is collected, as S4 answers all field errors at once.

use super::*;

mod payment;
mod price;

use payment::check_payment;
pub(super) use price::price_of_choices;

/// Adds a field error.
pub(super) fn field(errors: &mut Vec<FieldError>, field: &str, message: impl Into<String>) {
    errors.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

/// A GUID field: `None` when absent, an error when present but malformed.
pub(super) fn guid_field(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if is_guid(s) => Some(s.to_lowercase()),
        Some(_) => {
            field(errors, &format!("{path}{key}"), "The value is not a valid GUID.");
            None
        }
    }
}

/// What a valid S4 order is.
pub(super) struct ValidS4 {
    pub(super) template_package_id: String,
    pub(super) organization_id: String,
    pub(super) subscriber_id: Option<String>,
    pub(super) payment_agreement_id: Option<String>,
    pub(super) payment_method: Option<String>,
    pub(super) interactive: bool,
    pub(super) price_cents: i64,
}

/// Validates a create-order body against the tenant's template packages and organizations.
pub(super) fn validate_s4(body: &Value, tenant: &S4Tenant) -> Result<ValidS4, S4Error> {
    let mut errors = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: "The request body must be a JSON object.".into(),
        }]));
    };
    let subscriber_id = check_subscriber(obj, &mut errors);
    let (template_id, template) = find_template(obj, tenant, &mut errors);
    let organization_id = check_organization(obj, tenant, &mut errors);
    let price_cents = price_of_choices(obj, template, &mut errors);
    let payment_agreement_id = guid_field(obj, "paymentAgreementId", "", &mut errors);
    let (payment_method, interactive) = check_payment(obj, &mut errors);
    if !errors.is_empty() {
        return Err(S4Error::validation(errors));
    }
    Ok(ValidS4 {
        template_package_id: template_id.unwrap_or_default(),
        organization_id,
        subscriber_id,
        payment_agreement_id,
        payment_method,
        interactive,
        price_cents,
    })
}

/// `subscriberId`, or the fields that name a new subscriber.
fn check_subscriber(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    let subscriber_id = guid_field(obj, "subscriberId", "", errors);
    let has_new_subscriber = ["externalSubscriberId", "subscriberNumber"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(|v| !v.is_null()));
    if obj.get("subscriberId").is_none_or(Value::is_null) && !has_new_subscriber {
        field(
            errors,
            "subscriberId",
            "subscriberId, externalSubscriberId or subscriberNumber is required.",
        );
    }
    subscriber_id
}

/// The tenant's template package the order names.
fn find_template<'t>(
    obj: &Map<String, Value>,
    tenant: &'t S4Tenant,
    errors: &mut Vec<FieldError>,
) -> (Option<String>, Option<&'t S4Template>) {
    let template_id = guid_field(obj, "templatePackageId", "", errors);
    let template = match &template_id {
        Some(id) => {
            let t = tenant.templates.iter().find(|t| t.id.eq_ignore_ascii_case(id));
            if t.is_none() {
                field(errors, "templatePackageId", format!("Template package {id} not found."));
            }
            t
        }
        None => {
            if obj.get("templatePackageId").is_none_or(Value::is_null) {
                field(errors, "templatePackageId", "The field is required.");
            }
            None
        }
    };
    (template_id, template)
}

/// `organizationId`, defaulting to the tenant's first organization.
fn check_organization(obj: &Map<String, Value>, tenant: &S4Tenant, errors: &mut Vec<FieldError>) -> String {
    match guid_field(obj, "organizationId", "", errors) {
        Some(o) => {
            if !tenant.organizations.iter().any(|x| x.eq_ignore_ascii_case(&o)) {
                field(errors, "organizationId", format!("Organization {o} not found."));
            }
            o
        }
        None => tenant.organizations.first().cloned().unwrap_or_default(),
    }
}
