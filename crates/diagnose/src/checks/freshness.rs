//! The timestamp and nonce of an OAuth 1.0 call. Upwork refuses an `oauth_timestamp` more than five
//! minutes from its own clock, and a nonce it has already seen with that timestamp. A call replayed
//! later than that is refused for its age alone, which must not be mistaken for the original fault.
//!
//! An old timestamp has two readings: the client's clock was behind when it signed
//! (`timestamp-skew`, the developer's fault), or the call was signed right and captured long ago
//! (`replay-stale`, only this replay's fault). The time the call was sent tells them apart: a HAR
//! entry's `startedDateTime`, a `Date` header, or `--sent-at`. Without it, both readings are
//! reported as inconclusive, with what to give to decide; guessing one would send the developer
//! to fix a clock that is right, or tell them a broken clock is fine.

use chrono::{DateTime, Utc};
use upwork_diag_core::findings::Code;

use crate::classify::{Classification, Kind};
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::oauth::SignedRequest;
use upwork_diag_core::request::SentAt;

/// How far `oauth_timestamp` may be from the server clock, either way, in seconds.
pub const WINDOW_SECS: i64 = 300;

/// What to give when the send time is missing; the fix of both inconclusive readings.
const GIVE_THE_SEND_TIME: &str = "Give the time the call was sent, and run again: `--sent-at 2026-11-30T04:35:00Z` (RFC 3339, \
     or Unix seconds), or diagnose the call from a HAR file (its startedDateTime), or include the Date \
     header your client sent (`-H 'Date: ...'`, or in the raw capture).";

/// What the request alone tells: a timestamp that is not a number, a client clock that was off when
/// the call was sent (when the send time is known), or a signature too old to replay as is.
pub fn check(signed: &SignedRequest, sent_at: Option<SentAt>, now: DateTime<Utc>) -> Vec<Finding> {
    let Some(text) = signed.timestamp.as_deref() else {
        return vec![
            Finding::new(Code::TimestampSkew, Severity::Error, "The call has no oauth_timestamp")
                .detail("OAuth 1.0 (RFC 5849 section 3.3) requires oauth_timestamp with HMAC-SHA1; Upwork refuses a call without one.")
                .fix("Send oauth_timestamp, the number of seconds since 1970-01-01 UTC, with every signed call."),
        ];
    };
    let Ok(timestamp) = text.trim().parse::<i64>() else {
        return vec![
            Finding::new(Code::TimestampSkew, Severity::Error, format!("oauth_timestamp '{text}' is not a number of seconds"))
                .detail("oauth_timestamp must be a whole number of seconds since 1970-01-01 UTC (not milliseconds, not a date).")
                .fix("Send the time in seconds: `int(time.time())` in Python, `time()` in PHP, `Math.floor(Date.now() / 1000)` in JavaScript.")
                .evidence("oauth_timestamp", text),
        ];
    };
    // Milliseconds instead of seconds is the most common way to be off by decades: no send time
    // is needed to see it.
    if timestamp > 100_000_000_000 {
        let made_at = sent_at.map_or(now, |s| s.at);
        return vec![
            skew(
                timestamp,
                made_at,
                sent_at,
                "oauth_timestamp is in milliseconds, not seconds".into(),
            )
            .fix("Divide the timestamp by 1000: OAuth 1.0 counts seconds."),
        ];
    }
    match sent_at {
        Some(sent) => {
            let off = timestamp - sent.at.timestamp();
            if off.abs() > WINDOW_SECS {
                let direction = if off > 0 { "ahead of" } else { "behind" };
                let title = format!(
                    "oauth_timestamp is {} {direction} the time the call was sent ({})",
                    human(off.abs()),
                    sent.from.describe()
                );
                return vec![skew(timestamp, sent.at, sent_at, title).fix(SET_THE_CLOCK)];
            }
            stale(timestamp, now, Some(sent)).into_iter().collect()
        }
        None => {
            let off = timestamp - now.timestamp();
            // A timestamp in the future cannot come from an old capture: the clock ran ahead.
            if off > WINDOW_SECS {
                let title = format!(
                    "oauth_timestamp is {} ahead of this machine's clock",
                    human(off)
                );
                return vec![skew(timestamp, now, None, title).fix(SET_THE_CLOCK)];
            }
            if -off <= WINDOW_SECS {
                return Vec::new();
            }
            both_readings(timestamp, -off)
        }
    }
}

