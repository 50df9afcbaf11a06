//! Logging a reader in as a browser would: the gateway's login, the sandbox's ConnectID page,
//! back through the gateway's callback.

use reqwest::header::{LOCATION, SET_COOKIE};

use super::Stack;

pub const ARTICLE: &str = "https://www.avis.example/kasse/artikkel";

pub fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What a login leaves: the cookie pair to send back, the `Set-Cookie` line, where the reader
/// landed, and every URL and body the browser saw on the way.
pub struct LoggedIn {
    pub cookie: String,
    pub set_cookie: String,
    pub landed: String,
    pub seen: Vec<String>,
}

/// `path?query` of `url`, for the gateway under test (its config names port 8080).
pub fn on_gateway(stack: &Stack, url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    stack.url(&format!("{}?{}", u.path(), u.query().unwrap_or("")))
}

/// The browser's part: start at the gateway, log in on the sandbox's page, come back.
pub async fn log_in(stack: &Stack, email: &str, password: &str) -> LoggedIn {
    let http = no_redirect();
    let mut seen = Vec::new();
    let start = stack.url(&format!("/kasse/v1/login?returnUrl={}", urlencode(ARTICLE)));
    let r = http.get(&start).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let authorize = r.headers()[LOCATION].to_str().unwrap().to_owned();
    seen.push(authorize.clone());
    assert!(authorize.starts_with(&stack.sandbox.base_url()), "{authorize}");
    let mut form: Vec<(String, String)> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    form.extend([
        ("email".to_owned(), email.to_owned()),
        ("password".to_owned(), password.to_owned()),
        ("action".to_owned(), "login".to_owned()),
    ]);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let r = http
        .post(format!("{}/user/oauth/authorize", stack.sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_redirection(),
        "{}: {}",
        r.status(),
        r.text().await.unwrap()
    );
    let callback = r.headers()[LOCATION].to_str().unwrap().to_owned();
    seen.push(callback.clone());
    let r = http.get(on_gateway(stack, &callback)).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let set_cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let landed = r.headers()[LOCATION].to_str().unwrap().to_owned();
    seen.push(landed.clone());
    seen.push(r.text().await.unwrap());
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    LoggedIn {
        cookie,
        set_cookie,
        landed,
        seen,
    }
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
