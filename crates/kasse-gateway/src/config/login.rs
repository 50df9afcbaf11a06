//! `[connectid.login]`: readers logging in through the gateway (authorization code at ConnectID,
//! the session kept here). Absent: the widget offers no login.

use serde::Deserialize;
use url::Url;

/// `[connectid.login]` as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginConfig {
    /// ConnectID's authorize page, e.g. `https://connectid.no/user/oauth/authorize`.
    pub authorize_url: Option<String>,
    /// This gateway's callback as the reader's browser reaches it
    /// (`https://kasse.avis.no/kasse/v1/login/callback`), registered with ConnectID.
    pub redirect_uri: Option<String>,
    /// ConnectID's hosted logout page, e.g. `https://connectid.no/user/logout`.
    pub logout_url: Option<String>,
    /// A token revocation endpoint, if the publisher's ConnectID agreement has one: the vendor
    /// documents only the hosted logout, so this is configuration. Absent: tokens are forgotten
    /// here and expire there.
    pub revoke_url: Option<String>,
    /// `scope` on the authorize URL; clients send `read` or nothing.
    pub scope: Option<String>,
    /// How long a session lasts at most, days (ConnectID's refresh tokens last 30).
    #[serde(default = "thirty")]
    pub session_days: u32,
    /// Send PKCE (S256) with the login. ConnectID documents none, so it is off unless the
    /// publisher's ConnectID agreement asks for it; the client secret and `state` stand without.
    #[serde(default)]
    pub pkce: bool,
}

fn thirty() -> u32 {
    30
}

/// `[connectid.login]`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginSettings {
    /// Authorize page.
    pub authorize_url: Url,
    /// The gateway's callback.
    pub redirect_uri: Url,
    /// Hosted logout page.
    pub logout_url: Option<Url>,
    /// Token revocation.
    pub revoke_url: Option<Url>,
    /// Authorize `scope`.
    pub scope: Option<String>,
    /// Longest session, milliseconds.
    pub session_ms: i64,
    /// Send PKCE.
    pub pkce: bool,
}

impl LoginSettings {
    /// Whether the session cookie must be `Secure` (and `__Host-` prefixed): whenever the gateway
    /// is reached over https, which is everywhere but a developer's loopback.
    pub fn secure_cookie(&self) -> bool {
        self.redirect_uri.scheme() == "https"
    }
}

impl LoginConfig {
    /// Checks every key; problems as `connectid.login.key: what`.
    pub(super) fn resolve(&self, problems: &mut Vec<String>) -> Option<LoginSettings> {
        let mut url = |key: &str, value: &Option<String>, required: bool| -> Option<Url> {
            let text = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
            match text {
                None if required => {
                    problems.push(format!("connectid.login.{key}: missing"));
                    None
                }
                None => None,
                Some(v) => match kasse_core::field::check_absolute_https(v) {
                    // Checked as the browser parses it; kept as `url::Url` to build query strings on.
                    Ok(u) => Url::parse(u.as_str()).ok(),
                    Err(_) => {
                        problems.push(format!(
                            "connectid.login.{key}: `{v}` is not an absolute https URL (http only on loopback)"
                        ));
                        None
                    }
                },
            }
        };
        let authorize_url = url("authorize_url", &self.authorize_url, true);
        let redirect_uri = url("redirect_uri", &self.redirect_uri, true);
        let logout_url = url("logout_url", &self.logout_url, false);
        let revoke_url = url("revoke_url", &self.revoke_url, false);
        if !(1..=365).contains(&self.session_days) {
            problems.push("connectid.login.session_days: between 1 and 365".into());
        }
        Some(LoginSettings {
            authorize_url: authorize_url?,
            redirect_uri: redirect_uri?,
            logout_url,
            revoke_url,
            scope: self.scope.clone().filter(|s| !s.trim().is_empty()),
            session_ms: i64::from(self.session_days) * 24 * 3600 * 1000,
            pkce: self.pkce,
        })
    }
}
