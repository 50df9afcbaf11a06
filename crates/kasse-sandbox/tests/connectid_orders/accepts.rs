//! Accepted orders: ConnectID's example body stored byte for byte, and every valid variant of a
//! minimal order (payer, lines, payment methods, amounts, currencies).

use crate::common::*;
use crate::post_raw_order;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn seed_000_example_is_accepted_as_is_and_stored_verbatim() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let r = post_raw_order(&base, &token, SEED_000_ORDER).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let id = body["orderId"].as_i64().expect("an integer orderId");
    assert_eq!(order_state(&base, &token, id).await, "preliminary");
    let orders = admin_orders(&base).await;
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0]["rawBody"], SEED_000_ORDER,
        "the oracle keeps the body byte for byte"
    );
    assert_eq!(orders[0]["body"]["payer"]["lastName"], "Nordmann");
    assert_eq!(orders[0]["state"], "preliminary");
    assert!(orders[0]["createdAt"].as_i64().unwrap() > 0);
    sb.shutdown().await;
}

fn accept_cases() -> Vec<(&'static str, Value)> {
    let d = || digi_order("a");
    let line = |l: Value| set(set(digi_order("a"), "/orderLines/0", l), "/orderAmount", json!(149));
    vec![
        (
            "companyName instead of lastName",
            set(remove(d(), "/payer/lastName"), "/payer/companyName", json!("Avis AS")),
        ),
        (
            "phone instead of e-mail",
            set(
                remove(d(), "/payer/emails"),
                "/payer/phoneNumbers",
                json!(["+4791234567"]),
            ),
        ),
        ("no orderAmount", remove(d(), "/orderAmount")),
        (
            "no unitPrice on a coupon line (catalog price)",
            remove(d(), "/orderLines/0/unitPrice"),
        ),
        (
            "quantity 2",
            set(set(d(), "/orderLines/0/quantity", json!(2)), "/orderAmount", json!(298)),
        ),
        (
            "decimal amounts",
            set(
                set(
                    set(
                        d(),
                        "/orderLines/0",
                        json!({"productSpecType": "product", "product": "DIGI", "quantity": 1, "unitPrice": 149.5}),
                    ),
                    "/orderAmount",
                    json!(149.5),
                ),
                "/currency",
                json!("NOK"),
            ),
        ),
        (
            "product line",
            line(json!({"productSpecType": "product", "product": "DIGI", "quantity": 1, "unitPrice": 149})),
        ),
        (
            "issue line",
            line(
                json!({"productSpecType": "issue", "productSpecCode": "HELG", "productSpecNo": 12, "product": "HELG", "quantity": 1, "unitPrice": 149}),
            ),
        ),
        (
            "article line",
            line(
                json!({"productSpecType": "article", "quantity": 1, "unitPrice": 149, "articleDetail": {"articleRef": "A-1", "articleDesc": "Tote bag"}}),
            ),
        ),
        (
            "line with a complete receiver",
            set(
                d(),
                "/orderLines/0/receiver",
                json!({"lastName": "Hansen", "postalCode": "5003", "phoneNumbers": ["+4790000000"]}),
            ),
        ),
        (
            "prepaid kco with paymentInfo",
            set(
                set(set(d(), "/paymentMethod", json!("kco")), "/prepaid", json!(true)),
                "/paymentInfoKlarna",
                json!({"orderId": "k-1"}),
            ),
        ),
        (
            "prepaid invoice",
            set(
                set(d(), "/prepaid", json!(true)),
                "/paymentInfoPayEx",
                json!({"transactionId": "1"}),
            ),
        ),
        ("sms not prepaid", set(d(), "/paymentMethod", json!("sms"))),
        (
            "vippsRecurring recurring",
            set(d(), "/paymentMethod", json!("vippsRecurring")),
        ),
        (
            "swishPayex not recurring",
            set(
                set(d(), "/paymentMethod", json!("swishPayex")),
                "/recurring",
                json!(false),
            ),
        ),
        ("free", set(d(), "/paymentMethod", json!("free"))),
        (
            "Swedish coupon in SEK",
            set(
                set(
                    set(
                        set(d(), "/orderLines/0/productSpecCode", json!("SEDIG")),
                        "/orderLines/0/productSpecNo",
                        json!(2001),
                    ),
                    "/orderLines/0/unitPrice",
                    json!(129),
                ),
                "/orderAmount",
                json!(129),
            )
            .pipe(|v| set(v, "/currency", json!("SEK"))),
        ),
        ("no externalOrderId", remove(d(), "/externalOrderId")),
    ]
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Value {}

#[tokio::test]
async fn valid_variants_are_accepted() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    for (i, (name, body)) in accept_cases().into_iter().enumerate() {
        // Distinct externalOrderIds: these are different orders.
        let body = if body.get("externalOrderId").is_some() {
            set(body, "/externalOrderId", json!(format!("accept-{i}")))
        } else {
            body
        };
        let r = post_order(&base, &token, &body).await;
        let status = r.status();
        let answer: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        assert!(answer["orderId"].as_i64().is_some(), "{name}: {answer}");
    }
    assert_eq!(admin_orders(&base).await.len(), accept_cases().len());
    sb.shutdown().await;
}
