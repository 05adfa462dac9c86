//! The timestamp and nonce of an OAuth 1.0 call. Upwork refuses an `oauth_timestamp` more than five
//! minutes from its own clock, and a nonce it has already seen with that timestamp. A call replayed
//! later than that is refused for its age alone, which must not be mistaken for the original fault.

use chrono::{DateTime, Utc};

use crate::classify::{Classification, Kind};
use crate::diagnosis::{Finding, Severity};
use crate::oauth::SignedRequest;

/// How far `oauth_timestamp` may be from the server clock, either way, in seconds.
pub const WINDOW_SECS: i64 = 300;

/// What the request alone tells: a timestamp that is not a number, a client clock that was off when
/// the call was made (when the capture knows that time), or a signature too old to replay as is.
pub fn check(
    signed: &SignedRequest,
    captured_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let Some(text) = signed.timestamp.as_deref() else {
        return vec![
            Finding::new("timestamp-skew", Severity::Error, "The call has no oauth_timestamp")
                .detail("OAuth 1.0 (RFC 5849 section 3.3) requires oauth_timestamp with HMAC-SHA1; Upwork refuses a call without one.")
                .fix("Send oauth_timestamp, the number of seconds since 1970-01-01 UTC, with every signed call."),
        ];
    };
    let Ok(timestamp) = text.trim().parse::<i64>() else {
        return vec![
            Finding::new("timestamp-skew", Severity::Error, format!("oauth_timestamp '{text}' is not a number of seconds"))
                .detail("oauth_timestamp must be a whole number of seconds since 1970-01-01 UTC (not milliseconds, not a date).")
                .fix("Send the time in seconds: `int(time.time())` in Python, `time()` in PHP, `Math.floor(Date.now() / 1000)` in JavaScript.")
                .evidence("oauth_timestamp", text),
        ];
    };
    let made_at = captured_at.unwrap_or(now);
    let skew = timestamp - made_at.timestamp();
    // Milliseconds instead of seconds is the most common way to be off by decades.
    let milliseconds = timestamp > 100_000_000_000;
    if skew.abs() > WINDOW_SECS && (captured_at.is_some() || skew > 0 || milliseconds) {
        let direction = if skew > 0 { "ahead of" } else { "behind" };
        let title = if milliseconds {
            "oauth_timestamp is in milliseconds, not seconds".to_string()
        } else {
            format!(
                "oauth_timestamp is {} {direction} the time the call was made",
                human(skew.abs())
            )
        };
        return vec![
            Finding::new("timestamp-skew", Severity::Error, title)
                .detail(format!(
                    "The call was made at {} but signed with oauth_timestamp {timestamp} ({}). Upwork refuses a \
                     timestamp more than {WINDOW_SECS} s from its clock with 401.",
                    made_at.to_rfc3339(),
                    DateTime::from_timestamp(timestamp.min(253_402_300_799), 0).map_or("out of range".into(), |t| t.to_rfc3339()),
                ))
                .fix(if milliseconds {
                    "Divide the timestamp by 1000: OAuth 1.0 counts seconds.".to_string()
                } else {
                    "Set the clock of the machine that signs by NTP (`timedatectl set-ntp true`, or the OS's time settings), and sign each call when it is sent.".to_string()
                })
                .evidence("oauth_timestamp", timestamp)
                .evidence("skew_seconds", skew),
        ];
    }
    let age = now.timestamp() - timestamp;
    if age > WINDOW_SECS {
        return vec![
            Finding::new("replay-stale", Severity::Info, format!("The captured call was signed {} ago", human(age)))
                .detail(format!(
                    "Replayed as captured, its oauth_timestamp is older than the {WINDOW_SECS} s Upwork accepts, so \
                     the replay is refused for its age alone, whatever the original fault was. With the secrets at \
                     hand, the corrected replay signs the call again."
                ))
                .fix("Give the consumer and token secrets (UPWORK_CONSUMER_SECRET, UPWORK_TOKEN_SECRET) so that the signature can be checked and the call signed again, or capture the failing call anew.")
                .evidence("oauth_timestamp", timestamp)
                .evidence("age_seconds", age),
        ];
    }
    Vec::new()
}

