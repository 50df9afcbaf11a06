//! Nothing lost: the gateway binary killed (SIGKILL) and started again on the same SQLite file,
//! and two gateway processes sharing one PostgreSQL ledger. The sandbox is the vendor; its order
//! list is the oracle for "one vendor order per reader attempt".

mod common;

use std::time::Duration;

use common::postgres::Postgres;
use common::process::{post, write_config, GatewayProcess};
use common::{connectid_order_for, sandbox, settings};
use kasse_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

const ORDERS: &str = "/kasse/v1/connectid/orders";

fn order(sandbox: &Sandbox, offer: &str, method: &str, key: &str) -> Value {
    let offers = settings(&sandbox.base_url()).offers;
    connectid_order_for(&offers[offer], method, key)
}

/// A list from the sandbox's control API (`orders`, `requests`).
async fn sandbox_list(http: &reqwest::Client, sandbox: &Sandbox, what: &str) -> Vec<Value> {
    let v: Value = http
        .get(format!("{}/__sandbox/{what}", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v.as_array().cloned().unwrap_or_default()
}

async fn vendor_orders(http: &reqwest::Client, sandbox: &Sandbox) -> Vec<Value> {
    sandbox_list(http, sandbox, "orders").await
}

/// How many times the vendor was asked to register an order.
async fn vendor_order_calls(http: &reqwest::Client, sandbox: &Sandbox) -> usize {
    sandbox_list(http, sandbox, "requests")
        .await
        .iter()
        .filter(|e| e["method"] == "POST" && e["path"].as_str().is_some_and(|p| p.ends_with("/v1/client/order")))
        .count()
}

async fn set_faults(http: &reqwest::Client, sandbox: &Sandbox, faults: Value) {
    let r = http
        .post(format!("{}/__sandbox/faults", sandbox.base_url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

/// A sandbox, and a gateway config and SQLite ledger in a temporary folder (kept alive by the
/// returned `TempDir`).
struct OnSqlite {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    config: std::path::PathBuf,
    store: String,
}

async fn on_sqlite(token_secret: bool) -> OnSqlite {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &sandbox.base_url(), token_secret);
    let store = format!("sqlite:{}", dir.path().join("ledger.db").display());
    OnSqlite {
        sandbox,
        dir,
        config,
        store,
    }
}

#[tokio::test]
async fn a_killed_gateway_restarted_on_its_sqlite_file_replays_and_goes_on() {
    // No configured token secret: the ledger's own must outlive the process too.
    let OnSqlite {
        sandbox,
        dir: _dir,
        config,
        store,
    } = on_sqlite(false).await;
    let http = reqwest::Client::new();
    let invoice = order(&sandbox, "invoice-year", "invoice", "restart-invoice-1");
    let path = format!("{ORDERS}?offer=invoice-year");

    let first = GatewayProcess::start(&config, &store);
    let registered = post(&http, &first.base_url, &path, None, &invoice).await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    first.kill();

    let second = GatewayProcess::start(&config, &store);
    let again = post(&http, &second.base_url, &path, None, &invoice).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert!(again.replayed, "answered from the ledger");
    assert_eq!(again.body, registered.body, "same orderId and orderToken");
    assert_eq!(vendor_orders(&http, &sandbox).await.len(), 1, "no second vendor order");
    assert_eq!(vendor_order_calls(&http, &sandbox).await, 1, "not even a second call");

    let id = registered.body["orderId"].as_i64().unwrap();
    let token = registered.body["orderToken"].as_str();
    let completed = post(
        &http,
        &second.base_url,
        &format!("{ORDERS}/{id}/complete"),
        token,
        &json!({}),
    )
    .await;
    assert_eq!(completed.status, 200, "{}", completed.body);
    second.kill();
    let third = GatewayProcess::start(&config, &store);
    let claim = json!({"credential": "kari.nordmann@example.no"});
    let assigned = post(&http, &third.base_url, &format!("{ORDERS}/{id}/user"), token, &claim).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let wrong = post(
        &http,
        &third.base_url,
        &format!("{ORDERS}/{id}/user"),
        Some("x"),
        &claim,
    )
    .await;
    assert_eq!(wrong.status, 404, "a token is still needed after a restart");
}

#[tokio::test]
async fn a_gateway_killed_during_the_vendor_call_recovers_the_order_from_the_vendor() {
    let OnSqlite {
        sandbox,
        dir: _dir,
        config,
        store,
    } = on_sqlite(true).await;
    let http = reqwest::Client::new();
    let card = order(&sandbox, "digital-month", "creditcardPayex", "killed-mid-call-1");
    let path = format!("{ORDERS}?offer=digital-month");

    // The vendor holds the call for 1.5 s, then stores the order: the gateway dies meanwhile.
    set_faults(
        &http,
        &sandbox,
        json!({"rate": 1.0, "kinds": ["timeout"], "timeout_ms": 1500, "seed": 1}),
    )
    .await;
    let first = GatewayProcess::start(&config, &store);
    let (base, body, client) = (first.base_url.clone(), card.clone(), http.clone());
    let lost = tokio::spawn(async move { client.post(format!("{base}{path}")).json(&body).send().await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill();
    assert!(
        lost.await.unwrap().is_err(),
        "the reader's request died with the gateway"
    );
    for _ in 0..50 {
        if !vendor_orders(&http, &sandbox).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let made = vendor_orders(&http, &sandbox).await;
    assert_eq!(made.len(), 1, "the vendor made the order after the gateway died");
    set_faults(&http, &sandbox, json!({"rate": 0.0})).await;

    let second = GatewayProcess::start(&config, &store);
    let retry = post(
        &http,
        &second.base_url,
        &format!("{ORDERS}?offer=digital-month"),
        None,
        &card,
    )
    .await;
    assert_eq!(retry.status, 201, "{}", retry.body);
    assert_eq!(
        retry.body["orderId"], made[0]["orderId"],
        "the vendor's own order, recovered"
    );
    assert!(retry.body["orderToken"].is_string());
    assert_eq!(vendor_orders(&http, &sandbox).await.len(), 1, "no duplicate");
}

#[tokio::test]
async fn two_gateways_on_one_postgresql_ledger_act_as_one() {
    let pg = Postgres::start();
    let sandbox = sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    // No configured token secret: the instances share the ledger's.
    let config = write_config(dir.path(), &sandbox.base_url(), false);
    let a = GatewayProcess::start(&config, &pg.url());
    let b = GatewayProcess::start(&config, &pg.url());
    let http = reqwest::Client::new();
    let path = format!("{ORDERS}?offer=invoice-year");

    let invoice = order(&sandbox, "invoice-year", "invoice", "two-instances-1");
    let mut racing = Vec::new();
    for i in 0..16 {
        let base = if i % 2 == 0 {
            a.base_url.clone()
        } else {
            b.base_url.clone()
        };
        let (http, path, body) = (http.clone(), path.clone(), invoice.clone());
        racing.push(tokio::spawn(
            async move { post(&http, &base, &path, None, &body).await },
        ));
    }
    let mut answers = Vec::new();
    for r in racing {
        let answer = r.await.unwrap();
        assert_eq!(answer.status, 201, "{}", answer.body);
        answers.push(answer.body);
    }
    assert!(
        answers.iter().all(|a| *a == answers[0]),
        "one answer for all 16: {answers:?}"
    );
    assert_eq!(vendor_orders(&http, &sandbox).await.len(), 1, "one vendor order");
    assert_eq!(
        vendor_order_calls(&http, &sandbox).await,
        1,
        "one vendor call for 16 requests"
    );

    let id = answers[0]["orderId"].as_i64().unwrap();
    let token = answers[0]["orderToken"].as_str();
    let completed = post(
        &http,
        &b.base_url,
        &format!("{ORDERS}/{id}/complete"),
        token,
        &json!({}),
    )
    .await;
    assert_eq!(
        completed.status, 200,
        "completed on the other instance: {}",
        completed.body
    );
    let claim = json!({"credential": "kari.nordmann@example.no"});
    let assigned = post(&http, &a.base_url, &format!("{ORDERS}/{id}/user"), token, &claim).await;
    assert_eq!(assigned.status, 200, "assigned on the first: {}", assigned.body);
}
