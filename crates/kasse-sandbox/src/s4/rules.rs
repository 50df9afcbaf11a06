//! The rules S4's order API documents for `POST /order`, each family in its own check.

use super::*;

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

pub(super) fn url_field(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => {
            if required {
                field(errors, &format!("{path}{key}"), "The field is required.");
            }
            None
        }
        Some(Value::String(s)) if absolute_http_url(s).is_some() => Some(s.clone()),
        Some(_) => {
            field(errors, &format!("{path}{key}"), "Must be an absolute http(s) URL.");
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

fn cents(price: f64) -> i64 {
    (price * 100.0).round() as i64
}

/// The order's price: the whole template, the chosen products, or an allowed price override.
fn price_of_choices(obj: &Map<String, Value>, template: Option<&S4Template>, errors: &mut Vec<FieldError>) -> i64 {
    let mut price_cents: i64 = template
        .map(|t| t.products.iter().map(|p| cents(p.full_price)).sum())
        .unwrap_or(0);
    match obj.get("templatePackageChoices") {
        None | Some(Value::Null) => {}
        Some(Value::Object(choices)) => {
            if let Some(sum) = price_of_products(choices, template, errors) {
                price_cents = sum;
            }
            if let Some(over) = price_override(choices, template, errors) {
                price_cents = over;
            }
        }
        Some(_) => field(errors, "templatePackageChoices", "Must be an object."),
    }
    price_cents
}

/// `templatePackageChoices.products`: distinct GUIDs of the template's products; their sum.
fn price_of_products(
    choices: &Map<String, Value>,
    template: Option<&S4Template>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let items = match choices.get("products") {
        None | Some(Value::Null) => return None,
        Some(Value::Array(items)) => items,
        Some(_) => {
            field(errors, "templatePackageChoices.products", "Must be an array of GUIDs.");
            return None;
        }
    };
    if items.is_empty() {
        field(
            errors,
            "templatePackageChoices.products",
            "Choose at least one product.",
        );
    }
    let mut chosen: Vec<String> = Vec::new();
    let mut sum = 0;
    for (i, item) in items.iter().enumerate() {
        let path = format!("templatePackageChoices.products[{i}]");
        let Some(id) = item.as_str().filter(|s| is_guid(s)).map(str::to_lowercase) else {
            field(errors, &path, "The value is not a valid GUID.");
            continue;
        };
        if chosen.contains(&id) {
            field(errors, &path, format!("Product {id} is chosen twice."));
            continue;
        }
        if let Some(t) = template {
            match t.products.iter().find(|p| p.product_id.eq_ignore_ascii_case(&id)) {
                Some(p) => sum += cents(p.full_price),
                None => field(
                    errors,
                    &path,
                    format!("Product {id} is not part of the template package."),
                ),
            }
        }
        chosen.push(id);
    }
    Some(sum)
}

/// `priceOverride`, where the template allows one.
fn price_override(
    choices: &Map<String, Value>,
    template: Option<&S4Template>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    // S4's order example spells it `priceOveride`; the SDK says `priceOverride`. Both are read.
    let overrides: Vec<(&str, &Value)> = ["priceOverride", "priceOveride"]
        .iter()
        .filter_map(|k| choices.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
        .collect();
    if overrides.len() == 2 && overrides[0].1 != overrides[1].1 {
        field(
            errors,
            "templatePackageChoices.priceOverride",
            "priceOverride and priceOveride disagree.",
        );
    }
    let (key, value) = overrides.first()?;
    let path = format!("templatePackageChoices.{key}");
    match money_cents(value) {
        Err(_) => {
            field(
                errors,
                &path,
                "Must be a non-negative number with at most two decimals.",
            );
            None
        }
        Ok(cents) => {
            if template.is_some_and(|t| !t.allows_price_override) {
                field(errors, &path, "The template package does not allow price overrides.");
            }
            Some(cents)
        }
    }
}

/// An existing agreement, or parameters to create one: the method and whether the reader
/// approves it on the terminal page.
fn check_payment(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> (Option<String>, bool) {
    let params = obj.get("paymentAgreementParameters").filter(|v| !v.is_null());
    match (obj.get("paymentAgreementId").filter(|v| !v.is_null()), params) {
        (None, None) => field(
            errors,
            "paymentAgreementId",
            "paymentAgreementId or paymentAgreementParameters is required.",
        ),
        (Some(_), Some(_)) => field(
            errors,
            "paymentAgreementParameters",
            "Give either paymentAgreementId or paymentAgreementParameters, not both.",
        ),
        (None, Some(Value::Object(p))) => return check_agreement_parameters(p, errors),
        (None, Some(_)) => field(errors, "paymentAgreementParameters", "Must be an object."),
        // An existing agreement: its method is the vendor's business, not the order's.
        (Some(_), None) => {}
    }
    (None, false)
}

fn check_agreement_parameters(p: &Map<String, Value>, errors: &mut Vec<FieldError>) -> (Option<String>, bool) {
    let method = match p.get("paymentMethod").and_then(Value::as_str) {
        Some(m) if METHODS.contains(&m) => m,
        Some(m) => {
            field(
                errors,
                "paymentAgreementParameters.paymentMethod",
                format!("Unknown payment method {m}."),
            );
            return (None, false);
        }
        None => {
            field(
                errors,
                "paymentAgreementParameters.paymentMethod",
                "The field is required.",
            );
            return (None, false);
        }
    };
    let interactive = match method {
        "Vipps" | "MobilePay" => {
            check_vipps_parameters(p, method, errors);
            true
        }
        "SwedbankPay" => {
            check_swedbank_parameters(p, errors);
            true
        }
        _ => false,
    };
    (Some(method.to_string()), interactive)
}

fn check_vipps_parameters(p: &Map<String, Value>, method: &str, errors: &mut Vec<FieldError>) {
    let Some(Value::Object(v)) = p.get("vippsMobilePayParameters") else {
        field(
            errors,
            "paymentAgreementParameters.vippsMobilePayParameters",
            format!("The field is required when paymentMethod is {method}."),
        );
        return;
    };
    let path = "paymentAgreementParameters.vippsMobilePayParameters.";
    url_field(v, "merchantAgreementUrl", path, true, errors);
    url_field(v, "merchantRedirectUrl", path, true, errors);
    if let Some(phone) = v.get("customerPhoneNumber").filter(|x| !x.is_null()) {
        if !phone.as_str().is_some_and(is_e164) {
            field(
                errors,
                &format!("{path}customerPhoneNumber"),
                "Must be a phone number in +E.164 form.",
            );
        }
    }
}

fn check_swedbank_parameters(p: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let Some(Value::Object(v)) = p.get("payExEcommerceParameters") else {
        field(
            errors,
            "paymentAgreementParameters.payExEcommerceParameters",
            "The field is required when paymentMethod is SwedbankPay.",
        );
        return;
    };
    let path = "paymentAgreementParameters.payExEcommerceParameters.";
    for key in ["callbackUrl", "cancelUrl", "completeUrl"] {
        url_field(v, key, path, true, errors);
    }
    if let Some(c) = v.get("culture").filter(|x| !x.is_null()) {
        let ok = c.as_str().is_some_and(|c| {
            let b = c.as_bytes();
            b.len() == 5
                && b[2] == b'-'
                && b[..2].iter().all(u8::is_ascii_lowercase)
                && b[3..].iter().all(u8::is_ascii_uppercase)
        });
        if !ok {
            field(errors, &format!("{path}culture"), "Must be a culture code like nb-NO.");
        }
    }
}
