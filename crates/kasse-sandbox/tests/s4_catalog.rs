//! S4 subscribers and template packages: create and look up subscribers (contact validated, a
//! second one with the same external id visible to the oracle), read a package and its rules, and
//! price choices with `validate` by the same rules as order creation.

mod common;

use common::s4_call as s4;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const TV: &str = "10000000-0000-0000-0000-000000000000";
const BASIC_TV: &str = "00000000-0000-0000-0000-000000000001";
const SLOW_INTERNET: &str = "00000000-0000-0000-0000-000000000006";

fn kari(external_id: &str) -> Value {
    json!({
        "externalId": external_id,
        "contact": {
            "name": "Kari Nordmann",
            "email": "kari.nordmann@example.no",
            "phone": "+4791234567",
            "addressLines": ["Osloveien 12"],
            "zip": "0150",
            "city": "Oslo",
            "country": "NO"
        }
    })
}

fn fields(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

#[tokio::test]
async fn subscribers_are_created_looked_up_and_validated() {
    let sandbox = start().await;
    let base = sandbox.base_url();
    let token = s4_token(&base).await;
    let (status, none) = s4(&base, &token, Method::GET, "/subscriber?ExternalId=reader-7", None).await;
    assert_eq!((status, none), (StatusCode::OK, json!([])));

    let (status, made) = s4(&base, &token, Method::POST, "/subscriber", Some(kari("reader-7"))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert!(made["id"].as_str().is_some_and(|id| id.len() == 36), "{made}");
    assert_eq!(made["contact"]["addressLines"], json!(["Osloveien 12"]));
    let (_, found) = s4(&base, &token, Method::GET, "/subscriber?ExternalId=reader-7", None).await;
    assert_eq!(found, json!([made.clone()]));

    // A client that does not look first makes a second one: the oracle sees it.
    s4(&base, &token, Method::POST, "/subscriber", Some(kari("reader-7"))).await;
    let all: Vec<Value> = sandbox_json(&base, "s4/subscribers").await;
    assert_eq!(all.iter().filter(|s| s["externalId"] == "reader-7").count(), 2);

    let bad = json!({"externalId": "", "contact": {"email": "kari@", "phone": "912 34 567",
        "addressLines": ["", "x"], "country": "Norway"}});
    let (status, v) = s4(&base, &token, Method::POST, "/subscriber", Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        fields(&v),
        vec![
            "contact.addressLines[0]",
            "contact.country",
            "contact.email",
            "contact.phone",
            "externalId"
        ]
    );
    let (status, _) = s4(&base, &token, Method::GET, "/subscriber", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the lookup needs ExternalId");
    let (status, _) = s4(&base, "not-a-token", Method::POST, "/subscriber", Some(kari("x"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_package_shows_its_products_and_rules_and_prices_choices() {
    let sandbox = start().await;
    let base = sandbox.base_url();
    let token = s4_token(&base).await;
    let (status, p) = s4(&base, &token, Method::GET, &format!("/package/{TV}"), None).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["products"].as_array().map(Vec::len), Some(8));
    assert_eq!(p["fullPrice"], json!(36000));
    assert_eq!(
        p["templatePackageRules"],
        json!([{"packageRuleId": "FreeNumberOfProducts", "value": 8},
               {"packageRuleId": "AllowPriceOverride", "value": true}])
    );

    let validate = format!("/package/{TV}/validate");
    let choices = json!({"products": [BASIC_TV, SLOW_INTERNET]});
    let (status, draft) = s4(&base, &token, Method::POST, &validate, Some(choices)).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(
        (draft["price"].clone(), draft["fullPrice"].clone()),
        (json!(7000), json!(7000))
    );
    assert_eq!(draft["tax"], json!(1400), "25 % VAT included in 7000");
    assert_eq!(draft["currency"], "NOK");
    let overridden = json!({"products": [BASIC_TV, SLOW_INTERNET], "priceOveride": 2000});
    let (_, draft) = s4(&base, &token, Method::POST, &validate, Some(overridden)).await;
    assert_eq!(
        (draft["price"].clone(), draft["fullPrice"].clone()),
        (json!(2000), json!(7000))
    );

    for (choices, field) in [
        (json!({"products": []}), "templatePackageChoices.products"),
        (
            json!({"products": ["00000000-0000-0000-0000-000000000101"]}),
            "templatePackageChoices.products[0]",
        ),
        (
            json!({"products": [BASIC_TV, BASIC_TV]}),
            "templatePackageChoices.products[1]",
        ),
    ] {
        let (status, v) = s4(&base, &token, Method::POST, &validate, Some(choices)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
        assert!(fields(&v).iter().any(|f| f == field), "{field} in {v}");
    }
    let news = "/package/10000000-0000-0000-0000-000000000001/validate";
    let (status, v) = s4(&base, &token, Method::POST, news, Some(json!({"priceOverride": 1}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no override on this package: {v}");
    let (status, _) = s4(
        &base,
        &token,
        Method::GET,
        "/package/10000000-0000-0000-0000-00000000ffff",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sandbox.shutdown().await;
}
