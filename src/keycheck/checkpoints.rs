//! The seven checkpoints of the Special Projects review, in their order. Each rule is a plain
//! function of the request, deterministic, and says in its reason which word or which missing part
//! decided it, so an agent can repeat the decision by hand. docs/keycheck.md explains each one.

use serde::Serialize;

use super::request::{Address, IntendedUse, KeyRequest};
use super::words::Words;

/// One checkpoint: its number, its name and the macro that answers a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub number: u8,
    pub name: &'static str,
    /// The Zendesk macro title. Only "Title - No Upwork" comes from the support desk; the others
    /// are this tool's naming, to be matched to the desk's macro list (docs/keycheck.md).
    pub macro_title: &'static str,
}

/// Every checkpoint, in the order the review goes through them; the one table of macro titles.
pub const CHECKPOINTS: [Checkpoint; 7] = [
    Checkpoint {
        number: 1,
        name: "Title",
        macro_title: "Title - No Upwork",
    },
    Checkpoint {
        number: 2,
        name: "Description",
        macro_title: "Description - Unclear use",
    },
    Checkpoint {
        number: 3,
        name: "Username",
        macro_title: "Username - Not personal",
    },
    Checkpoint {
        number: 4,
        name: "Address",
        macro_title: "Address - Incomplete",
    },
    Checkpoint {
        number: 5,
        name: "Portrait",
        macro_title: "Profile - No portrait",
    },
    Checkpoint {
        number: 6,
        name: "Suspension",
        macro_title: "Account - Suspended",
    },
    Checkpoint {
        number: 7,
        name: "Earnings",
        macro_title: "Earnings - Below threshold",
    },
];

/// A title needs at least this many letters to say what the app is.
pub const MIN_TITLE_LETTERS: usize = 3;
/// Fewer words cannot say the use, the purpose and internal/public.
pub const MIN_DESCRIPTION_WORDS: usize = 10;
/// Earnings must be strictly above this, in US dollars.
pub const EARNINGS_THRESHOLD_USD: f64 = 30_000.0;

/// What one checkpoint found: passed when there is no reason to reject.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub checkpoint: Checkpoint,
    pub reasons: Vec<String>,
}

impl CheckResult {
    pub fn passed(&self) -> bool {
        self.reasons.is_empty()
    }

    /// Every reason to reject, in one line; `None` when the checkpoint passed.
    pub fn reason(&self) -> Option<String> {
        (!self.passed()).then(|| self.reasons.join("; "))
    }

    /// The macro that answers this rejection; `None` when the checkpoint passed.
    pub fn macro_title(&self) -> Option<&'static str> {
        (!self.passed()).then_some(self.checkpoint.macro_title)
    }
}

/// Runs every checkpoint on the request, in order.
pub fn check(request: &KeyRequest) -> Vec<CheckResult> {
    let reasons = [
        title(request.app_title.as_deref()),
        description(request.description.as_deref(), request.intended_use),
        username(request.username.as_deref()),
        address(
            request.profile_address.as_ref(),
            request.company_address.as_ref(),
        ),
        portrait(request.portrait),
        suspension(request.suspended),
        earnings(request.earnings),
    ];
    CHECKPOINTS
        .iter()
        .zip(reasons)
        .map(|(checkpoint, reasons)| CheckResult {
            checkpoint: *checkpoint,
            reasons,
        })
        .collect()
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

// ---- 1. Title ----------------------------------------------------------------------------------

/// Words that say nothing of what an app does: a title made of these alone is unclear.
const GENERIC_TITLE_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "my",
    "our",
    "new",
    "app",
    "apps",
    "application",
    "api",
    "test",
    "tests",
    "testing",
    "demo",
    "sample",
    "example",
    "tool",
    "project",
    "client",
    "program",
    "software",
    "integration",
    "untitled",
    "temp",
    "tmp",
    "dev",
    "hello",
    "world",
    "foo",
    "bar",
    "asdf",
    "qwerty",
];

