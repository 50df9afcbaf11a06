//! ConnectID's per-client rate limit (100 calls/s and 2000 calls/min by default): fixed windows
//! aligned to the wall clock's second and minute. Fixed windows are what the vendor's
//! `X-RateLimit-Reset` header suggests (a moment when the count starts over).

use std::collections::HashMap;
use std::sync::Mutex;

/// Limits per client.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Calls per second.
    pub per_sec: u32,
    /// Calls per minute.
    pub per_min: u32,
}

#[derive(Debug, Default, Clone, Copy)]
struct Windows {
    sec: i64,
    sec_count: u32,
    min: i64,
    min_count: u32,
}

/// The answer for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the call may proceed.
    pub allowed: bool,
    /// Calls left in the tighter window (`X-RateLimit-Remaining`).
    pub remaining: u32,
    /// Seconds until that window starts over (`X-RateLimit-Reset`, also `Retry-After` on 429).
    pub reset_secs: i64,
}

/// Per-client counters.
#[derive(Debug)]
pub struct RateLimiter {
    limits: Limits,
    clients: Mutex<HashMap<String, Windows>>,
}

impl RateLimiter {
    /// A limiter with the given limits.
    pub fn new(limits: Limits) -> Self {
        RateLimiter {
            limits,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets all counters.
    pub fn reset(&self) {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Counts one call of `client` at `now_ms`; refused calls are not counted.
    pub fn check(&self, client: &str, now_ms: i64) -> Verdict {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let w = clients.entry(client.to_string()).or_default();
        let sec = now_ms.div_euclid(1000);
        let min = now_ms.div_euclid(60_000);
        if w.sec != sec {
            w.sec = sec;
            w.sec_count = 0;
        }
        if w.min != min {
            w.min = min;
            w.min_count = 0;
        }
        let sec_reset = ((sec + 1) * 1000 - now_ms + 999) / 1000;
        let min_reset = ((min + 1) * 60_000 - now_ms + 999) / 1000;
        let allowed = w.sec_count < self.limits.per_sec && w.min_count < self.limits.per_min;
        if allowed {
            w.sec_count += 1;
            w.min_count += 1;
        }
        let sec_left = self.limits.per_sec.saturating_sub(w.sec_count);
        let min_left = self.limits.per_min.saturating_sub(w.min_count);
        // Report the window that binds: when the minute budget is spent, waiting a second won't help.
        let (remaining, reset_secs) = if min_left <= sec_left || w.min_count >= self.limits.per_min {
            (min_left, min_reset)
        } else {
            (sec_left, sec_reset)
        };
        Verdict {
            allowed,
            remaining,
            reset_secs: reset_secs.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_second_window() {
        let l = RateLimiter::new(Limits {
            per_sec: 3,
            per_min: 100,
        });
        let t = 1_000_000;
        for left in [2, 1, 0] {
            let v = l.check("a", t);
            assert!(v.allowed);
            assert_eq!(v.remaining, left);
        }
        let v = l.check("a", t + 10);
        assert!(!v.allowed);
        assert_eq!(v.reset_secs, 1);
        // Another client has its own budget; the next second starts over.
        assert!(l.check("b", t + 10).allowed);
        assert!(l.check("a", t + 1000).allowed);
    }

    #[test]
    fn per_minute_window() {
        let l = RateLimiter::new(Limits {
            per_sec: 100,
            per_min: 2,
        });
        let t = 60_000 * 500;
        assert!(l.check("a", t).allowed);
        assert!(l.check("a", t + 1500).allowed);
        let v = l.check("a", t + 3000);
        assert!(!v.allowed);
        assert_eq!(v.remaining, 0);
        assert_eq!(v.reset_secs, 57);
        assert!(l.check("a", t + 60_000).allowed);
    }
}
