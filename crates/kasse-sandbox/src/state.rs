//! The states the sandbox keeps for orders, with the vendors' own spellings: stored in SQLite and
//! shown on the wire exactly as written here.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Serialize, Serializer};

/// Declares a state enum with its stored (and wire) name written once.
macro_rules! states {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $text:literal, )* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
        }

        impl $name {
            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }

            /// Parses a stored name.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $( $text => Some($name::$variant), )* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::parse(text).ok_or_else(|| FromSqlError::Other(format!("unknown {} {text:?}", stringify!($name)).into()))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

states! {
    /// A ConnectID order's `orderStatus`.
    OrderState {
        /// Registered, not fulfilled.
        Preliminary = "preliminary",
        /// Fulfilled (paid on the hosted page, or completed through the API).
        Completed = "completed",
        /// The reader cancelled on the hosted page.
        Cancelled = "cancelled",
        /// The payment failed on the hosted page.
        Failed = "failed",
    }
}

states! {
    /// An S4 order's `status`.
    S4Status {
        /// Created; waiting for the terminal page or for complete.
        InProgress = "InProgress",
        /// Completed.
        Completed = "Completed",
        /// Cancelled (by the reader on the terminal page, or by `DELETE`).
        Cancelled = "Cancelled",
        /// Rejected by the vendor.
        Rejected = "Rejected",
    }
}

states! {
    /// What the reader did on the simulated Vipps / MobilePay / SwedbankPay page.
    TerminalState {
        /// Not decided yet.
        Pending = "pending",
        /// Approved the agreement.
        Approved = "approved",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

impl TerminalState {
    /// The `paymentStatus` the simulated SwedbankPay callback reports for a decision (none while
    /// pending: nothing has happened to report).
    pub fn payment_status(self) -> Option<&'static str> {
        match self {
            TerminalState::Pending => None,
            TerminalState::Approved => Some("Approved"),
            TerminalState::Cancelled => Some("Cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_sqlite_and_json() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute("CREATE TABLE t (a TEXT, b TEXT, c TEXT)", []).unwrap();
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3)",
            rusqlite::params![OrderState::Preliminary, S4Status::InProgress, TerminalState::Approved],
        )
        .unwrap();
        let raw: (String, String, String) = conn
            .query_row("SELECT a, b, c FROM t", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        assert_eq!(raw, ("preliminary".into(), "InProgress".into(), "approved".into()));
        let typed: (OrderState, S4Status, TerminalState) = conn
            .query_row("SELECT a, b, c FROM t", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        assert_eq!(
            typed,
            (OrderState::Preliminary, S4Status::InProgress, TerminalState::Approved)
        );
        assert_eq!(serde_json::to_string(&S4Status::Completed).unwrap(), "\"Completed\"");
        conn.execute("UPDATE t SET a = 'paid'", []).unwrap();
        assert!(conn
            .query_row("SELECT a FROM t", [], |r| r.get::<_, OrderState>(0))
            .is_err());
    }

    #[test]
    fn terminal_decisions_give_the_callback_payment_status() {
        assert_eq!(TerminalState::Approved.payment_status(), Some("Approved"));
        assert_eq!(TerminalState::Cancelled.payment_status(), Some("Cancelled"));
        assert_eq!(TerminalState::Pending.payment_status(), None);
    }
}
