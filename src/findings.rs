//! The catalogue of finding codes. The long text of each is its page in `docs/findings/`, compiled
//! in, so `upwork-diag explain CODE` and the docs can never disagree.

/// A finding code and its documentation page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingDoc {
    pub code: &'static str,
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

macro_rules! finding_docs {
    ($($code:literal),* $(,)?) => {
        /// Every code the tool can report, in the order of the docs index.
        pub const ALL: &[FindingDoc] = &[
            $(FindingDoc { code: $code, text: include_str!(concat!("../docs/findings/", $code, ".md")) }),*
        ];
    };
}

finding_docs!(
    "content-length-missing",
    "content-length-mismatch",
    "chunked-body-malformed",
    "param-encoding",
    "signature-mismatch",
    "signature-unverified",
    "secret-rejected",
    "auth-missing",
    "scope-missing",
    "oauth-params-invalid",
    "timestamp-skew",
    "nonce-reused",
    "replay-stale",
    "token-expired",
    "token-invalid",
    "refresh-token-invalid",
    "tenant-id-missing",
    "rate-limited",
    "server-error",
    "endpoint-deprecated",
    "api-key-wrong-format",
    "profile-disabled",
    "host-not-upwork",
    "bot-challenge",
    "proxy-page",
    "wrong-entry-point",
    "redirected",
    "client-credentials-misplaced",
    "authorization-code-invalid",
    "redirect-uri-mismatch",
    "oauth1-request-token-call",
    "oauth1-authorize",
    "oauth1-access-token-call",
);

/// The page of a code, if the code exists.
pub fn lookup(code: &str) -> Option<&'static FindingDoc> {
    ALL.iter().find(|doc| doc.code == code)
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
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/findings");
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
