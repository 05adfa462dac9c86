//! Redirects: a call to Upwork over plain http (answered with a redirect to https), and the chain
//! a redirect starts, as answered or followed (`--follow`), named with what following it does to an
//! OAuth 1.0 call.

use crate::classify::Classification;
use crate::redirects::Chain;
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::hosts;

/// A call to Upwork's API over plain http: Upwork serves it on https only.
pub fn before_sending(request: &CapturedRequest) -> Vec<Finding> {
    let host = request.url.host().trim_end_matches('.');
    let upwork = hosts::is_upwork_host(host) || host.eq_ignore_ascii_case("upwork.com");
    if !upwork || request.url.is_https() {
        return Vec::new();
    }
    vec![
        Finding::new(
            Code::Redirected,
            Severity::Warning,
            format!("{} is plain http: Upwork serves its API on https", crate::redirects::shown(&request.url)),
        )
        .detail(
            "Upwork's front end answers a plain http call with a redirect to https. A client that \
             follows it re-sends the call to another URL than the one an OAuth 1.0 signature was made \
             for, with a nonce already sent.",
        )
        .fix("Call the https URL, and sign it for https.")
        .evidence("scheme", request.url.scheme().to_string()),
    ]
}

/// The finding of a call answered with a redirect, from its chain.
pub fn finding(request: &CapturedRequest, chain: &Chain, last: Option<&Classification>) -> Finding {
    let first = &chain.hops[0];
    let target = first
        .location
        .clone()
        .unwrap_or_else(|| "nowhere (no Location)".to_string());
    let to_https = !request.url.is_https() && target.starts_with("https://");
    let what = if to_https {
        "from http to https"
    } else {
        "to another URL"
    };
    let path: Vec<String> = chain
        .hops
        .iter()
        .map(|hop| {
            let answer = hop
                .status
                .map_or_else(|| "no answer".to_string(), |s| s.to_string());
            let how = match (hop.signed_anew, hop.same_nonce) {
                (true, _) => " (signed anew)",
                (_, true) => " (same Authorization and nonce)",
                _ => "",
            };
            match &hop.location {
                Some(location) => format!(
                    "{} {}{how} -> {answer} Location: {location}",
                    hop.method, hop.url
                ),
                None => format!("{} {}{how} -> {answer}", hop.method, hop.url),
            }
        })
        .collect();
    let resent_nonce = chain.hops.iter().any(|h| h.same_nonce);
    let mut detail = format!(
        "Upwork answered {} with a redirect {what}: {}. The call was not followed{}.",
        first.status.unwrap_or_default(),
        path.join("; "),
        if chain.followed {
            " by the client"
        } else {
            " (--follow follows it)"
        }
    );
    if chain.followed {
        let end = chain.hops.last().and_then(|h| h.status);
        match (resent_nonce, end, last) {
            (true, Some(status), Some(c)) => detail.push_str(&format!(
                " Following it as a client that follows redirects does, with the same Authorization, \
                 re-sent a signature made for the first URL and a nonce already used: Upwork answered \
                 {status}{}. That is the known failure of OAuth 1.0 clients that follow redirects.",
                c.message.as_deref().map(|m| format!(" {m}")).unwrap_or_default()
            )),
            (false, Some(status), _) if chain.hops.iter().skip(1).any(|h| h.signed_anew) => {
                detail.push_str(&format!(
                    " Followed, each hop signed anew for its own URL with a fresh nonce, it ended in {status}."
                ))
            }
            (_, Some(status), _) => detail.push_str(&format!(" Followed, it ended in {status}.")),
            _ => {}
        }
    }
    if let Some(why) = chain.hops.iter().find_map(|h| h.stopped.as_deref()) {
        detail.push_str(&format!(" The chain stopped: {why}."));
    }
    let mut finding = Finding::new(
        Code::Redirected,
        Severity::Error,
        format!("The call was redirected {what}, to {target}"),
    )
    .detail(detail)
    .fix(format!(
        "Call {target} directly{}. Do not let the HTTP client follow redirects of a signed call: \
         each URL needs its own OAuth 1.0 signature and a fresh nonce.",
        if to_https { " (https)" } else { "" }
    ))
    .evidence(
        "chain",
        serde_json::to_value(&chain.hops).unwrap_or_default(),
    )
    .evidence("followed", chain.followed)
    .evidence("resent_same_nonce", resent_nonce);
    if resent_nonce {
        finding = finding.evidence("mistake", "followed-redirect-with-same-nonce");
    }
    finding.raise(EvidenceLevel::Reproduced);
    finding
}