const SET_THE_CLOCK: &str = "Set the clock of the machine that signs by NTP (`timedatectl set-ntp true`, or the OS's time settings), and sign each call when it is sent.";

/// `timestamp-skew`: the client's clock was off when it signed.
fn skew(timestamp: i64, made_at: DateTime<Utc>, sent_at: Option<SentAt>, title: String) -> Finding {
    let off = timestamp - made_at.timestamp();
    let mut finding = Finding::new(Code::TimestampSkew, Severity::Error, title)
        .detail(format!(
            "The call was sent at {}{} but signed with oauth_timestamp {timestamp} ({}). Upwork refuses a \
             timestamp more than {WINDOW_SECS} s from its clock with 401.",
            made_at.to_rfc3339(),
            sent_at.map_or(" (this machine's clock)".to_string(), |s| format!(" (by {})", s.from.describe())),
            DateTime::from_timestamp(timestamp.min(253_402_300_799), 0).map_or("out of range".into(), |t| t.to_rfc3339()),
        ))
        .evidence("oauth_timestamp", timestamp)
        .evidence("skew_seconds", off);
    if let Some(sent) = sent_at {
        finding = finding
            .evidence("sent_at", sent.at.to_rfc3339())
            .evidence("sent_at_from", sent.from.describe());
    }
    finding
}

/// `replay-stale` when the call, signed in time, is too old to replay now.
fn stale(timestamp: i64, now: DateTime<Utc>, sent: Option<SentAt>) -> Option<Finding> {
    let age = now.timestamp() - timestamp;
    if age <= WINDOW_SECS {
        return None;
    }
    let mut detail = format!(
        "Replayed as captured, its oauth_timestamp is older than the {WINDOW_SECS} s Upwork accepts, so \
         the replay is refused for its age alone, whatever the original fault was. With the secrets at \
         hand, the corrected replay signs the call again."
    );
    let mut finding = Finding::new(
        Code::ReplayStale,
        Severity::Info,
        format!("The captured call was signed {} ago", human(age)),
    );
    if let Some(sent) = sent {
        detail = format!(
            "It was sent at {} (by {}), within {WINDOW_SECS} s of its oauth_timestamp: the client's clock was right. {detail}",
            sent.at.to_rfc3339(),
            sent.from.describe()
        );
        finding = finding
            .evidence("sent_at", sent.at.to_rfc3339())
            .evidence("sent_at_from", sent.from.describe());
    }
    Some(
        finding
            .detail(detail)
            .fix("Give the consumer and token secrets (UPWORK_CONSUMER_SECRET, UPWORK_TOKEN_SECRET) so that the signature can be checked and the call signed again, or capture the failing call anew.")
            .evidence("oauth_timestamp", timestamp)
            .evidence("age_seconds", age),
    )
}

/// An old timestamp and no send time: the clock or the capture, each reported as undecided.
fn both_readings(timestamp: i64, age: i64) -> Vec<Finding> {
    let age_text = human(age);
    let both = format!(
        "oauth_timestamp {timestamp} is {age_text} old, and nothing tells when the call was sent. Either the \
         clock of the machine that signed was {age_text} behind when it sent the call (timestamp-skew: fix \
         the clock), or the call was signed right and captured {age_text} ago (replay-stale: only this replay \
         is refused for its age)."
    );
    let skew = Finding::new(
        Code::TimestampSkew,
        Severity::Warning,
        format!(
            "oauth_timestamp is {age_text} old: the client's clock, if the call was sent just now"
        ),
    );
    let stale = Finding::new(
        Code::ReplayStale,
        Severity::Warning,
        format!(
            "The captured call was signed {age_text} ago: an old capture, if the client's clock was right"
        ),
    );
    [skew, stale]
        .into_iter()
        .map(|f| {
            undecided(
                f.detail(both.clone())
                    .fix(GIVE_THE_SEND_TIME)
                    .evidence("oauth_timestamp", timestamp)
                    .evidence("age_seconds", age),
            )
        })
        .collect()
}

/// Marks a reading the evidence at hand cannot decide.
fn undecided(finding: Finding) -> Finding {
    finding
        .evidence("sent_at", "unknown")
        .level(EvidenceLevel::Inconclusive)
}

