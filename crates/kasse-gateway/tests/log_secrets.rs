//! The gateway's log never holds a reader's secrets: with every target at TRACE (the gateway,
//! tower_http, axum, sqlx, hyper, reqwest through the `log` bridge) captured in memory, a login, a
//! refresh, a start subscription, a logged-in order with its consent and a logout leave no code,
//! state, vendor token, session cookie, order token or configured secret in the output.
//!
//! Its own test binary, with one test: the subscriber is process-wide.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::login::{log_in, LoggedIn, ARTICLE};
use common::*;
use reqwest::header::COOKIE;
use serde_json::{json, Value};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

const ORDERS: &str = "/kasse/v1/connectid/orders";

/// Everything written to the log, in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Installs the process-wide subscriber: everything at TRACE, span openings and closings with
/// their fields, and `log` records (reqwest logs through `log`) bridged in.
fn capture_everything() -> Capture {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("trace"))
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(capture.clone())
        .finish()
        .try_init()
        .expect("the only subscriber of this test binary");
    capture
}

/// The secrets of `secrets` that occur in `log`.
fn leaks<'a>(log: &str, secrets: &'a BTreeSet<String>) -> Vec<&'a str> {
    secrets.iter().map(String::as_str).filter(|s| log.contains(s)).collect()
}

/// Every token and code the sandbox issued so far, read from its database: revoked ones are
/// deleted, so this is called after each step rather than once at the end.
fn vendor_secrets(db: &Path, into: &mut BTreeSet<String>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    for sql in ["SELECT token FROM tokens", "SELECT code FROM auth_codes"] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        into.extend(rows.map(Result::unwrap));
    }
}

/// `code` and `state` of the callback URL, the session id of the cookie.
fn login_secrets(login: &LoggedIn) -> Vec<String> {
    let callback = url::Url::parse(&login.seen[1]).unwrap();
    let mut found: Vec<String> = callback
        .query_pairs()
        .filter(|(k, _)| k == "code" || k == "state")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(found.len(), 2, "code and state in {callback}");
    let (name, id) = login.cookie.split_once('=').unwrap();
    assert_eq!(name, "kasse_session");
    found.push(id.to_owned());
    found
}

