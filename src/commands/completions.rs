//! `upwork-diag completions SHELL` and `upwork-diag man`: generated from the clap definitions,
//! so they cannot drift from the flags the tool accepts.

use clap::CommandFactory;

use super::UsageError;
use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// The name users type, and the one completions register for.
const BIN_NAME: &str = "upwork-diag";

pub fn completions(args: CompletionsArgs) -> Result<u8, UsageError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, BIN_NAME, &mut script);
    let mut script = text(script)?;
    if args.shell == clap_complete::Shell::Bash {
        // clap_complete (clap-rs/clap#6421, open) spells a hyphenated name two ways in bash: the
        // loop sets `upwork__diag__subcmd__diagnose`, the arms test `upwork__subcmd__diag__...`,
        // so nothing after a command would complete. The arms are respelled as the loop spells.
        script = script.replace("upwork__subcmd__diag", "upwork__diag");
    }
    super::print_stdout(&script);
    Ok(0)
}

pub fn man(args: ManArgs) -> Result<u8, UsageError> {
    let mut command = Cli::command();
    command.build();
    let man = match &args.command {
        None => clap_mangen::Man::new(command),
        Some(name) => {
            let sub = command.find_subcommand(name).cloned().ok_or_else(|| {
                let known: Vec<&str> = command
                    .get_subcommands()
                    .map(|c| c.get_name())
                    .filter(|n| *n != "help")
                    .collect();
                UsageError::new(format!(
                    "man: unknown command '{name}'; known: {}",
                    known.join(", ")
                ))
            })?;
            // The page is titled as `man` knows it: upwork-diag-diagnose(1).
            let title = format!("{BIN_NAME}-{name}");
            clap_mangen::Man::new(sub.display_name(title.clone())).title(title)
        }
    };
    let mut roff = Vec::new();
    man.render(&mut roff)
        .map_err(|e| UsageError::new(format!("man: {e}")))?;
    super::print_stdout(&text(roff)?);
    Ok(0)
}

fn text(bytes: Vec<u8>) -> Result<String, UsageError> {
    String::from_utf8(bytes).map_err(|_| UsageError::new("generated text is not UTF-8"))
}
