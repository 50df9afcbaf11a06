//! The reader as an S4 subscriber: looked up by the attempt's external id first, created only
//! when missing (`GET /subscriber?ExternalId=`, then `POST /subscriber`), as S4's own browser
//! checkout does, so a retried attempt never makes a second subscriber.

use axum::http::Method;
use kasse_core::s4::{Contact, SubscriberCreate, SubscriberLookup, SubscriberView};

use crate::error::ApiError;
use crate::upstream::{UpstreamError, Vendor};

/// The subscriber's external id for attempt `key`: a retry of the attempt finds the subscriber
/// its first try made. The key is the widget's random attempt id (URL-safe by construction).
pub(super) fn external_id(key: &str) -> String {
    format!("kasse-{key}")
}

/// The GUID of the subscriber for attempt `key`, creating it with `contact` when missing.
pub(super) async fn find_or_create(s4: &Vendor, key: &str, contact: Contact) -> Result<String, ApiError> {
    let external_id = external_id(key);
    if let Some(found) = find(s4, &external_id).await? {
        tracing::info!(s4_subscriber_id = %found.id, "s4 subscriber found for the attempt");
        return Ok(found.id);
    }
    let create = SubscriberCreate { external_id, contact };
    let made: SubscriberView = s4
        .send_json(Method::POST, "/subscriber", Some(&create))
        .await
        .map_err(|e| upstream("creating", e))?;
    tracing::info!(s4_subscriber_id = %made.id, "s4 subscriber created");
    Ok(made.id)
}

async fn find(s4: &Vendor, external_id: &str) -> Result<Option<SubscriberView>, ApiError> {
    let path = format!("/subscriber?ExternalId={external_id}");
    match s4.send_json::<(), SubscriberLookup>(Method::GET, &path, None).await {
        Ok(lookup) => Ok(lookup.find(external_id)),
        // A lookup that finds nothing may be a 404 rather than an empty list.
        Err(UpstreamError::Vendor(v)) if v.status() == 404 => Ok(None),
        Err(e) => Err(upstream("looking up", e)),
    }
}

fn upstream(what: &str, e: UpstreamError) -> ApiError {
    tracing::warn!(error = %e.log_code(), "s4 subscriber {what} failed upstream");
    e.to_api_error()
}