/// A POST in the reader's session, with an extra header if any; the status and the JSON answer.
async fn in_session(
    stack: &Stack,
    cookie: &str,
    path: &str,
    extra: Option<(&str, &str)>,
    body: &Value,
) -> (u16, Value) {
    let mut r = stack
        .http
        .post(stack.url(path))
        .header(COOKIE, cookie)
        .header("Kasse-Session", "1")
        .json(body);
    if let Some((name, value)) = extra {
        r = r.header(name, value);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// Kari starts the included subscription (a refresh first: tokens live shorter than the margin).
async fn start_subscription(stack: &Stack, cookie: &str) {
    let body = kasse_core::checkout::build_start_subscription(&stack.offer("digital-included"), now_ms()).unwrap();
    let path = "/kasse/v1/connectid/subscriptions?offer=digital-included";
    let key = Some(("Idempotency-Key", "log-secrets-start-1"));
    let (status, v) = in_session(stack, cookie, path, key, &serde_json::to_value(body).unwrap()).await;
    assert_eq!((status, &v["started"]), (201, &json!(true)), "{v}");
}

/// Flow 1a: Kari's own invoice order, completed by API, and her consent. Returns the order token.
async fn order_with_consent(stack: &Stack, cookie: &str) -> String {
    let order = connectid_order(stack, "invoice-year", "invoice", "log-secrets-01");
    let (status, v) = in_session(stack, cookie, ORDERS, None, &order).await;
    assert_eq!(status, 201, "{v}");
    let (id, token) = (v["orderId"].as_i64().unwrap(), v["orderToken"].as_str().unwrap());
    let with_token = Some(("Kasse-Order-Token", token));
    let (status, v) = in_session(
        stack,
        cookie,
        &format!("{ORDERS}/{id}/complete"),
        with_token,
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = in_session(stack, cookie, &format!("{ORDERS}/{id}/consent"), with_token, &json!({})).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(stack.sandbox_orders().await[0]["mode"], "user");
    token.to_owned()
}

async fn session_is(stack: &Stack, cookie: &str, logged_in: bool) {
    let r = stack
        .http
        .get(stack.url("/kasse/v1/session"))
        .header(COOKIE, cookie)
        .header("Kasse-Session", "1")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["loggedIn"], logged_in, "{v}");
}

async fn log_out(stack: &Stack, cookie: &str) {
    let body = json!({"returnUrl": ARTICLE});
    let (status, v) = in_session(stack, cookie, "/kasse/v1/logout", None, &body).await;
    assert_eq!(status, 200, "{v}");
}

/// A stack whose vendor tokens expire within the gateway's refresh margin (every session call
/// refreshes), whose invoice offer asks for consent, with the sandbox's database in `db`.
async fn stack(db: &Path) -> Stack {
    let sandbox = kasse_sandbox::SandboxConfig {
        db: Some(db.to_owned()),
        token_ttl: std::time::Duration::from_secs(30),
        ..kasse_sandbox::SandboxConfig::default()
    };
    Stack::start_with(sandbox, |s| {
        let consent = s.offers["digital-month"].consent.clone();
        s.offers.get_mut("invoice-year").unwrap().consent = consent;
    })
    .await
}

/// The planted lines reach the capture, through tracing and through `log`, and [`leaks`] finds
/// them: a clean log below means the secrets were not written, not that nothing was captured.
fn the_capture_works(capture: &Capture) {
    let planted = format!("planted-{}", now_ms());
    tracing::trace!(target: "kasse_gateway", value = %planted, "tracing canary");
    log::trace!(target: "reqwest", "log canary {planted}-log");
    let log = capture.text();
    let both = BTreeSet::from([planted.clone(), format!("{planted}-log")]);
    assert_eq!(leaks(&log, &both).len(), 2, "the capture misses a canary: {log}");
    capture.0.lock().unwrap().clear();
}

#[tokio::test]
async fn no_secret_of_a_login_an_order_or_a_logout_reaches_the_log() {
    let capture = capture_everything();
    the_capture_works(&capture);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandbox.sqlite");
    let stack = stack(&db).await;
    let mut secrets: BTreeSet<String> = ["KASSE_CONNECTID_SECRET", "KASSE_PREPAYMENT_SECRET"]
        .into_iter()
        .chain(["KASSE_ORDER_TOKEN_SECRET", "KASSE_S4_SECRET"])
        .map(|name| demo_env(name).unwrap())
        .collect();
    let kari = log_in(&stack, "kari.nordmann@example.no", "kasse-demo").await;
    secrets.extend(login_secrets(&kari));
    vendor_secrets(&db, &mut secrets);
    session_is(&stack, &kari.cookie, true).await;
    vendor_secrets(&db, &mut secrets);
    start_subscription(&stack, &kari.cookie).await;
    vendor_secrets(&db, &mut secrets);
    secrets.insert(order_with_consent(&stack, &kari.cookie).await);
    vendor_secrets(&db, &mut secrets);
    log_out(&stack, &kari.cookie).await;
    session_is(&stack, &kari.cookie, false).await;
    stack.shutdown().await;
    // Four configured secrets, code, state, cookie, the order token, the client token, the
    // login's pair and at least two refreshed pairs: the test looked at what it claims to.
    assert!(secrets.len() >= 4 + 3 + 1 + 1 + 2 + 4, "{secrets:?}");
    let log = capture.text();
    for line in [
        "reader logged in",
        "reader session refreshed",
        "subscription started",
        "consent registered",
        "reader logged out",
        "finished processing request",
    ] {
        assert!(log.contains(line), "the flow was not logged ({line}): {log}");
    }
    let leaked = leaks(&log, &secrets);
    assert!(leaked.is_empty(), "secrets in the log: {leaked:?}\n{log}");
}
