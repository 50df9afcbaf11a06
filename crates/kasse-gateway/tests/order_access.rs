//! The gateway owns every order: calls after registration need the order's token, and the
//! lifecycle decides which may reach the vendor. Each attack below is refused and the sandbox
//! (the vendor) sees nothing of it.

mod common;

use common::{connectid_order, error_code, pay_on_hosted_page, prepaid_order, register, Stack};
use serde_json::{json, Value};

use common::ORDERS;

#[tokio::test]
async fn a_card_order_is_neither_completed_nor_claimed_before_the_vendor_says_paid() {
    let stack = Stack::start().await;
    let (id, _) = register(&stack, "digital-month", "creditcardPayex", "free-access-1").await;
    let before = stack.sandbox_orders().await;

    let (status, v) = stack.post(&format!("{ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!((status, error_code(&v)), (409, "wrong_step"), "{v}");
    let claim = json!({"credential": "kari.nordmann@example.no"});
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/user"), &claim).await;
    assert_eq!((status, error_code(&v)), (409, "payment_pending"), "{v}");
    assert_eq!(
        v["error"]["messageKey"], "payment_unknown",
        "the reader is told, not 'offer changed'"
    );
    assert_eq!(
        stack.sandbox_orders().await,
        before,
        "no fulfillment, no assignment at the vendor"
    );

    // Paid on the vendor's page: now the payer gets access, and completing by API stays refused.
    pay_on_hosted_page(&stack, id).await;
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/user"), &claim).await;
    assert_eq!(status, 200, "{v}");
    assert!(!stack.sandbox_orders().await[0]["assignment"].is_null());
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!((status, error_code(&v)), (409, "wrong_step"), "{v}");
    stack.shutdown().await;
}

/// What "paid" is in ConnectID's order status is the gateway's configuration (the vendor's
/// documents name no such status): a status not configured as paid gives no access.
#[tokio::test]
async fn only_a_status_configured_as_paid_gives_access() {
    let stack = Stack::start_with(kasse_sandbox::SandboxConfig::default(), |s| {
        s.connectid.as_mut().unwrap().paid_order_statuses = vec!["fulfilled".into()];
    })
    .await;
    let (id, _) = register(&stack, "digital-month", "creditcardPayex", "paid-words-1").await;
    pay_on_hosted_page(&stack, id).await;
    let claim = json!({"credential": "kari.nordmann@example.no"});
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/user"), &claim).await;
    assert_eq!(
        (status, error_code(&v)),
        (409, "payment_pending"),
        "the sandbox says `completed`: {v}"
    );
    assert!(
        stack.sandbox_orders().await[0]["assignment"].is_null(),
        "no assignment at the vendor"
    );
    stack.shutdown().await;
}

#[tokio::test]
async fn another_readers_order_is_not_found_without_its_token() {
    let stack = Stack::start().await;
    let (mine, my_token) = register(&stack, "invoice-year", "invoice", "mine-12345").await;
    let (theirs, their_token) = register(&stack, "invoice-year", "invoice", "theirs-12345").await;
    assert_ne!(my_token, their_token);
    let before = stack.sandbox_orders().await;
    let wrong: [Option<&str>; 4] = [None, Some(""), Some(&my_token), Some("AAAAAAAAAAAAAAAAAAAAAA")];
    for token in wrong {
        let (status, v) = stack.get_as(&format!("{ORDERS}/{theirs}/status"), token).await;
        assert_eq!((status, error_code(&v)), (404, "order_not_found"), "{token:?}: {v}");
        let (status, _) = stack
            .post_as(&format!("{ORDERS}/{theirs}/complete"), token, &json!({}))
            .await;
        assert_eq!(status, 404, "{token:?}");
        let claim = json!({"credential": "kari.nordmann@example.no"});
        let (status, _) = stack.post_as(&format!("{ORDERS}/{theirs}/user"), token, &claim).await;
        assert_eq!(status, 404, "{token:?}");
    }
    // Ids near one's own answer the same as ids that do not exist.
    for id in [mine + 1, mine - 1, 999_999] {
        if id == theirs {
            continue;
        }
        let (status, _) = stack.get_as(&format!("{ORDERS}/{id}/status"), Some(&my_token)).await;
        assert_eq!(status, 404, "{id}");
    }
    assert_eq!(stack.sandbox_orders().await, before, "the vendor saw none of it");
    let (status, v) = stack.get_as(&format!("{ORDERS}/{mine}/status"), Some(&my_token)).await;
    assert_eq!(status, 200, "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_replayed_registration_answers_the_same_token() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "invoice-year", "invoice", "replay-token-1");
    let (_, first) = stack.post(ORDERS, &order).await;
    let (status, again) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(first, again);
    let token: &Value = &first["orderToken"];
    assert_eq!(token.as_str().map(str::len), Some(22), "128 bits, URL-safe base64");
    stack.shutdown().await;
}

#[tokio::test]
async fn an_invoice_order_is_completed_once_and_claimed_after() {
    let stack = Stack::start().await;
    let (id, _) = register(&stack, "invoice-year", "invoice", "invoice-steps-1").await;
    let claim = json!({"credential": "kari.nordmann@example.no"});
    // Not completed yet: assign user is not a next step.
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/user"), &claim).await;
    assert_eq!((status, error_code(&v)), (409, "wrong_step"), "{v}");
    let (status, _) = stack.post(&format!("{ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!(status, 200);
    let requests_before = stack.sandbox_orders().await;
    // A retried completion is answered from the record: the vendor is not asked twice.
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!((status, v["fulfillmentStatus"].as_str()), (200, Some("OK")), "{v}");
    assert_eq!(stack.sandbox_orders().await, requests_before);
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/user"), &claim).await;
    assert_eq!(status, 200, "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn a_prepaid_order_needs_a_voucher_for_exactly_its_payment() {
    let stack = Stack::start().await;
    let order = prepaid_order(&stack, "prepaid-attack-1", "T-1");
    let forged = {
        let key = kasse_gateway::prepayment::VoucherKey::new(b"not-the-publishers-secret").unwrap();
        kasse_gateway::prepayment::sign(
            &key,
            &kasse_gateway::prepayment::VoucherClaims {
                offer: "gift-3m".into(),
                amount: 39_900,
                currency: "NOK".into(),
                transaction_id: "T-1".into(),
                merchant_id: "54823419".into(),
                exp: i64::MAX / 2,
                jti: "jti-forged".into(),
            },
        )
    };
    let wrong = [
        forged,
        common::voucher("gift-3m", 100, "T-1", "jti-cheap"),
        common::voucher("gift-3m", 39_900, "T-other", "jti-other-payment"),
        common::voucher("digital-month", 39_900, "T-1", "jti-other-offer"),
        "not.a.jwt".to_string(),
    ];
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!((status, error_code(&v)), (403, "prepayment_invalid"), "no voucher: {v}");
    for voucher in &wrong {
        let (status, v) = stack.post_voucher(ORDERS, voucher, &order).await;
        assert_eq!((status, error_code(&v)), (403, "prepayment_invalid"), "{v}");
    }
    assert_eq!(stack.sandbox_order_count().await, 0, "the vendor saw none of them");

    let voucher = common::voucher("gift-3m", 39_900, "T-1", "jti-once");
    let (status, first) = stack.post_voucher(ORDERS, &voucher, &order).await;
    assert_eq!(status, 201, "{first}");
    // The same attempt retried replays; another attempt with the same voucher is refused.
    let (status, again) = stack.post_voucher(ORDERS, &voucher, &order).await;
    assert_eq!((status, &again), (201, &first));
    let other = prepaid_order(&stack, "prepaid-attack-2", "T-1");
    let (status, v) = stack.post_voucher(ORDERS, &voucher, &other).await;
    assert_eq!((status, error_code(&v)), (403, "prepayment_invalid"), "{v}");
    assert_eq!(stack.sandbox_order_count().await, 1);
    stack.shutdown().await;
}

#[tokio::test]
async fn payment_facts_on_an_offer_that_is_not_prepaid_are_refused() {
    let stack = Stack::start().await;
    let mut order = connectid_order(&stack, "invoice-year", "invoice", "not-prepaid-1");
    order["paymentInfoPayEx"] = json!({"transactionId": "made-up", "merchantId": "54823419"});
    let (status, v) = stack.post(&format!("{ORDERS}?offer=invoice-year"), &order).await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("paymentInfoPayEx")),
        "{v}"
    );
    assert_eq!(error_code(&v), "unexpected_field");
    assert_eq!(stack.sandbox_order_count().await, 0);
    stack.shutdown().await;
}

#[test]
fn the_voucher_subcommand_prints_a_voucher_the_gateway_accepts() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kasse-gateway"))
        .args(["voucher", "--offer", "gift-3m", "--amount", "39900"])
        .args(["--transaction-id", "T-9", "--merchant-id", "54823419"])
        .env("KASSE_PREPAYMENT_SECRET", "kasse-demo-prepayment-secret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let voucher = String::from_utf8(out.stdout).unwrap();
    let key = kasse_gateway::prepayment::VoucherKey::new(b"kasse-demo-prepayment-secret").unwrap();
    let paid = kasse_gateway::prepayment::PaidOrder {
        offer: "gift-3m",
        amount: 39_900,
        currency: "NOK",
        transaction_id: "T-9",
        merchant_id: "54823419",
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = kasse_gateway::prepayment::verify(&key, voucher.trim(), &paid, now).unwrap();
    assert_eq!(claims.jti.len(), 32);
    let without_secret = std::process::Command::new(env!("CARGO_BIN_EXE_kasse-gateway"))
        .args([
            "voucher",
            "--offer",
            "gift-3m",
            "--amount",
            "1",
            "--transaction-id",
            "t",
            "--merchant-id",
            "m",
        ])
        .env_remove("KASSE_PREPAYMENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(without_secret.status.code(), Some(2));
}

#[tokio::test]
async fn the_vendors_own_text_never_reaches_the_browser() {
    // The sandbox's refusal echoes the request ("orderLines[0].coupon NOSUCH/9999 not found"), as
    // a vendor's may echo a reader's name or address: the browser gets code and message key only.
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "unknown-coupon", "invoice", "vendor-text-1");
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 422, "{v}");
    assert!(v["error"]["messageKey"].is_string(), "{v}");
    assert!(!v.to_string().contains("NOSUCH"), "{v}");
    stack.shutdown().await;
}

const S4_ORDERS: &str = "/kasse/v1/s4/orders";

#[tokio::test]
async fn s4_orders_are_idempotent_on_the_widgets_key() {
    let stack = Stack::start().await;
    let order = common::s4_order(&stack, "s4-news-monthly", "Vipps", "sub-idem");
    let (status, v) = stack.post(&format!("{S4_ORDERS}?offer=s4-news-monthly"), &order).await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("Idempotency-Key")),
        "{v}"
    );
    assert_eq!(stack.sandbox_order_count().await, 0);

    let path = format!("{S4_ORDERS}?offer=s4-news-monthly");
    let (status, first) = stack.post_keyed(&path, "attempt-s4-0001", &order).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["orderToken"].as_str().map(str::len), Some(22), "{first}");
    // A double click or a retry: the first answer, no second order or agreement at the vendor.
    let (status, again) = stack.post_keyed(&path, "attempt-s4-0001", &order).await;
    assert_eq!((status, &again), (201, &first));
    assert_eq!(stack.sandbox_order_count().await, 1);
    let other = common::s4_order(&stack, "s4-news-monthly", "Vipps", "sub-other");
    let (status, v) = stack.post_keyed(&path, "attempt-s4-0001", &other).await;
    assert_eq!((status, error_code(&v)), (409, "idempotency_conflict"), "{v}");
    assert_eq!(stack.sandbox_order_count().await, 1);
    stack.shutdown().await;
}

#[tokio::test]
async fn an_s4_order_is_completed_only_with_its_token() {
    let stack = Stack::start().await;
    let order = common::s4_order(&stack, "s4-news-monthly", "Vipps", "sub-token");
    let (_, v) = stack.post_keyed(S4_ORDERS, "attempt-s4-0002", &order).await;
    let id = v["id"].as_str().unwrap().to_string();
    let before = stack.sandbox_orders().await;
    for token in [None, Some(""), Some("AAAAAAAAAAAAAAAAAAAAAA")] {
        let (status, v) = stack
            .post_as(&format!("{S4_ORDERS}/{id}/complete"), token, &json!({}))
            .await;
        assert_eq!((status, error_code(&v)), (404, "order_not_found"), "{token:?}: {v}");
    }
    assert_eq!(stack.sandbox_orders().await, before, "the vendor was not asked");
    // With its token the step reaches the vendor, which says the reader has not approved yet.
    let (status, v) = stack.post(&format!("{S4_ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!((status, &v["status"]), (200, &json!("InProgress")), "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn fields_no_rule_knows_are_refused_by_name() {
    let stack = Stack::start().await;
    let mut order = connectid_order(&stack, "invoice-year", "invoice", "unknown-field-1");
    order["payer"]["customerId"] = json!(71);
    let (status, v) = stack.post(&format!("{ORDERS}?offer=invoice-year"), &order).await;
    assert_eq!((status, error_code(&v)), (400, "unknown_field"), "{v}");
    assert_eq!(v["error"]["field"], "payer.customerId");
    let mut order = connectid_order(&stack, "invoice-year", "invoice", "unknown-field-2");
    order["orderLines"][0]["discount"] = json!(100);
    let (_, v) = stack.post(&format!("{ORDERS}?offer=invoice-year"), &order).await;
    assert_eq!(v["error"]["field"], "orderLines[0].discount", "{v}");
    assert_eq!(stack.sandbox_order_count().await, 0);
    stack.shutdown().await;
}

#[tokio::test]
async fn the_login_message_is_the_gateways_configuration() {
    let config = kasse_sandbox::SandboxConfig::default();
    let stack = Stack::start_with(config, |s| {
        s.connectid.as_mut().unwrap().assign_user = kasse_gateway::config::AssignUserConfig {
            send_message: true,
            return_url: Some("https://www.avis.example/kasse/welcome".into()),
            error_url: None,
            link_lifetime_secs: Some(3600),
            ..Default::default()
        };
    })
    .await;
    let (id, _) = register(&stack, "invoice-year", "invoice", "login-message-1").await;
    let (status, _) = stack.post(&format!("{ORDERS}/{id}/complete"), &json!({})).await;
    assert_eq!(status, 200);
    // The vendor requires overrideClientId with isSendMessage: the gateway adds its own.
    let claim = json!({"credential": "kari.nordmann@example.no"});
    let (status, v) = stack.post(&format!("{ORDERS}/{id}/user"), &claim).await;
    assert_eq!(status, 200, "{v}");
    stack.shutdown().await;
}

#[tokio::test]
async fn made_up_dates_and_odd_attempt_ids_are_refused() {
    let stack = Stack::start().await;
    let path = format!("{ORDERS}?offer=invoice-year");
    let day = 24 * 60 * 60 * 1000;
    for (key, date) in [
        ("date-past-1", common::now_ms() - 2 * day),
        ("date-future-1", common::now_ms() + 2 * day),
    ] {
        let mut order = connectid_order(&stack, "invoice-year", "invoice", key);
        order["orderDate"] = json!(date);
        let (status, v) = stack.post(&path, &order).await;
        assert_eq!(
            (status, error_code(&v), v["error"]["field"].as_str()),
            (422, "invalid_date", Some("orderDate"))
        );
    }
    for key in ["short", "has spaces in it", &"x".repeat(65), "semi;colon;key"] {
        let order = connectid_order(&stack, "invoice-year", "invoice", key);
        let (status, v) = stack.post(&path, &order).await;
        assert_eq!(
            (status, v["error"]["field"].as_str()),
            (422, Some("externalOrderId")),
            "{key}: {v}"
        );
    }
    assert_eq!(stack.sandbox_order_count().await, 0);
    stack.shutdown().await;
}
