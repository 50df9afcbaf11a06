//! The vendor's hosted pages: the ConnectID fulfillment (payment) page, login page and logout.
//! Plain server-rendered HTML, no JavaScript: buttons are form submissions.

mod authorize;
mod fulfillment;
mod logout;

use crate::connectid::NOT_REDIRECT_FULFILLABLE;
use crate::errors::ErrorTag;
use crate::reqlog::ClientTag;
use crate::state::OrderState;
use crate::store::{CodeRow, OrderRow};
use crate::util::{absolute_http_url, money_text, now_ms, random_token, with_query};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

use authorize::*;
use fulfillment::*;
use logout::*;

/// Page routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/user/fulfillment", get(fulfillment_page))
        .route("/user/fulfillment/decision", post(fulfillment_decision))
        .route("/user/oauth/authorize", get(authorize_page).post(authorize_submit))
        .route("/user/logout", get(logout_page))
}

/// Wraps a body in the vendor-styled page shell.
pub fn page(title: &str, vendor: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; background: #eef1f5; color: #1b1f24; margin: 0; }}
  header {{ background: #12355b; color: #fff; padding: 12px 20px; font-weight: 600; }}
  header small {{ font-weight: 400; opacity: .8; margin-left: 8px; }}
  main {{ max-width: 460px; margin: 32px auto; background: #fff; border-radius: 8px; padding: 24px;
          box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
  h1 {{ font-size: 1.3rem; margin-top: 0; }}
  dl {{ display: grid; grid-template-columns: auto 1fr; gap: 6px 16px; }}
  dt {{ color: #5a6573; }} dd {{ margin: 0; font-weight: 600; }}
  .buttons {{ display: flex; gap: 8px; margin-top: 20px; flex-wrap: wrap; }}
  button {{ font: inherit; padding: 10px 18px; border-radius: 6px; border: 1px solid #12355b; cursor: pointer; }}
  button.primary {{ background: #12355b; color: #fff; }}
  button.secondary {{ background: #fff; color: #12355b; }}
  button.danger {{ background: #fff; color: #a61b1b; border-color: #a61b1b; }}
  label {{ display: block; margin-top: 12px; }}
  input[type=email], input[type=password] {{ width: 100%; box-sizing: border-box; padding: 8px; font: inherit; }}
  .error {{ color: #a61b1b; font-weight: 600; }}
  .note {{ color: #5a6573; font-size: .85rem; margin-top: 20px; }}
</style>
</head>
<body>
<header>{vendor}<small>sandbox</small></header>
<main>
{body}
</main>
</body>
</html>
"#,
        title = text(title),
        vendor = text(vendor),
    )
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!("<h1>Something went wrong</h1><p class=\"error\">{}</p>", text(message));
    let mut response = (status, Html(page("Error", "ConnectID", &body))).into_response();
    response.extensions_mut().insert(ErrorTag(message.to_string()));
    response
}

fn redirect(to: String) -> Response {
    // 303: the browser follows with a GET, whatever the method of the form post was.
    Redirect::to(&to).into_response()
}

fn hidden(name: &str, value: &str) -> String {
    format!(r#"<input type="hidden" name="{}" value="{}">"#, attr(name), attr(value))
}

fn tag(mut response: Response, client_id: Option<&str>) -> Response {
    if let Some(c) = client_id {
        response.extensions_mut().insert(ClientTag(c.to_string()));
    }
    response
}
