//! ConnectID users: the seed's test users (who can log in) and the accounts assign user creates
//! (no password yet).

use super::*;

/// What the users table knows of an account (the seed knows the rest of a test user).
#[derive(Debug, Clone)]
pub struct Account {
    /// The row number: the profile's numeric `userId`.
    pub user_id: i64,
    /// Login e-mail, lower case.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// A ConnectID user.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// `uniqueUserId`.
    pub unique_user_id: String,
    /// Whether a password is set.
    pub password_set: bool,
}

impl Store {
    /// Inserts the seed's test users, or brings them up to date: a file database from before a
    /// seed change (a new password) must log in with the seed's password, not the old one.
    pub fn seed_users(&self, users: &[User]) -> rusqlite::Result<()> {
        let conn = self.conn();
        for u in users {
            conn.execute(
                "INSERT INTO users (unique_user_id, email, phone, password, seeded, created_ms)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)
                 ON CONFLICT (unique_user_id) DO UPDATE
                 SET email = excluded.email, phone = excluded.phone, password = excluded.password, seeded = 1",
                params![u.unique_user_id, u.email.to_lowercase(), u.phone, u.password, now_ms()],
            )?;
        }
        Ok(())
    }

    /// The account of a user id, seeded or created by assign user.
    pub fn account(&self, unique_user_id: &str) -> rusqlite::Result<Option<Account>> {
        self.conn()
            .query_row(
                "SELECT rowid, email, phone FROM users WHERE unique_user_id = ?1",
                params![unique_user_id],
                |r| {
                    Ok(Account {
                        user_id: r.get(0)?,
                        email: r.get(1)?,
                        phone: r.get(2)?,
                    })
                },
            )
            .optional()
    }

    /// The user with this e-mail and password (login page).
    pub fn login(&self, email: &str, password: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT unique_user_id FROM users WHERE email = ?1 AND password = ?2",
                params![email.trim().to_lowercase(), password],
                |r| r.get(0),
            )
            .optional()
    }

    /// Finds the user with this credential (e-mail or phone) or creates one.
    /// Returns the user and whether it was created now.
    pub fn user_for_credential(&self, credential: &str) -> rusqlite::Result<(UserRow, bool)> {
        let conn = self.conn();
        let is_email = credential.contains('@');
        let normalized = if is_email {
            credential.trim().to_lowercase()
        } else {
            credential.trim().to_string()
        };
        let column = if is_email { "email" } else { "phone" };
        let existing = conn
            .query_row(
                &format!("SELECT unique_user_id, password FROM users WHERE {column} = ?1"),
                params![normalized],
                |r| {
                    Ok(UserRow {
                        unique_user_id: r.get(0)?,
                        password_set: r.get::<_, Option<String>>(1)?.is_some(),
                    })
                },
            )
            .optional()?;
        if let Some(user) = existing {
            return Ok((user, false));
        }
        let id = uuid::Uuid::new_v4().to_string();
        conn.execute(
            &format!(
                "INSERT INTO users (unique_user_id, {column}, password, seeded, created_ms) VALUES (?1, ?2, NULL, 0, ?3)"
            ),
            params![id, normalized, now_ms()],
        )?;
        Ok((
            UserRow {
                unique_user_id: id,
                password_set: false,
            },
            true,
        ))
    }
}
