//! Prices and periods as a reader of each locale writes them.

use super::Locale;
use crate::money::Currency;
use crate::offer::{Period, PeriodUnit};

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
}
