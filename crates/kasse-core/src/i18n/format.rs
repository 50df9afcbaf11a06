//! Prices and periods as a reader of each locale writes them.

use super::Locale;
use crate::decimal::decimal;
use crate::money::Currency;
use crate::offer::{Period, PeriodUnit};

/// No-break space: keeps "149 kr" and "1 990" on one line.
const NBSP: char = '\u{a0}';
const NBSP_STR: &str = "\u{a0}";

/// Formats an amount for a reader.
///
/// * nb and sv: `149 kr`, `149,50 kr`, `1 990 kr` (space as group separator) when the currency is
///   the locale's own krone/krona; other currencies `9,90 €`, `149 SEK`.
/// * da: `149 kr.`, `149,50 kr.`, `1.990 kr.`: Danish groups with a full stop and abbreviates its
///   krone with one; other currencies `9,90 €`, `149 NOK`.
/// * fi: `149 €`, `149,50 €`, `1 990 €` (space as group separator, the symbol after the amount);
///   other currencies `149 SEK`.
/// * en: `€9.90`, `$5`, `£3`, otherwise `NOK 149`, `NOK 1,990.50`.
///
/// Whole amounts show no decimals, others exactly two. The spaces are no-break spaces (U+00A0), as
/// CLDR writes them, so a price never wraps between number and currency.
pub fn format_price(minor: i64, currency: &Currency, locale: Locale) -> String {
    let neg = minor < 0;
    let abs = minor.unsigned_abs();
    let (int, frac) = (abs / 100, abs % 100);
    let (group, point) = match locale {
        Locale::Nb | Locale::Sv | Locale::Fi => (NBSP, ','),
        Locale::Da => ('.', ','),
        Locale::En => (',', '.'),
    };
    // At most i64::MAX / 100: the cast is exact.
    let digits = decimal(int as i64);
    let mut number = String::with_capacity(digits.len() + 6);
    if neg {
        number.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            number.push(group);
        }
        number.push(ch);
    }
    if frac != 0 {
        number.push(point);
        number.push(char::from(b'0' + (frac / 10) as u8));
        number.push(char::from(b'0' + (frac % 10) as u8));
    }
    let code = currency.code();
    match locale {
        Locale::Nb | Locale::Sv | Locale::Da | Locale::Fi => {
            // Only a reader's own krone/krona is "kr": to a Norwegian, "kr" next to a Swedish
            // price would read as kroner. The euro is "€" everywhere, Finland's own currency or not.
            let symbol = match (locale, code) {
                (Locale::Nb, "NOK") | (Locale::Sv, "SEK") => "kr",
                (Locale::Da, "DKK") => "kr.",
                (_, "EUR") => "€",
                _ => code,
            };
            number.push(NBSP);
            number.push_str(symbol);
            number
        }
        Locale::En => match code {
            "EUR" => ["€", &number].concat(),
            "USD" => ["$", &number].concat(),
            "GBP" => ["£", &number].concat(),
            _ => [code, NBSP_STR, &number].concat(),
        },
    }
}

