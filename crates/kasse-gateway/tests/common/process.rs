//! The gateway as the operator runs it: its binary, a config file and a store, in a child
//! process a test can SIGKILL and start again.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{EXAMPLE, TV_OFFER, UNKNOWN_COUPON_OFFER};

/// Writes the example config pointed at `sandbox_base` into `dir`, as the test stacks use it.
/// Without `token_secret`, the ledger keeps the order-token secret itself.
pub fn write_config(dir: &Path, sandbox_base: &str, token_secret: bool) -> PathBuf {
    let text = format!("{EXAMPLE}\n{TV_OFFER}\n{UNKNOWN_COUPON_OFFER}").replace("http://127.0.0.1:8090", sandbox_base);
    let mut config: toml::Table = toml::from_str(&text).expect("example parses");
    let server = config["server"].as_table_mut().expect("[server]");
    server.remove("static_dir");
    if !token_secret {
        server.remove("order_token_secret_env");
    }
    server.insert("listen".into(), "127.0.0.1:0".into());
    server.insert("rate_limit_per_second".into(), 1000.into());
    server.insert("rate_limit_burst".into(), 1000.into());
    server.insert("upstream_timeout_ms".into(), 5000.into());
    server.insert(
        "allowed_origins".into(),
        toml::Value::Array(vec!["https://www.avis.example".into()]),
    );
    server.insert(
        "allowed_return_url_prefixes".into(),
        toml::Value::Array(vec!["https://www.avis.example/kasse/".into()]),
    );
    let path = dir.join("gateway.toml");
    std::fs::write(&path, toml::to_string(&config).expect("config serializes")).unwrap();
    path
}

/// A gateway process; killed (SIGKILL) when dropped.
pub struct GatewayProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl GatewayProcess {
    /// Starts the gateway binary on `config` with `--store store`, waiting for its
    /// "listening on" line.
    pub fn start(config: &Path, store: &str) -> GatewayProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kasse-gateway"))
            .arg("--config")
            .arg(config)
            .args(["--store", store])
            .env("KASSE_CONNECTID_SECRET", "kasse-demo-secret")
            .env("KASSE_PREPAYMENT_SECRET", "kasse-demo-prepayment-secret")
            .env("KASSE_ORDER_TOKEN_SECRET", "kasse-demo-order-token-secret-0123456789")
            .env("KASSE_S4_SECRET", "kasse-s4-demo-secret")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the gateway binary starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("kasse-gateway listening on ") {
                    let _ = tx.send(url.to_string());
                }
            }
        });
        let base_url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the gateway says where it listens");
        GatewayProcess { child, base_url }
    }

    /// SIGKILL: no shutdown, no flush, as a crash or the OOM killer would end it.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().ok();
    }
}

impl Drop for GatewayProcess {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// One answer of the gateway: status, JSON body, and whether it was a replay.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub replayed: bool,
}

/// POST `body` to `base` + `path`, with an order token when given.
pub async fn post(http: &reqwest::Client, base: &str, path: &str, token: Option<&str>, body: &Value) -> Answer {
    let mut request = http.post(format!("{base}{path}")).json(body);
    if let Some(t) = token {
        request = request.header("Kasse-Order-Token", t);
    }
    let r = request.send().await.expect("the gateway answers");
    let status = r.status().as_u16();
    let replayed = r.headers().contains_key("idempotent-replayed");
    Answer {
        status,
        body: r.json().await.unwrap_or(Value::Null),
        replayed,
    }
}
