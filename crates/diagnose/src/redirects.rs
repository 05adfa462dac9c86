//! The redirects of a call: the chain as answered, and, with `--follow`, the chain followed, each
//! hop of an OAuth 1.0 call signed anew for its own URL when the secrets are given.
//!
//! A redirect is reported, not followed, by default: an OAuth 1.0 signature covers the scheme, the
//! host and the path, so a client that follows a redirect re-sending the same `Authorization`
//! sends a signature made for another URL and a nonce already used, which Upwork refuses. Only
//! Upwork's own hosts are followed (a bearer token must not go elsewhere), at most
//! [`MAX_HOPS`] times.

use serde::Serialize;

use crate::replay::{self, ReplayOptions};
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::oauth::{self, SignedRequest};
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{CapturedRequest, RawUrl};
use upwork_diag_core::upwork::hosts;

/// The most redirects followed.
pub const MAX_HOPS: usize = 5;

/// One request of the chain and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub method: String,
    /// The URL the hop was addressed to, without its query (which may carry secrets).
    pub url: String,
    /// The status answered; `None` when nothing came (the error says why) or the hop was not sent.
    pub status: Option<u16>,
    /// Where the answer sends the client, without its query.
    pub location: Option<String>,
    /// True when this hop was signed again for its own URL, with a fresh nonce.
    pub signed_anew: bool,
    /// True when this hop re-sent the `oauth_nonce` of the call before it.
    pub same_nonce: bool,
    /// Why the chain stopped here, when it did for another reason than a final answer.
    pub stopped: Option<String>,
}

/// The chain of a call answered with a redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub hops: Vec<Hop>,
    /// The answer of the last hop sent, when the chain was followed.
    #[serde(skip)]
    pub last: Option<CapturedResponse>,
    /// True when the chain was followed (`--follow`).
    pub followed: bool,
}

/// A URL as shown: scheme, host and path, `?...` for a query.
pub fn shown(url: &RawUrl) -> String {
    let text = url.as_str();
    match text.split_once('?') {
        Some((before, _)) => format!("{before}?..."),
        None => text.to_string(),
    }
}

/// The `Location` of a redirect, resolved against the URL it answers.
pub fn location(response: &CapturedResponse, from: &RawUrl) -> Option<RawUrl> {
    let value = response.header("location")?.trim();
    let base = url::Url::parse(from.as_str()).ok()?;
    let joined = base.join(value).ok()?;
    RawUrl::parse(joined.as_str()).ok()
}

/// True for Upwork's hosts, `upwork.com` without `www` included.
fn is_upwork(url: &RawUrl) -> bool {
    let host = url.host().trim_end_matches('.');
    host.eq_ignore_ascii_case("upwork.com") || hosts::is_upwork_host(host)
}

/// The chain from the captured call and its redirect; with `follow`, each Upwork `Location` is
/// requested in turn (sent to `base_url` when one is given, the path and query kept).
pub async fn chain(
    captured: &CapturedRequest,
    first: &CapturedResponse,
    follow: bool,
    credentials: &Credentials,
    base_url: Option<&RawUrl>,
    options: &ReplayOptions,
) -> Chain {
    let mut hops = vec![Hop {
        method: captured.method.clone(),
        url: shown(&captured.url),
        status: Some(first.status),
        location: location(first, &captured.url).map(|l| shown(&l)),
        signed_anew: false,
        same_nonce: false,
        stopped: None,
    }];
    let mut chain = Chain {
        hops: Vec::new(),
        last: None,
        followed: follow,
    };
    if !follow {
        chain.hops = hops;
        return chain;
    }
    let keys = oauth::Keys::from_credentials(credentials).ok();
    let mut request = captured.clone();
    let mut answer = first.clone();
    while (300..400).contains(&answer.status) {
        let Some(next) = location(&answer, &request.url) else {
            stop(&mut hops, "the redirect has no Location to follow");
            break;
        };
        if hops.len() > MAX_HOPS {
            stop(&mut hops, &format!("more than {MAX_HOPS} redirects"));
            break;
        }
        if !is_upwork(&next) {
            stop(
                &mut hops,
                "the Location leaves Upwork's hosts: not followed, the credentials stay",
            );
            break;
        }
        let (hop_request, signed_anew, same_nonce) = next_request(&request, &answer, next, &keys);
        let sent = match base_url {
            Some(base) => CapturedRequest {
                url: hop_request.url.rebased(base),
                ..hop_request.clone()
            },
            None => hop_request.clone(),
        };
        let result = replay::client::send(&sent, options).await;
        let mut hop = Hop {
            method: hop_request.method.clone(),
            url: shown(&hop_request.url),
            status: None,
            location: None,
            signed_anew,
            same_nonce,
            stopped: None,
        };
        match result {
            Ok(response) => {
                hop.status = Some(response.status);
                hop.location = location(&response, &hop_request.url).map(|l| shown(&l));
                hops.push(hop);
                request = hop_request;
                answer = response;
                chain.last = Some(answer.clone());
            }
            Err(error) => {
                hop.stopped = Some(format!("no answer: {}", error.message));
                hops.push(hop);
                chain.last = None;
                break;
            }
        }
    }
    chain.hops = hops;
    chain
}

fn stop(hops: &mut [Hop], why: &str) {
    if let Some(last) = hops.last_mut() {
        last.stopped = Some(why.to_string());
    }
}

/// The request of the next hop: the same call at `next` (a 303 turns it into a GET without a
/// body, as HTTP says), signed anew for it when it is an OAuth 1.0 call and the secrets are given;
/// otherwise the same `Authorization`, nonce included, as a client that follows redirects sends it.
fn next_request(
    previous: &CapturedRequest,
    answer: &CapturedResponse,
    next: RawUrl,
    keys: &Option<oauth::Keys<'_>>,
) -> (CapturedRequest, bool, bool) {
    let mut request = previous.clone();
    request.url = next;
    request
        .headers
        .retain(|h| !h.name.eq_ignore_ascii_case("host"));
    if answer.status == 303 && !request.method.eq_ignore_ascii_case("GET") {
        request.method = "GET".to_string();
        request.body.clear();
        request.headers.retain(|h| {
            !h.name.eq_ignore_ascii_case("content-length")
                && !h.name.eq_ignore_ascii_case("content-type")
        });
    }
    let signed = SignedRequest::from_request(previous).ok().flatten();
    match (signed, keys) {
        (Some(signed), Some(keys)) => {
            let mut keys = *keys;
            if signed.token.is_none() {
                keys.token = None;
            }
            (oauth::sign_request(&request, &keys), true, false)
        }
        (Some(_), None) => (request, false, true),
        (None, _) => (request, false, false),
    }
}
