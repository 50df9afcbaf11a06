//! Origin allowlist, CORS, body limit, per-IP rate limit, static files with CSP and caching, and
//! refusing to start with an incomplete config.

mod common;

use std::io::Write;

use common::*;
use kasse_sandbox::SandboxConfig;
use serde_json::{json, Value};

const ORDERS: &str = "/kasse/v1/connectid/orders";

#[tokio::test]
async fn a_foreign_origin_is_refused_and_allowed_ones_get_cors() {
    let stack = Stack::start().await;
    let order = connectid_order(&stack, "digital-month", "kco", "origin-1");
    let before = stack.sandbox_orders().await;
    let r = stack
        .http
        .post(stack.url(ORDERS))
        .header("origin", "https://evil.example")
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "origin_not_allowed");
    assert_eq!(stack.sandbox_orders().await, before);
    // Preflight from a foreign origin: refused as well.
    let r = stack
        .http
        .request(reqwest::Method::OPTIONS, stack.url(ORDERS))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The configured publisher origin: preflight and the call itself carry CORS headers.
    let r = stack
        .http
        .request(reqwest::Method::OPTIONS, stack.url(ORDERS))
        .header("origin", "https://www.avis.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], "https://www.avis.example");
    let r = stack
        .http
        .post(stack.url(ORDERS))
        .header("origin", "https://www.avis.example")
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["access-control-allow-origin"], "https://www.avis.example");

    // Same origin (the demo page served by the gateway itself).
    let r = stack
        .http
        .get(stack.url("/kasse/v1/offers/digital-month"))
        .header("origin", stack.gateway.base_url())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    stack.shutdown().await;
}

/// Every header the widget sends, preflighted from a publisher's page for each call that sends
/// it: a header the preflight does not allow fails the reader's call before the gateway sees it
/// (an S4 order and a start-subscription carry `Idempotency-Key`).
#[tokio::test]
async fn the_preflight_allows_every_header_the_widget_sends() {
    use kasse_core::contract::{IDEMPOTENCY_KEY_HEADER, ORDER_TOKEN_HEADER, PREPAYMENT_HEADER, SESSION_HEADER};
    let stack = Stack::start().await;
    let sent = [
        "content-type",
        IDEMPOTENCY_KEY_HEADER,
        SESSION_HEADER,
        ORDER_TOKEN_HEADER,
        PREPAYMENT_HEADER,
    ];
    for path in [
        "/kasse/v1/s4/orders?offer=s4-digital",
        "/kasse/v1/connectid/subscriptions?offer=start-free",
        ORDERS,
    ] {
        let r = stack
            .http
            .request(reqwest::Method::OPTIONS, stack.url(path))
            .header("origin", "https://www.avis.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", sent.join(",").to_ascii_lowercase())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        let allowed = r.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        for header in sent {
            let header = header.to_ascii_lowercase();
            assert!(
                allowed.split(',').any(|h| h.trim() == header),
                "{path}: {header} not in `{allowed}`"
            );
        }
    }
}

