//! The configuration checks, against the example file every deployment starts from.

use super::*;

const EXAMPLE: &str = include_str!("../../gateway.example.toml");

fn demo_env(name: &str) -> Option<String> {
    match name {
        "KASSE_CONNECTID_SECRET" => Some("kasse-demo-secret".into()),
        "KASSE_PREPAYMENT_SECRET" => Some("kasse-demo-prepayment-secret".into()),
        "KASSE_ORDER_TOKEN_SECRET" => Some("kasse-demo-order-token-secret-0123456789".into()),
        "KASSE_S4_SECRET" => Some("kasse-s4-demo-secret".into()),
        _ => None,
    }
}

fn example_without_static_dir() -> GatewayConfig {
    let mut c = GatewayConfig::from_toml(EXAMPLE).expect("example parses");
    // dist/ exists only after the widget build; its check is tested separately.
    c.server.static_dir = None;
    c
}

#[test]
fn example_config_resolves_with_the_demo_offers() {
    let s = example_without_static_dir()
        .resolve_with_env(&demo_env)
        .expect("example resolves");
    let ids: Vec<&str> = s.offers.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "digital-included",
            "digital-month",
            "gift-3m",
            "invoice-year",
            "s4-avis-velg",
            "s4-news-monthly",
            "se-digital"
        ]
    );
    assert_eq!(s.offers["digital-month"].price.minor(), 14_900);
    assert_eq!(
        s.connectid.as_ref().unwrap().client_secret.expose(),
        "kasse-demo-secret"
    );
    assert_eq!(s.s4.as_ref().unwrap().tenant_id, "00000000-0000-0000-0000-0000000000aa");
    assert_eq!(s.listen.port(), 8080);
}

