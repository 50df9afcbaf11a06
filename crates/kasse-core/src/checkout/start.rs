//! Start subscription: the `POST /v1/subscription` body for a start-subscription offer, built in
//! the browser and checked by the gateway against the same offer.

use crate::connectid::{validate_start_subscription, StartSubscription};
use crate::error_code::{ErrorCode, Errors, FieldError};
use crate::offer::{Offer, DAY_MS};

/// The body that starts `offer`'s subscription now (`now_ms`): its product, coupon, copies and
/// company code, ending `days` later when the offer says so.
pub fn build_start_subscription(offer: &Offer, now_ms: i64) -> Result<StartSubscription, Vec<FieldError>> {
    let Some(s) = &offer.start_subscription else {
        return Err(vec![FieldError::new("offer", ErrorCode::BackendMismatch)]);
    };
    let req = StartSubscription {
        company_code: s.company_code.clone(),
        product: s.product.clone(),
        start_time: now_ms,
        end_time: s.days.map(|d| now_ms + i64::from(d) * DAY_MS),
        copies: i64::from(s.copies),
        coupon_code: s.coupon.code.clone(),
        coupon_number: s.coupon.number,
        customer_reference: None,
    };
    validate_start_subscription(&req)?;
    Ok(req)
}

/// Checks a start-subscription body against its offer: everything but `startTime` is the offer's
/// (the gateway checks `startTime` against its clock), and `endTime` is the offer's days after it.
pub fn check_start_against_offer(req: &StartSubscription, offer: &Offer) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.extend(validate_start_subscription(req));
    let Some(s) = &offer.start_subscription else {
        e.push("product", ErrorCode::BackendMismatch);
        return e.finish();
    };
    if !req.product.eq_ignore_ascii_case(&s.product) {
        e.push("product", ErrorCode::ProductMismatch);
    }
    if !req.coupon_code.eq_ignore_ascii_case(&s.coupon.code) || req.coupon_number != s.coupon.number {
        e.push("couponCode", ErrorCode::CouponMismatch);
    }
    if req.copies != i64::from(s.copies) {
        e.push("copies", ErrorCode::InvalidQuantity);
    }
    if req.company_code != s.company_code {
        e.push("companyCode", ErrorCode::UnexpectedField);
    }
    if req.end_time != s.days.map(|d| req.start_time + i64::from(d) * DAY_MS) {
        e.push("endTime", ErrorCode::InvalidDate);
    }
    if req.customer_reference.is_some() {
        e.push("customerReference", ErrorCode::UnexpectedField);
    }
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> Offer {
        toml::from_str(
            r#"
            id = "digi-included"
            backend = "connectId"
            title = "Digital access included"
            price = 0
            currency = "NOK"
            period = { unit = "month" }
            [startSubscription]
            product = "DIGI"
            coupon = { code = "DIGIPAPIR", number = 1004 }
            days = 30
        "#,
        )
        .unwrap()
    }

    #[test]
    fn the_body_is_the_offers_and_tampering_is_caught() {
        let o = offer();
        assert!(crate::offer::validate_offer(&o).is_ok());
        let req = build_start_subscription(&o, 1_000).unwrap();
        assert_eq!(
            (req.product.as_str(), req.copies, req.end_time),
            ("DIGI", 1, Some(1_000 + 30 * DAY_MS))
        );
        assert_eq!(check_start_against_offer(&req, &o), Ok(()));
        let mut t = req.clone();
        t.product = "HELG".into();
        t.coupon_number = 1;
        t.copies = 5;
        t.end_time = None;
        t.customer_reference = Some("x".into());
        let codes: Vec<(String, ErrorCode)> = check_start_against_offer(&t, &o)
            .unwrap_err()
            .into_iter()
            .map(|f| (f.path, f.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("product".into(), ErrorCode::ProductMismatch),
                ("couponCode".into(), ErrorCode::CouponMismatch),
                ("copies".into(), ErrorCode::InvalidQuantity),
                ("endTime".into(), ErrorCode::InvalidDate),
                ("customerReference".into(), ErrorCode::UnexpectedField),
            ]
        );
        let mut priced = o.clone();
        priced.price = crate::money::Money(100);
        assert!(
            crate::offer::validate_offer(&priced).is_err(),
            "nothing is paid: the price is 0"
        );
    }
}
