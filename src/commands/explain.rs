//! `upwork-diag explain CODE`: the long text of a finding code, the same as its docs page.

use super::UsageError;
use crate::cli::{ExplainArgs, Format};
use upwork_diag_core::findings::{self, FindingDoc};

pub fn run(args: ExplainArgs) -> Result<u8, UsageError> {
    if args.list {
        let printed = match args.format {
            Format::Text => findings::ALL
                .iter()
                .map(|doc| format!("{:<26} {}\n", doc.code, doc.title()))
                .collect(),
            Format::Json => json(&findings::ALL.iter().map(summary).collect::<Vec<_>>()),
        };
        super::print_stdout(&printed);
        return Ok(0);
    }
    let code = args.code.unwrap_or_default();
    let Some(doc) = findings::lookup(&code) else {
        let hint = match closest(&code) {
            Some(near) => format!("did you mean '{near}'? "),
            None => String::new(),
        };
        return Err(UsageError::new(format!(
            "explain: unknown finding code '{code}'; {hint}`upwork-diag explain --list` lists them all"
        )));
    };
    match args.format {
        Format::Text => super::print_stdout(doc.text),
        Format::Json => {
            let mut value = summary(doc);
            value["text"] = doc.text.into();
            super::print_stdout(&json(&value));
        }
    }
    Ok(0)
}

fn summary(doc: &FindingDoc) -> serde_json::Value {
    serde_json::json!({"code": doc.code, "title": doc.title()})
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("JSON values always serialize") + "\n"
}

/// The known code nearest to a mistyped one: within a third of its length in edits, or the one
/// it is a part of (`scope` -> `scope-missing`). `None` when nothing is near enough to be meant.
fn closest(code: &str) -> Option<&'static str> {
    let code = code.to_ascii_lowercase().replace('_', "-");
    let limit = (code.chars().count() / 3).max(1);
    findings::ALL
        .iter()
        .map(|doc| (edits(&code, doc.code.as_str()), doc.code.as_str()))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, known)| known)
        .or_else(|| {
            let mut containing = findings::ALL
                .iter()
                .filter(|doc| code.len() >= 4 && doc.code.as_str().contains(&code));
            match (containing.next(), containing.next()) {
                (Some(only), None) => Some(only.code.as_str()),
                _ => None,
            }
        })
}

/// The Levenshtein distance: insertions, deletions and substitutions from `a` to `b`.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_or_a_part_of_a_code_finds_it_and_nonsense_finds_nothing() {
        assert_eq!(
            closest("content-lenght-missing"),
            Some("content-length-missing")
        );
        assert_eq!(closest("scope_missing"), Some("scope-missing"));
        assert_eq!(closest("SIGNATURE-MISMATCH"), Some("signature-mismatch"));
        assert_eq!(closest("nonce"), Some("nonce-reused"));
        assert_eq!(closest("xyz"), None);
        assert_eq!(closest("token"), None, "several codes contain it: no guess");
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
