//! The consumers and access tokens the emulator knows: the built-in demo keys or a JSON keys file.
//!
//! ```json
//! {"consumers": [{"consumer_key": "ck", "consumer_secret": "cs",
//!                 "permissions": ["Access your basic info"],
//!                 "scopes": ["Common Entities - Read-Only Access"],
//!                 "access_tokens": [{"token": "tk", "secret": "ts", "username": "jdoe"}],
//!                 "oauth2_tokens": [{"access_token": "at", "refresh_token": "rt",
//!                                    "scopes": ["Common Entities - Read-Only Access"],
//!                                    "expired": false, "expires_at": 1900000000,
//!                                    "tenant_ids": ["1234"], "username": "jdoe",
//!                                    "disabled": false}]}]}
//! ```
//! `permissions` (legacy key permissions) and `scopes` (OAuth 2 scopes of the key) left out grant
//! every known one; names are matched without case and an unknown name is refused, so a typo cannot
//! silently remove a permission. An OAuth 2 token's `scopes` left out are the key's. The consumer
//! key and secret are the OAuth 2 client id and secret too. `disabled` marks a user whose profile
//! is disabled (403 for every call made for it).

use std::fmt;
use std::path::Path;

use super::demo;
use upwork_diag_core::credentials::Secret;
use upwork_diag_core::upwork::{permissions, scopes};

/// An access token the emulator accepts, and whose it is.
#[derive(Clone)]
pub struct AccessToken {
    pub token: String,
    pub secret: Secret,
    pub username: String,
    /// The user's profile is disabled: every call made for it is refused.
    pub disabled: bool,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("secret", &self.secret)
            .field("username", &self.username)
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// An OAuth 2 access token the emulator accepts: its scopes, lifetime, organizations and user.
#[derive(Debug, Clone)]
pub struct OAuth2Token {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// Scope names as [`upwork_diag_core::upwork::scopes`] spells them.
    pub scopes: Vec<&'static str>,
    /// Seconds since 1970 from which the token is refused as expired; `None`: it does not expire.
    pub expires_at: Option<i64>,
    /// The organizations (tenants) the user belongs to; a call that needs one and does not name it
    /// with `X-Upwork-API-TenantId` gets the only one, or is refused when there are several.
    pub tenant_ids: Vec<String>,
    pub username: String,
    /// The user's profile is disabled.
    pub disabled: bool,
}

impl OAuth2Token {
    /// True when the token is past its lifetime at `now` (seconds since 1970).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// True when the token carries this scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(&scope)
    }
}

