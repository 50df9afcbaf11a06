//! What a retried order request does: the idempotency rules of an attempt key.
//!
//! The widget makes one key per checkout attempt and resends the same request when an answer was
//! lost or the reader double-clicked. The gateway keeps one row per key (in a store several
//! gateway instances share) and, for each request, asks [`decide_claim`] what the row allows, in
//! the manner of Brandur Leach's "Implementing Stripe-like Idempotency Keys in Postgres": the
//! first request *leads* (calls the vendor, records the answer); a repeat replays the recorded
//! answer or waits while the leader works; a leader that went away (crash, kill) is replaced once
//! its lease runs out, and the vendor's own dedupe (ConnectID answers the same order for the same
//! `externalOrderId`) turns the second call into a recovery, not a duplicate.

/// Where an attempt's row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptPhase {
    /// A leader is calling the vendor; its lease says until when it may.
    InFlight,
    /// The leader recorded a final answer (success or a refusal a retry cannot change).
    Answered,
    /// The leader's answer was one a retry can change (429, 5xx, timeout): it is handed to the
    /// requests that waited on that leader, and the next request leads again.
    Retryable,
}

impl AttemptPhase {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptPhase::InFlight => "in_flight",
            AttemptPhase::Answered => "answered",
            AttemptPhase::Retryable => "retryable",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<AttemptPhase> {
        [AttemptPhase::InFlight, AttemptPhase::Answered, AttemptPhase::Retryable]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// What the store holds for a key, as far as the decision needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptView {
    /// The row's phase.
    pub phase: AttemptPhase,
    /// Whether the request's canonical body is the one the key was first used with.
    pub same_body: bool,
    /// Which leader the row belongs to (bumped at every take-over).
    pub generation: i64,
    /// Until when the in-flight leader may work, epoch ms.
    pub lease_until_ms: i64,
    /// When the row's answer was first asked for, epoch ms.
    pub created_ms: i64,
    /// Whether an answer is recorded.
    pub has_answer: bool,
}

/// What a request with a known key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimDecision {
    /// The key was used for another order: refuse (409).
    Conflict,
    /// Send the recorded answer.
    Replay,
    /// Become the leader of generation `generation + 1` (if no other request does first).
    TakeOver,
    /// Another leader is working: look again shortly.
    Wait,
}

/// The decision for a request whose canonical body matches the row or not (`row.same_body`), at
/// `now_ms`, with answers kept `ttl_ms`. `waited_on` is the generation this request has been
/// waiting for, if it has: the leader it waited on answers it even when that answer is retryable.
pub fn decide_claim(row: &AttemptView, now_ms: i64, ttl_ms: i64, waited_on: Option<i64>) -> ClaimDecision {
    match row.phase {
        // An answer past its time is forgotten: the key starts over (the vendor still dedupes).
        AttemptPhase::Answered if now_ms - row.created_ms > ttl_ms => ClaimDecision::TakeOver,
        AttemptPhase::Answered if !row.same_body => ClaimDecision::Conflict,
        AttemptPhase::Answered => ClaimDecision::Replay,
        AttemptPhase::Retryable if row.same_body && row.has_answer && waited_on == Some(row.generation) => {
            ClaimDecision::Replay
        }
        // A retryable failure keeps nothing: the reader may even have corrected the order.
        AttemptPhase::Retryable => ClaimDecision::TakeOver,
        AttemptPhase::InFlight if !row.same_body => ClaimDecision::Conflict,
        AttemptPhase::InFlight if row.lease_until_ms < now_ms => ClaimDecision::TakeOver,
        AttemptPhase::InFlight => ClaimDecision::Wait,
    }
}

/// Whether an answer with HTTP `status` is final (kept and replayed for the key's lifetime) rather
/// than retryable: successes and refusals are final; 429, 408 and 5xx a retry may change.
pub fn is_final_answer(status: u16) -> bool {
    !(status == 429 || status == 408 || status >= 500)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(phase: AttemptPhase) -> AttemptView {
        AttemptView {
            phase,
            same_body: true,
            generation: 3,
            lease_until_ms: 1_000,
            created_ms: 0,
            has_answer: true,
        }
    }

    #[test]
    fn answered_keys_replay_until_they_expire_and_refuse_other_bodies() {
        let r = row(AttemptPhase::Answered);
        assert_eq!(decide_claim(&r, 500, 1_000, None), ClaimDecision::Replay);
        let other = AttemptView { same_body: false, ..r };
        assert_eq!(decide_claim(&other, 500, 1_000, None), ClaimDecision::Conflict);
        assert_eq!(decide_claim(&r, 1_001, 1_000, None), ClaimDecision::TakeOver);
        assert_eq!(decide_claim(&other, 1_001, 1_000, None), ClaimDecision::TakeOver);
    }

    #[test]
    fn in_flight_keys_wait_until_the_lease_ends() {
        let r = row(AttemptPhase::InFlight);
        assert_eq!(decide_claim(&r, 999, 10_000, None), ClaimDecision::Wait);
        assert_eq!(decide_claim(&r, 1_000, 10_000, Some(3)), ClaimDecision::Wait);
        assert_eq!(decide_claim(&r, 1_001, 10_000, None), ClaimDecision::TakeOver);
        let other = AttemptView { same_body: false, ..r };
        assert_eq!(decide_claim(&other, 10, 10_000, None), ClaimDecision::Conflict);
    }

    #[test]
    fn a_retryable_answer_goes_to_its_waiters_only() {
        let r = row(AttemptPhase::Retryable);
        assert_eq!(decide_claim(&r, 10, 10_000, Some(3)), ClaimDecision::Replay);
        assert_eq!(decide_claim(&r, 10, 10_000, Some(2)), ClaimDecision::TakeOver);
        assert_eq!(decide_claim(&r, 10, 10_000, None), ClaimDecision::TakeOver);
        let released = AttemptView { has_answer: false, ..r };
        assert_eq!(decide_claim(&released, 10, 10_000, Some(3)), ClaimDecision::TakeOver);
        let other = AttemptView { same_body: false, ..r };
        assert_eq!(decide_claim(&other, 10, 10_000, Some(3)), ClaimDecision::TakeOver);
    }

    #[test]
    fn final_answers() {
        for s in [200, 201, 400, 403, 404, 409, 422] {
            assert!(is_final_answer(s), "{s}");
        }
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(!is_final_answer(s), "{s}");
        }
    }

    #[test]
    fn phases_round_trip() {
        for p in [AttemptPhase::InFlight, AttemptPhase::Answered, AttemptPhase::Retryable] {
            assert_eq!(AttemptPhase::parse(p.as_str()), Some(p));
        }
        assert_eq!(AttemptPhase::parse("done"), None);
    }
}