/// The period text for a price: recurring `per month` / `per måned` / `per månad` / `pr. måned` /
/// `kuukaudessa` (`every 3 months` / `hver 3. måned` / `var 3:e månad` / `hver 3. måned` / `3
/// kuukauden välein`); not recurring `for 3 months` / `for 3 måneder` / `för 3 månader` / `for 3
/// måneder` / `3 kuukaudeksi`.
pub fn period_text(period: &Period, recurring: bool, locale: Locale) -> String {
    let n = period.count.max(1);
    let count = decimal(i64::from(n));
    let (sg, pl) = unit_names(period.unit, locale);
    if recurring {
        if n == 1 {
            match locale {
                Locale::Nb | Locale::Sv | Locale::En => ["per ", sg].concat(),
                // Danish prices are "pr. måned", with the abbreviation.
                Locale::Da => ["pr. ", sg].concat(),
                Locale::Fi => finnish_cases(period.unit).0.to_owned(),
            }
        } else {
            match locale {
                Locale::Nb | Locale::Da => ["hver ", &count, ". ", sg].concat(),
                Locale::Sv => {
                    let suffix = if n % 10 == 1 || n % 10 == 2 { ":a" } else { ":e" };
                    let suffix = if (11..=12).contains(&(n % 100)) { ":e" } else { suffix };
                    ["var ", &count, suffix, " ", sg].concat()
                }
                Locale::En => ["every ", &count, " ", pl].concat(),
                Locale::Fi => [&count, " ", finnish_cases(period.unit).1, " välein"].concat(),
            }
        }
    } else {
        let unit = if n == 1 { sg } else { pl };
        match locale {
            Locale::Nb | Locale::Da | Locale::En => ["for ", &count, " ", unit].concat(),
            Locale::Sv => ["för ", &count, " ", unit].concat(),
            Locale::Fi => [&count, " ", unit].concat(),
        }
    }
}

/// The unit's singular and plural, as `period_text` puts them after a number.
///
/// Finnish marks "for three months" by case, not by a preposition, and a noun after a numeral
/// stays singular: its pair is the translative twice (`3 kuukaudeksi`, `1 vuodeksi`). Its
/// recurring phrases need other cases, from [`finnish_cases`].
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
        (Locale::Da, PeriodUnit::Day) => ("dag", "dage"),
        (Locale::Da, PeriodUnit::Week) => ("uge", "uger"),
        (Locale::Da, PeriodUnit::Month) => ("måned", "måneder"),
        (Locale::Da, PeriodUnit::Year) => ("år", "år"),
        (Locale::Fi, PeriodUnit::Day) => ("päiväksi", "päiväksi"),
        (Locale::Fi, PeriodUnit::Week) => ("viikoksi", "viikoksi"),
        (Locale::Fi, PeriodUnit::Month) => ("kuukaudeksi", "kuukaudeksi"),
        (Locale::Fi, PeriodUnit::Year) => ("vuodeksi", "vuodeksi"),
        (Locale::En, PeriodUnit::Day) => ("day", "days"),
        (Locale::En, PeriodUnit::Week) => ("week", "weeks"),
        (Locale::En, PeriodUnit::Month) => ("month", "months"),
        (Locale::En, PeriodUnit::Year) => ("year", "years"),
    }
}

