//! The consumers and access tokens the emulator knows: the built-in demo keys or a JSON keys file.
//!
//! ```json
//! {"consumers": [{"consumer_key": "ck", "consumer_secret": "cs",
//!                 "permissions": ["Access your basic info"],
//!                 "access_tokens": [{"token": "tk", "secret": "ts", "username": "jdoe"}]}]}
//! ```
//! `permissions` left out grants every known permission; names are matched without case and an
//! unknown name is refused, so a typo cannot silently remove a permission.

use std::fmt;
use std::path::Path;

use super::demo;
use crate::credentials::Secret;
use crate::upwork::permissions;

/// An access token the emulator accepts, and whose it is.
#[derive(Clone)]
pub struct AccessToken {
    pub token: String,
    pub secret: Secret,
    pub username: String,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("secret", &self.secret)
            .field("username", &self.username)
            .finish()
    }
}

/// An API key: consumer key and secret, the permissions granted to it, its access tokens.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub consumer_key: String,
    pub consumer_secret: Secret,
    /// Permission names as [`crate::upwork::permissions`] spells them.
    pub permissions: Vec<&'static str>,
    pub access_tokens: Vec<AccessToken>,
}

impl Consumer {
    /// True when the key was granted this permission.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.contains(&permission)
    }

    /// The access token with this value, if it belongs to this consumer.
    pub fn access_token(&self, token: &str) -> Option<&AccessToken> {
        self.access_tokens.iter().find(|t| t.token == token)
    }

    /// The user a token obtained through the OAuth flow acts for: the user of the first listed
    /// access token, else the demo user.
    pub fn default_username(&self) -> &str {
        self.access_tokens
            .first()
            .map_or(demo::USERNAME, |t| t.username.as_str())
    }
}

/// The keys the emulator accepts.
#[derive(Debug, Clone)]
pub struct Keys {
    consumers: Vec<Consumer>,
}

/// A keys file that could not be used. Secret values are never part of the message.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("cannot read keys file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("keys file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKeys {
    consumers: Vec<FileConsumer>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConsumer {
    consumer_key: String,
    consumer_secret: String,
    permissions: Option<Vec<String>>,
    #[serde(default)]
    access_tokens: Vec<FileToken>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToken {
    token: String,
    secret: String,
    username: String,
}

impl Keys {
    /// The built-in demo keys (see [`demo`]): a consumer with every permission and one that lacks
    /// the permission of `/api/hr/v2/teams.json`.
    pub fn demo() -> Keys {
        let token = |token: &str, secret: &str| AccessToken {
            token: token.to_string(),
            secret: Secret::new(secret),
            username: demo::USERNAME.to_string(),
        };
        Keys {
            consumers: vec![
                Consumer {
                    consumer_key: demo::CONSUMER_KEY.to_string(),
                    consumer_secret: Secret::new(demo::CONSUMER_SECRET),
                    permissions: permissions::ALL.to_vec(),
                    access_tokens: vec![token(demo::TOKEN, demo::TOKEN_SECRET)],
                },
                Consumer {
                    consumer_key: demo::LIMITED_CONSUMER_KEY.to_string(),
                    consumer_secret: Secret::new(demo::LIMITED_CONSUMER_SECRET),
                    permissions: permissions::ALL
                        .into_iter()
                        .filter(|p| *p != demo::LIMITED_LACKS)
                        .collect(),
                    access_tokens: vec![token(demo::LIMITED_TOKEN, demo::LIMITED_TOKEN_SECRET)],
                },
            ],
        }
    }

    /// Reads a JSON keys file (format in the module docs).
    pub fn from_file(path: &Path) -> Result<Keys, KeysError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KeysError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::from_json(&text).map_err(|message| KeysError::Invalid {
            path: shown,
            message,
        })
    }

    /// Parses the JSON of a keys file; the error is a message without any value from the file.
    pub fn from_json(text: &str) -> Result<Keys, String> {
        let file: FileKeys = serde_json::from_str(text).map_err(|e| {
            // A type error quotes the value it met, which may be a secret: keep only its place.
            let message = e.to_string();
            if message.contains('"') {
                format!(
                    "a value of the wrong type at line {} column {}",
                    e.line(),
                    e.column()
                )
            } else {
                message
            }
        })?;
        let mut consumers = Vec::with_capacity(file.consumers.len());
        for (index, c) in file.consumers.into_iter().enumerate() {
            let permissions = match c.permissions {
                None => permissions::ALL.to_vec(),
                Some(names) => names
                    .iter()
                    .map(|name| {
                        permissions::canonical(name).ok_or_else(|| {
                            format!(
                                "consumer {}: unknown permission '{name}' (known: {})",
                                index + 1,
                                permissions::ALL.join("; ")
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
            };
            let access_tokens = c
                .access_tokens
                .into_iter()
                .map(|t| AccessToken {
                    token: t.token,
                    secret: Secret::new(t.secret),
                    username: t.username,
                })
                .collect();
            consumers.push(Consumer {
                consumer_key: c.consumer_key,
                consumer_secret: Secret::new(c.consumer_secret),
                permissions,
                access_tokens,
            });
        }
        Ok(Keys { consumers })
    }

    /// Every consumer, in the order given.
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// The consumer with this key.
    pub fn consumer(&self, consumer_key: &str) -> Option<&Consumer> {
        self.consumers
            .iter()
            .find(|c| c.consumer_key == consumer_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_limited_key_lacks_teams() {
        let keys = Keys::demo();
        assert!(
            keys.consumer(demo::CONSUMER_KEY)
                .unwrap()
                .has_permission(permissions::TEAMS)
        );
        let limited = keys.consumer(demo::LIMITED_CONSUMER_KEY).unwrap();
        assert!(!limited.has_permission(permissions::TEAMS));
        assert!(limited.has_permission(permissions::BASIC_INFO));
        assert_eq!(
            limited.access_token(demo::LIMITED_TOKEN).unwrap().username,
            demo::USERNAME
        );
    }

    #[test]
    fn reads_a_keys_file_and_refuses_unknown_permissions() {
        let keys = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs",
                "permissions":["access your basic info"],
                "access_tokens":[{"token":"tk","secret":"ts","username":"jdoe"}]}]}"#,
        )
        .unwrap();
        let c = keys.consumer("ck").unwrap();
        assert_eq!(c.permissions, [permissions::BASIC_INFO]);
        assert_eq!(c.default_username(), "jdoe");
        let err = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"topsecret","permissions":["Everything"]}]}"#,
        )
        .unwrap_err();
        assert!(
            err.contains("Everything") && !err.contains("topsecret"),
            "{err}"
        );
    }

    #[test]
    fn secrets_do_not_print() {
        assert!(!format!("{:?}", Keys::demo()).contains(demo::TOKEN_SECRET));
    }
}