/// Checkpoint 1: a title of its own, clear, without "Upwork".
pub fn title(title: Option<&str>) -> Vec<String> {
    let Some(title) = non_blank(title) else {
        return vec!["has no title".to_string()];
    };
    let words = Words::new(title);
    let mut reasons = Vec::new();
    let upwork = upwork_in(&words);
    if let Some(found) = upwork {
        reasons.push(format!("uses \"Upwork\" in the title (\"{found}\")"));
    }
    let letters = title.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        reasons.push("is unclear: it has no letters".to_string());
    } else if letters < MIN_TITLE_LETTERS {
        reasons.push(format!("is too short to say what the app is (\"{title}\")"));
    } else if upwork.is_none() && words.lower().iter().all(|w| is_generic_title_word(w)) {
        reasons.push(format!("is unclear: only generic words (\"{title}\")"));
    }
    reasons
}

/// "Upwork" in any case, inside a word ("MyUpworkSync") or split in two ("Up Work", "up-work").
fn upwork_in<'a>(words: &Words<'a>) -> Option<&'a str> {
    let lower = words.lower();
    lower.iter().enumerate().find_map(|(i, word)| {
        if word.contains("upwork") {
            Some(words.original(i..i + 1))
        } else if word == "up" && lower.get(i + 1).is_some_and(|next| next == "work") {
            Some(words.original(i..i + 2))
        } else {
            None
        }
    })
}

fn is_generic_title_word(word: &str) -> bool {
    GENERIC_TITLE_WORDS.contains(&word)
        || word.chars().all(|c| c.is_ascii_digit())
        || word.chars().count() == 1
}

// ---- 2. Description ----------------------------------------------------------------------------

/// Upwork data or actions: naming one says what the API will be used for.
const USE_WORDS: &[&str] = &[
    "job*",
    "contract*",
    "proposal*",
    "offer*",
    "timesheet*",
    "time",
    "hour*",
    "work diary",
    "workdiar*",
    "diary",
    "report*",
    "invoice*",
    "payment*",
    "billing",
    "earning*",
    "transaction*",
    "message*",
    "messaging",
    "chat*",
    "room*",
    "profile*",
    "freelancer*",
    "client*",
    "team*",
    "compan*",
    "milestone*",
    "activit*",
    "task*",
    "candidat*",
    "hire",
    "hiring",
    "talent*",
    "contractor*",
    "engagement*",
    "snapshot*",
    "budget*",
    "payroll",
    "accounting",
];

/// Words that state a purpose.
const PURPOSE_WORDS: &[&str] = &[
    "to",
    "in order to",
    "so that",
    "so we",
    "so i",
    "purpose*",
    "goal*",
    "aim*",
    "help*",
    "allow*",
    "enabl*",
    "let",
    "lets",
    "automat*",
    "need*",
    "want*",
    "because",
];

const INTERNAL_WORDS: &[&str] = &[
    "internal*",
    "in house",
    "inhouse",
    "our own",
    "own use",
    "personal use",
    "private*",
    "only our",
    "only my",
    "only me",
    "only by me",
    "only by our",
];

const PUBLIC_WORDS: &[&str] = &[
    "public*",
    "customers",
    "our users",
    "other users",
    "third party",
    "third parties",
    "saas",
    "distribut*",
    "open source",
    "app store",
    "publish*",
    "anyone",
    "everyone",
];

const COMMERCIAL_WORDS: &[&str] = &[
    "commercial*",
    "resell*",
    "resale*",
    "monetiz*",
    "monetis*",
    "sell data",
    "sell the data",
    "selling data",
    "selling the data",
    "sell access",
    "sell it",
    "for profit",
    "paid access",
];

const RESEARCH_WORDS: &[&str] = &[
    "research*",
    "thesis",
    "dissertation*",
    "academic*",
    "scientific study",
    "university project",
    "school project",
    "student project",
];

