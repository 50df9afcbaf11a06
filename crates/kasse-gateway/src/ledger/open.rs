//! Where a ledger lives: the engine a store URL names, and a SQLite file created readable by the
//! gateway's user only.

use super::sql::Engine;
use super::StoreError;

/// The engine a store URL names, and the URL sqlx opens: `sqlite:PATH` creates the file;
/// `sqlite::memory:` is a database that ends with the process (for tests that need no restart).
pub(super) fn engine_url(url: &str) -> Result<(Engine, String), StoreError> {
    if url == "sqlite::memory:" {
        return Ok((Engine::Sqlite, url.to_string()));
    }
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() || path.contains('?') {
            return Err(StoreError::Engine(format!(
                "store `{url}`: name a file, as sqlite:PATH"
            )));
        }
        return Ok((Engine::Sqlite, format!("sqlite://{path}?mode=rwc")));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Engine::Postgres, url.to_string()));
    }
    Err(StoreError::Engine(
        "the store must be sqlite:PATH or postgres://…".to_string(),
    ))
}

/// The file of a `sqlite://PATH?…` URL (none for an in-memory database).
pub(super) fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// Creates the SQLite file readable by its owner only, when it does not exist yet. The ledger
/// holds the order-token secret (when none is configured) and hashes of readers' credentials;
/// SQLite gives its WAL and shared-memory files the database file's permissions.
pub(super) fn create_private(path: &str) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Engine(format!("cannot create the ledger file {path}: {e}"))),
    }
}
