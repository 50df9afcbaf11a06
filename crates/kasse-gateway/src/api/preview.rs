//! `GET /kasse/v1/offers/{id}/preview?locale=&page=&gateway=`: the checkout's first screen as
//! HTML, rendered from the widget's own views (`kasse_widget::preview`), with its stylesheet and
//! the offer it is of.
//! The loader shows it while the bundle downloads and starts, and the widget takes over.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kasse_core::contract::PreviewInfo;
use kasse_core::field::WebUrl;
use kasse_core::{t, MessageKey};

use super::{find_offer, Shared};
use crate::error::ApiError;

/// The longest `locale` hint read: a browser's language list is far shorter.
const MAX_LOCALE_HINT: usize = 200;

/// The query: what the widget would read in the page.
#[derive(serde::Deserialize)]
pub(super) struct PreviewQuery {
    /// The language hint (`data-kasse-locale`, else the page's `lang`, else the browser's).
    #[serde(default)]
    locale: String,
    /// The article page, where the login link comes back to: on an allowed return prefix.
    page: String,
    /// The gateway's origin as the page addresses it; empty for the page's own origin.
    #[serde(default)]
    gateway: String,
}

pub(super) async fn get_preview(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, ApiError> {
    let offer = find_offer(&state.settings, &id)?;
    check(&state, &q)?;
    let info = super::offers::offer_info(&state, offer);
    let preview = kasse_widget::preview::render(info.clone(), &q.locale, &q.page, &q.gateway);
    let mut resp = Json(PreviewInfo {
        html: preview.html,
        css: kasse_widget::shadow::WIDGET_CSS.to_owned(),
        locale: preview.locale.tag().to_owned(),
        busy: t(preview.locale, MessageKey::Processing).to_owned(),
        failed: t(preview.locale, MessageKey::ErrCheckoutLoad).to_owned(),
        offer: info,
    })
    .into_response();
    // As the offer itself: the price in it may change.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(resp)
}

/// The query's URLs end up in the preview's login link: the page must be one the login may
/// return to, the gateway a bare http(s) origin.
fn check(state: &Shared, q: &PreviewQuery) -> Result<(), ApiError> {
    let bad = |field: &str, message: &str| ApiError::bad_request("invalid_request", message).with_field(field);
    if q.locale.len() > MAX_LOCALE_HINT {
        return Err(bad("locale", "the locale hint is too long"));
    }
    // The login link comes back to the page: the login's own rule.
    super::login::allowed_return(state, &q.page, "page")?;
    if !q.gateway.is_empty() && !is_origin(&q.gateway) {
        return Err(bad("gateway", "the gateway must be an http(s) origin"));
    }
    Ok(())
}

/// `s` is an http(s) origin: scheme, host and port only (a trailing `/` allowed).
fn is_origin(s: &str) -> bool {
    WebUrl::parse(s).is_some_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && !u.has_userinfo()
            && !u.has_query_or_fragment()
            && u.origin() == s.trim_end_matches('/')
    })
}
