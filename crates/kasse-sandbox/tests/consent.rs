//! Marketing consent (client mode): the seeded texts of issuer AVIS, registering consent events
//! (every field checked), their history per subject, and the `/__sandbox/consents` oracle.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const TEXTS: &str = "/capi/v1/client/customer/privacy/consent/text/history";
const EVENT: &str = "/capi/v1/client/customer/privacy/consentEvent";

async fn texts(base: &str, token: &str, path_and_query: &str) -> (StatusCode, Value) {
    error_of(get_as(&format!("{base}{TEXTS}/{path_and_query}"), token).await).await
}

fn good_event() -> Value {
    json!({
        "consentId": "nyhetsbrev",
        "subject": KARI_ID,
        "subjectType": "CONNECTID",
        "source": "kasse-checkout",
        "action": true,
        "eventTime": 1_718_000_000_000i64,
    })
}

async fn register(base: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    post_for_json(&format!("{base}{EVENT}"), token, body).await
}

#[tokio::test]
async fn consent_texts_come_per_language_active_only_when_asked() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let (status, body) = texts(
        &base,
        &token,
        "AVIS?consentId=nyhetsbrev&target=email&scope=marketing&onlyActive=true",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["issuer"], "AVIS");
    let consent = &body["consents"][0];
    assert_eq!(body["consents"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            &consent["consentId"],
            &consent["consentGroupId"],
            &consent["target"],
            &consent["scope"]
        ),
        (
            &json!("nyhetsbrev"),
            &json!("markedsforing"),
            &json!("email"),
            &json!("marketing")
        )
    );
    let languages: Vec<&str> = consent["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["languageCode"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["nb_NO", "sv_SE", "da_DK", "fi_FI", "en_GB"]);
    assert_eq!(
        consent["texts"][0],
        json!({"consentTextId": 1, "languageCode": "nb_NO", "textHistory": [{
            "consentTextHistoryId": 101,
            "text": "Ja, send meg tilbud og nyheter på e-post.",
            "fromDate": 1704067200000i64,
            "toDate": null,
        }]})
    );
    // Without onlyActive the older nb_NO wording is there too, oldest first.
    let (_, all) = texts(&base, &token, "AVIS").await;
    let history = all["consents"][0]["texts"][0]["textHistory"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (&history[0]["consentTextHistoryId"], &history[0]["toDate"]),
        (&json!(100), &json!(1704067200000i64))
    );

    // Filters that match nothing: no consents. Unknown issuer: 404. Bad onlyActive: 400.
    for query in ["AVIS?consentId=other", "AVIS?target=sms", "AVIS?scope=research"] {
        let (status, body) = texts(&base, &token, query).await;
        assert_eq!(
            (status, body["consents"].as_array().unwrap().len()),
            (StatusCode::OK, 0),
            "{query}"
        );
    }
    let (status, err) = texts(&base, &token, "NOBODY?onlyActive=true").await;
    assert_eq!(
        (status, err["exceptionType"].as_str()),
        (StatusCode::NOT_FOUND, Some("IssuerNotFoundException"))
    );
    let (status, _) = texts(&base, &token, "AVIS?onlyActive=yes").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Client mode: a reader's token is refused.
    let kari = user_tokens(&base, KARI).await;
    assert_eq!(texts(&base, &kari.access, "AVIS").await.0, StatusCode::UNAUTHORIZED);
    sb.shutdown().await;
}

