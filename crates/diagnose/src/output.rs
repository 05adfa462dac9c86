//! How a command writes its result: text for a person, JSON for a program. Here, below the command
//! line, because `scan`'s printers choose by it; the command line's `--format` parses into it
//! (clap's `ValueEnum`, with the `clap` feature).

/// The output format of a command's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    // Text for a person (no doc comment: clap would show it in --help).
    Text,
    // JSON for a program.
    Json,
}
