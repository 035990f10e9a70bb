//! A program run in French: its conclusion in French, its JSON the same as in English.

use serde_json::Value;

use super::{assert_refused, run_with_env};

/// Runs `bin` with `args` in French, by `--lang fr` and by `LANG=fr_FR.UTF-8`: its last line
/// (the conclusion) contains `french`, its header says `cœurs`, and with `--json` it prints the
/// same keys as in English. `--lang de` is refused: exit 2, one line.
pub fn assert_speaks_french(bin: &str, args: &[&str], french: &str) {
    let english = [("LANG", "C.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];
    let by_flag = run_with_env(bin, &[args, &["--lang", "fr"]].concat(), &english);
    let by_locale = run_with_env(bin, args, &[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "")]);
    for outcome in [by_flag, by_locale] {
        assert_eq!(outcome.code, Some(0), "{outcome:?}");
        assert!(outcome.stdout.contains("cœurs"), "not in French: {}", outcome.stdout);
        assert!(outcome.stdout.contains(french), "{french:?} missing: {}", outcome.stdout);
    }
    let keys = |lang: &str| {
        let outcome = run_with_env(bin, &[args, &["--json", "--lang", lang]].concat(), &english);
        assert_eq!(outcome.code, Some(0), "{outcome:?}");
        let json: Value = serde_json::from_str(&outcome.stdout).expect("one JSON object");
        keys_of(&json, "")
    };
    assert_eq!(keys("fr"), keys("en"), "--json differs by language");
    assert_refused(bin, &[args, &["--lang", "de"]].concat(), 2, "--lang");
}

/// Every key path of a JSON value, sorted: "runs[].mode", "workers", …
fn keys_of(value: &Value, at: &str) -> Vec<String> {
    let mut keys = match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, inner)| {
                let path = format!("{at}.{key}");
                std::iter::once(path.clone()).chain(keys_of(inner, &path))
            })
            .collect(),
        Value::Array(items) => {
            items.iter().flat_map(|item| keys_of(item, &format!("{at}[]"))).collect()
        }
        _ => Vec::new(),
    };
    // other_cores is there only for modes of 250 ms or more, in either language.
    keys.retain(|key| !key.ends_with(".other_cores"));
    keys.sort();
    keys.dedup();
    keys
}