#[tokio::test]
async fn an_oversize_body_gets_413() {
    let stack = Stack::start().await;
    let mut order = connectid_order(&stack, "digital-month", "kco", "big-order");
    order["payer"]["middleName"] = json!("x".repeat(20 * 1024));
    let before = stack.sandbox_orders().await;
    let (status, v) = stack.post(ORDERS, &order).await;
    assert_eq!(status, 413, "{v}");
    assert_eq!(error_code(&v), "body_too_large");
    assert_eq!(stack.sandbox_orders().await, before);
    stack.shutdown().await;
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let stack = Stack::start_with(SandboxConfig::default(), |s| {
        s.rate_limit_per_second = 1;
        s.rate_limit_burst = 3;
    })
    .await;
    for _ in 0..3 {
        let (status, _) = stack.get("/kasse/v1/offers/digital-month").await;
        assert_eq!(status, 200);
    }
    let r = stack
        .http
        .get(stack.url("/kasse/v1/offers/digital-month"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "rate_limited");
    assert!(v["error"]["retryAfter"].as_u64().is_some_and(|s| s >= 1));
    // Health checks are not rate limited.
    let (status, _) = stack.get("/healthz").await;
    assert_eq!(status, 200);
    stack.shutdown().await;
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    std::fs::File::create(dir.join(name)).unwrap().write_all(bytes).unwrap();
}

#[tokio::test]
async fn static_files_have_mime_caching_compression_and_csp() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "index.html",
        b"<!doctype html><title>Kasse demo</title><script type=module src=kasse.js></script>",
    );
    let loader = "/* loader */ ".repeat(200);
    write(d, "kasse.js", loader.as_bytes());
    write(
        d,
        "kasse-0123456789abcdef_bg.wasm",
        b"\0asm\x01\0\0\0 not really wasm, but bytes",
    );
    // A precompressed sibling, as the release build makes them.
    write(d, "kasse-0123456789abcdef_bg.wasm.br", b"brotli bytes");
    let stack = Stack::start_with(SandboxConfig::default(), |s| s.static_dir = Some(d.to_path_buf())).await;
    let sandbox_origin = stack.sandbox.base_url();

    let r = stack.http.get(stack.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains(&format!("form-action 'self' {sandbox_origin}")), "{csp}");
    assert_eq!(h["cache-control"], "no-cache");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");

    let r = stack
        .http
        .get(stack.url("/kasse-0123456789abcdef_bg.wasm"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(r.headers().get("content-security-policy").is_none());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "*",
        "the wasm is fetched cross-origin too"
    );
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        b"brotli bytes",
        "the precompressed file was served"
    );

    let r = stack
        .http
        .get(stack.url("/kasse.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("javascript"));
    assert_eq!(r.headers()["content-encoding"], "gzip", "compressed on the fly");
    assert_eq!(
        r.headers()["cache-control"],
        "no-cache",
        "the loader URL is stable: revalidate"
    );
    // Publisher pages of any origin load the widget's files (module scripts are CORS requests).
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert_eq!(r.headers()["cross-origin-resource-policy"], "cross-origin");

    // The API still wins over the static fallback; unknown API paths answer JSON.
    let (status, v) = stack.get("/kasse/v1/nope").await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&v), "no_such_endpoint");
    let r = stack.http.get(stack.url("/missing.js")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    stack.shutdown().await;
}

#[test]
fn the_binary_refuses_an_incomplete_config_and_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gw.toml");
    let text = EXAMPLE
        .replace("token_url = \"http://127.0.0.1:8090/user/oauth/token\"\n", "")
        .replace("static_dir = \"../../dist\"\n", "");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kasse-gateway"))
        .arg("--config")
        .arg(&file)
        .env("KASSE_CONNECTID_SECRET", "kasse-demo-secret")
        .env("KASSE_PREPAYMENT_SECRET", "kasse-demo-prepayment-secret")
        .env("KASSE_ORDER_TOKEN_SECRET", "kasse-demo-order-token-secret-0123456789")
        .env_remove("KASSE_S4_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connectid.token_url: missing"), "{err}");
    assert!(
        err.contains("s4.client_secret_env: environment variable `KASSE_S4_SECRET` is not set"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "it did not start");
}

