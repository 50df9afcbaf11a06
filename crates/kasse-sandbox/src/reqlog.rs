//! The request log behind `GET /__sandbox/requests`: method, path, status, time, client, the error
//! or injected fault. No bodies (they may hold personal data; orders are in `/__sandbox/orders`).

use crate::errors::ErrorTag;
use crate::faults::FaultTag;
use crate::util::now_ms;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Bounded so a long demo cannot grow memory without end.
const CAPACITY: usize = 10_000;

/// Marks a response with the client that made the call.
#[derive(Debug, Clone)]
pub struct ClientTag(pub String);

/// One logged request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Sequence number, from 1, never reused (not even after a reset).
    pub seq: u64,
    /// Arrival, epoch ms.
    pub at: i64,
    /// HTTP method.
    pub method: String,
    /// Path without query string.
    pub path: String,
    /// Response status.
    pub status: u16,
    /// Client id, when the call was authenticated or asked for a token.
    pub client_id: Option<String>,
    /// Error summary of a failed call.
    pub error: Option<String>,
    /// Injected fault kind.
    pub fault: Option<&'static str>,
    /// Time to answer.
    pub duration_ms: u64,
}

/// The log.
#[derive(Debug, Default)]
pub struct RequestLog {
    inner: Mutex<(u64, VecDeque<LogEntry>)>,
}

impl RequestLog {
    /// All entries, oldest first.
    pub fn entries(&self) -> Vec<LogEntry> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .iter()
            .cloned()
            .collect()
    }

    /// Empties the log.
    pub fn clear(&self) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).1.clear();
    }

    fn push(&self, mut entry: LogEntry) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0 += 1;
        entry.seq = inner.0;
        if inner.1.len() == CAPACITY {
            inner.1.pop_front();
        }
        inner.1.push_back(entry);
    }
}

/// Middleware recording every request except the sandbox's own `/__sandbox/…` calls.
///
/// The request runs in its own task: a client that gives up (timeout, closed connection) does not
/// cancel the work, just as a real server finishes a request whose caller has gone. That is what
/// makes the `timeout` fault the ambiguous case (order stored, answer never read) and keeps the
/// log complete.
pub async fn middleware(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/__sandbox") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let task = tokio::spawn(async move {
        let at = now_ms();
        let started = Instant::now();
        let response = next.run(request).await;
        let ext = response.extensions();
        state.log.push(LogEntry {
            seq: 0,
            at,
            method,
            path,
            status: response.status().as_u16(),
            client_id: ext.get::<ClientTag>().map(|c| c.0.clone()),
            error: ext.get::<ErrorTag>().map(|e| e.0.clone()),
            fault: ext.get::<FaultTag>().map(|f| f.0.name()),
            duration_ms: started.elapsed().as_millis() as u64,
        });
        response
    });
    match task.await {
        Ok(response) => response,
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox: request task failed: {e}"),
        )
            .into_response(),
    }
}
