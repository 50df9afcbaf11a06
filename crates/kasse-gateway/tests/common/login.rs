//! Logging a reader in as a browser would: the gateway's login, the sandbox's ConnectID page,
//! back through the gateway's callback.

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use super::Stack;

pub const ARTICLE: &str = "https://www.avis.example/kasse/artikkel";

pub fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What a login leaves: the cookie pair to send back, the `Set-Cookie` line, where the reader
/// landed, every URL and body the browser saw on the way, and the login cookie the browser held.
pub struct LoggedIn {
    pub cookie: String,
    pub set_cookie: String,
    pub landed: String,
    pub seen: Vec<String>,
    pub began: String,
}

/// A login begun at the gateway and done on the sandbox's page, not yet back: the login cookie
/// the browser keeps (`name=value`), and the callback URL ConnectID sends the browser to.
pub struct Authorized {
    pub began: String,
    pub authorize: String,
    pub callback: String,
}

/// `path?query` of `url`, for the gateway under test (its config names port 8080).
pub fn on_gateway(stack: &Stack, url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    stack.url(&format!("{}?{}", u.path(), u.query().unwrap_or("")))
}

/// The browser's part up to ConnectID's redirect back: start at the gateway, log in on the
/// sandbox's page.
pub async fn authorize(stack: &Stack, email: &str, password: &str) -> Authorized {
    let http = no_redirect();
    let start = stack.url(&format!("/kasse/v1/login?returnUrl={}", urlencode(ARTICLE)));
    let r = http.get(&start).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    // The browser keeps the login cookie and sends it back with the callback.
    let began = r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(began.starts_with("kasse_login="), "{began}");
    let authorize = r.headers()[LOCATION].to_str().unwrap().to_owned();
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
    Authorized {
        began,
        authorize,
        callback,
    }
}

/// The browser's part: start at the gateway, log in on the sandbox's page, come back.
pub async fn log_in(stack: &Stack, email: &str, password: &str) -> LoggedIn {
    let Authorized {
        began,
        authorize,
        callback,
    } = authorize(stack, email, password).await;
    let mut seen = vec![authorize, callback.clone()];
    let r = no_redirect()
        .get(on_gateway(stack, &callback))
        .header(COOKIE, &began)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let set_cookies: Vec<&str> = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        set_cookies
            .iter()
            .any(|c| c.starts_with("kasse_login=;") && c.contains("Max-Age=0")),
        "the login cookie ends: {set_cookies:?}"
    );
    let set_cookie = set_cookies
        .iter()
        .find(|c| c.starts_with("kasse_session="))
        .expect("the session cookie")
        .to_string();
    let landed = r.headers()[LOCATION].to_str().unwrap().to_owned();
    seen.push(landed.clone());
    seen.push(r.text().await.unwrap());
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    LoggedIn {
        cookie,
        set_cookie,
        landed,
        seen,
        began,
    }
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
