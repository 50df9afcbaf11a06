//! The ledger's contract, run against both engines: a SQLite file and a throwaway PostgreSQL
//! cluster. No mock of either.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::postgres::Postgres;
use kasse_core::connectid::Flow;
use kasse_core::lifecycle::{OrderState, Route};
use kasse_core::offer::Backend;
use kasse_gateway::idempotency::{Attempts, Claim};
use kasse_gateway::ledger::{
    LoginBegun, OrderRecord, OrderStore, PendingAccess, PendingAccessStore, Retention, SessionRow, SessionStore,
    SqlStore, StoreError,
};

/// A record as the gateway writes one for a card order.
fn card_order(id: &str, key: &str, created_ms: i64) -> OrderRecord {
    OrderRecord {
        backend: Backend::ConnectId,
        vendor_order_id: id.into(),
        offer: "digital-month".into(),
        method: "creditcardPayex".into(),
        route: Route::ConnectIdHosted {
            flow: Flow::OneB,
            assign_user: true,
        },
        amount_minor: 14_900,
        currency: "NOK".into(),
        state: OrderState::AwaitingPayment,
        idempotency_key: key.into(),
        body_hash: [1; 32],
        answer: format!(r#"{{"orderId":{id}}}"#),
        credentials: vec![[2; 32], [4; 32]],
        token_hash: [3; 32],
        created_ms,
        updated_ms: created_ms,
    }
}

async fn records_are_found_by_id_and_key_and_never_twice(store: &dyn OrderStore) {
    store.insert(card_order("7", "attempt-7", 1_000)).await.unwrap();
    let by_id = store.find(Backend::ConnectId, "7").await.unwrap().unwrap();
    assert_eq!(by_id, card_order("7", "attempt-7", 1_000));
    assert_eq!(
        store.find_by_key(Backend::ConnectId, "attempt-7").await.unwrap(),
        Some(by_id)
    );
    assert_eq!(store.find(Backend::S4, "7").await.unwrap(), None);
    let again = store.insert(card_order("7", "attempt-x", 1_000)).await;
    assert!(matches!(again, Err(StoreError::Duplicate)), "{again:?}");
    let same_key = store.insert(card_order("8", "attempt-7", 1_000)).await;
    assert!(matches!(same_key, Err(StoreError::Duplicate)), "{same_key:?}");
}

async fn a_transition_happens_once_from_the_state_it_names(store: &dyn OrderStore) {
    store.insert(card_order("17", "attempt-17", 1_000)).await.unwrap();
    let (from, to) = (OrderState::AwaitingPayment, OrderState::Paid);
    let moved = |at| store.transition(Backend::ConnectId, "17", from, to, at);
    assert!(moved(2_000).await.unwrap());
    assert!(!moved(3_000).await.unwrap(), "not from Paid");
    assert!(!store
        .transition(Backend::ConnectId, "19", from, to, 3_000)
        .await
        .unwrap());
    let record = store.find(Backend::ConnectId, "17").await.unwrap().unwrap();
    assert_eq!((record.state, record.updated_ms), (OrderState::Paid, 2_000));
}

async fn vouchers_are_used_once_and_old_rows_are_pruned(store: &dyn OrderStore) {
    assert!(store.claim_voucher("jti-1", "attempt-a", 5_000).await.unwrap());
    assert!(
        store.claim_voucher("jti-1", "attempt-a", 5_000).await.unwrap(),
        "a retry"
    );
    assert!(
        !store.claim_voucher("jti-1", "attempt-b", 5_000).await.unwrap(),
        "another attempt"
    );
    store.insert(card_order("21", "attempt-21", 1_000)).await.unwrap();
    store.insert(card_order("22", "attempt-22", 2_000)).await.unwrap();
    assert!(store.attempt_begin("connectid:old", "aa", 1_000, 1_500).await.unwrap());
    assert!(store.attempt_begin("connectid:new", "aa", 5_500, 9_000).await.unwrap());
    let retention = Retention {
        orders_ms: 4_500,
        answers_ms: 4_000,
    };
    // At 6 000: order 21 (and the earlier cases' orders at 1 000) are past 4 500 ms, the old
    // attempt past its lease and 4 000 ms, the voucher expired.
    let gone = store.prune(retention, 6_000).await.unwrap();
    assert!(gone >= 4, "{gone}");
    assert_eq!(store.find_by_key(Backend::ConnectId, "attempt-21").await.unwrap(), None);
    assert!(store.find(Backend::ConnectId, "22").await.unwrap().is_some());
    assert!(store.attempt("connectid:old").await.unwrap().is_none());
    assert!(
        store.attempt("connectid:new").await.unwrap().is_some(),
        "in flight, leased"
    );
    assert!(
        store.claim_voucher("jti-1", "attempt-c", 9_000).await.unwrap(),
        "expired, forgotten"
    );
}

async fn the_first_value_wins(store: &dyn OrderStore) {
    assert_eq!(store.meta_value("secret", "first").await.unwrap(), "first");
    assert_eq!(store.meta_value("secret", "second").await.unwrap(), "first");
}

fn attempts(store: &Arc<dyn OrderStore>, ttl_ms: u64, lease_ms: u64) -> Attempts {
    Attempts::new(
        store.clone(),
        Duration::from_millis(ttl_ms),
        Duration::from_millis(lease_ms),
    )
}

async fn concurrent_duplicates_elect_one_leader(store: &Arc<dyn OrderStore>) {
    let attempts = attempts(store, 60_000, 10_000);
    let forwards = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (attempts, forwards) = (attempts.clone(), forwards.clone());
        tasks.push(tokio::spawn(async move {
            match attempts.claim("connectid:same", [9; 32]).await.unwrap() {
                Claim::Leader(l) => {
                    let n = forwards.fetch_add(1, Ordering::SeqCst) + 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    let answer = format!("answer-{n}");
                    l.finish(&answer, true).await.unwrap();
                    answer
                }
                Claim::Replay(a) => a,
                Claim::Conflict => panic!("same body"),
            }
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), "answer-1");
    }
    assert_eq!(forwards.load(Ordering::SeqCst), 1);
    assert!(matches!(
        attempts.claim("connectid:same", [8; 32]).await.unwrap(),
        Claim::Conflict
    ));
}

async fn retryable_answers_go_to_waiters_then_the_next_leads(store: &Arc<dyn OrderStore>) {
    let attempts = attempts(store, 60_000, 10_000);
    let Claim::Leader(l) = attempts.claim("s4:retry", [1; 32]).await.unwrap() else {
        panic!("first leads")
    };
    let waiting = attempts.clone();
    let waiter = tokio::spawn(async move { waiting.claim("s4:retry", [1; 32]).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(100)).await;
    l.finish("503", false).await.unwrap();
    assert!(matches!(waiter.await.unwrap(), Claim::Replay(a) if a == "503"));
    // A new request after a retryable answer leads, even with a corrected body.
    assert!(matches!(
        attempts.claim("s4:retry", [2; 32]).await.unwrap(),
        Claim::Leader(_)
    ));
}

async fn a_dropped_leader_releases_and_a_vanished_one_is_replaced(store: &Arc<dyn OrderStore>) {
    let attempts = attempts(store, 60_000, 400);
    let Claim::Leader(l) = attempts.claim("connectid:dropped", [1; 32]).await.unwrap() else {
        panic!()
    };
    drop(l);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(matches!(
        attempts.claim("connectid:dropped", [1; 32]).await.unwrap(),
        Claim::Leader(_)
    ));
    // A leader that neither finishes nor drops (its process was killed) holds the key for its
    // lease only.
    let Claim::Leader(l) = attempts.claim("connectid:killed", [1; 32]).await.unwrap() else {
        panic!()
    };
    std::mem::forget(l);
    let started = std::time::Instant::now();
    assert!(matches!(
        attempts.claim("connectid:killed", [1; 32]).await.unwrap(),
        Claim::Leader(_)
    ));
    assert!(started.elapsed() >= Duration::from_millis(300), "waited for the lease");
}

async fn a_replaced_leader_learns_it_before_its_last_call(store: &Arc<dyn OrderStore>) {
    let attempts = attempts(store, 60_000, 300);
    let Claim::Leader(slow) = attempts.claim("s4:slow", [1; 32]).await.unwrap() else {
        panic!("first leads")
    };
    assert!(slow.renew().await.unwrap(), "a live leader keeps its key");
    // Its calls outlast the lease: the retry takes over, and the slow leader must not order.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let Claim::Leader(next) = attempts.claim("s4:slow", [1; 32]).await.unwrap() else {
        panic!("the retry takes over")
    };
    assert!(!slow.renew().await.unwrap(), "replaced");
    assert!(next.renew().await.unwrap());
    // A renewed lease holds the key beyond the first one's end.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(next.renew().await.unwrap());
    next.finish("201", true).await.unwrap();
    drop(slow);
    assert!(matches!(attempts.claim("s4:slow", [1; 32]).await.unwrap(), Claim::Replay(a) if a == "201"));
}

async fn answers_expire(store: &Arc<dyn OrderStore>) {
    let attempts = attempts(store, 50, 10_000);
    let Claim::Leader(l) = attempts.claim("connectid:expiring", [1; 32]).await.unwrap() else {
        panic!()
    };
    l.finish("kept", true).await.unwrap();
    assert!(matches!(
        attempts.claim("connectid:expiring", [1; 32]).await.unwrap(),
        Claim::Replay(_)
    ));
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(matches!(
        attempts.claim("connectid:expiring", [2; 32]).await.unwrap(),
        Claim::Leader(_)
    ));
}

/// Logins are taken once and not after they expire; sessions end when they end and when deleted;
/// the pruner removes both once past their time.
async fn logins_are_taken_once_and_sessions_end(store: &SqlStore) {
    let begun = |url: &str, verifier: Option<&str>| LoginBegun {
        return_url: url.into(),
        pkce_verifier: verifier.map(str::to_owned),
    };
    let a = begun("https://www.avis.example/a", Some("verifier-a"));
    store.login_begin("state-a", &a, 2_000).await.unwrap();
    let b = begun("https://www.avis.example/b", None);
    store.login_begin("state-b", &b, 2_000).await.unwrap();
    assert_eq!(store.login_take("state-a", 1_000).await.unwrap(), Some(a));
    assert_eq!(store.login_take("state-a", 1_000).await.unwrap(), None, "once");
    assert_eq!(store.login_take("state-b", 3_000).await.unwrap(), None, "expired");
    let row = SessionRow {
        sealed_tokens: "sealed".into(),
        access_expires_ms: 1_500,
        expires_ms: 5_000,
    };
    store.session_put("s-1", &row, 1_000).await.unwrap();
    assert_eq!(store.session_get("s-1", 4_000).await.unwrap(), Some(row.clone()));
    assert_eq!(store.session_get("s-1", 6_000).await.unwrap(), None, "ended");
    let refreshed = SessionRow {
        access_expires_ms: 3_000,
        ..row
    };
    store.session_put("s-1", &refreshed, 2_000).await.unwrap();
    assert_eq!(store.session_get("s-1", 2_500).await.unwrap(), Some(refreshed));
    store.session_delete("s-1").await.unwrap();
    assert_eq!(store.session_get("s-1", 2_500).await.unwrap(), None);
    store
        .session_put(
            "s-2",
            &SessionRow {
                sealed_tokens: "x".into(),
                access_expires_ms: 1,
                expires_ms: 10,
            },
            1,
        )
        .await
        .unwrap();
    let retention = Retention {
        orders_ms: i64::MAX / 4,
        answers_ms: i64::MAX / 4,
    };
    assert!(store.prune(retention, 100).await.unwrap() >= 1);
    assert_eq!(store.session_get("s-2", 0).await.unwrap(), None, "pruned");
}

/// Orders awaiting their access: put once, due in order, each check taken by one caller only,
/// dropped, and pruned a day (and an hour) after the order was made.
async fn each_access_check_is_taken_once(store: &SqlStore) {
    let row = |id: &str, created_ms| PendingAccess {
        order_id: id.into(),
        sealed_credential: format!("sealed-{id}"),
        checks: 0,
        created_ms,
    };
    store.pending_put(&row("2", 10), 200).await.unwrap();
    store.pending_put(&row("1", 10), 100).await.unwrap();
    store
        .pending_put(
            &PendingAccess {
                sealed_credential: "later".into(),
                ..row("1", 10)
            },
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        store.pending_due(150, 10).await.unwrap(),
        [row("1", 10)],
        "the first put stays"
    );
    assert_eq!(
        store.pending_due(300, 1).await.unwrap(),
        [row("1", 10)],
        "the longest waiting first"
    );
    assert!(store.pending_take(&row("1", 10), 400).await.unwrap());
    assert!(
        !store.pending_take(&row("1", 10), 400).await.unwrap(),
        "another caller took it"
    );
    let due = store.pending_due(450, 10).await.unwrap();
    assert_eq!(
        due.iter().map(|r| (r.order_id.as_str(), r.checks)).collect::<Vec<_>>(),
        [("2", 0), ("1", 1)]
    );
    store.pending_drop("2").await.unwrap();
    assert_eq!(store.pending_due(450, 10).await.unwrap().len(), 1);
    let retention = Retention {
        orders_ms: 100,
        answers_ms: 100,
    };
    store.prune(retention, 500).await.unwrap();
    assert_eq!(
        store.pending_due(i64::MAX, 10).await.unwrap().len(),
        1,
        "kept for a day"
    );
    let long = Retention {
        orders_ms: i64::MAX / 4,
        answers_ms: i64::MAX / 4,
    };
    store
        .prune(long, 10 + kasse_core::lifecycle::ACCESS_KEPT_MS + 1)
        .await
        .unwrap();
    assert!(
        store.pending_due(i64::MAX, 10).await.unwrap().is_empty(),
        "pruned after a day, whatever the orders' retention"
    );
}

/// Every case, each on a fresh database from `open`.
async fn the_contract(open: impl Fn(&str) -> String) {
    let store = |name: &str| {
        let url = open(name);
        async move { Arc::new(SqlStore::open(&url).await.expect("store opens")) as Arc<dyn OrderStore> }
    };
    let s = store("records").await;
    records_are_found_by_id_and_key_and_never_twice(s.as_ref()).await;
    a_transition_happens_once_from_the_state_it_names(s.as_ref()).await;
    vouchers_are_used_once_and_old_rows_are_pruned(s.as_ref()).await;
    the_first_value_wins(s.as_ref()).await;
    concurrent_duplicates_elect_one_leader(&store("race").await).await;
    retryable_answers_go_to_waiters_then_the_next_leads(&store("retry").await).await;
    a_dropped_leader_releases_and_a_vanished_one_is_replaced(&store("leases").await).await;
    a_replaced_leader_learns_it_before_its_last_call(&store("fencing").await).await;
    answers_expire(&store("expiry").await).await;
    let sessions = SqlStore::open(&open("sessions")).await.expect("store opens");
    logins_are_taken_once_and_sessions_end(&sessions).await;
    each_access_check_is_taken_once(&SqlStore::open(&open("pending")).await.expect("store opens")).await;
}

#[tokio::test]
async fn the_ledger_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    the_contract(|name| format!("sqlite:{}", path.join(format!("{name}.db")).display())).await;
}

