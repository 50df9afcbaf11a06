//! The payment agreement: an existing one, or parameters for a new one whose method (Vipps,
//! MobilePay, SwedbankPay) may send the reader to the terminal page.

use super::*;

/// Payment methods of `paymentAgreementParameters` (S4 order API documentation).
const METHODS: [&str; 12] = [
    "Invoice",
    "Vipps",
    "MobilePay",
    "SwedbankPay",
    "AvtaleGiro",
    "eFaktura",
    "EHF",
    "Email",
    "OIO",
    "Autogiro",
    "BetalingsService",
    "Mollie",
];

/// An absolute http(s) URL field.
fn url_field(
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

/// An existing agreement, or parameters to create one: the method and whether the reader
/// approves it on the terminal page.
pub(super) fn check_payment(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> (Option<String>, bool) {
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
