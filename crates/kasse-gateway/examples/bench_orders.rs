//! What the gateway adds to order creation: p50/p99 latency and throughput of ConnectID order
//! registration straight to the sandbox vs. through the gateway (which checks the order against
//! the offer, keeps the idempotency record and forwards it), measured in the same run.
//!
//! ```text
//! cargo run --release -p kasse-gateway --example bench_orders -- [--orders 2000] [--concurrency 8]
//!     [--engine sqlite|postgres]
//! ```
//!
//! Both servers run in this process on ephemeral 127.0.0.1 ports; the two paths alternate in
//! rounds so that database growth and machine noise hit both alike. The gateway's ledger is a
//! SQLite file in a temporary folder, or a throwaway PostgreSQL cluster (started and removed here,
//! as the tests do). Then the ledger's own write per order (claim the key, record the order,
//! record the answer) is timed alone. The last line is `BENCH_JSON {…}` for scripts
//! (`cargo xtask bench`).

#[path = "../tests/common/postgres.rs"]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use clap::Parser;
use kasse_core::checkout::{build_client_order, CheckoutForm};
use kasse_core::offer::Offer;
use kasse_gateway::config::GatewayConfig;
use kasse_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    /// Orders per path (direct and via gateway each).
    #[arg(long, default_value_t = 2000)]
    orders: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Rounds the orders are split into, alternating the two paths.
    #[arg(long, default_value_t = 4)]
    rounds: usize,
    /// The ledger's engine: `sqlite` or `postgres`.
    #[arg(long, default_value = "sqlite")]
    engine: String,
}

struct Target {
    url: String,
    bearer: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let sandbox = Sandbox::start(SandboxConfig {
        // The vendor's own limits (100/s, 2000/min) would measure the limiter, not the gateway.
        rate_per_sec: 1_000_000,
        rate_per_min: 60_000_000,
        ..SandboxConfig::default()
    })
    .await?;
    let base = sandbox.base_url();
    let dir = tempfile::tempdir()?;
    let pg = (args.engine == "postgres").then(postgres::Postgres::start);
    let store = match &pg {
        Some(pg) => pg.url(),
        None => format!("sqlite:{}", dir.path().join("ledger.db").display()),
    };
    let settings = gateway_settings(&base, &store)?;
    let make = order_maker(settings.offers["digital-month"].clone())?;
    let gateway = kasse_gateway::serve_settings(settings).await?;

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency * 2)
        .build()?;
    let direct = Arc::new(Target {
        url: format!("{base}/capi/v1/client/order"),
        bearer: Some(fetch_token(&http, &base).await?),
    });
    let via = Arc::new(Target {
        url: format!("{}/kasse/v1/connectid/orders?offer=digital-month", gateway.base_url()),
        bearer: None,
    });
    // Warm-up: connections, token, caches.
    run(&http, &direct, &make, "warm-d", 100, args.concurrency).await?;
    run(&http, &via, &make, "warm-g", 100, args.concurrency).await?;
    let (d, g) = alternate(&http, &direct, &via, &make, &args).await?;
    let write_us = ledger_write_us(&store, 500).await?;
    report(&args, &d, &g, write_us);
    gateway.shutdown().await;
    sandbox.shutdown().await;
    Ok(())
}

/// The example configuration pointed at the sandbox on `base`, with its ledger at `store` and no
/// rate limit of its own (that would measure the limiter).
fn gateway_settings(base: &str, store: &str) -> anyhow::Result<kasse_gateway::config::Settings> {
    let text = include_str!("../gateway.example.toml").replace("http://127.0.0.1:8090", base);
    let mut config = GatewayConfig::from_toml(&text)?;
    config.server.store = Some(store.to_owned());
    config.server.listen = Some("127.0.0.1:0".into());
    config.server.static_dir = None;
    config.server.rate_limit_per_second = 1_000_000;
    config.server.rate_limit_burst = 1_000_000;
    Ok(config.resolve_with_env(&|name| match name {
        "KASSE_CONNECTID_SECRET" => Some("kasse-demo-secret".into()),
        "KASSE_PREPAYMENT_SECRET" => Some("kasse-demo-prepayment-secret".into()),
        "KASSE_ORDER_TOKEN_SECRET" => Some("kasse-demo-order-token-secret-0123456789".into()),
        "KASSE_S4_SECRET" => Some("kasse-s4-demo-secret".into()),
        _ => None,
    })?)
}

/// One reader's card order for `offer`, built as the widget builds it, under the given id.
fn order_maker(offer: Offer) -> anyhow::Result<Arc<impl Fn(&str) -> Value + Send + Sync + 'static>> {
    let form = CheckoutForm {
        first_name: "Kari".into(),
        last_name: "Nordmann".into(),
        email: "kari.nordmann@example.no".into(),
        phone: "+4791234567".into(),
        postal_code: "0101".into(),
        country_code: "NO".into(),
        method: "creditcardPayex".into(),
        accept_terms: true,
        ..CheckoutForm::default()
    };
    // The gateway refuses an orderDate far from its clock.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    Ok(Arc::new(move |id: &str| -> Value {
        serde_json::to_value(build_client_order(&offer, &form, id, now).expect("order builds")).unwrap()
    }))
}

