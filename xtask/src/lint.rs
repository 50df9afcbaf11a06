//! The `lint` suite: the formatter, the linter and the views' listeners
//! ([`crate::lint_listeners`]), each one check in the test tally. A failure
//! prints the file and line the tool names, so a reader of CI's log knows where to look.

use crate::cmd::describe;
use crate::setup::WasmToolchain;
use crate::suites::Counts;
use std::process::Command;

/// Runs every check; never fails to run (a tool that cannot start counts as a failed check).
pub fn run(toolchain: WasmToolchain) -> Counts {
    let mut counts = Counts::default();
    let mut fmt = Command::new("cargo");
    fmt.args(["fmt", "--all", "--check"]);
    let mut native = Command::new("cargo");
    native.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    let mut wasm = Command::new("cargo");
    toolchain.apply(&mut wasm).args([
        "clippy",
        "-p",
        "kasse",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    let results = [
        check("rustfmt", &mut fmt),
        check("clippy (native)", &mut native),
        check("clippy (wasm32)", &mut wasm),
        crate::lint_listeners::check(&crate::cmd::workspace_root()),
    ];
    for ok in results {
        if ok {
            counts.passed += 1;
        } else {
            counts.failed += 1;
        }
    }
    counts
}

/// One check: `true` when the tool exits 0; otherwise the lines that locate the problems.
fn check(name: &str, command: &mut Command) -> bool {
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => {
            println!("lint: {name} FAILED: could not start `{}`: {error}", describe(command));
            return false;
        }
    };
    if output.status.success() {
        println!("lint: {name} ok");
        return true;
    }
    println!("lint: {name} FAILED (`{}`):", describe(command));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for line in locating_lines(&text).into_iter().take(60) {
        println!("  {line}");
    }
    false
}

/// The lines of a tool's output that say what is wrong where: rustfmt's `Diff in FILE:LINE`,
/// clippy's `error:`/`warning:` and `--> FILE:LINE:COL`.
fn locating_lines(text: &str) -> Vec<&str> {
    let located: Vec<&str> = text
        .lines()
        .map(str::trim_start)
        .filter(|line| {
            line.starts_with("Diff in ")
                || line.starts_with("--> ")
                || line.starts_with("error")
                || (line.starts_with("warning") && !line.starts_with("warning: build failed"))
        })
        .collect();
    if located.is_empty() {
        // Nothing recognisable: the tail says why (a compile error of another kind, a missing tool).
        text.lines()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    } else {
        located
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_lines_that_name_a_file_and_line() {
        let fmt = "Diff in /w/src/app.rs:12:\n-    let a=1;\n+    let a = 1;\n";
        assert_eq!(locating_lines(fmt), vec!["Diff in /w/src/app.rs:12:"]);
        let clippy = "    Checking kasse\nerror: unused variable: `x`\n  --> src/app.rs:3:9\n   |\n";
        assert_eq!(
            locating_lines(clippy),
            vec!["error: unused variable: `x`", "--> src/app.rs:3:9"]
        );
        assert_eq!(locating_lines("a\nb\n"), vec!["a", "b"]);
    }
}
