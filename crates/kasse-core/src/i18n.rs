//! Reader-facing texts as keys, with complete tables for Norwegian bokmål, Swedish and English,
//! and locale-correct price and period formatting.

use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::offer::{Period, PeriodUnit};

/// A supported locale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Norwegian bokmål.
    Nb,
    /// Swedish.
    Sv,
    /// English (the fallback).
    #[default]
    En,
}

impl Locale {
    /// Every locale.
    pub const ALL: [Locale; 3] = [Locale::Nb, Locale::Sv, Locale::En];

    /// The BCP 47 tag (`nb`, `sv`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Nb => "nb",
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    /// A full culture for payment windows (`nb-NO`, `sv-SE`, `en-US`).
    pub fn culture(self) -> &'static str {
        match self {
            Locale::Nb => "nb-NO",
            Locale::Sv => "sv-SE",
            Locale::En => "en-US",
        }
    }

    /// Picks a locale from a tag (`nb-NO`, `no`, `nn`, `sv_SE`, `en-GB`) or a whole
    /// `Accept-Language` / `navigator.languages` list (`da, sv;q=0.8, en;q=0.5`), honouring order
    /// and q-values. `no`, `nb`, `nn` and Danish (`da`, written close enough to bokmål that a Danish
    /// reader reads it more easily than English) map to bokmål; `sv` to Swedish; anything else,
    /// and nothing, to English.
    pub fn negotiate(s: &str) -> Locale {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (i, part) in s.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|v| v.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 || q.is_nan() {
                continue;
            }
            let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            let loc = match primary.as_str() {
                "nb" | "no" | "nn" | "da" => Some(Locale::Nb),
                "sv" => Some(Locale::Sv),
                "en" => Some(Locale::En),
                _ => None,
            };
            if let Some(loc) = loc {
                // Higher q wins; on a tie, the earlier entry.
                if best.is_none_or(|(bq, _, _)| q > bq) {
                    best = Some((q, i, loc));
                }
            }
        }
        best.map_or(Locale::En, |(_, _, l)| l)
    }
}

