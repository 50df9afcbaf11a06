//! Refused S4 orders: each validation error names its field, and nothing is stored.

use crate::common::*;
use crate::{s4_create, seed_001_choices, swedbank_order, vipps_order, NEWS, TV};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn validation_errors_name_the_fields() {
    let sb = start().await;
    let base = sb.base_url();
    let token = s4_token(&base).await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"templatePackageId": TV, "paymentAgreementId": "44444444-5555-6666-7777-000000000000"}),
            "subscriberId",
        ),
        (
            json!({"subscriberId": "nope", "templatePackageId": TV, "paymentAgreementId": "44444444-5555-6666-7777-000000000000"}),
            "subscriberId",
        ),
        (
            set(
                seed_001_choices(),
                "/templatePackageId",
                json!("10000000-0000-0000-0000-0000000000ff"),
            ),
            "templatePackageId",
        ),
        (remove(seed_001_choices(), "/templatePackageId"), "templatePackageId"),
        (
            set(
                seed_001_choices(),
                "/organizationId",
                json!("20000000-0000-0000-0000-0000000000ff"),
            ),
            "organizationId",
        ),
        (
            set(
                seed_001_choices(),
                "/templatePackageChoices/products",
                json!(["00000000-0000-0000-0000-000000000101"]),
            ),
            "templatePackageChoices.products[0]",
        ),
        (
            set(seed_001_choices(), "/templatePackageChoices/products", json!([])),
            "templatePackageChoices.products",
        ),
        (remove(seed_001_choices(), "/paymentAgreementId"), "paymentAgreementId"),
        (
            remove(
                vipps_order("http://s"),
                "/paymentAgreementParameters/vippsMobilePayParameters/merchantRedirectUrl",
            ),
            "paymentAgreementParameters.vippsMobilePayParameters.merchantRedirectUrl",
        ),
        (
            remove(
                vipps_order("http://s"),
                "/paymentAgreementParameters/vippsMobilePayParameters",
            ),
            "paymentAgreementParameters.vippsMobilePayParameters",
        ),
        (
            set(
                vipps_order("http://s"),
                "/paymentAgreementParameters/vippsMobilePayParameters/customerPhoneNumber",
                json!("91234567"),
            ),
            "paymentAgreementParameters.vippsMobilePayParameters.customerPhoneNumber",
        ),
        (
            set(
                swedbank_order("http://s"),
                "/paymentAgreementParameters/payExEcommerceParameters/completeUrl",
                json!("/relative"),
            ),
            "paymentAgreementParameters.payExEcommerceParameters.completeUrl",
        ),
        (
            set(
                swedbank_order("http://s"),
                "/paymentAgreementParameters/paymentMethod",
                json!("Bitcoin"),
            ),
            "paymentAgreementParameters.paymentMethod",
        ),
        // Price override on a template that does not allow it (the S4 example's spelling).
        (
            json!({"subscriberId": "11111111-2222-3333-4444-000000000000", "templatePackageId": NEWS,
                "paymentAgreementId": "44444444-5555-6666-7777-000000000000",
                "templatePackageChoices": {"priceOveride": 99}}),
            "templatePackageChoices.priceOveride",
        ),
    ];
    for (body, field) in cases {
        let (status, err) = s4_create(&base, &token, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {err}");
        assert!(err["message"].as_str().is_some());
        let fields: Vec<&str> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{field} not in {fields:?} for {body}");
    }
    assert!(admin_orders(&base).await.is_empty());
    sb.shutdown().await;
}