const TESTING_WORDS: &[&str] = &[
    "testing only",
    "test only",
    "only testing",
    "only for testing",
    "for testing",
    "just testing",
    "just to test",
    "to test",
    "test the api",
    "testing the api",
    "try out",
    "trying out",
    "try the api",
    "to try",
    "experiment*",
    "play around",
    "playing around",
    "play with",
    "playing with",
    "learn the api",
    "learning the api",
    "to learn",
    "proof of concept",
];

const SCRAPING_WORDS: &[&str] = &[
    "scrap*",
    "crawl*",
    "harvest*",
    "spider*",
    "data mining",
    "mine data",
    "mining data",
    "bulk download*",
    "download all",
    "collect all",
    "extract all",
    "extracting all",
];

/// Checkpoint 2: the description says what the API is for, the project's purpose and whether
/// the app is internal or public; a use the API is not given for rejects it.
pub fn description(description: Option<&str>, intended_use: Option<IntendedUse>) -> Vec<String> {
    let Some(description) = non_blank(description) else {
        return vec!["has no description".to_string()];
    };
    let words = Words::new(description);
    let mut reasons = Vec::new();
    if words.len() < MIN_DESCRIPTION_WORDS {
        // Too short to say the three things: asking for each again would repeat this reason.
        reasons.push(format!(
            "is too short ({} words, at least {MIN_DESCRIPTION_WORDS}): say what the API will be \
             used for, the purpose of the project and whether the app is internal or public",
            words.len()
        ));
    } else {
        if words.find(USE_WORDS).is_none() {
            reasons.push(
                "does not say what the API will be used for: no Upwork data named (jobs, \
                 contracts, time, reports, messages, profiles ...)"
                    .to_string(),
            );
        }
        if words.find(PURPOSE_WORDS).is_none() {
            reasons.push(
                "does not say the purpose of the project (no \"to ...\", \"so that\", \"in order \
                 to\", \"purpose\" ...)"
                    .to_string(),
            );
        }
        let says_who = intended_use.is_some()
            || words.find(INTERNAL_WORDS).is_some()
            || words.find(PUBLIC_WORDS).is_some();
        if !says_who {
            reasons.push(
                "does not say whether the app is internal or public (set intended_use, or say \
                 it in the description)"
                    .to_string(),
            );
        }
    }
    let refused = [
        (COMMERCIAL_WORDS, "mentions commercial use or resale"),
        (RESEARCH_WORDS, "mentions research"),
        (TESTING_WORDS, "is for testing only"),
        (SCRAPING_WORDS, "mentions scraping"),
    ];
    for (patterns, what) in refused {
        if let Some(found) = words.find(patterns) {
            reasons.push(format!("{what} (\"{found}\")"));
        }
    }
    reasons
}

// ---- 3. Username -------------------------------------------------------------------------------

/// Company markers short enough to occur inside a personal name: matched as a whole part of the
/// username ("acme_llc", "AcmeLLC") or at its end ("acmellc").
const COMPANY_SHORT: &[&str] = &[
    "inc", "llc", "ltd", "plc", "pty", "corp", "co", "srl", "sarl", "bv", "labs", "group",
];
/// Company markers too long to be part of a personal name by chance: matched anywhere.
const COMPANY_LONG: &[&str] = &[
    "gmbh",
    "agency",
    "solutions",
    "technologies",
    "technology",
    "limited",
    "corporation",
    "company",
    "consulting",
    "software",
    "studios",
    "enterprises",
    "services",
    "systems",
    "ventures",
];
/// Usernames of nobody in particular; compared with the username's letters alone, so that
/// "user123" and "test_user" are caught too.
const FAKE_NAMES: &[&str] = &[
    "test",
    "tester",
    "testing",
    "testuser",
    "testaccount",
    "testadmin",
    "admin",
    "administrator",
    "adminuser",
    "user",
    "username",
    "demo",
    "demouser",
    "guest",
    "sample",
    "example",
    "fake",
    "nobody",
    "anonymous",
    "null",
    "none",
    "root",
    "dummy",
    "temp",
    "foo",
    "bar",
    "foobar",
    "xxx",
];
const KEYBOARD_ROWS: &[&str] = &[
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
];
const MIN_USERNAME_CHARS: usize = 3;