#[tokio::test]
async fn consent_events_are_stored_and_read_back_per_subject() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let (status, given) = register(&base, &token, &good_event()).await;
    assert_eq!(status, StatusCode::OK, "{given}");
    let id = given["consentEventId"].as_i64().unwrap();
    assert!(given["created"].as_i64().unwrap() > 1_700_000_000_000);
    let mut shape = given.clone();
    shape
        .as_object_mut()
        .unwrap()
        .retain(|k, _| k != "consentEventId" && k != "created");
    assert_eq!(
        shape,
        json!({"consentId": "nyhetsbrev", "subject": KARI_ID, "subjectType": "CONNECTID",
            "source": "kasse-checkout", "action": true})
    );
    // Withdrawn, named by target + scope, with data.
    let withdrawn = json!({"consentTarget": "email", "consentScope": "marketing", "subject": KARI_ID,
        "subjectType": "CONNECTID", "source": "kasse-checkout", "action": false,
        "eventTime": 1_718_000_100_000i64, "data": "eyJvcmRlciI6MX0="});
    let (status, second) = register(&base, &token, &withdrawn).await;
    assert_eq!(
        (status, &second["consentId"], &second["action"]),
        (StatusCode::OK, &json!("nyhetsbrev"), &json!(false))
    );
    let other = set(good_event(), "/subject", json!("ola@example.no"));
    let other = set(other, "/subjectType", json!("EXTERNAL"));
    assert_eq!(register(&base, &token, &other).await.0, StatusCode::OK);

    let history = |subject_type: &str, subject: &str| {
        let url = format!("{base}{EVENT}/history/AVIS/{subject_type}/{subject}");
        let token = token.clone();
        async move { error_of(get_as(&url, &token).await).await }
    };
    let (status, body) = history("CONNECTID", KARI_ID).await;
    assert_eq!(status, StatusCode::OK);
    let events = body["consentEvents"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (&events[0]["consentEventId"], &events[0]["action"]),
        (&json!(id), &json!(true))
    );
    assert_eq!(
        (&events[1]["action"], &events[1]["data"]),
        (&json!(false), &json!("eyJvcmRlciI6MX0="))
    );
    assert_eq!(events[1]["eventTime"], 1_718_000_100_000i64);
    assert_eq!(history("EXTERNAL", KARI_ID).await.1["consentEvents"], json!([]));
    assert_eq!(history("NOPE", KARI_ID).await.0, StatusCode::BAD_REQUEST);
    let (status, _) =
        error_of(get_as(&format!("{base}{EVENT}/history/NOBODY/CONNECTID/{KARI_ID}"), &token).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The oracle: every event, oldest first, with the client; a reset clears them.
    let all: Vec<Value> = sandbox_json(&base, "consents").await;
    assert_eq!(all.len(), 3);
    assert_eq!(
        (&all[0]["clientId"], &all[0]["issuer"]),
        (&json!(CLIENT_ID), &json!("AVIS"))
    );
    assert_eq!(all[2]["subjectType"], "EXTERNAL");
    reset(&base).await;
    assert!(sandbox_json::<Vec<Value>>(&base, "consents").await.is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn every_consent_event_field_is_checked_and_named() {
    let sb = start().await;
    let base = sb.base_url();
    let token = client_token(&base).await;
    let g = good_event;
    let seconds = 1_718_000_000i64;
    let future = 4_102_444_800_000i64; // 2100
    let cases: Vec<(Value, &str)> = vec![
        (set(g(), "/consentId", json!("nope")), "consentId"),
        (remove(g(), "/consentId"), "consentId"),
        (
            set(remove(g(), "/consentId"), "/consentTarget", json!("email")),
            "consentScope",
        ),
        (
            set(remove(g(), "/consentId"), "/consentScope", json!("marketing")),
            "consentTarget",
        ),
        (set(g(), "/consentTarget", json!("sms")), "consentTarget"),
        (remove(g(), "/subject"), "subject"),
        (set(g(), "/subject", json!("  ")), "subject"),
        (remove(g(), "/subjectType"), "subjectType"),
        (set(g(), "/subjectType", json!("connectid")), "subjectType"),
        (set(g(), "/subjectType", json!("EMAIL")), "subjectType"),
        (remove(g(), "/source"), "source"),
        (set(g(), "/source", json!("")), "source"),
        (remove(g(), "/action"), "action"),
        (set(g(), "/action", json!("true")), "action"),
        (set(g(), "/action", json!(1)), "action"),
        (remove(g(), "/eventTime"), "eventTime"),
        (set(g(), "/eventTime", json!("1718000000000")), "eventTime"),
        (set(g(), "/eventTime", json!(seconds)), "eventTime"),
        (set(g(), "/eventTime", json!(future)), "eventTime"),
        (set(g(), "/data", json!("not base64!")), "data"),
        (set(g(), "/data", json!(42)), "data"),
    ];
    for (body, field) in cases {
        let (status, err) = register(&base, &token, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let message = err["errorMessage"].as_str().unwrap();
        assert!(message.contains(field), "{field} named in {message:?} for {body}");
    }
    let (_, err) = register(&base, &token, &set(g(), "/consentId", json!("nope"))).await;
    assert_eq!(err["exceptionType"], "ConsentNotFoundException");
    assert!(
        sandbox_json::<Vec<Value>>(&base, "consents").await.is_empty(),
        "nothing refused is stored"
    );
    // Client mode only.
    let kari = user_tokens(&base, KARI).await;
    assert_eq!(register(&base, &kari.access, &g()).await.0, StatusCode::UNAUTHORIZED);
    sb.shutdown().await;
}