#[test]
fn every_missing_key_is_named() {
    let mut c = example_without_static_dir();
    c.connectid.as_mut().unwrap().token_url = None;
    c.s4.as_mut().unwrap().tenant_id = Some("  ".into());
    c.server.listen = None;
    let e = c.resolve_with_env(&|_| None).unwrap_err();
    let text = e.to_string();
    for needle in [
        "server.listen: missing",
        "connectid.token_url: missing",
        "s4.tenant_id: missing",
        "connectid.client_secret_env: environment variable `KASSE_CONNECTID_SECRET` is not set",
        "s4.client_secret_env: environment variable `KASSE_S4_SECRET` is not set",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

#[test]
fn a_backend_used_by_an_offer_must_be_configured() {
    let mut c = example_without_static_dir();
    c.s4 = None;
    let e = c.resolve_with_env(&demo_env).unwrap_err();
    assert!(
        e.to_string()
            .contains("missing section [s4] (offer `s4-news-monthly` uses it)"),
        "{e}"
    );
}

#[test]
fn unknown_keys_and_unsafe_prefixes_are_refused() {
    let bad = EXAMPLE.replace("upstream_timeout_ms", "upstream_timeout");
    assert!(GatewayConfig::from_toml(&bad)
        .unwrap_err()
        .to_string()
        .contains("upstream_timeout"));
    let mut c = example_without_static_dir();
    c.server.allowed_return_url_prefixes = Some(vec!["https://avis.no".into()]);
    c.server.allowed_origins = Some(vec!["https://avis.no/path".into()]);
    let e = c.resolve_with_env(&demo_env).unwrap_err().to_string();
    assert!(e.contains("server.allowed_return_url_prefixes[0]"), "{e}");
    assert!(e.contains("server.allowed_origins[0]"), "{e}");
    for prefix in [
        "https://www.avis.no/kasse",
        "HTTPS://www.avis.no/kasse/",
        "https://www.avis.no/a/../kasse/",
    ] {
        let mut c = example_without_static_dir();
        c.server.allowed_return_url_prefixes = Some(vec![prefix.into()]);
        let e = c.resolve_with_env(&demo_env).unwrap_err().to_string();
        assert!(e.contains("server.allowed_return_url_prefixes[0]"), "{prefix}: {e}");
    }
}

#[test]
fn relative_static_dir_is_taken_from_the_config_file() {
    let dir = std::env::temp_dir().join(format!("kasse-gw-cfg-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("site")).unwrap();
    let file = dir.join("gw.toml");
    std::fs::write(&file, EXAMPLE.replace("\"../../dist\"", "\"site\"")).unwrap();
    let c = GatewayConfig::load(&file).unwrap();
    assert_eq!(c.server.static_dir.as_deref(), Some(dir.join("site").as_path()));
    assert!(c.resolve_with_env(&demo_env).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn secrets_do_not_print() {
    assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
}

/// The `[server]` keys that have a default, with the code's value: every field of
/// `ServerConfig::default()` that is not `None`.
fn code_defaults() -> toml::Table {
    match toml::Value::try_from(ServerConfig::default()).expect("defaults serialize") {
        toml::Value::Table(t) => t,
        other => panic!("not a table: {other}"),
    }
}

/// Every key without which `[server]` is still complete, in the order of the example file.
const DEFAULTED_KEYS: [&str; 8] = [
    "body_limit_bytes",
    "rate_limit_per_second",
    "rate_limit_burst",
    "upstream_timeout_ms",
    "idempotency_ttl_secs",
    "order_retention_days",
    "max_connections",
    "header_read_timeout_ms",
];

#[test]
fn the_example_file_states_every_default_of_the_code() {
    let defaults = code_defaults();
    let mut keys: Vec<&str> = defaults.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = DEFAULTED_KEYS;
    expected.sort_unstable();
    assert_eq!(keys, expected, "a new default needs a line in gateway.example.toml");
    let file: toml::Table = toml::from_str(EXAMPLE).expect("example parses");
    let server = file["server"].as_table().expect("[server]");
    for (key, value) in &defaults {
        assert_eq!(
            server.get(key),
            Some(value),
            "server.{key}: gateway.example.toml must state the code's default"
        );
    }
    // The values publishers were told.
    assert_eq!(defaults["rate_limit_per_second"].as_integer(), Some(10));
    assert_eq!(defaults["rate_limit_burst"].as_integer(), Some(60));
}

#[test]
fn a_config_without_the_defaulted_keys_runs_with_the_documented_values() {
    let stripped: String = EXAMPLE
        .lines()
        .filter(|l| !DEFAULTED_KEYS.iter().any(|k| l.starts_with(&format!("{k} ="))))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(stripped.lines().count() + DEFAULTED_KEYS.len(), EXAMPLE.lines().count());
    let mut bare = GatewayConfig::from_toml(&stripped).expect("stripped example parses");
    bare.server.static_dir = None;
    let bare = bare.resolve_with_env(&demo_env).expect("stripped example resolves");
    let full = example_without_static_dir().resolve_with_env(&demo_env).unwrap();
    assert_eq!(bare.body_limit_bytes, full.body_limit_bytes);
    assert_eq!(bare.rate_limit_per_second, full.rate_limit_per_second);
    assert_eq!(bare.rate_limit_burst, full.rate_limit_burst);
    assert_eq!(bare.upstream_timeout, full.upstream_timeout);
    assert_eq!(bare.idempotency_ttl, full.idempotency_ttl);
    assert_eq!(bare.order_retention, full.order_retention);
    assert_eq!(bare.max_connections, full.max_connections);
    assert_eq!(bare.header_read_timeout, full.header_read_timeout);
    assert_eq!((bare.rate_limit_per_second, bare.rate_limit_burst), (10, 60));
}

#[test]
fn an_s4_offer_with_agreements_needs_the_publishers_urls() {
    let mut c = example_without_static_dir();
    let s4 = c.s4.as_mut().unwrap();
    s4.merchant_agreement_url = None;
    s4.callback_url = Some("http://gateway.example.no/kasse/v1/s4/callback".into());
    let problems = c.resolve_with_env(&demo_env).unwrap_err().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("s4.merchant_agreement_url: missing")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("s4.callback_url:") && p.contains("https")),
        "{problems:?}"
    );
}

#[test]
fn paid_order_statuses_default_to_completed_and_are_never_empty() {
    let s = example_without_static_dir().resolve_with_env(&demo_env).unwrap();
    assert_eq!(s.connectid.as_ref().unwrap().paid_order_statuses, ["completed"]);
    for wrong in [vec![], vec![" ".to_owned()]] {
        let mut c = example_without_static_dir();
        c.connectid.as_mut().unwrap().paid_order_statuses = Some(wrong);
        let text = c.resolve_with_env(&demo_env).unwrap_err().to_string();
        assert!(text.contains("connectid.paid_order_statuses"), "{text}");
    }
}