/// Checkpoint 3: a valid personal username; no company name, no made-up one.
pub fn username(username: Option<&str>) -> Vec<String> {
    let Some(username) = non_blank(username) else {
        return vec!["no username".to_string()];
    };
    if username.starts_with('~') {
        return vec![format!("\"{username}\" is a profile ID, not a username")];
    }
    let mut reasons = Vec::new();
    if let Some(marker) = company_marker(username) {
        reasons.push(format!("looks like a company name (\"{marker}\")"));
    }
    let letters: String = username
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let digits = username.chars().filter(|c| c.is_ascii_digit()).count();
    if letters.is_empty() && digits > 0 {
        reasons.push("is only digits".to_string());
    } else if FAKE_NAMES.contains(&letters.as_str()) {
        reasons.push(format!("looks like a fake name (\"{username}\")"));
    } else if let Some(run) = keyboard_run(&letters) {
        reasons.push(format!(
            "looks like a fake name: a keyboard run (\"{run}\")"
        ));
    }
    let odd: String = username
        .chars()
        .filter(|c| !(c.is_alphanumeric() || "_.-".contains(*c)))
        .collect();
    if odd.chars().any(char::is_whitespace) {
        reasons.push("contains spaces: a username is one word".to_string());
    } else if !odd.is_empty() {
        reasons.push(format!("has characters a username cannot have (\"{odd}\")"));
    }
    if username.chars().count() < MIN_USERNAME_CHARS {
        reasons.push(format!(
            "is too short (fewer than {MIN_USERNAME_CHARS} characters)"
        ));
    }
    reasons
}

/// The company marker in a username, as written.
fn company_marker(username: &str) -> Option<String> {
    let lower = username.to_lowercase();
    if let Some(marker) = COMPANY_LONG.iter().find(|m| lower.contains(*m)) {
        let start = lower.find(marker).unwrap_or(0);
        return Some(original_slice(username, &lower, start, marker.len()));
    }
    let parts = username_parts(username);
    if let Some(part) = parts
        .iter()
        .find(|p| COMPANY_SHORT.contains(&p.to_lowercase().as_str()))
    {
        return Some(part.clone());
    }
    // "co" at the end of a glued name is too often a personal name ("Franco"); only whole parts.
    COMPANY_SHORT
        .iter()
        .filter(|m| m.len() > 2)
        .find(|m| lower.len() > m.len() && lower.ends_with(*m))
        .map(|m| original_slice(username, &lower, lower.len() - m.len(), m.len()))
}

/// The text of `username` under a byte range found in its lowercase copy (the same bytes for
/// ASCII, which every marker is).
fn original_slice(username: &str, lower: &str, start: usize, len: usize) -> String {
    if username.len() == lower.len() {
        username
            .get(start..start + len)
            .unwrap_or(&lower[start..start + len])
            .to_string()
    } else {
        lower[start..start + len].to_string()
    }
}

/// The parts of a username: split at separators, digits and case changes ("AcmeLLC" gives
/// "Acme" and "LLC", "ABCSolutions" gives "ABC" and "Solutions").
fn username_parts(username: &str) -> Vec<String> {
    let chars: Vec<char> = username.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = match previous {
            Some(p) if p.is_alphabetic() => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
            }
            _ => false,
        };
        if starts_word && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Letters typed along a keyboard row or the alphabet: the whole of them (four or more), or a
/// run of six inside them.
fn keyboard_run(letters: &str) -> Option<String> {
    let count = letters.chars().count();
    if count >= 4 {
        let first = letters.chars().next()?;
        if letters.chars().all(|c| c == first) {
            return Some(letters.to_string());
        }
        if KEYBOARD_ROWS.iter().any(|row| row.contains(letters)) {
            return Some(letters.to_string());
        }
    }
    let chars: Vec<char> = letters.chars().collect();
    chars.windows(6).find_map(|window| {
        let run: String = window.iter().collect();
        KEYBOARD_ROWS
            .iter()
            .any(|row| row.contains(&run))
            .then_some(run)
    })
}

