//! `upwork-diag serve`: the web console (src/console) in the foreground until Ctrl-C or SIGTERM.

use super::UsageError;
use crate::cli::ServeArgs;
use crate::console::{self, Config};
use upwork_diag_core::redact::{Redactor, boundary};

pub fn run(args: ServeArgs) -> Result<u8, UsageError> {
    let token = match &args.token_file {
        Some(path) => Some(read_token(path)?),
        None => None,
    };
    if !args.listen.ip().is_loopback() && token.is_none() {
        return Err(UsageError::new(format!(
            "--listen {}: not a loopback address: anyone who can reach it could use the console; \
             give --token-file FILE, a bearer token every request must carry",
            args.listen
        )));
    }
    if let Some(token) = &token {
        // The token is a secret of its own: never printed, whatever prints it.
        let mut redactor = Redactor::default();
        redactor.learn_given("console token", token);
        boundary::adopt(&redactor);
    }
    super::runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| UsageError::new(format!("--listen {}: {e}", args.listen)))?;
        super::announce(&listener)?;
        let access = match &args.token_file {
            Some(path) => format!(
                "every request must carry Authorization: Bearer <the token in {}>",
                path.display()
            ),
            None => "loopback only: no token asked".to_string(),
        };
        super::print_stdout(&format!(
            "{access}\noffline by default: a call is sent only when the agent asks and names an \
             emulator on this machine; nothing is stored or logged\n"
        ));
        console::serve(listener, Config { token }, super::mock::shutdown_signal())
            .await
            .map_err(|e| UsageError::new(format!("console: {e}")))
    })?;
    Ok(0)
}

fn read_token(path: &std::path::Path) -> Result<String, UsageError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError::new(format!(
            "--token-file {}: cannot read it: {e}",
            path.display()
        ))
    })?;
    let token = text.trim();
    if token.len() < 16 || token.chars().any(char::is_whitespace) {
        return Err(UsageError::new(format!(
            "--token-file {}: the token must be one word of at least 16 characters (the file's \
             content is not shown)",
            path.display()
        )));
    }
    Ok(token.to_string())
}
