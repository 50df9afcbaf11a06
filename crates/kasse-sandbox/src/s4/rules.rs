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
            field(
                errors,
                &format!("{path}{key}"),
                "The value is not a valid GUID.",
            );
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
            field(
                errors,
                &format!("{path}{key}"),
                "Must be an absolute http(s) URL.",
            );
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
    let subscriber_id = guid_field(obj, "subscriberId", "", &mut errors);
    let has_new_subscriber = ["externalSubscriberId", "subscriberNumber"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(|v| !v.is_null()));
    if obj.get("subscriberId").is_none_or(Value::is_null) && !has_new_subscriber {
        field(
            &mut errors,
            "subscriberId",
            "subscriberId, externalSubscriberId or subscriberNumber is required.",
        );
    }

    let template_id = guid_field(obj, "templatePackageId", "", &mut errors);
    let template: Option<&S4Template> = match &template_id {
        Some(id) => {
            let t = tenant
                .templates
                .iter()
                .find(|t| t.id.eq_ignore_ascii_case(id));
            if t.is_none() {
                field(
                    &mut errors,
                    "templatePackageId",
                    format!("Template package {id} not found."),
                );
            }
            t
        }
        None => {
            if obj.get("templatePackageId").is_none_or(Value::is_null) {
                field(&mut errors, "templatePackageId", "The field is required.");
            }
            None
        }
    };

    let organization_id = match guid_field(obj, "organizationId", "", &mut errors) {
        Some(o) => {
            if !tenant
                .organizations
                .iter()
                .any(|x| x.eq_ignore_ascii_case(&o))
            {
                field(
                    &mut errors,
                    "organizationId",
                    format!("Organization {o} not found."),
                );
            }
            o
        }
        None => tenant.organizations.first().cloned().unwrap_or_default(),
    };

    // Products and price.
    let mut price_cents: i64 = template
        .map(|t| {
            t.products
                .iter()
                .map(|p| (p.full_price * 100.0).round() as i64)
                .sum()
        })
        .unwrap_or(0);
    match obj.get("templatePackageChoices") {
        None | Some(Value::Null) => {}
        Some(Value::Object(choices)) => {
            const P: &str = "templatePackageChoices.";
            match choices.get("products") {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    if items.is_empty() {
                        field(
                            &mut errors,
                            "templatePackageChoices.products",
                            "Choose at least one product.",
                        );
                    }
                    let mut chosen: Vec<String> = Vec::new();
                    let mut sum = 0;
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("{P}products[{i}]");
                        let Some(id) = item.as_str().filter(|s| is_guid(s)).map(str::to_lowercase)
                        else {
                            field(&mut errors, &path, "The value is not a valid GUID.");
                            continue;
                        };
                        if chosen.contains(&id) {
                            field(&mut errors, &path, format!("Product {id} is chosen twice."));
                            continue;
                        }
                        if let Some(t) = template {
                            match t
                                .products
                                .iter()
                                .find(|p| p.product_id.eq_ignore_ascii_case(&id))
                            {
                                Some(p) => sum += (p.full_price * 100.0).round() as i64,
                                None => field(
                                    &mut errors,
                                    &path,
                                    format!("Product {id} is not part of the template package."),
                                ),
                            }
                        }
                        chosen.push(id);
                    }
                    price_cents = sum;
                }
                Some(_) => field(
                    &mut errors,
                    "templatePackageChoices.products",
                    "Must be an array of GUIDs.",
                ),
            }
            // S4's order example spells it `priceOveride`; the SDK says `priceOverride`. Both are read.
            let overrides: Vec<(&str, &Value)> = ["priceOverride", "priceOveride"]
                .iter()
                .filter_map(|k| choices.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
                .collect();
            if overrides.len() == 2 && overrides[0].1 != overrides[1].1 {
                field(
                    &mut errors,
                    "templatePackageChoices.priceOverride",
                    "priceOverride and priceOveride disagree.",
                );
            }
            if let Some((key, value)) = overrides.first() {
                let path = format!("{P}{key}");
                match money_cents(value) {
                    Err(_) => field(
                        &mut errors,
                        &path,
                        "Must be a non-negative number with at most two decimals.",
                    ),
                    Ok(cents) => {
                        if template.is_some_and(|t| !t.allows_price_override) {
                            field(
                                &mut errors,
                                &path,
                                "The template package does not allow price overrides.",
                            );
                        }
                        price_cents = cents;
                    }
                }
            }
        }
        Some(_) => field(&mut errors, "templatePackageChoices", "Must be an object."),
    }

    // Payment: an existing agreement, or parameters to create one.
    let payment_agreement_id = guid_field(obj, "paymentAgreementId", "", &mut errors);
    let params = obj
        .get("paymentAgreementParameters")
        .filter(|v| !v.is_null());
    let mut payment_method = None;
    let mut interactive = false;
    match (
        obj.get("paymentAgreementId").filter(|v| !v.is_null()),
        params,
    ) {
        (None, None) => field(
            &mut errors,
            "paymentAgreementId",
            "paymentAgreementId or paymentAgreementParameters is required.",
        ),
        (Some(_), Some(_)) => field(
            &mut errors,
            "paymentAgreementParameters",
            "Give either paymentAgreementId or paymentAgreementParameters, not both.",
        ),
        (None, Some(Value::Object(p))) => {
            const P: &str = "paymentAgreementParameters.";
            match p.get("paymentMethod").and_then(Value::as_str) {
                Some(m) if METHODS.contains(&m) => {
                    payment_method = Some(m.to_string());
                    match m {
                        "Vipps" | "MobilePay" => {
                            interactive = true;
                            match p.get("vippsMobilePayParameters") {
                                Some(Value::Object(v)) => {
                                    let path = format!("{P}vippsMobilePayParameters.");
                                    url_field(v, "merchantAgreementUrl", &path, true, &mut errors);
                                    url_field(v, "merchantRedirectUrl", &path, true, &mut errors);
                                    if let Some(phone) =
                                        v.get("customerPhoneNumber").filter(|x| !x.is_null())
                                    {
                                        if !phone.as_str().is_some_and(is_e164) {
                                            field(
                                                &mut errors,
                                                &format!("{path}customerPhoneNumber"),
                                                "Must be a phone number in +E.164 form.",
                                            );
                                        }
                                    }
                                }
                                _ => field(
                                    &mut errors,
                                    "paymentAgreementParameters.vippsMobilePayParameters",
                                    format!("The field is required when paymentMethod is {m}."),
                                ),
                            }
                        }
                        "SwedbankPay" => {
                            interactive = true;
                            match p.get("payExEcommerceParameters") {
                                Some(Value::Object(v)) => {
                                    let path = format!("{P}payExEcommerceParameters.");
                                    for key in ["callbackUrl", "cancelUrl", "completeUrl"] {
                                        url_field(v, key, &path, true, &mut errors);
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
                                            field(
                                                &mut errors,
                                                &format!("{path}culture"),
                                                "Must be a culture code like nb-NO.",
                                            );
                                        }
                                    }
                                }
                                _ => field(
                                    &mut errors,
                                    "paymentAgreementParameters.payExEcommerceParameters",
                                    "The field is required when paymentMethod is SwedbankPay.",
                                ),
                            }
                        }
                        _ => {}
                    }
                }
                Some(m) => field(
                    &mut errors,
                    "paymentAgreementParameters.paymentMethod",
                    format!("Unknown payment method {m}."),
                ),
                None => field(
                    &mut errors,
                    "paymentAgreementParameters.paymentMethod",
                    "The field is required.",
                ),
            }
        }
        (None, Some(_)) => field(
            &mut errors,
            "paymentAgreementParameters",
            "Must be an object.",
        ),
        // An existing agreement: its method is the vendor's business, not the order's.
        (Some(_), None) => {}
    }

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