// ---- 4. Address --------------------------------------------------------------------------------

/// Checkpoint 4: a full address, in the personal profile or the company's.
pub fn address(profile: Option<&Address>, company: Option<&Address>) -> Vec<String> {
    let profile_gaps = profile.map(missing_parts);
    let company_gaps = company.map(missing_parts);
    if profile_gaps.as_ref().is_some_and(Vec::is_empty)
        || company_gaps.as_ref().is_some_and(Vec::is_empty)
    {
        return Vec::new();
    }
    let mut reasons = Vec::new();
    for (whose, address, gaps) in [
        ("profile", profile, profile_gaps),
        ("company", company, company_gaps),
    ] {
        if let (Some(address), Some(gaps)) = (address, gaps) {
            let street_only = non_blank(address.street.as_deref()).is_some()
                && [
                    &address.city,
                    &address.region,
                    &address.postal_code,
                    &address.country,
                ]
                .iter()
                .all(|part| non_blank(part.as_deref()).is_none());
            let note = if street_only { " (street only)" } else { "" };
            reasons.push(format!(
                "{whose} address is missing {}{note}",
                gaps.join(", ")
            ));
        }
    }
    if reasons.is_empty() {
        reasons.push("no address in the profile or the company".to_string());
    }
    reasons
}

/// What a full address lacks, in the order an address is written.
fn missing_parts(address: &Address) -> Vec<&'static str> {
    let mut missing = Vec::new();
    match non_blank(address.street.as_deref()) {
        None => missing.push("street"),
        Some(street) if !street.chars().any(|c| c.is_ascii_digit()) => missing.push("house number"),
        Some(_) => {}
    }
    let apartment_building = non_blank(address.building_type.as_deref()).is_some_and(|kind| {
        Words::new(kind)
            .find(&["apartment*", "flat*", "condo*"])
            .is_some()
    });
    let unit_in_street = non_blank(address.street.as_deref()).is_some_and(|street| {
        street.contains('#')
            || Words::new(street)
                .find(&["apt*", "apartment*", "unit", "flat", "suite", "ste"])
                .is_some()
    });
    if apartment_building && non_blank(address.unit.as_deref()).is_none() && !unit_in_street {
        missing.push("apartment/unit number (apartment building)");
    }
    for (part, name) in [
        (&address.city, "city"),
        (&address.postal_code, "postal code"),
        (&address.country, "country"),
    ] {
        if non_blank(part.as_deref()).is_none() {
            missing.push(name);
        }
    }
    missing
}

// ---- 5, 6, 7. The account ----------------------------------------------------------------------

/// Checkpoint 5: the profile has a portrait.
pub fn portrait(present: bool) -> Vec<String> {
    if present {
        Vec::new()
    } else {
        vec!["the profile has no portrait photo".to_string()]
    }
}

/// Checkpoint 6: the account is not suspended.
pub fn suspension(suspended: bool) -> Vec<String> {
    if suspended {
        vec!["the account is suspended".to_string()]
    } else {
        Vec::new()
    }
}

/// Checkpoint 7: earnings strictly above the threshold.
pub fn earnings(earnings: f64) -> Vec<String> {
    if earnings > EARNINGS_THRESHOLD_USD {
        Vec::new()
    } else {
        vec![format!(
            "earnings of {} USD are not above {} USD",
            dollars(earnings),
            dollars(EARNINGS_THRESHOLD_USD)
        )]
    }
}