/// An API key: consumer key and secret, the permissions granted to it, its access tokens.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub consumer_key: String,
    pub consumer_secret: Secret,
    /// Permission names as [`upwork_diag_core::upwork::permissions`] spells them.
    pub permissions: Vec<&'static str>,
    /// The OAuth 2 scopes of the key: the tokens issued to it carry these.
    pub scopes: Vec<&'static str>,
    pub access_tokens: Vec<AccessToken>,
    pub oauth2_tokens: Vec<OAuth2Token>,
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

    /// The OAuth 2 token with this access token value, if it belongs to this consumer.
    pub fn oauth2_token(&self, access_token: &str) -> Option<&OAuth2Token> {
        self.oauth2_tokens
            .iter()
            .find(|t| t.access_token.expose() == access_token)
    }

    /// The OAuth 2 token with this refresh token value, if it belongs to this consumer.
    pub fn oauth2_by_refresh(&self, refresh_token: &str) -> Option<&OAuth2Token> {
        self.oauth2_tokens.iter().find(|t| {
            t.refresh_token
                .as_ref()
                .is_some_and(|r| r.expose() == refresh_token)
        })
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
    scopes: Option<Vec<String>>,
    #[serde(default)]
    access_tokens: Vec<FileToken>,
    #[serde(default)]
    oauth2_tokens: Vec<FileOAuth2Token>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToken {
    token: String,
    secret: String,
    username: String,
    #[serde(default)]
    disabled: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOAuth2Token {
    access_token: String,
    refresh_token: Option<String>,
    scopes: Option<Vec<String>>,
    expires_at: Option<i64>,
    #[serde(default)]
    expired: bool,
    tenant_id: Option<String>,
    #[serde(default)]
    tenant_ids: Vec<String>,
    username: String,
    #[serde(default)]
    disabled: bool,
}

/// Names checked against a known list: `None` is every one; an unknown name is an error naming it.
fn known_names(
    names: Option<Vec<String>>,
    all: &[&'static str],
    canonical: fn(&str) -> Option<&'static str>,
    what: &str,
    owner: &str,
) -> Result<Vec<&'static str>, String> {
    match names {
        None => Ok(all.to_vec()),
        Some(names) => names
            .iter()
            .map(|name| {
                canonical(name).ok_or_else(|| {
                    format!(
                        "{owner}: unknown {what} '{name}' (known: {})",
                        all.join("; ")
                    )
                })
            })
            .collect(),
    }
}

impl Keys {
    /// The built-in demo keys (see [`demo`]): a consumer with every permission and scope and one
    /// that lacks the permission of `/api/hr/v2/teams.json` and most scopes; OAuth 2 tokens for
    /// each case the emulator reproduces (full, limited, expired, two organizations, disabled).
    pub fn demo() -> Keys {
        let token = |token: &str, secret: &str| AccessToken {
            token: token.to_string(),
            secret: Secret::new(secret),
            username: demo::USERNAME.to_string(),
            disabled: false,
        };
        let oauth2 = |access: &str, refresh: Option<&str>, scopes: &[&'static str]| OAuth2Token {
            access_token: Secret::new(access),
            refresh_token: refresh.map(Secret::new),
            scopes: scopes.to_vec(),
            expires_at: None,
            tenant_ids: vec![demo::TENANT_ID.to_string()],
            username: demo::USERNAME.to_string(),
            disabled: false,
        };
        Keys {
            consumers: vec![
                Consumer {
                    consumer_key: demo::CONSUMER_KEY.to_string(),
                    consumer_secret: Secret::new(demo::CONSUMER_SECRET),
                    permissions: permissions::ALL.to_vec(),
                    scopes: scopes::ALL.to_vec(),
                    access_tokens: vec![
                        token(demo::TOKEN, demo::TOKEN_SECRET),
                        AccessToken {
                            username: demo::DISABLED_USERNAME.to_string(),
                            disabled: true,
                            ..token(demo::DISABLED_TOKEN, demo::DISABLED_TOKEN_SECRET)
                        },
                    ],
                    oauth2_tokens: vec![
                        oauth2(
                            demo::OAUTH2_TOKEN,
                            Some(demo::OAUTH2_REFRESH_TOKEN),
                            &scopes::ALL,
                        ),
                        OAuth2Token {
                            expires_at: Some(0),
                            ..oauth2(
                                demo::OAUTH2_EXPIRED_TOKEN,
                                Some(demo::OAUTH2_EXPIRED_REFRESH_TOKEN),
                                &scopes::ALL,
                            )
                        },
                        OAuth2Token {
                            tenant_ids: vec![
                                demo::TENANT_ID.to_string(),
                                demo::AGENCY_TENANT_ID.to_string(),
                            ],
                            ..oauth2(demo::OAUTH2_AGENCY_TOKEN, None, &scopes::ALL)
                        },
                        OAuth2Token {
                            username: demo::DISABLED_USERNAME.to_string(),
                            disabled: true,
                            ..oauth2(demo::OAUTH2_DISABLED_TOKEN, None, &scopes::ALL)
                        },
                    ],
                },
                Consumer {
                    consumer_key: demo::LIMITED_CONSUMER_KEY.to_string(),
                    consumer_secret: Secret::new(demo::LIMITED_CONSUMER_SECRET),
                    permissions: permissions::ALL
                        .into_iter()
                        .filter(|p| *p != demo::LIMITED_LACKS)
                        .collect(),
                    scopes: demo::LIMITED_SCOPES.to_vec(),
                    access_tokens: vec![token(demo::LIMITED_TOKEN, demo::LIMITED_TOKEN_SECRET)],
                    oauth2_tokens: vec![oauth2(
                        demo::OAUTH2_LIMITED_TOKEN,
                        None,
                        &demo::LIMITED_SCOPES,
                    )],
                },
            ],
        }
    }

    /// Reads a JSON keys file (format in the module docs).
    pub fn from_file(path: &Path) -> Result<Keys, KeysError> {
        let shown = path.display().to_string();
        let text = upwork_diag_core::limits::read_text_file_capped(
            path,
            upwork_diag_core::limits::INPUT_FILE_LIMIT,
        )
        .map_err(|source| KeysError::Read {
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
            // serde_json writes a string met in quotes and a number or a boolean in backticks
            // ("invalid type: integer `12345678`"): a secret written as a number is a value too.
            let message = e.to_string();
            if message.contains('"')
                || message.starts_with("invalid type")
                || message.starts_with("invalid value")
            {
                format!(
                    "a value of the wrong type at line {} column {}",
                    e.line(),
                    e.column()
                )
            } else {
                message
            }
        })?;
        let now = chrono::Utc::now().timestamp();
        let mut consumers = Vec::with_capacity(file.consumers.len());
        for (index, c) in file.consumers.into_iter().enumerate() {
            let owner = format!("consumer {}", index + 1);
            let permissions = known_names(
                c.permissions,
                &permissions::ALL,
                permissions::canonical,
                "permission",
                &owner,
            )?;
            let key_scopes =
                known_names(c.scopes, &scopes::ALL, scopes::canonical, "scope", &owner)?;
            let access_tokens = c
                .access_tokens
                .into_iter()
                .map(|t| AccessToken {
                    token: t.token,
                    secret: Secret::new(t.secret),
                    username: t.username,
                    disabled: t.disabled,
                })
                .collect();
            let mut oauth2_tokens = Vec::with_capacity(c.oauth2_tokens.len());
            for (n, t) in c.oauth2_tokens.into_iter().enumerate() {
                let token_scopes = match t.scopes {
                    None => key_scopes.clone(),
                    names => known_names(
                        names,
                        &scopes::ALL,
                        scopes::canonical,
                        "scope",
                        &format!("{owner}, OAuth 2 token {}", n + 1),
                    )?,
                };
                let mut tenant_ids: Vec<String> = t.tenant_id.into_iter().collect();
                tenant_ids.extend(t.tenant_ids);
                if tenant_ids.is_empty() {
                    tenant_ids.push(demo::TENANT_ID.to_string());
                }
                oauth2_tokens.push(OAuth2Token {
                    access_token: Secret::new(t.access_token),
                    refresh_token: t.refresh_token.map(Secret::new),
                    scopes: token_scopes,
                    expires_at: if t.expired {
                        Some(t.expires_at.unwrap_or(now).min(now))
                    } else {
                        t.expires_at
                    },
                    tenant_ids,
                    username: t.username,
                    disabled: t.disabled,
                });
            }
            consumers.push(Consumer {
                consumer_key: c.consumer_key,
                consumer_secret: Secret::new(c.consumer_secret),
                permissions,
                scopes: key_scopes,
                access_tokens,
                oauth2_tokens,
            });
        }
        Ok(Keys { consumers })
    }

    /// Every consumer, in the order given.
    /// Every secret of these keys (consumer secrets, token secrets, OAuth 2 tokens), labelled, for
    /// the journal to hide wherever a client puts them.
    pub fn secrets(&self) -> Vec<(&'static str, &str)> {
        let mut secrets = Vec::new();
        for consumer in &self.consumers {
            secrets.push(("consumer secret", consumer.consumer_secret.expose()));
            for token in &consumer.access_tokens {
                secrets.push(("token secret", token.secret.expose()));
            }
            for token in &consumer.oauth2_tokens {
                secrets.push(("OAuth 2 access token", token.access_token.expose()));
                if let Some(refresh) = &token.refresh_token {
                    secrets.push(("OAuth 2 refresh token", refresh.expose()));
                }
            }
        }
        secrets
    }

    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// The consumer with this key.
    pub fn consumer(&self, consumer_key: &str) -> Option<&Consumer> {
        self.consumers
            .iter()
            .find(|c| c.consumer_key == consumer_key)
    }

    /// The OAuth 2 token with this access token value, and the consumer (client) it was issued to.
    pub fn oauth2_token(&self, access_token: &str) -> Option<(&Consumer, &OAuth2Token)> {
        self.consumers
            .iter()
            .find_map(|c| c.oauth2_token(access_token).map(|t| (c, t)))
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
        let shown = format!("{:?}", Keys::demo());
        assert!(!shown.contains(demo::TOKEN_SECRET));
        assert!(!shown.contains(demo::OAUTH2_TOKEN));
        assert!(!shown.contains(demo::OAUTH2_REFRESH_TOKEN));
    }

    #[test]
    fn reads_oauth2_tokens_with_scopes_expiry_and_tenants() {
        let keys = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs",
                "scopes":["common entities - read-only access"],
                "oauth2_tokens":[
                  {"access_token":"a1","refresh_token":"r1","username":"jdoe"},
                  {"access_token":"a2","expired":true,"tenant_ids":["1","2"],"username":"jdoe",
                   "scopes":["Messaging - Read-Only Access"],"disabled":true}]}]}"#,
        )
        .unwrap();
        let (consumer, first) = keys.oauth2_token("a1").unwrap();
        assert_eq!(consumer.consumer_key, "ck");
        assert_eq!(first.scopes, [scopes::COMMON_ENTITIES]);
        assert!(!first.is_expired(chrono::Utc::now().timestamp()));
        assert_eq!(first.tenant_ids, [demo::TENANT_ID]);
        assert!(consumer.oauth2_by_refresh("r1").is_some());
        let (_, second) = keys.oauth2_token("a2").unwrap();
        assert!(second.is_expired(chrono::Utc::now().timestamp()));
        assert!(second.disabled && second.has_scope(scopes::MESSAGING_READ));
        let err = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs","scopes":["All of it"]}]}"#,
        )
        .unwrap_err();
        assert!(err.contains("unknown scope 'All of it'"), "{err}");
    }

    #[test]
    fn demo_tokens_cover_each_case() {
        let keys = Keys::demo();
        let now = chrono::Utc::now().timestamp();
        let (_, limited) = keys.oauth2_token(demo::OAUTH2_LIMITED_TOKEN).unwrap();
        assert!(!limited.has_scope(scopes::VIEW_USER_DETAILS));
        assert!(limited.has_scope(scopes::COMMON_ENTITIES));
        assert!(
            keys.oauth2_token(demo::OAUTH2_EXPIRED_TOKEN)
                .unwrap()
                .1
                .is_expired(now)
        );
        assert_eq!(
            keys.oauth2_token(demo::OAUTH2_AGENCY_TOKEN)
                .unwrap()
                .1
                .tenant_ids
                .len(),
            2
        );
        assert!(
            keys.oauth2_token(demo::OAUTH2_DISABLED_TOKEN)
                .unwrap()
                .1
                .disabled
        );
        let full = keys.consumer(demo::CONSUMER_KEY).unwrap();
        assert!(full.access_token(demo::DISABLED_TOKEN).unwrap().disabled);
        assert_eq!(full.default_username(), demo::USERNAME);
    }

    #[test]
    fn an_expired_token_is_expired_from_now_or_its_own_earlier_time() {
        let keys = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs",
                "oauth2_tokens":[
                  {"access_token":"later","expired":true,"expires_at":4000000000,"username":"u"},
                  {"access_token":"earlier","expired":true,"expires_at":1000,"username":"u"},
                  {"access_token":"at","expires_at":1000,"tenant_id":"7","tenant_ids":["8"],"username":"u"}]}]}"#,
        )
        .unwrap();
        let token = |t: &str| keys.oauth2_token(t).unwrap().1.clone();
        let now = chrono::Utc::now().timestamp();
        assert!(token("later").expires_at.unwrap() <= now);
        assert_eq!(token("earlier").expires_at, Some(1000));
        assert_eq!(token("at").expires_at, Some(1000));
        assert_eq!(token("at").tenant_ids, ["7", "8"]);
        // A token is expired from its time on, not before.
        assert!(token("at").is_expired(1000));
        assert!(!token("at").is_expired(999));
        assert!(keys.oauth2_token("unknown").is_none());
    }

    #[test]
    fn a_type_error_in_a_keys_file_does_not_quote_the_value() {
        let err =
            Keys::from_json(r#"{"consumers":[{"consumer_key":"ck","consumer_secret":12345678}]}"#)
                .unwrap_err();
        assert!(!err.contains("12345678"), "{err}");
        let err = Keys::from_json(r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"s3cr3t","access_tokens":[{"token":1}]}]}"#)
            .unwrap_err();
        assert!(
            err.starts_with("a value of the wrong type at line 1 column "),
            "{err}"
        );
        // Other errors keep serde's words.
        let err = Keys::from_json("{").unwrap_err();
        assert!(err.contains("EOF"), "{err}");
        let err = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"a","consumer_secret":"b"},{"consumer_key":"c","consumer_secret":"d","permissions":["Nope"]}]}"#,
        )
        .unwrap_err();
        assert!(
            err.starts_with("consumer 2: unknown permission 'Nope' (known: "),
            "{err}"
        );
        let err = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"c","consumer_secret":"d","oauth2_tokens":[{"access_token":"a","username":"u"},{"access_token":"b","username":"u","scopes":["Nope"]}]}]}"#,
        )
        .unwrap_err();
        assert!(
            err.starts_with("consumer 1, OAuth 2 token 2: unknown scope 'Nope'"),
            "{err}"
        );
    }

    #[test]
    fn every_secret_of_the_keys_is_listed_for_the_journal() {
        let keys = Keys::from_json(
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs",
                "access_tokens":[{"token":"tk","secret":"ts","username":"u"}],
                "oauth2_tokens":[{"access_token":"oa","refresh_token":"or","username":"u"},
                                 {"access_token":"ob","username":"u"}]}]}"#,
        )
        .unwrap();
        let secrets: Vec<&str> = keys.secrets().into_iter().map(|(_, s)| s).collect();
        for secret in ["cs", "ts", "oa", "or", "ob"] {
            assert!(secrets.contains(&secret), "{secret}: {secrets:?}");
        }
        assert_eq!(keys.consumers().len(), 1);
        let consumer = keys.consumer("ck").unwrap();
        assert!(consumer.access_token("tk").is_some() && consumer.access_token("ts").is_none());
        assert!(consumer.oauth2_by_refresh("or").is_some());
        assert!(consumer.oauth2_by_refresh("oa").is_none());
        assert!(keys.consumer("cs").is_none());
        let plain =
            Keys::from_json(r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs"}]}"#)
                .unwrap();
        assert_eq!(
            plain.consumer("ck").unwrap().default_username(),
            demo::USERNAME
        );
        let shown = format!("{:?}", keys.consumer("ck").unwrap().access_tokens[0]);
        assert!(shown.starts_with("AccessToken { token: \"tk\""), "{shown}");
        assert!(
            shown.contains("username: \"u\"") && !shown.contains("\"ts\""),
            "{shown}"
        );
    }

    #[test]
    fn a_keys_file_is_read_or_named_in_the_error() {
        let missing = Path::new("/nonexistent/keys.json");
        let err = Keys::from_file(missing).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot read keys file /nonexistent/keys.json: "),
            "{err}"
        );
        let dir = std::env::temp_dir().join(format!("mock-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "[]").unwrap();
        let err = Keys::from_file(&bad).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("keys file {} is not valid: ", bad.display())),
            "{err}"
        );
        let good = dir.join("good.json");
        std::fs::write(
            &good,
            r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs"}]}"#,
        )
        .unwrap();
        assert!(Keys::from_file(&good).unwrap().consumer("ck").is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
