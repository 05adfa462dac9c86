//! Answers that did not come from Upwork: a bot challenge, a proxy, a captive portal, an HTML page
//! where the API answers JSON. The call was stopped before Upwork, so nothing in it was checked
//! there, and the failure is not Upwork's to escalate.

use crate::classify::{Classification, Kind};
use crate::front_end::Stopper;
use upwork_diag_core::diagnosis::{Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::CapturedRequest;

/// Where the report of a Cloudflare challenge in front of Upwork's API is.
pub const CHALLENGE_SOURCE: &str = "python-upwork-oauth2#12 (https://github.com/upwork/python-upwork-oauth2/issues/12): every call answered with Cloudflare's \"Just a moment...\" page, \"Enable JavaScript and cookies to continue\", while the same call from Postman passed";

/// The finding of an answer from what sits in front of Upwork.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    let Some(front_end) = &classification.front_end else {
        return Vec::new();
    };
    if !matches!(classification.kind, Kind::BotChallenge | Kind::NotUpwork) {
        return Vec::new();
    }
    let status = classification.status;
    let host = request.url.host_port();
    let signs = front_end.signs.join(", ");
    let who = &front_end.who;
    let finding = match front_end.stopper {
        Stopper::BotChallenge => Finding::new(
            Code::BotChallenge,
            Severity::Error,
            format!("{who}'s bot challenge stopped the call before it reached Upwork ({status})"),
        )
        .detail(format!(
            "The answer is not Upwork's: {who} in front of {host} answered {status} with a \
             challenge for a browser to solve (shown by {signs}). Upwork never saw the call, so \
             nothing in it (key, signature, token) was checked, and this is not an API failure. \
             What usually sets a challenge off: a User-Agent of a scraper or of an HTTP library's \
             default, an address in a data centre, a cloud provider or a VPN, cookies the front \
             end set not sent back, many calls in a short time."
        ))
        .fix(format!(
            "Try the same call from another network (the one where it works in Postman or a \
             browser tells whether the address is the cause), send a User-Agent that names your \
             application, keep the pace under Upwork's rate limit, and never drive the API with a \
             headless browser. If it persists from an ordinary server, write to Upwork support \
             about the front end blocking API calls, quoting the {} value; not as an API failure.",
            if front_end.signs.iter().any(|s| s.starts_with("cf-ray")) {
                "cf-ray"
            } else {
                "time and address"
            }
        ))
        .source(CHALLENGE_SOURCE)
        .evidence("status", status)
        .evidence("front_end", who.clone())
        .evidence("signs", front_end.signs.clone()),
        Stopper::Proxy | Stopper::CaptivePortal | Stopper::HtmlPage => {
            let (what, fix) = match front_end.stopper {
                Stopper::Proxy => (
                    "a proxy between this client and Upwork",
                    "Give the proxy what it asks (Proxy-Authorization, or the https_proxy URL with its credentials), or call from a network without it; ask the network's administrator to let calls to www.upwork.com and api.upwork.com through.",
                ),
                Stopper::CaptivePortal => (
                    "a captive portal (the network's sign-in page)",
                    "Sign in to the network (open any page in a browser on the same machine), or call from another network.",
                ),
                _ => (
                    "a page that is not Upwork's API: a proxy, a captive portal or a sign-in page",
                    "Open the URL in a browser on the same machine to see whose page it is; sign in to the network or the proxy, or call from another network. Check the URL is Upwork's API (https://www.upwork.com/api/... or https://api.upwork.com/graphql), not a page of the web site.",
                ),
            };
            Finding::new(
                Code::ProxyPage,
                Severity::Error,
                format!("The answer came from {what}, not from Upwork ({status})"),
            )
            .detail(format!(
                "Upwork's API answers JSON (or a form, for the OAuth 1.0 token calls); this answer \
                 is {what} (shown by {signs}). The call was stopped before Upwork, so nothing in it \
                 was checked there, and this is not an API failure."
            ))
            .fix(fix)
            .evidence("status", status)
            .evidence("front_end", who.clone())
            .evidence("signs", front_end.signs.clone())
        }
    };
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::front_end::FrontEnd;
    use upwork_diag_core::request::flags::from_flags;

    fn answer(kind: Kind, stopper: Stopper, signs: &[&str]) -> Classification {
        Classification {
            front_end: Some(FrontEnd {
                stopper,
                who: "Acme gateway".into(),
                signs: signs.iter().map(|s| s.to_string()).collect(),
            }),
            ..Classification::bare(kind, 403)
        }
    }

    fn titles(kind: Kind, stopper: Stopper) -> Vec<String> {
        let request = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/auth/v1/info.json",
            &[],
            None,
        )
        .unwrap();
        after_response(&request, &answer(kind, stopper, &["via: acme"]))
            .into_iter()
            .map(|f| f.title)
            .collect()
    }

    #[test]
    fn each_thing_in_front_of_upwork_is_named_for_what_it_is() {
        assert_eq!(
            titles(Kind::NotUpwork, Stopper::Proxy),
            ["The answer came from a proxy between this client and Upwork, not from Upwork (403)"]
        );
        assert_eq!(
            titles(Kind::NotUpwork, Stopper::CaptivePortal),
            [
                "The answer came from a captive portal (the network's sign-in page), not from Upwork (403)"
            ]
        );
        assert_eq!(
            titles(Kind::BotChallenge, Stopper::BotChallenge),
            ["Acme gateway's bot challenge stopped the call before it reached Upwork (403)"]
        );
        // Read as Upwork's own refusal, the same page says nothing here.
        assert!(titles(Kind::NoAccess, Stopper::Proxy).is_empty());
    }
}