/// An amount with thousands separators, cents only when there are some.
fn dollars(amount: f64) -> String {
    if !amount.is_finite() {
        return amount.to_string();
    }
    let cents = (amount.abs() * 100.0).round() as u128;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if amount < 0.0 { "-" } else { "" };
    match cents % 100 {
        0 => format!("{sign}{grouped}"),
        rest => format!("{sign}{grouped}.{rest:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_DESCRIPTION: &str = "We will read our team's contracts and time reports to build \
        weekly invoices for our own accounting; internal use only.";

    fn full_address() -> Address {
        Address {
            street: Some("12 Baker Street".into()),
            unit: None,
            building_type: Some("house".into()),
            city: Some("London".into()),
            region: None,
            postal_code: Some("NW1 6XE".into()),
            country: Some("United Kingdom".into()),
        }
    }

    fn one(reasons: Vec<String>) -> String {
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        reasons.into_iter().next().unwrap()
    }

    #[test]
    fn the_macro_titles_are_one_per_checkpoint_in_order() {
        for (i, checkpoint) in CHECKPOINTS.iter().enumerate() {
            assert_eq!(usize::from(checkpoint.number), i + 1);
            assert!(checkpoint.macro_title.starts_with(match checkpoint.number {
                1 => "Title",
                2 => "Description",
                3 => "Username",
                4 => "Address",
                5 => "Profile",
                6 => "Account",
                _ => "Earnings",
            }));
        }
        assert_eq!(CHECKPOINTS[0].macro_title, "Title - No Upwork");
    }

    // 1. Title

    #[test]
    fn title_passes_when_clear_and_without_upwork() {
        assert!(title(Some("Invoice Builder for Acme Bookkeeping")).is_empty());
        // "up" and "work" apart from each other are fine, and so is "setup workflow".
        assert!(title(Some("Setup Workflow Sync")).is_empty());
        assert!(title(Some("Time Tracker 2")).is_empty());
    }

    #[test]
    fn title_rejected_when_missing() {
        assert_eq!(one(title(None)), "has no title");
        assert_eq!(one(title(Some("   "))), "has no title");
    }

    #[test]
    fn title_rejected_when_it_uses_upwork_in_any_spelling() {
        for (text, found) in [
            ("Upwork Job Importer", "Upwork"),
            ("My UpWork Sync", "UpWork"),
            ("myupworkbot", "myupworkbot"),
            ("Up Work Reports", "Up Work"),
            ("up-work reports", "up-work"),
        ] {
            assert_eq!(
                one(title(Some(text))),
                format!("uses \"Upwork\" in the title (\"{found}\")"),
                "{text}"
            );
        }
    }

    #[test]
    fn title_rejected_when_unclear() {
        assert_eq!(one(title(Some("12345"))), "is unclear: it has no letters");
        assert_eq!(
            one(title(Some("AB"))),
            "is too short to say what the app is (\"AB\")"
        );
        for text in ["My App", "test", "API", "new api client 2"] {
            assert_eq!(
                one(title(Some(text))),
                format!("is unclear: only generic words (\"{text}\")"),
            );
        }
    }

    // 2. Description

    #[test]
    fn description_passes_with_use_purpose_and_audience() {
        assert!(description(Some(GOOD_DESCRIPTION), None).is_empty());
        // The audience may come from the form's field instead of the text.
        let text = "We match open jobs to the skills of the freelancers on our team so that they \
                    can send better proposals.";
        assert!(description(Some(text), Some(IntendedUse::Public)).is_empty());
        assert_eq!(description(Some(text), None).len(), 1);
    }

    #[test]
    fn description_rejected_when_missing_or_too_short() {
        assert_eq!(one(description(None, None)), "has no description");
        assert_eq!(one(description(Some(" "), None)), "has no description");
        let reason = one(description(Some("Sync contracts for us."), None));
        assert!(
            reason.starts_with("is too short (4 words, at least 10)"),
            "{reason}"
        );
    }

    #[test]
    fn description_rejected_without_use_purpose_or_audience() {
        let no_use = "We are building a small internal dashboard to keep things organised \
                      for everybody.";
        assert!(
            one(description(Some(no_use), None))
                .starts_with("does not say what the API will be used for")
        );
        let no_purpose = "Internal dashboard of contracts, jobs and time reports for our \
                          accounting staff every week.";
        assert!(
            one(description(Some(no_purpose), None))
                .starts_with("does not say the purpose of the project")
        );
        let no_audience = "We read contracts and time reports to build the weekly invoices \
                           of the agency.";
        assert!(
            one(description(Some(no_audience), None))
                .starts_with("does not say whether the app is internal or public")
        );
    }

    #[test]
    fn description_rejected_for_each_use_the_api_is_not_given_for() {
        let base = "Internal tool that reads jobs and contracts";
        for (tail, expected) in [
            (
                "to resell the data to recruiters.",
                "mentions commercial use or resale (\"resell\")",
            ),
            (
                "to build a commercial lead list product.",
                "mentions commercial use or resale (\"commercial\")",
            ),
            (
                "to collect numbers for my master's thesis.",
                "mentions research (\"thesis\")",
            ),
            (
                "so we can do market research on rates.",
                "mentions research (\"research\")",
            ),
            (
                "but we need it just for testing only.",
                "is for testing only (\"for testing\")",
            ),
            (
                "so I can try out the endpoints first.",
                "is for testing only (\"try out\")",
            ),
            (
                "so we can scrape every profile daily.",
                "mentions scraping (\"scrape\")",
            ),
            (
                "to crawl and harvest freelancer profiles.",
                "mentions scraping (\"crawl\")",
            ),
        ] {
            let text = format!("{base} {tail}");
            assert_eq!(one(description(Some(&text), None)), expected, "{text}");
        }
    }

    // 3. Username

    #[test]
    fn username_passes_when_personal() {
        for name in [
            "janedoe",
            "jane_doe",
            "Jane.Doe",
            "jdoe1987",
            "marco-franco",
            "scorpion77",
        ] {
            assert!(username(Some(name)).is_empty(), "{name}");
        }
    }

    #[test]
    fn username_rejected_when_missing_or_a_profile_id() {
        assert_eq!(one(username(None)), "no username");
        assert_eq!(
            one(username(Some("~01abcdef"))),
            "\"~01abcdef\" is a profile ID, not a username"
        );
    }

    #[test]
    fn username_rejected_when_a_company() {
        for (name, marker) in [
            ("acme_llc", "llc"),
            ("AcmeLLC", "LLC"),
            ("acmeinc", "inc"),
            ("BrightSolutions", "Solutions"),
            ("nordtechnologies", "technologies"),
            ("muster-gmbh", "gmbh"),
            ("pixel.agency", "agency"),
            ("AcmeCorp", "Corp"),
            ("widgets_ltd", "ltd"),
        ] {
            assert_eq!(
                one(username(Some(name))),
                format!("looks like a company name (\"{marker}\")"),
                "{name}"
            );
        }
    }

    #[test]
    fn username_rejected_when_fake() {
        for name in ["test", "admin", "user123", "test_user", "Guest"] {
            assert_eq!(
                one(username(Some(name))),
                format!("looks like a fake name (\"{name}\")")
            );
        }
        assert_eq!(one(username(Some("12345678"))), "is only digits");
        assert_eq!(
            one(username(Some("asdf"))),
            "looks like a fake name: a keyboard run (\"asdf\")"
        );
        assert_eq!(
            one(username(Some("qwerty99"))),
            "looks like a fake name: a keyboard run (\"qwerty\")"
        );
        assert_eq!(
            one(username(Some("xxqwertyuxx"))),
            "looks like a fake name: a keyboard run (\"qwerty\")"
        );
        assert_eq!(
            one(username(Some("zzzz"))),
            "looks like a fake name: a keyboard run (\"zzzz\")"
        );
    }

    #[test]
    fn username_rejected_when_not_valid_as_a_username() {
        assert_eq!(
            one(username(Some("jane doe"))),
            "contains spaces: a username is one word"
        );
        assert_eq!(
            one(username(Some("jane@doe"))),
            "has characters a username cannot have (\"@\")"
        );
        assert_eq!(
            one(username(Some("jd"))),
            "is too short (fewer than 3 characters)"
        );
        // A company name typed as a name is both.
        assert_eq!(
            username(Some("Acme Solutions")),
            vec![
                "looks like a company name (\"Solutions\")".to_string(),
                "contains spaces: a username is one word".to_string()
            ]
        );
    }

    // 4. Address

    #[test]
    fn address_passes_when_full_in_profile_or_company() {
        assert!(address(Some(&full_address()), None).is_empty());
        assert!(address(None, Some(&full_address())).is_empty());
        let street_only = Address {
            street: Some("12 Baker Street".into()),
            ..Address::default()
        };
        assert!(address(Some(&street_only), Some(&full_address())).is_empty());
        let flat = Address {
            building_type: Some("apartment".into()),
            unit: Some("4B".into()),
            ..full_address()
        };
        assert!(address(Some(&flat), None).is_empty());
        let flat_in_street = Address {
            building_type: Some("Apartment building".into()),
            street: Some("12 Baker Street, Apt 4B".into()),
            ..full_address()
        };
        assert!(address(Some(&flat_in_street), None).is_empty());
    }

    #[test]
    fn address_rejected_when_missing() {
        assert_eq!(
            one(address(None, None)),
            "no address in the profile or the company"
        );
    }

    #[test]
    fn address_rejected_when_street_only() {
        let street_only = Address {
            street: Some("12 Baker Street".into()),
            ..Address::default()
        };
        assert_eq!(
            one(address(Some(&street_only), None)),
            "profile address is missing city, postal code, country (street only)"
        );
    }

    #[test]
    fn address_rejected_without_house_number_or_apartment() {
        let no_number = Address {
            street: Some("Baker Street".into()),
            ..full_address()
        };
        assert_eq!(
            one(address(Some(&no_number), None)),
            "profile address is missing house number"
        );
        let flat = Address {
            building_type: Some("apartment".into()),
            ..full_address()
        };
        assert_eq!(
            one(address(None, Some(&flat))),
            "company address is missing apartment/unit number (apartment building)"
        );
    }

    #[test]
    fn address_rejected_names_the_gaps_of_both() {
        let no_city = Address {
            city: None,
            ..full_address()
        };
        let no_street = Address {
            street: None,
            country: Some(" ".into()),
            ..full_address()
        };
        assert_eq!(
            address(Some(&no_city), Some(&no_street)),
            vec![
                "profile address is missing city".to_string(),
                "company address is missing street, country".to_string()
            ]
        );
    }

    // 5, 6, 7

    #[test]
    fn portrait_passes_when_present_and_rejected_when_absent() {
        assert!(portrait(true).is_empty());
        assert_eq!(one(portrait(false)), "the profile has no portrait photo");
    }

    #[test]
    fn suspension_passes_when_not_suspended_and_rejected_when_suspended() {
        assert!(suspension(false).is_empty());
        assert_eq!(one(suspension(true)), "the account is suspended");
    }

    #[test]
    fn earnings_pass_strictly_above_30000() {
        assert!(earnings(30_000.01).is_empty());
        assert!(earnings(1_250_000.0).is_empty());
        assert_eq!(
            one(earnings(30_000.0)),
            "earnings of 30,000 USD are not above 30,000 USD"
        );
        assert_eq!(
            one(earnings(12_500.5)),
            "earnings of 12,500.50 USD are not above 30,000 USD"
        );
        assert_eq!(
            one(earnings(0.0)),
            "earnings of 0 USD are not above 30,000 USD"
        );
    }

    #[test]
    fn check_runs_the_seven_in_order() {
        let request = KeyRequest {
            app_title: Some("Upwork Helper".into()),
            description: Some(GOOD_DESCRIPTION.into()),
            intended_use: None,
            username: Some("janedoe".into()),
            profile_address: Some(full_address()),
            company_address: None,
            portrait: true,
            suspended: false,
            earnings: 45_000.0,
        };
        let results = check(&request);
        let numbers: Vec<u8> = results.iter().map(|r| r.checkpoint.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
        assert!(!results[0].passed());
        assert_eq!(results[0].macro_title(), Some("Title - No Upwork"));
        assert!(results[1..].iter().all(CheckResult::passed));
        assert_eq!(results[1].reason(), None);
    }
}
