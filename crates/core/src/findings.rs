//! The catalogue of finding codes. The long text of each is its page in `docs/findings/`, compiled
//! in, so `upwork-diag explain CODE` and the docs can never disagree.

/// A finding code and its documentation page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingDoc {
    pub code: Code,
    /// The page, Markdown; its first line is `# code: title`.
    pub text: &'static str,
}

impl FindingDoc {
    /// The one-line title from the page's heading.
    pub fn title(&self) -> &'static str {
        let heading = self.text.lines().next().unwrap_or_default();
        heading.split_once(": ").map_or(heading, |(_, title)| title)
    }
}

/// Generates [`Code`], one variant per code with its stable name, and [`ALL`], the pages, from one
/// list: a code cannot be reported without a page, and a misspelt code does not compile.
macro_rules! finding_codes {
    ($($variant:ident => $code:literal),* $(,)?) => {
        /// A finding code. Reports, JSON and `explain` write it as its stable kebab-case name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = concat!("`", $code, "`")] $variant),*
        }

        impl Code {
            /// The stable name, e.g. `content-length-missing`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code),*
                }
            }
        }

        /// Every code the tool can report, in the order of the docs index.
        pub const ALL: &[FindingDoc] = &[
            $(FindingDoc { code: Code::$variant, text: include_str!(concat!("../../../docs/findings/", $code, ".md")) }),*
        ];
    };
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

finding_codes!(
    ContentLengthMissing => "content-length-missing",
    ContentLengthMismatch => "content-length-mismatch",
    ChunkedBodyMalformed => "chunked-body-malformed",
    ParamEncoding => "param-encoding",
    SignatureMismatch => "signature-mismatch",
    SignatureUnverified => "signature-unverified",
    SecretRejected => "secret-rejected",
    AuthMissing => "auth-missing",
    ScopeMissing => "scope-missing",
    OauthParamsInvalid => "oauth-params-invalid",
    TimestampSkew => "timestamp-skew",
    NonceReused => "nonce-reused",
    ReplayStale => "replay-stale",
    TokenExpired => "token-expired",
    TokenInvalid => "token-invalid",
    RefreshTokenInvalid => "refresh-token-invalid",
    TenantIdMissing => "tenant-id-missing",
    RateLimited => "rate-limited",
    ServerError => "server-error",
    EndpointDeprecated => "endpoint-deprecated",
    ApiKeyWrongFormat => "api-key-wrong-format",
    ProfileDisabled => "profile-disabled",
    HostNotUpwork => "host-not-upwork",
    BotChallenge => "bot-challenge",
    ProxyPage => "proxy-page",
    WrongEntryPoint => "wrong-entry-point",
    Redirected => "redirected",
    ClientCredentialsMisplaced => "client-credentials-misplaced",
    AuthorizationCodeInvalid => "authorization-code-invalid",
    RedirectUriMismatch => "redirect-uri-mismatch",
    Oauth1RequestTokenCall => "oauth1-request-token-call",
    Oauth1Authorize => "oauth1-authorize",
    Oauth1AccessTokenCall => "oauth1-access-token-call",
);

/// The page of a code, if the code exists.
pub fn lookup(code: &str) -> Option<&'static FindingDoc> {
    ALL.iter().find(|doc| doc.code.as_str() == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_heading_names_its_own_code() {
        for doc in ALL {
            let heading = doc.text.lines().next().unwrap();
            assert!(
                heading.starts_with(&format!("# {}: ", doc.code)),
                "{heading}"
            );
            assert!(!doc.title().is_empty());
            for section in ["## Wrong", "## Right", "## Fix"] {
                assert!(doc.text.contains(section), "{} lacks {section}", doc.code);
            }
        }
    }

    #[test]
    fn every_docs_page_is_in_the_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/findings");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(code) = name.strip_suffix(".md") {
                assert!(
                    lookup(code).is_some(),
                    "docs/findings/{name} has no code in the catalogue"
                );
            }
        }
    }
}
