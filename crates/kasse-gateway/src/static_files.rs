//! Serving the built widget and the demo page.
//!
//! Precompressed `.br`/`.gz` siblings are served when the browser accepts them (the release build
//! makes them at quality 11, better than on-the-fly compression); everything else is compressed
//! on the fly. Files whose name carries a content hash (`kasse-1a2b3c4d5e6f7a8b_bg.wasm`) are
//! immutable and cached for a year; the rest (`index.html`, the loader `kasse.js`, whose URL
//! publishers embed) are revalidated on every load so a new release is picked up at once.

use std::collections::BTreeMap;
use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use kasse_core::Offer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::loader::Loader;

/// The CSP of the demo page (and any HTML the gateway serves): no inline script or style, wasm
/// compilation allowed (`wasm-unsafe-eval`), API calls to the gateway itself, forms may post only
/// to the gateway and the fulfillment host (the hosted payment page is reached by navigation).
pub fn csp(form_action_origins: &[String]) -> String {
    let mut form_action = String::from("'self'");
    for o in form_action_origins {
        form_action.push(' ');
        form_action.push_str(o);
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'; form-action {form_action}"
    )
}

/// Whether a file name carries a content hash in trunk's style: `-` then 16 hex digits, followed
/// by `.` or `_` (`app-0123456789abcdef.js`, `app-0123456789abcdef_bg.wasm`).
pub fn is_hashed_name(name: &str) -> bool {
    let b = name.as_bytes();
    // A longer hex run fails the `.`/`_` test at position 17, so only exactly 16 digits match.
    b.windows(18)
        .any(|w| w[0] == b'-' && w[1..17].iter().all(u8::is_ascii_hexdigit) && matches!(w[17], b'.' | b'_'))
}

/// The loader in `dir` with the catalog's back ends written in (see [`Loader`]); `None` when
/// there is no loader there, or one without the slot (then served as the file it is).
pub fn served_loader(dir: &Path, offers: &BTreeMap<String, Offer>) -> Option<Loader> {
    let source = std::fs::read_to_string(dir.join("kasse.js")).ok()?;
    let loader = Loader::new(&source, offers);
    if loader.is_none() {
        tracing::warn!("kasse.js has no slot for the offers' back ends: served as it is");
    }
    loader
}

/// A router serving `dir` at `/`, with caching, CSP and compression; the loader `kasse.js` is
/// `loader` when there is one.
pub fn router(dir: &Path, csp: String, loader: Option<Loader>) -> Router {
    let serve = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let csp = HeaderValue::from_str(&csp).expect("CSP is ASCII");
    let mut router = Router::new();
    if let Some(loader) = loader {
        router = router.route(
            "/kasse.js",
            get(move |headers: HeaderMap| async move { loader.serve(&headers) }),
        );
    }
    router
        .fallback_service(serve)
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            let csp = csp.clone();
            async move { static_headers(req, next, csp).await }
        }))
}

async fn static_headers(req: Request, next: Next, csp: HeaderValue) -> Response {
    let name = req.uri().path().rsplit('/').next().unwrap_or("").to_owned();
    let mut resp = next.run(req).await;
    if !resp.status().is_success() && resp.status() != axum::http::StatusCode::NOT_MODIFIED {
        return resp;
    }
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = resp.headers_mut();
    let cache = if is_hashed_name(&name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if is_html {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    } else {
        // The widget (loader, bundle, wasm) is embedded on publisher pages of other origins: module
        // scripts and the wasm fetch are CORS requests. The files are public and sent without
        // credentials, so any origin may read them; the API keeps its allowlist.
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        h.insert(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed_name("kasse-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_name("kasse-0123456789abcdef.js"));
        assert!(is_hashed_name("style-ABCDEF0123456789.css"));
        assert!(!is_hashed_name("kasse.js"));
        assert!(!is_hashed_name("index.html"));
        assert!(!is_hashed_name("kasse_widget_bg.wasm"));
        assert!(!is_hashed_name("kasse-0123456789abcde.js"));
    }

    /// The release layout: the bundle under content-hashed names in `widget/` is cached for good;
    /// the loader, whose URL publishers embed, is revalidated (and a revalidation costs a 304).
    #[tokio::test]
    async fn hashed_bundle_is_immutable_and_the_loader_revalidates() {
        use axum::body::Body;
        use axum::http::{Request, StatusCode};
        use tower::ServiceExt;

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("widget")).unwrap();
        for file in [
            "kasse.js",
            "widget/kasse-0123456789abcdef.js",
            "widget/kasse-fedcba9876543210_bg.wasm",
        ] {
            std::fs::write(dir.path().join(file), "bytes").unwrap();
        }
        let app = router(dir.path(), csp(&[]), None);
        let get = |path: &str, since: Option<&HeaderValue>| {
            let mut request = Request::get(path);
            if let Some(since) = since {
                request = request.header(header::IF_MODIFIED_SINCE, since);
            }
            app.clone().oneshot(request.body(Body::empty()).unwrap())
        };
        for path in [
            "/widget/kasse-0123456789abcdef.js",
            "/widget/kasse-fedcba9876543210_bg.wasm",
        ] {
            let r = get(path, None).await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(
                r.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable",
                "{path}"
            );
        }
        let r = get("/kasse.js", None).await.unwrap();
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        let modified = r.headers()[header::LAST_MODIFIED].clone();
        let r = get("/kasse.js", Some(&modified)).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
    }

    /// The loader with the catalog's table, compressed once (not again by the compression layer)
    /// and revalidated like the file.
    #[tokio::test]
    async fn the_served_loader_is_compressed_once_and_revalidated() {
        use axum::body::Body;
        use axum::http::Request;
        use tower::ServiceExt;

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kasse.js"), "const BACKENDS = JSON.parse(\"{}\");").unwrap();
        let loader = served_loader(dir.path(), &BTreeMap::new());
        assert!(loader.is_some());
        let app = router(dir.path(), csp(&[]), loader);
        let request = Request::get("/kasse.js").header(header::ACCEPT_ENCODING, "gzip, br");
        let r = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(r.headers().contains_key(header::ETAG));
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let mut text = Vec::new();
        brotli::BrotliDecompress(&mut body.as_ref(), &mut text).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            r#"const BACKENDS = JSON.parse("{\"s\":0,\"m\":\"\"}");"#
        );
    }

    #[test]
    fn csp_has_no_unsafe_inline() {
        let c = csp(&["http://127.0.0.1:8090".into()]);
        assert!(!c.contains("unsafe-inline"));
        assert!(c.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(c.ends_with("form-action 'self' http://127.0.0.1:8090"));
    }
}
