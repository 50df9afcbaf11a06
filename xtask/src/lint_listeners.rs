//! A lint of the widget's views: every event listener in a `view!` is a capture listener
//! (`on:click:capture`). tachys attaches a listener that is not through a function that can also
//! delegate events to the document (`On::attach`), and that path brings a global set of event
//! names, hashbrown and FxHash along although the `delegation` feature is off: 6 KB raw, 1.9 KB
//! brotli of the ConnectID bundle, measured when the last two bubbling listeners went. A capture
//! listener on an element still hears what happens in the elements inside it.

use std::path::Path;

/// The widget's sources (its views, and anything else that might write a `view!`).
const WIDGET_SOURCES: &str = "src";

/// The check: `true` when no source file under `src/` has a bubbling listener; else prints each.
pub fn check(root: &Path) -> bool {
    let mut found = Vec::new();
    if let Err(error) = scan(&root.join(WIDGET_SOURCES), root, &mut found) {
        println!("lint: capture listeners FAILED: reading the sources: {error}");
        return false;
    }
    if found.is_empty() {
        println!("lint: capture listeners ok");
        return true;
    }
    println!("lint: capture listeners FAILED (write `on:<event>:capture`, see xtask/src/lint_listeners.rs):");
    for line in found {
        println!("  {line}");
    }
    false
}

fn scan(dir: &Path, root: &Path, found: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            scan(&path, root, found)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)?;
            let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            for (line, directive) in bubbling_listeners(&text) {
                found.push(format!("{name}:{line}: {directive}"));
            }
        }
    }
    Ok(())
}

/// Each `on:<event>[:target]=` directive without `:capture`, with its line number (1-based).
pub fn bubbling_listeners(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("on:") {
            let starts_word = rest[..at].chars().last().is_none_or(|c| c.is_whitespace() || c == '<');
            let after = &rest[at + 3..];
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
                .unwrap_or(after.len());
            let directive = &rest[at..at + 3 + end];
            let is_directive = starts_word && after[..end].starts_with(|c: char| c.is_ascii_lowercase());
            if is_directive && after[end..].starts_with('=') && !directive.split(':').any(|p| p == "capture") {
                found.push((number + 1, directive));
            }
            rest = &rest[at + 3 + end..];
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::bubbling_listeners;

    #[test]
    fn a_bubbling_listener_is_found_with_its_line() {
        let text =
            "view! {\n  <form on:focusin=move |_| x() on:submit:capture=move |ev| y()>\n  <input on:input:target=f/>";
        assert_eq!(
            bubbling_listeners(text),
            vec![(2, "on:focusin"), (3, "on:input:target")]
        );
    }

    #[test]
    fn capture_listeners_and_other_words_pass() {
        let text = "<input on:input:target:capture=f on:change:capture=g/>\n\
                    use leptos::tachys::hydration::Cursor;\n\
                    // a comment on: things\n\
                    let s = \"on:click\";";
        assert_eq!(bubbling_listeners(text), Vec::<(usize, &str)>::new());
    }
}