macro_rules! messages {
    ($( $(#[$doc:meta])* $key:ident $name:literal => $nb:literal, $sv:literal, $en:literal; )*) => {
        /// Every reader-facing text of Kasse. Serialised as its stable snake_case name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum MessageKey {
            $( $(#[$doc])* #[serde(rename = $name)] $key, )*
        }

        impl MessageKey {
            /// Every key.
            pub const ALL: &'static [MessageKey] = &[$(MessageKey::$key),*];

            /// The stable name (`"err_required"`).
            pub fn as_str(self) -> &'static str {
                match self { $(MessageKey::$key => $name,)* }
            }

            /// Looks a key up by its stable name.
            pub fn from_name(name: &str) -> Option<MessageKey> {
                match name { $($name => Some(MessageKey::$key),)* _ => None }
            }
        }

        /// The text of `key` in `locale`. The macro demands all three texts for every key, so a
        /// locale cannot lack one; the tests also refuse empty ones.
        pub fn t(locale: Locale, key: MessageKey) -> &'static str {
            match (locale, key) {
                $(
                    (Locale::Nb, MessageKey::$key) => $nb,
                    (Locale::Sv, MessageKey::$key) => $sv,
                    (Locale::En, MessageKey::$key) => $en,
                )*
            }
        }
    };
}

messages! {
    // Form
    /// Form heading.
    CheckoutTitle "checkout_title" => "Bestill abonnement", "Beställ prenumeration", "Subscribe";
    /// Field label.
    FirstName "first_name" => "Fornavn", "Förnamn", "First name";
    /// Field label.
    LastName "last_name" => "Etternavn", "Efternamn", "Last name";
    /// Field label.
    CompanyName "company_name" => "Firmanavn (valgfritt)", "Företagsnamn (valfritt)", "Company name (optional)";
    /// Field label.
    Email "email" => "E-post", "E-post", "Email";
    /// Field label.
    Phone "phone" => "Mobilnummer", "Mobilnummer", "Mobile number";
    /// Field label.
    Street "street" => "Gateadresse", "Gatuadress", "Street address";
    /// Field label.
    PostalCode "postal_code" => "Postnummer", "Postnummer", "Postcode";
    /// Field label.
    PostalPlace "postal_place" => "Poststed", "Postort", "Town";
    /// Field label.
    Country "country" => "Land", "Land", "Country";
    /// Field group label.
    PaymentMethod "payment_method" => "Betalingsmåte", "Betalningssätt", "Payment method";
    /// Checkbox label.
    AcceptTerms "accept_terms" => "Jeg godtar abonnementsvilkårene", "Jag godkänner prenumerationsvillkoren", "I accept the subscription terms";
    /// Link text.
    TermsLink "terms_link" => "Les vilkårene", "Läs villkoren", "Read the terms";
    /// Marker next to a required field.
    RequiredMarker "required_marker" => "påkrevd", "obligatoriskt", "required";
    /// Submit button.
    Submit "submit" => "Bestill", "Beställ", "Place order";
    /// Submit button for a method that leaves for a payment page.
    SubmitAndPay "submit_and_pay" => "Gå til betaling", "Gå till betalning", "Continue to payment";
    /// Busy state.
    Processing "processing" => "Behandler …", "Bearbetar …", "Processing …";
    /// Loading the offer.
    Loading "loading" => "Laster …", "Laddar …", "Loading …";
    /// Button.
    Retry "retry" => "Prøv igjen", "Försök igen", "Try again";
    /// Button.
    Close "close" => "Lukk", "Stäng", "Close";
    /// Button.
    Cancel "cancel" => "Avbryt", "Avbryt", "Cancel";
    /// Summary label.
    Total "total" => "Totalt", "Totalt", "Total";
    /// Summary heading.
    Summary "summary" => "Din bestilling", "Din beställning", "Your order";
    /// Note on recurring offers.
    RenewsNote "renews_note" => "Fornyes automatisk. Du kan si opp når som helst.", "Förnyas automatiskt. Du kan säga upp när som helst.", "Renews automatically. Cancel any time.";
    /// Note on non-recurring offers.
    NoRenewalNote "no_renewal_note" => "Fornyes ikke automatisk.", "Förnyas inte automatiskt.", "Does not renew automatically.";
    /// Note on prepaid offers.
    PrepaidNote "prepaid_note" => "Allerede betalt.", "Redan betald.", "Already paid.";
    /// Shown when the reader is logged in.
    LoggedInAs "logged_in_as" => "Logget inn som", "Inloggad som", "Logged in as";
    /// Accessible name of the widget.
    WidgetLabel "widget_label" => "Kasse – bestilling", "Kasse – beställning", "Kasse – checkout";
    /// Shown when the form has errors.
    FixErrors "fix_errors" => "Rett opp feltene som er merket.", "Rätta till de markerade fälten.", "Please correct the marked fields.";

    // Payment methods (ConnectID)
    /// Method name.
    MethodInvoice "method_invoice" => "Faktura", "Faktura", "Invoice";
    /// Method name.
    MethodSms "method_sms" => "SMS", "SMS", "Text message";
    /// Method name.
    MethodSmsPay "method_sms_pay" => "Betal med SMS", "Betala med SMS", "Pay by text message";
    /// Method name.
    MethodVippsRecurring "method_vipps_recurring" => "Vipps faste betalinger", "Vipps återkommande betalningar", "Vipps recurring payments";
    /// Method name.
    MethodKco "method_kco" => "Klarna", "Klarna", "Klarna";
    /// Method name.
    MethodCreditcardPayex "method_creditcard_payex" => "Betalingskort", "Betalkort", "Card";
    /// Method name.
    MethodSwishPayex "method_swish_payex" => "Swish", "Swish", "Swish";
    /// Method name.
    MethodVippsEcommerce "method_vipps_ecommerce" => "Vipps", "Vipps", "Vipps";
    /// Method name.
    MethodNexi "method_nexi" => "Kort (Nexi)", "Kort (Nexi)", "Card (Nexi)";
    /// Method name.
    MethodOther "method_other" => "Annen betaling", "Annan betalning", "Other payment";
    // Payment methods (S4)
    /// Method name.
    MethodS4Invoice "method_s4_invoice" => "Faktura", "Faktura", "Invoice";
    /// Method name.
    MethodS4Vipps "method_s4_vipps" => "Vipps", "Vipps", "Vipps";
    /// Method name.
    MethodS4MobilePay "method_s4_mobile_pay" => "MobilePay", "MobilePay", "MobilePay";
    /// Method name.
    MethodS4SwedbankPay "method_s4_swedbank_pay" => "Kort (Swedbank Pay)", "Kort (Swedbank Pay)", "Card (Swedbank Pay)";
    /// Method name (any bank-registered S4 method).
    MethodS4Bank "method_s4_bank" => "Betaling via nettbanken", "Betalning via internetbanken", "Payment via your bank";

    // Field errors
    /// `required`.
    ErrRequired "err_required" => "Fyll ut dette feltet.", "Fyll i det här fältet.", "Please fill in this field.";
    /// `too_long`.
    ErrTooLong "err_too_long" => "Teksten er for lang.", "Texten är för lång.", "This is too long.";
    /// `invalid_email`.
    ErrInvalidEmail "err_invalid_email" => "Skriv en gyldig e-postadresse.", "Ange en giltig e-postadress.", "Enter a valid email address.";
    /// `invalid_phone`.
    ErrInvalidPhone "err_invalid_phone" => "Skriv et gyldig mobilnummer.", "Ange ett giltigt mobilnummer.", "Enter a valid mobile number.";
    /// `invalid_postal_code`.
    ErrInvalidPostalCode "err_invalid_postal_code" => "Skriv et gyldig postnummer.", "Ange ett giltigt postnummer.", "Enter a valid postcode.";
    /// `invalid_country`.
    ErrInvalidCountry "err_invalid_country" => "Velg et land.", "Välj ett land.", "Choose a country.";
    /// `coupon_incomplete`.
    ErrCouponIncomplete "err_coupon_incomplete" => "Kampanjekoden er ufullstendig.", "Kampanjkoden är ofullständig.", "The campaign code is incomplete.";
    /// `name_required`.
    ErrNameRequired "err_name_required" => "Skriv etternavn eller firmanavn.", "Ange efternamn eller företagsnamn.", "Enter a last name or a company name.";
    /// `contact_required`.
    ErrContactRequired "err_contact_required" => "Skriv e-post eller mobilnummer.", "Ange e-post eller mobilnummer.", "Enter an email address or a mobile number.";
    /// `terms_not_accepted`.
    ErrTermsNotAccepted "err_terms_not_accepted" => "Du må godta vilkårene.", "Du måste godkänna villkoren.", "You need to accept the terms.";
    /// `method_not_allowed`, `method_unsupported`.
    ErrMethodNotAvailable "err_method_not_available" => "Denne betalingsmåten kan ikke brukes for dette tilbudet.", "Det här betalningssättet kan inte användas för erbjudandet.", "This payment method is not available for this offer.";
    /// Tampering or a changed offer.
    ErrOfferChanged "err_offer_changed" => "Tilbudet er endret. Last siden på nytt.", "Erbjudandet har ändrats. Ladda om sidan.", "The offer has changed. Please reload the page.";

    // Vendor and network errors
    /// 429.
    ErrTryAgainLater "err_try_again_later" => "Det er stor pågang akkurat nå. Prøv igjen om litt.", "Det är många som handlar just nu. Försök igen om en stund.", "We are very busy right now. Please try again in a moment.";
    /// 5xx.
    ErrVendorUnavailable "err_vendor_unavailable" => "Tjenesten svarer ikke akkurat nå. Prøv igjen om litt.", "Tjänsten svarar inte just nu. Försök igen om en stund.", "The service is not responding. Please try again in a moment.";
    /// 400 from the vendor.
    ErrOrderRejected "err_order_rejected" => "Bestillingen ble avvist. Sjekk opplysningene og prøv igjen.", "Beställningen avvisades. Kontrollera uppgifterna och försök igen.", "The order was declined. Please check your details and try again.";
    /// 401/403.
    ErrServiceConfig "err_service_config" => "Noe er feil hos oss. Prøv igjen senere.", "Något är fel hos oss. Försök igen senare.", "Something is wrong on our side. Please try again later.";
    /// 404.
    ErrNotFound "err_not_found" => "Fant ikke tilbudet.", "Erbjudandet hittades inte.", "The offer was not found.";
    /// Anything else.
    ErrUnknown "err_unknown" => "Noe gikk galt. Prøv igjen.", "Något gick fel. Försök igen.", "Something went wrong. Please try again.";
    /// No connection.
    ErrNetwork "err_network" => "Ingen forbindelse. Sjekk nettet og prøv igjen.", "Ingen anslutning. Kontrollera nätet och försök igen.", "No connection. Check your network and try again.";
    /// The offer could not be loaded.
    ErrOfferLoad "err_offer_load" => "Kunne ikke laste tilbudet.", "Kunde inte ladda erbjudandet.", "Could not load the offer.";

    // After the order
    /// Redirecting to payment.
    Redirecting "redirecting" => "Sender deg til betaling …", "Skickar dig till betalning …", "Taking you to payment …";
    /// Completing by API.
    Completing "completing" => "Fullfører bestillingen …", "Slutför beställningen …", "Completing your order …";
    /// Assigning the user.
    CreatingAccess "creating_access" => "Gir deg tilgang …", "Ger dig åtkomst …", "Setting up your access …";
    /// Receipt heading.
    ReceiptTitle "receipt_title" => "Takk for bestillingen!", "Tack för din beställning!", "Thank you for your order!";
    /// Receipt body.
    ReceiptBody "receipt_body" => "Vi har sendt en bekreftelse til deg.", "Vi har skickat en bekräftelse till dig.", "We have sent you a confirmation.";
    /// Receipt: order number label.
    OrderNumber "order_number" => "Ordrenummer", "Ordernummer", "Order number";
    /// Receipt when a new account was created.
    AccessCreated "access_created" => "Vi har laget en bruker til deg. Se e-posten eller SMS-en vi sendte for å logge inn.", "Vi har skapat ett konto åt dig. Se e-posten eller sms:et vi skickade för att logga in.", "We have created an account for you. Use the email or text message we sent to log in.";
    /// Return with `cancel`.
    PaymentCancelled "payment_cancelled" => "Betalingen ble avbrutt. Du er ikke trukket.", "Betalningen avbröts. Du har inte debiterats.", "The payment was cancelled. You have not been charged.";
    /// Return with `error`.
    PaymentFailed "payment_failed" => "Betalingen gikk ikke gjennom.", "Betalningen gick inte igenom.", "The payment did not go through.";
    /// Return with anything else.
    PaymentUnknown "payment_unknown" => "Vi vet ikke om betalingen gikk gjennom. Sjekk e-posten din før du prøver igjen.", "Vi vet inte om betalningen gick igenom. Kontrollera din e-post innan du försöker igen.", "We could not confirm the payment. Please check your email before trying again.";
}

impl crate::method::PaymentMethod {
    /// The method's display name.
    pub fn message_key(self) -> MessageKey {
        use crate::method::PaymentMethod::*;
        match self {
            Invoice => MessageKey::MethodInvoice,
            Sms => MessageKey::MethodSms,
            SmsPay => MessageKey::MethodSmsPay,
            VippsRecurring => MessageKey::MethodVippsRecurring,
            Kco => MessageKey::MethodKco,
            CreditcardPayex => MessageKey::MethodCreditcardPayex,
            SwishPayex => MessageKey::MethodSwishPayex,
            VippsEcommerce => MessageKey::MethodVippsEcommerce,
            Nexi => MessageKey::MethodNexi,
            Other => MessageKey::MethodOther,
        }
    }
}

impl crate::s4::S4PaymentMethod {
    /// The method's display name.
    pub fn message_key(self) -> MessageKey {
        use crate::s4::S4PaymentMethod::*;
        match self {
            Invoice | Email | Ehf | Oio => MessageKey::MethodS4Invoice,
            Vipps => MessageKey::MethodS4Vipps,
            MobilePay => MessageKey::MethodS4MobilePay,
            SwedbankPay | Mollie => MessageKey::MethodS4SwedbankPay,
            AvtaleGiro | EFaktura | Autogiro | BetalingsService => MessageKey::MethodS4Bank,
        }
    }
}

impl crate::flow::FulfillmentStatus {
    /// What the reader is told after coming back; `None` for success (the receipt follows).
    pub fn message_key(self) -> Option<MessageKey> {
        use crate::flow::FulfillmentStatus::*;
        match self {
            Success => None,
            Cancel => Some(MessageKey::PaymentCancelled),
            Error => Some(MessageKey::PaymentFailed),
            Unknown => Some(MessageKey::PaymentUnknown),
        }
    }
}

/// No-break space: keeps "149 kr" and "1 990" on one line.
const NBSP: char = '\u{a0}';

/// Formats an amount for a reader.
///
/// * nb and sv: `149 kr`, `149,50 kr`, `1 990 kr` (space as group separator) when the currency is
///   the locale's own krone/krona; other currencies `9,90 €`, `149 SEK`.
/// * en: `€9.90`, `$5`, `£3`, otherwise `NOK 149`, `NOK 1,990.50`.
///
/// Whole amounts show no decimals, others exactly two. The spaces are no-break spaces (U+00A0), as
/// CLDR writes them, so a price never wraps between number and currency.
pub fn format_price(minor: i64, currency: &Currency, locale: Locale) -> String {
    let neg = minor < 0;
    let abs = minor.unsigned_abs();
    let (int, frac) = (abs / 100, abs % 100);
    let (group, decimal) = match locale {
        Locale::Nb | Locale::Sv => (NBSP, ','),
        Locale::En => (',', '.'),
    };
    let digits = int.to_string();
    let mut number = String::with_capacity(digits.len() + 6);
    if neg {
        number.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            number.push(group);
        }
        number.push(ch);
    }
    if frac != 0 {
        number.push(decimal);
        number.push_str(&format!("{frac:02}"));
    }
    let code = currency.code();
    match locale {
        Locale::Nb | Locale::Sv => {
            let own = matches!((locale, code), (Locale::Nb, "NOK") | (Locale::Sv, "SEK"));
            let symbol = if own {
                "kr"
            } else if code == "EUR" {
                "€"
            } else {
                code
            };
            format!("{number}{NBSP}{symbol}")
        }
        Locale::En => match code {
            "EUR" => format!("€{number}"),
            "USD" => format!("${number}"),
            "GBP" => format!("£{number}"),
            _ => format!("{code}{NBSP}{number}"),
        },
    }
}

