//! The order's price: the template package's products, a chosen subset, or a price override where
//! the template allows one.

use super::*;

fn cents(price: f64) -> i64 {
    (price * 100.0).round() as i64
}

/// The order's price: the whole template, the chosen products, or an allowed price override.
pub(in crate::s4) fn price_of_choices(
    obj: &Map<String, Value>,
    template: Option<&S4Template>,
    errors: &mut Vec<FieldError>,
) -> i64 {
    let mut price_cents: i64 = template
        .map(|t| t.products.iter().map(|p| cents(p.full_price)).sum())
        .unwrap_or(0);
    match obj.get("templatePackageChoices") {
        None | Some(Value::Null) => {}
        Some(Value::Object(choices)) => {
            if let Some(sum) = price_of_products(choices, template, errors) {
                price_cents = sum;
            }
            if let Some(over) = price_override(choices, template, errors) {
                price_cents = over;
            }
        }
        Some(_) => field(errors, "templatePackageChoices", "Must be an object."),
    }
    price_cents
}

/// `templatePackageChoices.products`: distinct GUIDs of the template's products; their sum.
fn price_of_products(
    choices: &Map<String, Value>,
    template: Option<&S4Template>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let items = match choices.get("products") {
        None | Some(Value::Null) => return None,
        Some(Value::Array(items)) => items,
        Some(_) => {
            field(errors, "templatePackageChoices.products", "Must be an array of GUIDs.");
            return None;
        }
    };
    if items.is_empty() {
        field(
            errors,
            "templatePackageChoices.products",
            "Choose at least one product.",
        );
    }
    let mut chosen: Vec<String> = Vec::new();
    let mut sum = 0;
    for (i, item) in items.iter().enumerate() {
        let path = format!("templatePackageChoices.products[{i}]");
        let Some(id) = item.as_str().filter(|s| is_guid(s)).map(str::to_lowercase) else {
            field(errors, &path, "The value is not a valid GUID.");
            continue;
        };
        if chosen.contains(&id) {
            field(errors, &path, format!("Product {id} is chosen twice."));
            continue;
        }
        if let Some(t) = template {
            match t.products.iter().find(|p| p.product_id.eq_ignore_ascii_case(&id)) {
                Some(p) => sum += cents(p.full_price),
                None => field(
                    errors,
                    &path,
                    format!("Product {id} is not part of the template package."),
                ),
            }
        }
        chosen.push(id);
    }
    if let (Some(t), false) = (template, items.is_empty()) {
        check_count(t, chosen.len(), errors);
    }
    Some(sum)
}

/// The package's rules `FixedNumberOfProducts` / `FreeNumberOfProducts`.
fn check_count(t: &S4Template, n: usize, errors: &mut Vec<FieldError>) {
    let max = t.max_products.unwrap_or(t.products.len());
    if n < t.min_products || n > max {
        let rule = if t.min_products == max {
            format!("exactly {max}")
        } else {
            format!("{} to {max}", t.min_products)
        };
        field(
            errors,
            "templatePackageChoices.products",
            format!("The template package takes {rule} products; {n} were chosen."),
        );
    }
}

/// `priceOverride`, where the template allows one.
fn price_override(
    choices: &Map<String, Value>,
    template: Option<&S4Template>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    // S4's order example spells it `priceOveride`; the SDK says `priceOverride`. Both are read.
    let overrides: Vec<(&str, &Value)> = ["priceOverride", "priceOveride"]
        .iter()
        .filter_map(|k| choices.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
        .collect();
    if overrides.len() == 2 && overrides[0].1 != overrides[1].1 {
        field(
            errors,
            "templatePackageChoices.priceOverride",
            "priceOverride and priceOveride disagree.",
        );
    }
    let (key, value) = overrides.first()?;
    let path = format!("templatePackageChoices.{key}");
    match money_cents(value) {
        Err(_) => {
            field(
                errors,
                &path,
                "Must be a non-negative number with at most two decimals.",
            );
            None
        }
        Ok(cents) => {
            if template.is_some_and(|t| !t.allows_price_override) {
                field(errors, &path, "The template package does not allow price overrides.");
            }
            Some(cents)
        }
    }
}