#[test]
fn every_api_route_is_in_the_openapi_file() {
    let spec: serde_yaml::Value = serde_yaml::from_str(include_str!("../openapi.yaml")).expect("openapi.yaml parses");
    let paths = spec["paths"].as_mapping().expect("paths");
    let routes = kasse_gateway::api::route_list();
    for (method, path) in &routes {
        let op = &spec["paths"][*path][method.as_str().to_lowercase()];
        assert!(op.is_mapping(), "{method} {path} missing from openapi.yaml");
        assert!(op["responses"].is_mapping(), "{method} {path} has no responses");
    }
    // And nothing documented that the router does not serve.
    for (path, ops) in paths {
        let path = path.as_str().unwrap();
        if path == "/healthz" {
            continue;
        }
        for (method, _) in ops.as_mapping().unwrap() {
            let m = method.as_str().unwrap();
            if m == "parameters" {
                continue;
            }
            assert!(
                routes
                    .iter()
                    .any(|(rm, rp)| *rp == path && rm.as_str().eq_ignore_ascii_case(m)),
                "openapi.yaml documents {m} {path}, which the router does not serve"
            );
        }
    }
    assert!(
        spec["components"]["schemas"]["Error"].is_mapping(),
        "the error shape is documented"
    );
}

/// The real binary: starts from a config file, honours `KASSE_PORT`, prints the one line scripts
/// wait for, and logs order ids and codes but no personal data, even at debug level.
#[tokio::test]
async fn the_binary_serves_and_keeps_personal_data_out_of_its_logs() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

    let sandbox = sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gw.toml");
    let text = EXAMPLE
        .replace("http://127.0.0.1:8090", &sandbox.base_url())
        .replace("static_dir = \"../../dist\"\n", "");
    std::fs::write(&file, text).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kasse-gateway"))
        .arg("--config")
        .arg(&file)
        .env("KASSE_PORT", "0")
        .env("KASSE_CONNECTID_SECRET", "kasse-demo-secret")
        .env("KASSE_PREPAYMENT_SECRET", "kasse-demo-prepayment-secret")
        .env("KASSE_ORDER_TOKEN_SECRET", "kasse-demo-order-token-secret-0123456789")
        .env("KASSE_S4_SECRET", "kasse-s4-demo-secret")
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(20), stdout.next_line())
        .await
        .expect("the gateway starts in time")
        .unwrap()
        .expect("a line");
    let base = line
        .strip_prefix("kasse-gateway listening on ")
        .expect(&line)
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let mut stderr = child.stderr.take().unwrap();

    let http = reqwest::Client::new();
    let settings = settings(&sandbox.base_url());
    let offer = &settings.offers["invoice-year"];
    let order = kasse_core::checkout::build_client_order(offer, &form("invoice"), "log-0001", now_ms()).unwrap();
    let r = http
        .post(format!("{base}/kasse/v1/connectid/orders"))
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let registered = r.json::<Value>().await.unwrap();
    let id = registered["orderId"].as_i64().unwrap();
    let r = http
        .post(format!("{base}/kasse/v1/connectid/orders/{id}/user"))
        .header("Kasse-Order-Token", registered["orderToken"].as_str().unwrap())
        .json(&json!({"credential": "sven.svensson@example.se"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    child.start_kill().unwrap();
    let mut logs = String::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), stderr.read_to_string(&mut logs))
        .await
        .unwrap()
        .unwrap();
    let _ = child.wait().await;
    assert!(
        logs.contains(&format!("order_id={id}")),
        "order ids are logged:\n{logs}"
    );
    assert!(logs.contains("external_order_id=log-0001"), "{logs}");
    for personal in ["kari", "Kari", "Nordmann", "91234567", "sven", "Osloveien"] {
        assert!(!logs.contains(personal), "{personal:?} leaked into the log:\n{logs}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_body_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let stack = Stack::start().await;
    let addr = stack.gateway.addr();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /kasse/v1/connectid/orders HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 500\r\n\r\n{{\"paymentMethod\""
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    // The test gateway's upstream timeout is 3 s, which bounds the body's too; 15 s is slack.
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(15), tcp.read(&mut answer))
        .await
        .expect("the gateway answers a stalled body instead of waiting for ever")
        .unwrap();
    let status_line = String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        status_line.starts_with("HTTP/1.1 4") || status_line.starts_with("HTTP/1.1 5") || n == 0,
        "{status_line}"
    );
    assert_eq!(stack.sandbox_order_count().await, 0);
    stack.shutdown().await;
}
