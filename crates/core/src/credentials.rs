//! The developer's credentials, read from the environment or a secrets file, never from the command
//! line. Secret values live in [`Secret`], which never prints itself.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A value that must never be printed, logged or written. `Debug` and `Display` show a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for signing and for the redactor that hides it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The names of the environment variables (and secrets-file keys) the tool reads.
pub const CONSUMER_KEY: &str = "UPWORK_CONSUMER_KEY";
pub const CONSUMER_SECRET: &str = "UPWORK_CONSUMER_SECRET";
pub const TOKEN: &str = "UPWORK_TOKEN";
pub const TOKEN_SECRET: &str = "UPWORK_TOKEN_SECRET";
pub const ACCESS_TOKEN: &str = "UPWORK_ACCESS_TOKEN";
pub const REFRESH_TOKEN: &str = "UPWORK_REFRESH_TOKEN";

/// What the developer gave: OAuth 1.0 keys and/or an OAuth 2 bearer token. Every part is optional;
/// checks that need a part they lack say so instead of guessing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub consumer_key: Option<String>,
    pub consumer_secret: Option<Secret>,
    pub token: Option<String>,
    pub token_secret: Option<Secret>,
    pub access_token: Option<Secret>,
    pub refresh_token: Option<Secret>,
}

/// A secrets file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("cannot read secrets file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "secrets file {path}, line {line}: expected NAME=value (the line is not shown: it may hold a secret)"
    )]
    Syntax { path: String, line: usize },
    #[error("secrets file {path}, line {line}: unknown name '{name}' (known: {known})")]
    UnknownName {
        path: String,
        line: usize,
        name: String,
        known: String,
    },
}

const KNOWN_NAMES: [&str; 6] = [
    CONSUMER_KEY,
    CONSUMER_SECRET,
    TOKEN,
    TOKEN_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
];

impl Credentials {
    /// Reads the `UPWORK_*` variables through `lookup` (the process environment in the binary).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        Credentials {
            consumer_key: get(CONSUMER_KEY),
            consumer_secret: get(CONSUMER_SECRET).map(Secret),
            token: get(TOKEN),
            token_secret: get(TOKEN_SECRET).map(Secret),
            access_token: get(ACCESS_TOKEN).map(Secret),
            refresh_token: get(REFRESH_TOKEN).map(Secret),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads a file of `NAME=value` lines (the same names as the environment; `#` comments and
    /// blank lines allowed; `export ` and quotes around the value tolerated, as in a `.env` file).
    pub fn from_file(path: &Path) -> Result<Self, CredentialsError> {
        let shown = path.display().to_string();
        let text = crate::limits::read_text_file_capped(path, crate::limits::INPUT_FILE_LIMIT)
            .map_err(|source| CredentialsError::Read {
                path: shown.clone(),
                source,
            })?;
        let mut values = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            // The value is never echoed back in an error: it may be the secret itself.
            let Some((name, value)) = line.split_once('=') else {
                return Err(CredentialsError::Syntax {
                    path: shown,
                    line: index + 1,
                });
            };
            let name = name.trim();
            // Only a name is echoed; anything else before `=` (`NAME: value=`) may be a secret.
            if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(CredentialsError::Syntax {
                    path: shown,
                    line: index + 1,
                });
            }
            if !KNOWN_NAMES.contains(&name) {
                return Err(CredentialsError::UnknownName {
                    path: shown,
                    line: index + 1,
                    name: name.to_string(),
                    known: KNOWN_NAMES.join(", "),
                });
            }
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            values.insert(name.to_string(), value.to_string());
        }
        Ok(Self::from_lookup(|name| values.get(name).cloned()))
    }

    /// The credentials of a command: from `--secrets-file` when given, else from the environment.
    pub fn load(secrets_file: Option<&Path>) -> Result<Self, CredentialsError> {
        match secrets_file {
            Some(path) => Self::from_file(path),
            None => Ok(Self::from_env()),
        }
    }

    /// Every secret value held, for the redactor.
    pub fn secrets(&self) -> Vec<(&'static str, &Secret)> {
        [
            ("consumer secret", &self.consumer_secret),
            ("token secret", &self.token_secret),
            ("OAuth 2 access token", &self.access_token),
            ("OAuth 2 refresh token", &self.refresh_token),
        ]
        .into_iter()
        .filter_map(|(label, s)| s.as_ref().map(|s| (label, s)))
        .collect()
    }

    /// True when both OAuth 1.0 secrets needed to recompute a signature are at hand.
    pub fn can_sign_oauth1(&self) -> bool {
        self.consumer_secret.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let creds =
            Credentials::from_lookup(|n| (n == CONSUMER_SECRET).then(|| "canary-cs".to_string()));
        assert!(!format!("{creds:?}").contains("canary-cs"));
        assert_eq!(creds.consumer_secret.unwrap().expose(), "canary-cs");
    }

    #[test]
    fn reads_a_dotenv_style_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.env");
        std::fs::write(&path, "# keys\nexport UPWORK_CONSUMER_KEY=\"ck\"\nUPWORK_CONSUMER_SECRET='cs'\n\nUPWORK_TOKEN=tk\n").unwrap();
        let creds = Credentials::from_file(&path).unwrap();
        assert_eq!(creds.consumer_key.as_deref(), Some("ck"));
        assert_eq!(creds.consumer_secret.unwrap().expose(), "cs");
        assert_eq!(creds.token.as_deref(), Some("tk"));
        assert!(creds.token_secret.is_none());
    }

    #[test]
    fn a_bad_line_names_the_file_and_line_but_not_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.env");
        std::fs::write(&path, "UPWORK_CONSUMER_KEY=ck\nUPWORK_SECRET=topsecret\n").unwrap();
        let message = Credentials::from_file(&path).unwrap_err().to_string();
        assert!(message.contains("line 2"), "{message}");
        assert!(message.contains("UPWORK_SECRET"), "{message}");
        assert!(!message.contains("topsecret"), "{message}");
    }
}
