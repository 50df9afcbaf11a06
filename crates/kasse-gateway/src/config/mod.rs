//! The gateway's configuration file (TOML) and its checked, resolved form.
//!
//! Keys without a sensible default are read into an `Option` and checked by
//! [`GatewayConfig::resolve`], which lists **all** missing or bad keys by their dotted name
//! (`connectid.token_url`) at once, so an operator fixes the file in one go. Keys with a default
//! take it from [`ServerConfig::default`]. Secrets never appear in the file: it names the
//! environment variable that holds each one (`client_secret_env = "KASSE_CONNECTID_SECRET"`).

mod file;
mod login;
mod problems;
mod resolve;
mod secret;
mod settings;
mod urls;

use std::fmt;

pub use file::{AssignUserConfig, ConnectIdConfig, GatewayConfig, OrderFieldsConfig, S4Config, ServerConfig};
pub use login::{LoginConfig, LoginSettings};
pub use secret::Secret;
pub use settings::{ConnectIdSettings, S4Settings, Settings};
pub use urls::{normalize_origin, origin_of};

/// A configuration problem: every missing or bad key, by dotted name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// One line per problem, e.g. `connectid.token_url: missing`.
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "incomplete gateway configuration:")?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests;