/// The period text for a price: recurring `per month` / `per måned` / `per månad` (`every 3
/// months` / `hver 3. måned` / `var 3:e månad`); not recurring `for 3 months` / `for 3 måneder` /
/// `för 3 månader`.
pub fn period_text(period: &Period, recurring: bool, locale: Locale) -> String {
    let n = period.count.max(1);
    let (sg, pl) = unit_names(period.unit, locale);
    if recurring {
        if n == 1 {
            match locale {
                Locale::Nb | Locale::Sv | Locale::En => format!("per {sg}"),
            }
        } else {
            match locale {
                Locale::Nb => format!("hver {n}. {sg}"),
                Locale::Sv => {
                    let suffix = if n % 10 == 1 || n % 10 == 2 { ":a" } else { ":e" };
                    let suffix = if (11..=12).contains(&(n % 100)) { ":e" } else { suffix };
                    format!("var {n}{suffix} {sg}")
                }
                Locale::En => format!("every {n} {pl}"),
            }
        }
    } else {
        let unit = if n == 1 { sg } else { pl };
        match locale {
            Locale::Nb | Locale::En => format!("for {n} {unit}"),
            Locale::Sv => format!("för {n} {unit}"),
        }
    }
}

fn unit_names(unit: PeriodUnit, locale: Locale) -> (&'static str, &'static str) {
    match (locale, unit) {
        (Locale::Nb, PeriodUnit::Day) => ("dag", "dager"),
        (Locale::Nb, PeriodUnit::Week) => ("uke", "uker"),
        (Locale::Nb, PeriodUnit::Month) => ("måned", "måneder"),
        (Locale::Nb, PeriodUnit::Year) => ("år", "år"),
        (Locale::Sv, PeriodUnit::Day) => ("dag", "dagar"),
        (Locale::Sv, PeriodUnit::Week) => ("vecka", "veckor"),
        (Locale::Sv, PeriodUnit::Month) => ("månad", "månader"),
        (Locale::Sv, PeriodUnit::Year) => ("år", "år"),
        (Locale::En, PeriodUnit::Day) => ("day", "days"),
        (Locale::En, PeriodUnit::Week) => ("week", "weeks"),
        (Locale::En, PeriodUnit::Month) => ("month", "months"),
        (Locale::En, PeriodUnit::Year) => ("year", "years"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_non_empty_text_in_every_locale() {
        for &key in MessageKey::ALL {
            for locale in Locale::ALL {
                assert!(!t(locale, key).trim().is_empty(), "{key:?} missing in {locale:?}");
            }
        }
    }

    #[test]
    fn key_names_are_unique_snake_case_and_round_trip() {
        let mut names: Vec<&str> = MessageKey::ALL.iter().map(|k| k.as_str()).collect();
        for n in &names {
            assert!(n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{n}");
        }
        for &k in MessageKey::ALL {
            assert_eq!(MessageKey::from_name(k.as_str()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before);
    }

    #[test]
    fn locales_are_really_translated() {
        // A key whose three texts are all the same is fine for brand names, not for prose: catch a
        // table filled by copy-paste.
        let same: Vec<_> = MessageKey::ALL
            .iter()
            .filter(|&&k| t(Locale::Nb, k) == t(Locale::En, k) && t(Locale::Sv, k) == t(Locale::En, k))
            .collect();
        assert!(same.len() <= 6, "{same:?}");
    }

    #[test]
    fn negotiation() {
        for (input, want) in [
            ("nb-NO", Locale::Nb),
            ("no", Locale::Nb),
            ("nn", Locale::Nb),
            ("nn-NO", Locale::Nb),
            ("da-DK", Locale::Nb),
            ("sv-SE", Locale::Sv),
            ("sv_FI", Locale::Sv),
            ("en-GB", Locale::En),
            ("de-DE", Locale::En),
            ("", Locale::En),
            ("de, sv;q=0.8, en;q=0.5", Locale::Sv),
            ("en;q=0.4, nb;q=0.9", Locale::Nb),
            ("fr, en-US, nb", Locale::En),
            ("nb;q=0, sv;q=0.1", Locale::Sv),
            ("SV", Locale::Sv),
        ] {
            assert_eq!(Locale::negotiate(input), want, "{input}");
        }
    }

    #[test]
    fn prices() {
        let nok = Currency::nok();
        let sek = Currency::sek();
        let eur = Currency::eur();
        let cases = [
            (14900, &nok, Locale::Nb, "149\u{a0}kr"),
            (14950, &nok, Locale::Nb, "149,50\u{a0}kr"),
            (199000, &nok, Locale::Nb, "1\u{a0}990\u{a0}kr"),
            (12900, &sek, Locale::Sv, "129\u{a0}kr"),
            (12900, &sek, Locale::Nb, "129\u{a0}SEK"),
            (14900, &nok, Locale::Sv, "149\u{a0}NOK"),
            (990, &eur, Locale::En, "€9.90"),
            (990, &eur, Locale::Nb, "9,90\u{a0}€"),
            (14900, &nok, Locale::En, "NOK\u{a0}149"),
            (123456789, &nok, Locale::En, "NOK\u{a0}1,234,567.89"),
            (5, &eur, Locale::En, "€0.05"),
            (0, &nok, Locale::Nb, "0\u{a0}kr"),
            (-14950, &nok, Locale::Nb, "-149,50\u{a0}kr"),
        ];
        for (minor, cur, loc, want) in cases {
            assert_eq!(format_price(minor, cur, loc), want, "{minor} {cur} {loc:?}");
        }
    }

    #[test]
    fn periods() {
        let m = Period::MONTH;
        assert_eq!(period_text(&m, true, Locale::En), "per month");
        assert_eq!(period_text(&m, true, Locale::Nb), "per måned");
        assert_eq!(period_text(&m, true, Locale::Sv), "per månad");
        let q = Period { count: 3, unit: PeriodUnit::Month };
        assert_eq!(period_text(&q, true, Locale::En), "every 3 months");
        assert_eq!(period_text(&q, true, Locale::Nb), "hver 3. måned");
        assert_eq!(period_text(&q, true, Locale::Sv), "var 3:e månad");
        assert_eq!(period_text(&Period { count: 2, unit: PeriodUnit::Week }, true, Locale::Sv), "var 2:a vecka");
        assert_eq!(period_text(&q, false, Locale::En), "for 3 months");
        assert_eq!(period_text(&q, false, Locale::Nb), "for 3 måneder");
        assert_eq!(period_text(&q, false, Locale::Sv), "för 3 månader");
        assert_eq!(period_text(&Period::YEAR, false, Locale::Nb), "for 1 år");
    }
}
