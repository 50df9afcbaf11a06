//! The client's lookups: a coupon's price and a product's coupons, and an order's status in the
//! reference shape.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn coupon_price_and_coupon_list() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let price = |body: Value| {
        let token = token.clone();
        let base = base.clone();
        async move { post_for_json(&format!("{base}/capi/v1/client/coupon/price"), &token, &body).await }
    };
    let (status, p) = price(json!({"couponCode": "DIGI1M", "couponNumber": 1001, "customerNumber": 71})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["price"], 149);
    assert_eq!(p["currency"], "NOK");
    assert_eq!(p["product"], "DIGI");
    assert_eq!(p["customerNumber"], 71);
    for key in [
        "companyCode",
        "vatAmount",
        "vatpercent",
        "vatInclude",
        "distAmount",
        "distAmountvat",
    ] {
        assert!(p.get(key).is_some(), "{key}");
    }
    let (_, se) = price(json!({"couponCode": "SEDIG", "couponNumber": 2001})).await;
    assert_eq!(se["currency"], "SEK");
    assert_eq!(se["vatAmount"], 7.3, "6 % VAT included in 129 SEK");

    let (status, err) = price(json!({"couponCode": "DIGI1M", "couponNumber": 1})).await;
    assert_eq!(
        (status, err["exceptionType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("CouponNotFoundException"))
    );
    let (status, _) = price(json!({"couponCode": "THIRTEENCHARS", "couponNumber": 1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = price(json!({"couponCode": "DIGI1M"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let list: Value = get_as(&format!("{base}/capi/v1/client/coupon/DIGI"), &token)
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = list["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["couponCode"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DIGI1M", "DIGIPAPIR", "GAVE3M"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn order_status_has_the_reference_shape() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let id = create_order(&base, &token, &seed_order()).await;
    let status: Value = get_as(&format!("{base}/capi/v1/client/order/status/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    let o = &status["orders"][0];
    assert_eq!(o["orderId"], id);
    assert_eq!(o["externalOrderId"], "23456");
    assert_eq!(o["orderStatus"], "preliminary");
    assert_eq!(o["orderAmount"], 150);
    assert_eq!(o["customerNumber"], 71);
    assert!(o["orderTime"].as_i64().unwrap() > 1_700_000_000_000);
    let r = get_as(&format!("{base}/capi/v1/client/order/status/{}", id + 1000), &token).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    sb.shutdown().await;
}