#[tokio::test]
async fn the_ledger_on_postgresql() {
    let pg = Postgres::start();
    the_contract(|name| pg.database(name)).await;
}

#[tokio::test]
async fn a_sqlite_ledger_survives_reopening_and_frees_a_dead_leader_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
    {
        let store: Arc<dyn OrderStore> = Arc::new(SqlStore::open(&url).await.unwrap());
        store.insert(card_order("7", "attempt-7", 1_000)).await.unwrap();
        let Claim::Leader(l) = attempts(&store, 60_000, 60_000)
            .claim("connectid:k", [1; 32])
            .await
            .unwrap()
        else {
            panic!()
        };
        std::mem::forget(l);
    }
    let store: Arc<dyn OrderStore> = Arc::new(SqlStore::open(&url).await.unwrap());
    assert!(store.find(Backend::ConnectId, "7").await.unwrap().is_some());
    for file in ["ledger.db", "ledger.db-wal", "ledger.db-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{file} is for the gateway's user only: {mode:o}");
    }
    let started = std::time::Instant::now();
    let claim = attempts(&store, 60_000, 60_000)
        .claim("connectid:k", [1; 32])
        .await
        .unwrap();
    assert!(matches!(claim, Claim::Leader(_)));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait out the 60 s lease"
    );
}