/// True for a clock-or-capture reading left undecided for want of the send time.
pub fn is_undecided(finding: &Finding) -> bool {
    matches!(finding.code, Code::TimestampSkew | Code::ReplayStale)
        && finding.evidence_level == EvidenceLevel::Inconclusive
}

/// What the server's refusal tells, weighed with what the request told. A stale replay explains a
/// timestamp or nonce refusal of the replay; otherwise the client's clock or nonces are at fault.
/// Upwork's answer names the cause, so what it confirms is reproduced; a reading left undecided
/// for want of the send time stays undecided, since both readings predict the same refusal.
pub fn weigh(findings: &mut Vec<Finding>, classification: &Classification) {
    if classification.kind != Kind::TimestampOrNonceRejected {
        return;
    }
    // Undecided, both readings explain a refusal of the timestamp: it stays undecided, and says so.
    let mut undecided_readings = findings.iter_mut().filter(|f| is_undecided(f)).peekable();
    if undecided_readings.peek().is_some() {
        for reading in undecided_readings {
            reading.detail.push_str(
                " Upwork refused the replay's timestamp, as either reading predicts; which one was the \
                 original fault needs the send time.",
            );
        }
        return;
    }
    // Upwork's answer names the timestamp. A capture too old to replay is refused for the replay's
    // own doing: that says nothing of the call as first sent, so it explains nothing; a call signed
    // again fresh (with the secrets) is the test of the call.
    if let Some(stale) = findings.iter_mut().find(|f| f.code == Code::ReplayStale) {
        stale.set_level(EvidenceLevel::Inconclusive);
        stale.title = format!(
            "{}: the replay was refused for its age, which says nothing of the call as first sent",
            stale.title
        );
        stale.fix = replay_fix();
        return;
    }
    if let Some(skew) = findings.iter_mut().find(|f| f.code == Code::TimestampSkew) {
        skew.raise(EvidenceLevel::Reproduced);
        return;
    }
    let message = classification.message.clone().unwrap_or_default();
    if message.to_ascii_lowercase().contains("nonce") {
        // A captured call replayed as is reuses its nonce by nature: the refusal is the replay's.
        findings.push(
            Finding::new(Code::NonceReused, Severity::Error, "Upwork refused the replay's oauth_nonce as already used")
                .detail(format!(
                    "Upwork answered: {message} A nonce may be used once with its timestamp, and a captured call \
                     replayed as is reuses the nonce it was first sent with: this refusal is the replay's own and says \
                     nothing of the call as first sent. Had the client's own call been refused so, its nonces would be \
                     made badly (a constant, a counter reset at start, a clock value) or reused on a retry."
                ))
                .fix(replay_fix())
                .evidence("message", message)
                .level(EvidenceLevel::Inconclusive),
        );
    } else {
        findings.push(
            Finding::new(Code::TimestampSkew, Severity::Error, "Upwork refused the oauth_timestamp as too far from its clock")
                .detail(format!("Upwork answered: {message}"))
                .fix("Set the clock of the machine that signs by NTP, and sign each call when it is sent.")
                .evidence("message", message)
                .level(EvidenceLevel::Reproduced),
        );
    }
}

/// What to give so that a replay refused for its own doing tells something of the call.
fn replay_fix() -> String {
    format!(
        "Give {} (and {} for a call with a token): the call is then sent again signed fresh, and that \
         answer is the answer to your call. If your client itself got this refusal, generate a fresh \
         random nonce for every call (at least 64 random bits), sign each call when it is sent, and sign \
         again on each retry.",
        upwork_diag_core::credentials::CONSUMER_SECRET,
        upwork_diag_core::credentials::TOKEN_SECRET
    )
}