/// What the server's refusal tells, weighed with what the request told. A stale replay explains a
/// timestamp or nonce refusal of the replay; otherwise the client's clock or nonces are at fault.
pub fn weigh(findings: &mut Vec<Finding>, classification: &Classification) {
    if classification.kind != Kind::TimestampOrNonceRejected {
        return;
    }
    if let Some(stale) = findings.iter_mut().find(|f| f.code == "replay-stale") {
        stale.raise(crate::diagnosis::EvidenceLevel::Reproduced);
        stale.title = format!(
            "{}: the replay was refused for its age, not for the original fault",
            stale.title
        );
        return;
    }
    if findings.iter().any(|f| f.code == "timestamp-skew") {
        return;
    }
    let message = classification.message.clone().unwrap_or_default();
    if message.to_ascii_lowercase().contains("nonce") {
        findings.push(
            Finding::new("nonce-reused", Severity::Error, "Upwork refused the oauth_nonce as already used")
                .detail(format!(
                    "Upwork answered: {message} A nonce may be used once with its timestamp. A captured call replayed \
                     as is reuses its nonce by nature; a client that does it on its own generates nonces badly \
                     (a constant, a counter reset at start, a clock value) or retries without signing again."
                ))
                .fix("Generate a fresh random nonce for every call (at least 64 random bits), and sign again on each retry.")
                .evidence("message", message),
        );
    } else {
        findings.push(
            Finding::new("timestamp-skew", Severity::Error, "Upwork refused the oauth_timestamp as too far from its clock")
                .detail(format!("Upwork answered: {message}"))
                .fix("Set the clock of the machine that signs by NTP, and sign each call when it is sent.")
                .evidence("message", message),
        );
    }
}

/// `3 h 20 min`, `45 s`.
fn human(seconds: i64) -> String {
    match seconds {
        s if s >= 86_400 => format!("{} days", s / 86_400),
        s if s >= 3_600 => format!("{} h {} min", s / 3_600, s % 3_600 / 60),
        s if s >= 60 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::flags::from_flags;

    fn signed_at(timestamp: &str) -> SignedRequest {
        let header = format!(
            "Authorization: OAuth oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{timestamp}\", oauth_signature=\"s\""
        );
        let request = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/auth/v1/info.json",
            &[header],
            None,
        )
        .unwrap();
        SignedRequest::from_request(&request).unwrap().unwrap()
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn a_fresh_timestamp_says_nothing() {
        assert!(check(&signed_at("1700000000"), None, at(1_700_000_100)).is_empty());
        assert!(
            check(
                &signed_at("1700000000"),
                Some(at(1_700_000_200)),
                at(1_700_000_250)
            )
            .is_empty()
        );
    }

    #[test]
    fn a_clock_off_when_the_call_was_made_is_skew() {
        let f = &check(
            &signed_at("1700000000"),
            Some(at(1_700_003_600)),
            at(1_800_000_000),
        )[0];
        assert_eq!((f.code, f.severity), ("timestamp-skew", Severity::Error));
        assert!(f.title.contains("1 h 0 min behind"), "{}", f.title);
        let f = &check(&signed_at("1700001000"), None, at(1_700_000_000))[0];
        assert!(f.title.contains("ahead of"), "{}", f.title);
        let f = &check(&signed_at("1700000000000"), None, at(1_700_000_000))[0];
        assert!(f.title.contains("milliseconds"), "{}", f.title);
        let f = &check(&signed_at("yesterday"), None, at(1_700_000_000))[0];
        assert!(f.title.contains("not a number"), "{}", f.title);
    }

    #[test]
    fn an_old_capture_is_stale_and_explains_the_refusal_of_its_replay() {
        let from_har = check(
            &signed_at("1700000000"),
            Some(at(1_700_000_001)),
            at(1_700_086_400),
        );
        assert_eq!(
            from_har[0].code, "replay-stale",
            "right when made, too old to replay now"
        );
        let mut findings = check(&signed_at("1700000000"), None, at(1_700_086_400));
        assert_eq!(
            (findings[0].code, findings[0].severity),
            ("replay-stale", Severity::Info)
        );
        let refusal = Classification {
            kind: Kind::TimestampOrNonceRejected,
            status: 401,
            upwork_error_code: Some("401".into()),
            message: Some("Timestamp refused".into()),
            fields: Vec::new(),
            oauth_error: None,
            retry_after: None,
        };
        weigh(&mut findings, &refusal);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Error);
    }

    #[test]
    fn a_nonce_refusal_is_named() {
        let mut findings = Vec::new();
        let refusal = Classification {
            kind: Kind::TimestampOrNonceRejected,
            status: 401,
            upwork_error_code: None,
            message: Some(crate::upwork::errors::DUPLICATE_NONCE.into()),
            fields: Vec::new(),
            oauth_error: None,
            retry_after: None,
        };
        weigh(&mut findings, &refusal);
        assert_eq!(findings[0].code, "nonce-reused");
    }
}