/// A Finnish unit's inessive, for "per month" (`kuukaudessa`), and genitive, for "every 3
/// months" (`3 kuukauden välein`).
fn finnish_cases(unit: PeriodUnit) -> (&'static str, &'static str) {
    match unit {
        PeriodUnit::Day => ("päivässä", "päivän"),
        PeriodUnit::Week => ("viikossa", "viikon"),
        PeriodUnit::Month => ("kuukaudessa", "kuukauden"),
        PeriodUnit::Year => ("vuodessa", "vuoden"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices() {
        let nok = Currency::nok();
        let sek = Currency::sek();
        let eur = Currency::eur();
        let dkk = Currency::dkk();
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
            (14900, &dkk, Locale::Da, "149\u{a0}kr."),
            (14950, &dkk, Locale::Da, "149,50\u{a0}kr."),
            (199000, &dkk, Locale::Da, "1.990\u{a0}kr."),
            (123456789, &dkk, Locale::Da, "1.234.567,89\u{a0}kr."),
            (14900, &nok, Locale::Da, "149\u{a0}NOK"),
            (990, &eur, Locale::Da, "9,90\u{a0}€"),
            (14900, &dkk, Locale::Nb, "149\u{a0}DKK"),
            (14900, &eur, Locale::Fi, "149\u{a0}€"),
            (14950, &eur, Locale::Fi, "149,50\u{a0}€"),
            (199000, &eur, Locale::Fi, "1\u{a0}990\u{a0}€"),
            (123456789, &eur, Locale::Fi, "1\u{a0}234\u{a0}567,89\u{a0}€"),
            (12900, &sek, Locale::Fi, "129\u{a0}SEK"),
            (5, &eur, Locale::Fi, "0,05\u{a0}€"),
            (-990, &eur, Locale::Fi, "-9,90\u{a0}€"),
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
        let q = Period {
            count: 3,
            unit: PeriodUnit::Month,
        };
        assert_eq!(period_text(&q, true, Locale::En), "every 3 months");
        assert_eq!(period_text(&q, true, Locale::Nb), "hver 3. måned");
        assert_eq!(period_text(&q, true, Locale::Sv), "var 3:e månad");
        assert_eq!(
            period_text(
                &Period {
                    count: 2,
                    unit: PeriodUnit::Week
                },
                true,
                Locale::Sv
            ),
            "var 2:a vecka"
        );
        assert_eq!(period_text(&q, false, Locale::En), "for 3 months");
        assert_eq!(period_text(&q, false, Locale::Nb), "for 3 måneder");
        assert_eq!(period_text(&q, false, Locale::Sv), "för 3 månader");
        assert_eq!(period_text(&Period::YEAR, false, Locale::Nb), "for 1 år");
    }

    #[test]
    fn danish_periods() {
        let p = |count, unit| Period { count, unit };
        assert_eq!(period_text(&Period::MONTH, true, Locale::Da), "pr. måned");
        assert_eq!(period_text(&p(1, PeriodUnit::Week), true, Locale::Da), "pr. uge");
        assert_eq!(period_text(&p(3, PeriodUnit::Month), true, Locale::Da), "hver 3. måned");
        assert_eq!(period_text(&p(2, PeriodUnit::Week), true, Locale::Da), "hver 2. uge");
        assert_eq!(
            period_text(&p(3, PeriodUnit::Month), false, Locale::Da),
            "for 3 måneder"
        );
        assert_eq!(period_text(&p(14, PeriodUnit::Day), false, Locale::Da), "for 14 dage");
        assert_eq!(period_text(&p(1, PeriodUnit::Day), false, Locale::Da), "for 1 dag");
        assert_eq!(period_text(&p(2, PeriodUnit::Week), false, Locale::Da), "for 2 uger");
        assert_eq!(period_text(&Period::YEAR, false, Locale::Da), "for 1 år");
        assert_eq!(period_text(&p(2, PeriodUnit::Year), false, Locale::Da), "for 2 år");
    }

    #[test]
    fn finnish_periods() {
        let p = |count, unit| Period { count, unit };
        assert_eq!(period_text(&Period::MONTH, true, Locale::Fi), "kuukaudessa");
        assert_eq!(period_text(&Period::YEAR, true, Locale::Fi), "vuodessa");
        assert_eq!(period_text(&p(1, PeriodUnit::Week), true, Locale::Fi), "viikossa");
        assert_eq!(period_text(&p(1, PeriodUnit::Day), true, Locale::Fi), "päivässä");
        assert_eq!(
            period_text(&p(3, PeriodUnit::Month), true, Locale::Fi),
            "3 kuukauden välein"
        );
        assert_eq!(
            period_text(&p(2, PeriodUnit::Week), true, Locale::Fi),
            "2 viikon välein"
        );
        assert_eq!(
            period_text(&p(3, PeriodUnit::Month), false, Locale::Fi),
            "3 kuukaudeksi"
        );
        assert_eq!(period_text(&p(14, PeriodUnit::Day), false, Locale::Fi), "14 päiväksi");
        assert_eq!(period_text(&Period::YEAR, false, Locale::Fi), "1 vuodeksi");
        // A count of 0 is read as 1, as in every locale.
        assert_eq!(period_text(&p(0, PeriodUnit::Week), false, Locale::Fi), "1 viikoksi");
    }
}