/// The orders split into rounds, direct and via the gateway in turn, so that database growth and
/// machine noise hit both alike.
async fn alternate(
    http: &reqwest::Client,
    direct: &Arc<Target>,
    via: &Arc<Target>,
    make: &Arc<impl Fn(&str) -> Value + Send + Sync + 'static>,
    args: &Args,
) -> anyhow::Result<(Stats, Stats)> {
    let per_round = args.orders.div_ceil(args.rounds.max(1));
    let (mut d_lat, mut g_lat) = (Vec::new(), Vec::new());
    let (mut d_time, mut g_time) = (Duration::ZERO, Duration::ZERO);
    for round in 0..args.rounds.max(1) {
        let (lat, t) = run(http, direct, make, &format!("d{round}"), per_round, args.concurrency).await?;
        d_lat.extend(lat);
        d_time += t;
        let (lat, t) = run(http, via, make, &format!("g{round}"), per_round, args.concurrency).await?;
        g_lat.extend(lat);
        g_time += t;
    }
    Ok((Stats::new(&mut d_lat, d_time), Stats::new(&mut g_lat, g_time)))
}

fn report(args: &Args, d: &Stats, g: &Stats, write_us: f64) {
    println!(
        "\nOrder creation, {} orders per path, concurrency {} (debug builds are much slower: use --release)",
        d.n, args.concurrency
    );
    println!("{:<22} {:>10} {:>10} {:>12}", "path", "p50 ms", "p99 ms", "orders/s");
    for (name, s) in [("straight to sandbox", d), ("through gateway", g)] {
        println!(
            "{name:<22} {:>10.2} {:>10.2} {:>12.0}",
            s.p50_ms, s.p99_ms, s.throughput
        );
    }
    println!(
        "{:<22} {:>9.2}x {:>9.2}x {:>11.2}x",
        "gateway / direct",
        g.p50_ms / d.p50_ms,
        g.p99_ms / d.p99_ms,
        g.throughput / d.throughput
    );
    println!("ledger ({}): {write_us:.0} µs of writes per order", args.engine);
    println!(
        "BENCH_JSON {}",
        json!({
            "orders": d.n, "concurrency": args.concurrency, "engine": args.engine, "ledger_write_us": write_us,
            "direct": {"p50_ms": d.p50_ms, "p99_ms": d.p99_ms, "throughput": d.throughput},
            "gateway": {"p50_ms": g.p50_ms, "p99_ms": g.p99_ms, "throughput": g.throughput},
            "ratio": {"p50": g.p50_ms / d.p50_ms, "p99": g.p99_ms / d.p99_ms, "throughput": g.throughput / d.throughput},
        })
    );
}

/// Mean microseconds of the ledger's writes for one order, alone: the key claimed, the order
/// recorded, the answer recorded (three statements, each its own transaction).
async fn ledger_write_us(store: &str, n: usize) -> anyhow::Result<f64> {
    use kasse_core::attempt::AttemptPhase;
    use kasse_gateway::ledger::{OrderStore, SqlStore};
    let ledger = SqlStore::open(store).await?;
    let started = Instant::now();
    for i in 0..n {
        let key = format!("connectid:bench-write-{i}");
        ledger.attempt_begin(&key, "00", 0, 1).await?;
        ledger.insert(bench_record(i)).await?;
        ledger
            .attempt_finish(&key, 0, AttemptPhase::Answered, Some("{}"), 1)
            .await?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / n as f64)
}

fn bench_record(i: usize) -> kasse_gateway::ledger::OrderRecord {
    use kasse_core::lifecycle::{OrderState, Route};
    kasse_gateway::ledger::OrderRecord {
        backend: kasse_core::offer::Backend::ConnectId,
        vendor_order_id: format!("bench-{i}"),
        offer: "digital-month".into(),
        method: "creditcardPayex".into(),
        route: Route::S4Direct,
        amount_minor: 14_900,
        currency: "NOK".into(),
        state: OrderState::AwaitingPayment,
        idempotency_key: format!("bench-write-{i}"),
        body_hash: [1; 32],
        answer: "{}".into(),
        credentials: vec![[2; 32]],
        token_hash: [3; 32],
        created_ms: 0,
        updated_ms: 0,
    }
}

struct Stats {
    n: usize,
    p50_ms: f64,
    p99_ms: f64,
    throughput: f64,
}

impl Stats {
    fn new(lat: &mut [Duration], wall: Duration) -> Stats {
        lat.sort();
        let pick = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
        Stats {
            n: lat.len(),
            p50_ms: pick(0.50),
            p99_ms: pick(0.99),
            throughput: lat.len() as f64 / wall.as_secs_f64(),
        }
    }
}

async fn fetch_token(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode("kasse-demo:kasse-demo-secret");
    let v: Value = http
        .post(format!("{base}/user/oauth/token"))
        .header("authorization", format!("Basic {basic}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(v["access_token"].as_str().unwrap_or_default().to_owned())
}

/// `n` orders with `concurrency` clients; every order must be accepted (201 or 200).
async fn run(
    http: &reqwest::Client,
    target: &Arc<Target>,
    make: &Arc<impl Fn(&str) -> Value + Send + Sync + 'static>,
    tag: &str,
    n: usize,
    concurrency: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (http, target, make, next, tag) =
            (http.clone(), target.clone(), make.clone(), next.clone(), tag.to_owned());
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let body = make(&format!("bench-{tag}-{i}"));
                let t = Instant::now();
                let mut req = http.post(&target.url).json(&body);
                if let Some(b) = &target.bearer {
                    req = req.bearer_auth(b);
                }
                let r = req.send().await?;
                let status = r.status();
                let _ = r.bytes().await?;
                lat.push(t.elapsed());
                anyhow::ensure!(status.is_success(), "{} answered {status}", target.url);
            }
            anyhow::Ok(lat)
        }));
    }
    let mut all = Vec::with_capacity(n);
    for w in workers {
        all.extend(w.await??);
    }
    Ok((all, started.elapsed()))
}