/// True for a finding about a refusal that the replay itself caused (a spent nonce, a capture too
/// old to replay): a call signed again fresh is the test of the call.
pub fn is_replay_artifact(finding: &Finding) -> bool {
    matches!(finding.code, Code::NonceReused | Code::ReplayStale)
        && finding.evidence_level == EvidenceLevel::Inconclusive
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
    use upwork_diag_core::request::TimeEvidence;
    use upwork_diag_core::request::flags::from_flags;

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

    fn sent(seconds: i64) -> Option<SentAt> {
        Some(SentAt {
            at: at(seconds),
            from: TimeEvidence::RequestDateHeader,
        })
    }

    fn timestamp_refused() -> Classification {
        Classification {
            upwork_error_code: Some("401".into()),
            message: Some("Timestamp refused".into()),
            ..Classification::bare(Kind::TimestampOrNonceRejected, 401)
        }
    }

    #[test]
    fn a_fresh_timestamp_says_nothing() {
        assert!(check(&signed_at("1700000000"), None, at(1_700_000_100)).is_empty());
        assert!(
            check(
                &signed_at("1700000000"),
                sent(1_700_000_200),
                at(1_700_000_250)
            )
            .is_empty()
        );
    }

    #[test]
    fn the_window_and_the_milliseconds_are_told_at_their_edges() {
        // Off by exactly the window from the send time is still in time; a second more is not.
        let t = 1_700_000_000;
        assert!(
            check(
                &signed_at("1700000000"),
                sent(t + WINDOW_SECS),
                at(t + WINDOW_SECS)
            )
            .is_empty()
        );
        let late = check(
            &signed_at("1700000000"),
            sent(t + WINDOW_SECS + 1),
            at(t + WINDOW_SECS + 1),
        );
        assert_eq!(late[0].code, Code::TimestampSkew);
        // The largest number of seconds read as seconds, and the first read as milliseconds.
        let seconds = &check(&signed_at("100000000000"), None, at(t))[0];
        assert!(!seconds.title.contains("milliseconds"), "{}", seconds.title);
        let millis = &check(&signed_at("100000000001"), None, at(t))[0];
        assert!(millis.title.contains("milliseconds"), "{}", millis.title);
        // Without a send time, a timestamp up to the window ahead of this clock is in time.
        assert!(check(&signed_at("1700000000"), None, at(t - WINDOW_SECS)).is_empty());
        let ahead = &check(&signed_at("1700000000"), None, at(t - WINDOW_SECS - 1))[0];
        assert_eq!(
            ahead.title,
            "oauth_timestamp is 5 min 1 s ahead of this machine's clock"
        );
    }

    #[test]
    fn durations_are_told_in_the_largest_unit_that_fits() {
        assert_eq!(human(59), "59 s");
        assert_eq!(human(60), "1 min 0 s");
        assert_eq!(human(3_599), "59 min 59 s");
        assert_eq!(human(3_600), "1 h 0 min");
        assert_eq!(human(86_399), "23 h 59 min");
        assert_eq!(human(86_400), "1 days");
        assert_eq!(human(3 * 86_400 + 5), "3 days");
    }

    #[test]
    fn a_skew_records_how_far_the_clock_was_off_and_from_what() {
        let t = 1_700_000_000;
        let behind = &check(&signed_at("1700000000"), sent(t + 3_600), at(t + 7_200))[0];
        assert_eq!(behind.evidence["skew_seconds"], -3_600);
        assert_eq!(behind.evidence["sent_at"], "2023-11-14T23:13:20+00:00");
        assert!(
            behind.detail.starts_with(
                "The call was sent at 2023-11-14T23:13:20+00:00 (by the Date header of the request) \
                 but signed with oauth_timestamp 1700000000 (2023-11-14T22:13:20+00:00)."
            ),
            "{}",
            behind.detail
        );
        let ahead = &check(&signed_at("1700003600"), None, at(t))[0];
        assert_eq!(ahead.evidence["skew_seconds"], 3_600);
        assert!(
            ahead.detail.contains(" (this machine's clock) "),
            "{}",
            ahead.detail
        );
    }

    #[test]
    fn only_an_undecided_nonce_or_age_refusal_is_the_replays_own_doing() {
        let finding = |code: Code, level: EvidenceLevel| {
            let mut f = Finding::new(code, Severity::Warning, "t");
            f.set_level(level);
            f
        };
        assert!(is_replay_artifact(&finding(
            Code::NonceReused,
            EvidenceLevel::Inconclusive
        )));
        assert!(is_replay_artifact(&finding(
            Code::ReplayStale,
            EvidenceLevel::Inconclusive
        )));
        assert!(!is_replay_artifact(&finding(
            Code::ReplayStale,
            EvidenceLevel::Risk
        )));
        assert!(!is_replay_artifact(&finding(
            Code::TimestampSkew,
            EvidenceLevel::Inconclusive
        )));
    }

    #[test]
    fn the_direction_and_the_age_are_told_in_the_titles() {
        let t = 1_700_000_000;
        let ahead = &check(&signed_at("1700003600"), sent(t), at(t))[0];
        assert!(
            ahead
                .title
                .starts_with("oauth_timestamp is 1 h 0 min ahead of the time the call was sent"),
            "{}",
            ahead.title
        );
        let old = check(&signed_at("1700000000"), None, at(t + 3600));
        assert_eq!(
            old[0].title,
            "oauth_timestamp is 1 h 0 min old: the client's clock, if the call was sent just now"
        );
        assert_eq!(old[0].evidence["age_seconds"], 3600);
    }

    #[test]
    fn a_clock_off_when_the_call_was_sent_is_skew() {
        let f = &check(
            &signed_at("1700000000"),
            sent(1_700_003_600),
            at(1_800_000_000),
        )[0];
        assert_eq!((f.code, f.severity), (Code::TimestampSkew, Severity::Error));
        assert!(f.title.contains("1 h 0 min behind"), "{}", f.title);
        assert!(
            f.title.contains("the Date header of the request"),
            "{}",
            f.title
        );
        let f = &check(&signed_at("1700001000"), None, at(1_700_000_000))[0];
        assert!(
            f.title.contains("ahead of"),
            "a future timestamp needs no send time: {}",
            f.title
        );
        let f = &check(&signed_at("1700000000000"), None, at(1_700_000_000))[0];
        assert!(f.title.contains("milliseconds"), "{}", f.title);
        let f = &check(&signed_at("yesterday"), None, at(1_700_000_000))[0];
        assert!(f.title.contains("not a number"), "{}", f.title);
    }

    #[test]
    fn an_old_capture_sent_in_time_is_stale_and_its_refused_replay_says_nothing_of_the_call() {
        let mut findings = check(
            &signed_at("1700000000"),
            sent(1_700_000_001),
            at(1_700_086_400),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].code, findings[0].severity),
            (Code::ReplayStale, Severity::Info),
            "right when sent, too old to replay now"
        );
        assert!(
            findings[0].detail.contains("the client's clock was right"),
            "{}",
            findings[0].detail
        );
        weigh(&mut findings, &timestamp_refused());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].evidence_level,
            EvidenceLevel::Inconclusive,
            "the replay's own refusal explains nothing of the call"
        );
        assert!(!findings[0].explains());
        assert!(is_replay_artifact(&findings[0]));
    }

    #[test]
    fn without_a_send_time_an_old_timestamp_is_left_undecided_even_when_refused() {
        let mut findings = check(&signed_at("1700000000"), None, at(1_700_003_600));
        let codes: Vec<_> = findings.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [Code::TimestampSkew, Code::ReplayStale],
            "both readings"
        );
        for f in &findings {
            assert!(is_undecided(f), "{f:?}");
            assert_eq!(f.evidence_level, EvidenceLevel::Inconclusive);
            assert_ne!(f.severity, Severity::Error, "no guess is an error: {f:?}");
            assert!(
                f.fix.contains("--sent-at") && f.fix.contains("HAR") && f.fix.contains("Date"),
                "{}",
                f.fix
            );
        }
        weigh(&mut findings, &timestamp_refused());
        assert_eq!(findings.len(), 2, "no third reading is added");
        assert!(findings.iter().all(|f| !f.explains() && is_undecided(f)));
    }

    #[test]
    fn a_nonce_refusal_is_named() {
        let mut findings = Vec::new();
        let refusal = Classification {
            message: Some(upwork_diag_core::upwork::errors::DUPLICATE_NONCE.into()),
            ..Classification::bare(Kind::TimestampOrNonceRejected, 401)
        };
        weigh(&mut findings, &refusal);
        assert_eq!(findings[0].code, Code::NonceReused);
        // What to give so that the replay tells something: the secrets, by their variables.
        assert!(
            findings[0].fix.starts_with(
                "Give UPWORK_CONSUMER_SECRET (and UPWORK_TOKEN_SECRET for a call with a token)"
            ),
            "{}",
            findings[0].fix
        );
    }
}
