//! Marketing consent (ConnectID's privacy API, client mode): the active consent text in the
//! reader's language, and the consent event that records a "yes" — only ever for a ticked box.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// `GET /v1/client/customer/privacy/consent/text/history/{issuer}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentTextHistory {
    /// The consents of the issuer.
    #[serde(default)]
    pub consents: Vec<ConsentTexts>,
}

/// One consent and its texts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentTexts {
    /// The consent's id.
    pub consent_id: String,
    /// Its texts, one per language.
    #[serde(default)]
    pub texts: Vec<ConsentText>,
}

/// One language's text and its versions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentText {
    /// `nb_NO`, `en_GB`, …
    pub language_code: String,
    /// The versions, each valid from–to.
    #[serde(default)]
    pub text_history: Vec<ConsentTextVersion>,
}

/// One version of a text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentTextVersion {
    /// The text the reader agrees to.
    pub text: String,
    /// Valid until (epoch ms); absent: still valid.
    #[serde(default)]
    pub to_date: Option<i64>,
}

/// ConnectID's language code of `locale`.
fn language_code(locale: Locale) -> &'static str {
    match locale {
        Locale::Nb => "nb_NO",
        Locale::Sv => "sv_SE",
        Locale::Da => "da_DK",
        Locale::Fi => "fi_FI",
        Locale::En => "en_GB",
    }
}

impl ConsentTextHistory {
    /// The text of `consent_id` valid at `now_ms` in `locale`, else in English, else in any
    /// language: what the reader sees beside the box.
    pub fn active_text(&self, consent_id: &str, locale: Locale, now_ms: i64) -> Option<String> {
        let consent = self.consents.iter().find(|c| c.consent_id == consent_id)?;
        let valid = |t: &ConsentText| {
            t.text_history
                .iter()
                .rev()
                .find(|v| v.to_date.is_none_or(|to| to >= now_ms) && !v.text.trim().is_empty())
                .map(|v| v.text.clone())
        };
        let by_code = |code: &str| {
            consent
                .texts
                .iter()
                .filter(|t| t.language_code.eq_ignore_ascii_case(code))
                .find_map(valid)
        };
        by_code(language_code(locale))
            .or_else(|| by_code(language_code(Locale::En)))
            .or_else(|| consent.texts.iter().find_map(valid))
    }
}

/// Who consents: a logged-in reader by customer number, else the order they made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsentSubject {
    /// ConnectID's customer number (`subjectType: CONNECT`).
    Customer(String),
    /// The order (`subjectType: ORDER`).
    Order(i64),
}

/// `POST /v1/client/customer/privacy/consentEvent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentEvent {
    /// The consent.
    pub consent_id: String,
    /// Who.
    pub subject: String,
    /// `CONNECT`, `ORDER`.
    pub subject_type: String,
    /// Where it was given (the publisher's configuration).
    pub source: String,
    /// Given (never false from Kasse: an unticked box sends nothing).
    pub action: bool,
    /// When, epoch ms.
    pub event_time: i64,
}

/// The event to register for a consent box, or `None`: nothing is ever sent for a box the reader
/// did not tick (no "no" on the reader's behalf either).
pub fn consent_event(
    ticked: bool,
    consent_id: &str,
    subject: &ConsentSubject,
    source: &str,
    now_ms: i64,
) -> Option<ConsentEvent> {
    if !ticked {
        return None;
    }
    let (subject, subject_type) = match subject {
        ConsentSubject::Customer(number) => (number.clone(), "CONNECT"),
        ConsentSubject::Order(id) => (crate::decimal::decimal(*id), "ORDER"),
    };
    Some(ConsentEvent {
        consent_id: consent_id.to_owned(),
        subject,
        subject_type: subject_type.to_owned(),
        source: source.to_owned(),
        action: true,
        event_time: now_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_active_text_in_the_readers_language_and_nothing_unless_ticked() {
        let h: ConsentTextHistory = serde_json::from_str(
            r#"{"issuer": "AVIS", "consents": [{"consentId": "nyhetsbrev", "texts": [
                {"languageCode": "nb_NO", "textHistory": [
                    {"text": "Gammel tekst", "toDate": 1000},
                    {"text": "Ja, send meg nyheter."}]},
                {"languageCode": "en_GB", "textHistory": [{"text": "Yes, send me news."}]}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            h.active_text("nyhetsbrev", Locale::Nb, 5_000).as_deref(),
            Some("Ja, send meg nyheter.")
        );
        assert_eq!(
            h.active_text("nyhetsbrev", Locale::Fi, 5_000).as_deref(),
            Some("Yes, send me news.")
        );
        assert_eq!(h.active_text("other", Locale::Nb, 5_000), None);
        let order = ConsentSubject::Order(42);
        assert_eq!(consent_event(false, "nyhetsbrev", &order, "kasse", 1), None);
        let e = consent_event(true, "nyhetsbrev", &order, "kasse", 1).unwrap();
        assert_eq!(
            (e.subject.as_str(), e.subject_type.as_str(), e.action),
            ("42", "ORDER", true)
        );
        let c = consent_event(
            true,
            "nyhetsbrev",
            &ConsentSubject::Customer("100001".into()),
            "kasse",
            1,
        )
        .unwrap();
        assert_eq!(c.subject_type, "CONNECT");
    }
}
