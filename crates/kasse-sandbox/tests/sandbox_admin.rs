//! The sandbox's own controls: fault injection (determinism, and that retries never duplicate or
//! lose an order), persistence across a restart, reset, request log, and the binary's start line.

mod common;

use common::*;
use kasse_sandbox::faults::FaultConfig;
use kasse_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::time::Duration;

/// The statuses of `n` coupon-price calls (a cheap faulty endpoint).
async fn statuses(base: &str, token: &str, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        let r = post_as(
            &format!("{base}/capi/v1/client/coupon/price"),
            token,
            &json!({"couponCode": "DIGI1M", "couponNumber": 1001}),
        )
        .await;
        out.push(r.status().as_u16());
    }
    out
}

#[tokio::test]
async fn same_seed_same_faults_different_seed_different_faults() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let config = json!({"rate": 0.5, "kinds": ["500", "429"], "seed": 42});
    set_faults(&base, config.clone()).await;
    let first = statuses(&base, &token, 30).await;
    set_faults(&base, config).await;
    let second = statuses(&base, &token, 30).await;
    assert_eq!(first, second, "same seed, same request sequence, same faults");
    assert!(
        first.contains(&200) && first.contains(&500) && first.contains(&429),
        "{first:?}"
    );
    set_faults(&base, json!({"rate": 0.5, "kinds": ["500", "429"], "seed": 43})).await;
    assert_ne!(statuses(&base, &token, 30).await, first);

    // Off again; token endpoint and /__sandbox are never faulted.
    set_faults(&base, json!({"rate": 1.0, "kinds": ["500"], "seed": 1})).await;
    assert_eq!(statuses(&base, &token, 3).await, [500, 500, 500]);
    client_token(&base).await;
    let described: Value = sandbox_json(&base, "faults").await;
    assert_eq!(described["injected"], 3);
    set_faults(&base, json!({"rate": 0})).await;
    assert_eq!(statuses(&base, &token, 3).await, [200, 200, 200]);

    // The request log records the injected faults.
    let log = request_log(&base).await;
    assert!(log.iter().any(|e| e["fault"] == "500" && e["status"] == 500));
    assert!(log
        .iter()
        .all(|e| !e["path"].as_str().unwrap().starts_with("/__sandbox")));
    let r = http()
        .post(format!("{base}/__sandbox/faults"))
        .json(&json!({"rate": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_from_the_start_configuration() {
    let faults = FaultConfig::parse_spec("rate=1,kinds=429,seed=5").unwrap();
    let sb = start_with(SandboxConfig {
        faults,
        ..SandboxConfig::default()
    })
    .await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let r = get_as(&format!("{base}/capi/v1/client/coupon/DIGI"), &token).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(r.headers().contains_key("x-ratelimit-reset"));
    sb.shutdown().await;
}

/// A client that retries the same body (same externalOrderId) until it gets an answer.
async fn place_with_retries(base: &str, token: &str, body: &Value, timeout: Duration) -> (i64, usize) {
    let client = reqwest::Client::builder().timeout(timeout).build().unwrap();
    for attempt in 1..=40 {
        let sent = client
            .post(format!("{base}/capi/v1/client/order"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await;
        if let Ok(r) = sent {
            if r.status() == StatusCode::OK {
                return (r.json::<Value>().await.unwrap()["orderId"].as_i64().unwrap(), attempt);
            }
            assert!(
                [429, 500, 502].contains(&r.status().as_u16()),
                "only injected faults expected, got {}",
                r.status()
            );
        }
    }
    panic!("no answer after 40 attempts");
}

#[tokio::test]
async fn retries_through_every_fault_kind_never_duplicate_or_lose_an_order() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    set_faults(
        &base,
        json!({"rate": 0.6, "kinds": ["500", "429", "timeout", "drop"], "seed": 7, "timeout_ms": 400}),
    )
    .await;
    let mut ids = Vec::new();
    let mut retried = 0;
    for n in 0..8 {
        let body = digi_order(&format!("retry-{n}"));
        let (id, attempts) = place_with_retries(&base, &token, &body, Duration::from_millis(250)).await;
        retried += attempts - 1;
        ids.push(id);
    }
    // Let the timed-out requests finish on the server side before looking.
    tokio::time::sleep(Duration::from_millis(500)).await;
    set_faults(&base, json!({"rate": 0})).await;
    assert!(retried > 0, "the faults actually hit");
    let orders = admin_orders(&base).await;
    assert_eq!(
        orders.len(),
        8,
        "one order per externalOrderId: none lost, none duplicated"
    );
    for (n, id) in ids.iter().enumerate() {
        let o = orders.iter().find(|o| o["orderId"] == *id).unwrap();
        assert_eq!(o["externalOrderId"], format!("retry-{n}"));
    }
    let log = request_log(&base).await;
    let kinds: std::collections::HashSet<&str> = log.iter().filter_map(|e| e["fault"].as_str()).collect();
    assert!(kinds.contains("drop") && kinds.contains("timeout"), "{kinds:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn drop_stores_the_order_but_loses_the_answer() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    set_faults(&base, json!({"rate": 1, "kinds": ["drop"]})).await;
    let r = post_order(&base, &token, &digi_order("dropped")).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        admin_orders(&base).await.len(),
        1,
        "processed even though the answer was lost"
    );
    set_faults(&base, json!({"rate": 1, "kinds": ["500"]})).await;
    let r = post_order(&base, &token, &digi_order("not-processed")).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(admin_orders(&base).await.len(), 1, "a 500 fault processes nothing");
    set_faults(&base, json!({"rate": 0})).await;
    let again = post_order(&base, &token, &digi_order("dropped")).await;
    assert_eq!(again.headers()["x-sandbox-duplicate"], "true");
    sb.shutdown().await;
}

#[tokio::test]
async fn orders_persist_across_a_restart_with_a_db_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandbox.sqlite");
    let config = SandboxConfig {
        db: Some(db.clone()),
        ..SandboxConfig::default()
    };
    let sb = start_with(config.clone()).await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let id = create_order(&base, &token, &seed_order()).await;
    fulfill_ok(&base, &token, id).await;
    sb.shutdown().await;

    let sb = start_with(config).await;
    let base = sb.base_url();
    let token2 = client_token(&base).await;
    assert_eq!(order_state(&base, &token2, id).await, "completed");
    let orders = admin_orders(&base).await;
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["body"], seed_order());
    // Tokens survive too, and new orders keep counting.
    assert_eq!(order_state(&base, &token, id).await, "completed");
    let next = create_order(&base, &token2, &digi_order("after-restart")).await;
    assert!(next > id);
    sb.shutdown().await;

    // Without --db each sandbox starts empty.
    let fresh = start().await;
    assert!(admin_orders(&fresh.base_url()).await.is_empty());
    fresh.shutdown().await;
}

async fn fulfill_ok(base: &str, token: &str, id: i64) {
    let (_, r) = post_for_json(
        &format!("{base}/capi/v1/client/order/fulfillment"),
        token,
        &json!({"orderId": id}),
    )
    .await;
    assert_eq!(r["fulfillmentStatus"], "OK");
}

#[tokio::test]
async fn reset_empties_orders_and_log_but_keeps_tokens() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let first = create_order(&base, &token, &digi_order("before-reset")).await;
    let log = request_log(&base).await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["method"], "POST");
    assert_eq!(log[1]["path"], "/capi/v1/client/order");
    assert_eq!(log[1]["status"], 200);
    assert_eq!(log[1]["clientId"], CLIENT_ID);
    assert!(log[1]["at"].as_i64().is_some());

    assert_eq!(reset(&base).await, StatusCode::OK);
    assert!(admin_orders(&base).await.is_empty());
    let log = request_log(&base).await;
    assert!(log.is_empty());
    // The same externalOrderId is free again; ids never repeat.
    let second = create_order(&base, &token, &digi_order("before-reset")).await;
    assert!(second > first);
    sb.shutdown().await;
}

#[test]
fn binary_prints_the_listening_line_and_serves() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kasse-sandbox"))
        .args(["--port", "0", "--faults", "rate=0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("kasse-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let health = rt.block_on(async {
        http()
            .get(format!("{base}/__sandbox/health"))
            .send()
            .await
            .map(|r| r.status())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(health.unwrap(), StatusCode::OK);

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_kasse-sandbox"))
        .args(["--port", "0", "--faults", "rate=7"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("rate"));
}
