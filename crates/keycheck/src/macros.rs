//! The desk's own macro titles. The runbook's "ZD Macro Title" reads "In process" in every row,
//! so the tool never names a macro of its own: a desk that has titles gives them in a TOML file
//! (`--macros FILE`), one per checkpoint and criterion.
//!
//! ```toml
//! [[macro]]
//! checkpoint = 1          # the number in the runbook's table, or its name: "API Request - Title"
//! criterion = 1           # the number in the checkpoint's list, or its words
//! title = "Title - No Upwork"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::checkpoints::CHECKPOINTS;

/// Macro titles by (checkpoint number, 0-based criterion).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Macros {
    titles: BTreeMap<(u8, usize), String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "macro", default)]
    macros: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    checkpoint: NumberOrName,
    criterion: NumberOrName,
    title: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrName {
    Number(i64),
    Name(String),
}

impl Macros {
    /// The desk's title for a criterion of a checkpoint, when the file gives one.
    pub fn title(&self, checkpoint: u8, criterion: usize) -> Option<&str> {
        self.titles
            .get(&(checkpoint, criterion))
            .map(String::as_str)
    }

    /// Reads a macros file; the error names the file, the entry and what is wrong with it.
    pub fn read(path: &Path) -> Result<Macros, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{shown}: cannot read the macros file: {e}"))?;
        Macros::parse(&text).map_err(|e| format!("{shown}: {e}"))
    }

    /// Parses the TOML text of a macros file.
    pub fn parse(text: &str) -> Result<Macros, String> {
        let file: File =
            toml::from_str(text).map_err(|e| format!("invalid macros file: {}", e.message()))?;
        let mut titles = BTreeMap::new();
        for (i, entry) in file.macros.iter().enumerate() {
            let at = format!("macro {}", i + 1);
            let checkpoint = match &entry.checkpoint {
                NumberOrName::Number(n) => CHECKPOINTS.iter().find(|c| i64::from(c.number) == *n),
                NumberOrName::Name(name) => CHECKPOINTS.iter().find(|c| c.name == name.trim()),
            }
            .ok_or_else(|| {
                format!(
                    "{at}: `checkpoint` is not one of the runbook's (1 to 7, or a name such as \
                     \"API Request - Title\")"
                )
            })?;
            let criterion = match &entry.criterion {
                NumberOrName::Number(n) => usize::try_from(*n)
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .filter(|n| *n < checkpoint.criteria.len()),
                NumberOrName::Name(words) => checkpoint
                    .criteria
                    .iter()
                    .position(|c| same_words(c, words)),
            }
            .ok_or_else(|| {
                format!(
                    "{at}: `criterion` is not one of {}'s (1 to {}, or its words)",
                    checkpoint.name,
                    checkpoint.criteria.len()
                )
            })?;
            let title = entry.title.trim();
            if title.is_empty() {
                return Err(format!("{at}: `title` is empty"));
            }
            if titles
                .insert((checkpoint.number, criterion), title.to_string())
                .is_some()
            {
                return Err(format!(
                    "{at}: a second title for {} criterion {}",
                    checkpoint.name,
                    criterion + 1
                ));
            }
        }
        Ok(Macros { titles })
    }
}

/// The runbook's words against what an agent types: its typographic quotes and apostrophe may be
/// typed plain.
fn same_words(runbook: &str, typed: &str) -> bool {
    let plain = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| match c {
                '\u{201c}' | '\u{201d}' => '"',
                '\u{2019}' => '\'',
                other => other,
            })
            .collect()
    };
    plain(runbook) == plain(typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_by_number_or_by_words() {
        let macros = Macros::parse(
            r#"
            [[macro]]
            checkpoint = 1
            criterion = 1
            title = "Title - No Upwork"

            [[macro]]
            checkpoint = "OBO - Address"
            criterion = "Users omit apartment, or specify only street - those are not valid cases"
            title = "Address - Incomplete"

            [[macro]]
            checkpoint = 1
            criterion = 'Use "Upwork" in the title'
            title = "dup"
            "#,
        );
        assert_eq!(
            macros.unwrap_err(),
            "macro 3: a second title for API Request - Title criterion 1"
        );
        let macros = Macros::parse(
            "[[macro]]\ncheckpoint = 4\ncriterion = 2\ntitle = \"Address - Incomplete\"\n",
        )
        .unwrap();
        assert_eq!(macros.title(4, 1), Some("Address - Incomplete"));
        assert_eq!(macros.title(4, 0), None);
    }

    #[test]
    fn an_unknown_checkpoint_or_criterion_is_named() {
        let error =
            Macros::parse("[[macro]]\ncheckpoint = 8\ncriterion = 1\ntitle = \"x\"\n").unwrap_err();
        assert!(
            error.starts_with("macro 1: `checkpoint` is not one of"),
            "{error}"
        );
        let error =
            Macros::parse("[[macro]]\ncheckpoint = 7\ncriterion = 2\ntitle = \"x\"\n").unwrap_err();
        assert_eq!(
            error,
            "macro 1: `criterion` is not one of OBO - Earnings's (1 to 1, or its words)"
        );
        let error =
            Macros::parse("[[macro]]\ncheckpoint = 7\ncriterion = 1\ntitle = \" \"\n").unwrap_err();
        assert_eq!(error, "macro 1: `title` is empty");
    }
}
