//! The rules behind the seven checkpoints: each a plain function of the request that returns
//! [`Mark`]s, a rejection under one of the runbook's criteria or a judgment left to the agent.
//! Each mark says which word or which missing part decided it, so an agent can repeat the decision
//! by hand. docs/keycheck.md gives the source of every rule.

use super::request::{Address, IntendedUse};
use super::words::Words;

/// A title needs at least this many letters to say what the app is.
pub const MIN_TITLE_LETTERS: usize = 3;
/// Fewer words cannot say the use, the purpose and internal/public.
pub const MIN_DESCRIPTION_WORDS: usize = 10;
/// The runbook's earnings line: `>30,000` passes, `<30,000` rejects (US dollars).
pub const EARNINGS_THRESHOLD_USD: f64 = 30_000.0;

/// What a rule found. `criterion` is the 0-based place of the runbook's criterion in the
/// checkpoint's list (`CHECKPOINTS[n].criteria`).
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// The runbook's criterion is met: the checkpoint rejects.
    Reject { criterion: usize, why: String },
    /// The rules do not decide: the agent must judge, looking at what `why` names.
    Review { criterion: usize, why: String },
}

impl Mark {
    /// The tool's explanation.
    pub fn why(&self) -> &str {
        match self {
            Mark::Reject { why, .. } | Mark::Review { why, .. } => why,
        }
    }

    /// The criterion the mark is about.
    pub fn criterion(&self) -> usize {
        match self {
            Mark::Reject { criterion, .. } | Mark::Review { criterion, .. } => *criterion,
        }
    }

    pub fn is_reject(&self) -> bool {
        matches!(self, Mark::Reject { .. })
    }
}

fn reject(criterion: usize, why: impl Into<String>) -> Mark {
    Mark::Reject {
        criterion,
        why: why.into(),
    }
}

fn review(criterion: usize, why: impl Into<String>) -> Mark {
    Mark::Review {
        criterion,
        why: why.into(),
    }
}

// The criteria's places in the runbook's lists (checkpoints.rs holds their words).
const TITLE_UPWORK: usize = 0;
const TITLE_NONE: usize = 1;
const TITLE_UNCLEAR: usize = 2;
const DESCRIPTION_UNCLEAR: usize = 0;
const DESCRIPTION_COMMERCIAL: usize = 1;
const DESCRIPTION_RESEARCH: usize = 2;
const DESCRIPTION_TESTING: usize = 3;
const DESCRIPTION_SCRAPING: usize = 4;
const DESCRIPTION_NAME_OR_TEXT: usize = 5;
const ADDRESS_NONE: usize = 0;
const ADDRESS_PARTIAL: usize = 1;

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

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

// The words the description rules look for.

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

// The username rules' words.

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

// ---- 1. API Request - Title ---------------------------------------------------------------------

/// Former names of Upwork: a title using one may count as "Upwork" in the title; the runbook
/// does not say, so the agent decides.
const FORMER_NAMES: &[&str] = &["odesk", "elance"];

/// Checkpoint 1: a title of its own, clear, without "Upwork".
pub fn title(title: Option<&str>) -> Vec<Mark> {
    let Some(title) = non_blank(title) else {
        return vec![reject(TITLE_NONE, "the request has no title")];
    };
    let words = Words::new(title);
    let mut marks = Vec::new();
    let upwork = upwork_in(&words);
    if let Some(found) = upwork {
        marks.push(reject(TITLE_UPWORK, format!("the title has \"{found}\"")));
    } else if let Some(found) = upwork_lookalike(&words) {
        marks.push(review(
            TITLE_UPWORK,
            format!(
                "the title has \"{found}\", which reads as \"Upwork\" with other characters: \
                 decide whether it uses \"Upwork\" in the title"
            ),
        ));
    } else if upwork_disguised(title) {
        marks.push(review(
            TITLE_UPWORK,
            format!(
                "the title \"{title}\" reads as \"Upwork\" once letters from other alphabets, \
                 full-width letters or letters spelled apart (U.p.w.o.r.k) are read as plain ones: \
                 decide whether it uses \"Upwork\" in the title"
            ),
        ));
    } else if let Some(found) = former_name_in(&words) {
        marks.push(review(
            TITLE_UPWORK,
            format!(
                "the title has \"{found}\", a former name of Upwork: decide whether it counts \
                 as \"Upwork\" in the title"
            ),
        ));
    }
    let letters = title.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        marks.push(reject(TITLE_UNCLEAR, "the title has no letters"));
    } else if letters < MIN_TITLE_LETTERS {
        marks.push(review(
            TITLE_UNCLEAR,
            format!("the title \"{title}\" is very short: decide whether it says what the app is"),
        ));
    } else if upwork.is_none() && words.lower().iter().all(|w| is_generic_title_word(w)) {
        marks.push(review(
            TITLE_UNCLEAR,
            format!(
                "the title \"{title}\" has only generic words: decide whether it says what the \
                 app is"
            ),
        ));
    }
    marks
}

/// A word that becomes "upwork" once digits that look like letters are read as those letters
/// ("Upw0rk", "UPW0RK") or "vv" as "w" ("Upvvork").
fn upwork_lookalike<'a>(words: &Words<'a>) -> Option<&'a str> {
    let lower = words.lower();
    let read = |word: &str| -> String {
        word.chars()
            .map(|c| match c {
                '0' => 'o',
                '1' | '!' => 'l',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                other => other,
            })
            .collect::<String>()
            .replace("vv", "w")
    };
    lower.iter().enumerate().find_map(|(i, word)| {
        if read(word).contains("upwork") {
            return Some(words.original(i..i + 1));
        }
        let next = lower.get(i + 1)?;
        (format!("{}{}", read(word), read(next)) == "upwork").then(|| words.original(i..i + 2))
    })
}

/// True for a title that spells "Upwork" with look-alike characters the word check cannot see:
/// Cyrillic or Greek letters shaped like Latin ones ("Upwоrk" with a Cyrillic о), full-width
/// letters ("Ｕｐｗｏｒｋ"), or letters set apart ("U.p.w.o.r.k", "U p w o r k"). Words that merely
/// meet ("Setup Workflow") are not joined: only runs of single letters are.
fn upwork_disguised(title: &str) -> bool {
    let plain: String = title.chars().map(plain_letter).collect();
    let mut tokens: Vec<String> = Vec::new();
    let mut previous_single = false;
    for token in plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let single = token.chars().count() == 1;
        match tokens.last_mut() {
            Some(last) if single && previous_single => last.push_str(token),
            _ => tokens.push(token.to_string()),
        }
        previous_single = single;
    }
    let read = |word: &str| word.replace('0', "o").replace("vv", "w");
    tokens.iter().any(|t| read(t).contains("upwork"))
        || tokens
            .windows(2)
            .any(|pair| read(&format!("{}{}", pair[0], pair[1])) == "upwork")
}

/// A letter as the plain lowercase Latin one it looks like, when it is a known look-alike.
fn plain_letter(c: char) -> char {
    let c = match c as u32 {
        // Full-width ASCII (U+FF01..U+FF5E) is ASCII shifted by 0xFEE0.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    match c.to_lowercase().next().unwrap_or(c) {
        'а' => 'a',
        'е' => 'e',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'к' | 'κ' => 'k',
        'ԝ' | 'ѡ' | 'ω' => 'w',
        'ս' | 'υ' => 'u',
        'г' => 'r',
        other => other,
    }
}

fn former_name_in<'a>(words: &Words<'a>) -> Option<&'a str> {
    words
        .lower()
        .iter()
        .position(|w| FORMER_NAMES.iter().any(|name| w.contains(name)))
        .map(|i| words.original(i..i + 1))
}

// ---- 2. API Request - Description ---------------------------------------------------------------

/// Checkpoint 2: the runbook asks for "A clear description on what you plan to use our API for",
/// "The purpose of your project" and "Whether you use the application internally or publicly".
/// A use the API is not given for rejects; a description that may not say all three is left to
/// the agent, since "unclear" is a reading, not a word count.
pub fn description(description: Option<&str>, intended_use: Option<IntendedUse>) -> Vec<Mark> {
    let Some(description) = non_blank(description) else {
        return vec![reject(
            DESCRIPTION_NAME_OR_TEXT,
            "the request has no description",
        )];
    };
    let words = Words::new(description);
    let mut marks = Vec::new();
    if words.len() < MIN_DESCRIPTION_WORDS {
        // Too short to say the three things: asking for each again would repeat this one.
        marks.push(review(
            DESCRIPTION_UNCLEAR,
            format!(
                "the description is short ({} words): check that it says what the API will be \
                 used for, the purpose of the project and whether the app is internal or public",
                words.len()
            ),
        ));
    } else {
        if words.find(USE_WORDS).is_none() {
            marks.push(review(
                DESCRIPTION_UNCLEAR,
                "the description names no Upwork data (jobs, contracts, time, reports, \
                 messages, profiles ...): check that it says what the API will be used for",
            ));
        }
        if words.find(PURPOSE_WORDS).is_none() {
            marks.push(review(
                DESCRIPTION_UNCLEAR,
                "the description has no \"to ...\", \"so that\", \"in order to\", \"purpose\" \
                 ...: check that it says the purpose of the project",
            ));
        }
        let says_who = intended_use.is_some()
            || words.find(INTERNAL_WORDS).is_some()
            || words.find(PUBLIC_WORDS).is_some();
        if !says_who {
            marks.push(review(
                DESCRIPTION_UNCLEAR,
                "neither the description nor intended_use says whether the app is used \
                 internally or publicly",
            ));
        }
    }
    let refused = [
        (
            COMMERCIAL_WORDS,
            DESCRIPTION_COMMERCIAL,
            "commercial use or resale",
        ),
        (RESEARCH_WORDS, DESCRIPTION_RESEARCH, "research"),
        (TESTING_WORDS, DESCRIPTION_TESTING, "testing only"),
        (SCRAPING_WORDS, DESCRIPTION_SCRAPING, "scraping"),
    ];
    for (patterns, criterion, what) in refused {
        if let Some(found) = words.find(patterns) {
            if negated(description, found) {
                // "We will never scrape", "not for commercial use": the words of a refused use,
                // said to rule it out. The rules cannot read that far: the agent decides.
                marks.push(review(
                    criterion,
                    format!(
                        "the description mentions {what} (\"{found}\") after a negation: decide \
                         whether it rules that use out"
                    ),
                ));
            } else {
                marks.push(reject(
                    criterion,
                    format!("the description mentions {what} (\"{found}\")"),
                ));
            }
        }
    }
    marks
}

/// True when a negation ("not", "never", "no", "don't", "won't", "without") stands within the
/// four words before `found` in `text`.
fn negated(text: &str, found: &str) -> bool {
    let lower = text.to_lowercase();
    let Some(at) = lower.find(&found.to_lowercase()) else {
        return false;
    };
    lower[..at]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .rev()
        .take(4)
        .any(|w| {
            matches!(
                w,
                "not"
                    | "never"
                    | "no"
                    | "nor"
                    | "don't"
                    | "won't"
                    | "doesn't"
                    | "without"
                    | "don’t"
                    | "won’t"
            )
        })
}

// ---- 3. OBO - Username --------------------------------------------------------------------------

/// Checkpoint 3: "valid username (no company names (company name PNV) or fake names are
/// allowed)". Every mark is the runbook's one criterion; the reason says which part failed.
pub fn username(username: Option<&str>) -> Vec<Mark> {
    username_problems(username)
        .into_iter()
        .map(|why| reject(0, format!("the username {why}")))
        .collect()
}

fn username_problems(username: Option<&str>) -> Vec<String> {
    let Some(username) = non_blank(username) else {
        return vec!["is missing".to_string()];
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

// ---- 4. OBO - Address ---------------------------------------------------------------------------

/// What one address shows against the runbook's "full valid address".
enum AddressReading {
    Full,
    /// "Users omit apartment, or specify only street".
    Invalid(String),
    /// Not full by the rules' reading, or not decidable by them.
    Doubtful(String),
}

/// Checkpoint 4: "either address in personal profile or company’s address must be provided",
/// full and valid. One full address passes; the checkpoint rejects only when every address given
/// is invalid under a criterion; anything else is the agent's call.
pub fn address(profile: Option<&Address>, company: Option<&Address>) -> Vec<Mark> {
    let readings: Vec<(&str, AddressReading)> = [("profile", profile), ("company", company)]
        .into_iter()
        .filter_map(|(whose, address)| address.map(|a| (whose, read_address(a))))
        .collect();
    if readings.is_empty() {
        return vec![reject(
            ADDRESS_NONE,
            "no address in the personal profile or the company's",
        )];
    }
    if readings
        .iter()
        .any(|(_, r)| matches!(r, AddressReading::Full))
    {
        return Vec::new();
    }
    let doubtful = readings
        .iter()
        .any(|(_, r)| matches!(r, AddressReading::Doubtful(_)));
    readings
        .into_iter()
        .map(|(whose, reading)| match reading {
            AddressReading::Invalid(why) if !doubtful => {
                reject(ADDRESS_PARTIAL, format!("the {whose} address {why}"))
            }
            AddressReading::Invalid(why) | AddressReading::Doubtful(why) => {
                review(ADDRESS_PARTIAL, format!("the {whose} address {why}"))
            }
            AddressReading::Full => unreachable!("a full address passed above"),
        })
        .collect()
}

fn read_address(address: &Address) -> AddressReading {
    let street = non_blank(address.street.as_deref());
    let others = [
        &address.city,
        &address.region,
        &address.postal_code,
        &address.country,
    ];
    if street.is_some()
        && others
            .iter()
            .all(|part| non_blank(part.as_deref()).is_none())
    {
        return AddressReading::Invalid("has only a street".to_string());
    }
    let apartment_building = non_blank(address.building_type.as_deref()).is_some_and(|kind| {
        Words::new(kind)
            .find(&["apartment*", "flat*", "condo*"])
            .is_some()
    });
    let unit_given = non_blank(address.unit.as_deref()).is_some()
        || street.is_some_and(|street| {
            street.contains('#')
                || Words::new(street)
                    .find(&["apt*", "apartment*", "unit", "flat", "suite", "ste"])
                    .is_some()
        });
    if apartment_building && !unit_given {
        return AddressReading::Invalid(
            "is in an apartment building and omits the apartment".to_string(),
        );
    }
    let mut doubts = Vec::new();
    let mut missing = Vec::new();
    match street {
        None => missing.push("street"),
        Some(street) if !street.chars().any(|c| c.is_ascii_digit()) => missing.push("house number"),
        Some(_) => {}
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
    if !missing.is_empty() {
        doubts.push(format!(
            "has no {}: decide whether it is a full valid address",
            missing.join(", ")
        ));
    }
    if let Some(found) = street.and_then(|s| Words::new(s).find(PO_BOX_WORDS)) {
        doubts.push(format!(
            "is a post office box (\"{found}\"): decide whether it is a valid address"
        ));
    }
    for (part, name) in [(&address.street, "street"), (&address.city, "city")] {
        let text = non_blank(part.as_deref());
        if let Some(text) = text.filter(|t| t.chars().filter(|c| c.is_alphanumeric()).count() <= 1)
        {
            doubts.push(format!(
                "has a {name} of one character (\"{text}\"): decide whether it is real"
            ));
        }
    }
    if non_blank(address.building_type.as_deref()).is_none() && !unit_given {
        doubts.push(
            "gives no building type and no apartment: check whether it is an apartment \
             building whose apartment is omitted"
                .to_string(),
        );
    }
    if doubts.is_empty() {
        AddressReading::Full
    } else {
        AddressReading::Doubtful(doubts.join("; "))
    }
}

/// How a post office box is written in a street line.
const PO_BOX_WORDS: &[&str] = &["p o box", "po box", "pobox", "post office box", "postfach"];

// ---- 5, 6, 7. The account -----------------------------------------------------------------------

/// Checkpoint 5: "profile portrait"; the criterion is "Without valid Portrait".
pub fn portrait(present: bool) -> Vec<Mark> {
    if present {
        Vec::new()
    } else {
        vec![reject(0, "the profile has no portrait")]
    }
}

/// Checkpoint 6: "Check if user is suspended".
pub fn suspension(suspended: bool) -> Vec<Mark> {
    if suspended {
        vec![reject(0, "the account is suspended")]
    } else {
        Vec::new()
    }
}

/// Checkpoint 7: `>30,000` passes, `<30,000` rejects; exactly 30,000 is neither, so the agent
/// decides. Non-finite or negative earnings never get here (request.rs refuses them).
pub fn earnings(earnings: f64) -> Vec<Mark> {
    let amount = dollars(earnings);
    if earnings > EARNINGS_THRESHOLD_USD {
        Vec::new()
    } else if earnings < EARNINGS_THRESHOLD_USD {
        vec![reject(0, format!("earnings are {amount} USD"))]
    } else {
        vec![review(
            0,
            format!(
                "earnings are exactly {amount} USD: the runbook passes \">30,000\" and rejects \
                 \"<30,000\", so this amount is neither; decide"
            ),
        )]
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

    /// The one mark's text, checking that it rejects.
    fn rejects(marks: Vec<Mark>) -> String {
        assert_eq!(marks.len(), 1, "{marks:?}");
        assert!(marks[0].is_reject(), "{marks:?}");
        marks[0].why().to_string()
    }

    /// The one mark's text, checking that it asks for judgment.
    fn reviews(marks: Vec<Mark>) -> String {
        assert_eq!(marks.len(), 1, "{marks:?}");
        assert!(!marks[0].is_reject(), "{marks:?}");
        marks[0].why().to_string()
    }

    // 1. API Request - Title

    #[test]
    fn a_refused_use_ruled_out_is_the_agents_call_not_a_rejection() {
        for text in [
            "A dashboard for our own team to track contracts. We will never scrape or resell any data.",
            "A dashboard for our own team to track contracts. Not for commercial use of any kind.",
        ] {
            let marks = description(Some(text), None);
            assert!(
                !marks.iter().any(|m| matches!(m, Mark::Reject { .. })),
                "{text}: {marks:?}"
            );
            assert!(
                marks.iter().any(|m| matches!(m, Mark::Review { .. })),
                "{text}: {marks:?}"
            );
        }
    }

    #[test]
    fn upwork_in_other_alphabets_or_spelled_apart_is_the_agents_call() {
        for text in [
            "Upwоrk Sync",
            "Ｕｐｗｏｒｋ Sync",
            "U.p.w.o.r.k Sync",
            "U p w o r k Sync",
        ] {
            let marks = title(Some(text));
            assert!(
                marks.iter().any(|m| m.criterion() == TITLE_UPWORK),
                "{text}: {}",
                marks.len()
            );
        }
        assert!(!upwork_disguised("Setup Workflow Sync"));
    }

    #[test]
    fn title_passes_when_clear_and_without_upwork() {
        assert!(title(Some("Invoice Builder for Acme Bookkeeping")).is_empty());
        // "up" and "work" apart from each other are fine, and so is "setup workflow".
        assert!(title(Some("Setup Workflow Sync")).is_empty());
        assert!(title(Some("Time Tracker 2")).is_empty());
    }

    #[test]
    fn title_rejected_as_no_title_when_missing() {
        for text in [None, Some("   ")] {
            let marks = title(text);
            assert_eq!(marks[0].criterion(), TITLE_NONE);
            assert_eq!(rejects(marks), "the request has no title");
        }
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
            let marks = title(Some(text));
            assert_eq!(marks[0].criterion(), TITLE_UPWORK, "{text}");
            assert_eq!(
                rejects(marks),
                format!("the title has \"{found}\""),
                "{text}"
            );
        }
    }

    #[test]
    fn lookalikes_and_former_names_of_upwork_are_the_agents_call() {
        for (text, found) in [
            ("Upw0rk Sync", "Upw0rk"),
            ("UPVVORK tracker", "UPVVORK"),
            ("Up W0rk Reports", "Up W0rk"),
        ] {
            let marks = title(Some(text));
            assert_eq!(marks[0].criterion(), TITLE_UPWORK, "{text}");
            let why = reviews(marks);
            assert!(
                why.starts_with(&format!("the title has \"{found}\"")),
                "{why}"
            );
        }
        let why = reviews(title(Some("oDesk Time Sync")));
        assert!(
            why.starts_with("the title has \"oDesk\", a former name of Upwork"),
            "{why}"
        );
    }

    #[test]
    fn an_unclear_title_rejects_without_letters_and_is_reviewed_otherwise() {
        let marks = title(Some("12345"));
        assert_eq!(marks[0].criterion(), TITLE_UNCLEAR);
        assert_eq!(rejects(marks), "the title has no letters");
        assert!(reviews(title(Some("AB"))).contains("is very short"));
        for text in ["My App", "test", "API", "new api client 2"] {
            assert!(
                reviews(title(Some(text))).contains("has only generic words"),
                "{text}"
            );
        }
    }

    // 2. API Request - Description

    #[test]
    fn description_passes_with_use_purpose_and_audience() {
        assert!(description(Some(GOOD_DESCRIPTION), None).is_empty());
        // The audience may come from the form's field instead of the text.
        let text = "We match open jobs to the skills of the freelancers on our team so that they \
                    can send better proposals.";
        assert!(description(Some(text), Some(IntendedUse::Public)).is_empty());
        assert!(reviews(description(Some(text), None)).contains("internally or publicly"));
    }

    #[test]
    fn a_missing_description_rejects_a_short_one_is_reviewed() {
        for text in [None, Some(" ")] {
            let marks = description(text, None);
            assert_eq!(marks[0].criterion(), DESCRIPTION_NAME_OR_TEXT);
            assert_eq!(rejects(marks), "the request has no description");
        }
        let why = reviews(description(Some("Sync contracts for us."), None));
        assert!(
            why.starts_with("the description is short (4 words)"),
            "{why}"
        );
    }

    #[test]
    fn a_description_without_use_purpose_or_audience_is_reviewed() {
        let no_use = "We are building a small internal dashboard to keep things organised \
                      for everybody.";
        assert!(reviews(description(Some(no_use), None)).contains("names no Upwork data"));
        let no_purpose = "Internal dashboard of contracts, jobs and time reports for our \
                          accounting staff every week.";
        assert!(reviews(description(Some(no_purpose), None)).contains("the purpose"));
        let no_audience = "We read contracts and time reports to build the weekly invoices \
                           of the agency.";
        assert!(reviews(description(Some(no_audience), None)).contains("internally or publicly"));
    }

    #[test]
    fn description_rejected_for_each_use_the_api_is_not_given_for() {
        let base = "Internal tool that reads jobs and contracts";
        for (tail, criterion, expected) in [
            (
                "to resell the data to recruiters.",
                DESCRIPTION_COMMERCIAL,
                "commercial use or resale (\"resell\")",
            ),
            (
                "to build a commercial lead list product.",
                DESCRIPTION_COMMERCIAL,
                "commercial use or resale (\"commercial\")",
            ),
            (
                "to collect numbers for my master's thesis.",
                DESCRIPTION_RESEARCH,
                "research (\"thesis\")",
            ),
            (
                "so we can do market research on rates.",
                DESCRIPTION_RESEARCH,
                "research (\"research\")",
            ),
            (
                "but we need it just for testing only.",
                DESCRIPTION_TESTING,
                "testing only (\"for testing\")",
            ),
            (
                "so I can try out the endpoints first.",
                DESCRIPTION_TESTING,
                "testing only (\"try out\")",
            ),
            (
                "so we can scrape every profile daily.",
                DESCRIPTION_SCRAPING,
                "scraping (\"scrape\")",
            ),
            (
                "to crawl and harvest freelancer profiles.",
                DESCRIPTION_SCRAPING,
                "scraping (\"crawl\")",
            ),
        ] {
            let text = format!("{base} {tail}");
            let marks = description(Some(&text), None);
            assert_eq!(marks[0].criterion(), criterion, "{text}");
            assert_eq!(
                rejects(marks),
                format!("the description mentions {expected}"),
                "{text}"
            );
        }
    }

    // 3. OBO - Username

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
    fn username_rejected_when_missing_a_profile_id_a_company_or_fake() {
        assert_eq!(rejects(username(None)), "the username is missing");
        assert_eq!(
            rejects(username(Some("~01abcdef"))),
            "the username \"~01abcdef\" is a profile ID, not a username"
        );
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
                rejects(username(Some(name))),
                format!("the username looks like a company name (\"{marker}\")"),
                "{name}"
            );
        }
        for name in ["test", "admin", "user123", "test_user", "Guest"] {
            assert_eq!(
                rejects(username(Some(name))),
                format!("the username looks like a fake name (\"{name}\")")
            );
        }
        for (name, run) in [
            ("asdf", "asdf"),
            ("qwerty99", "qwerty"),
            ("xxqwertyuxx", "qwerty"),
            ("zzzz", "zzzz"),
        ] {
            assert_eq!(
                rejects(username(Some(name))),
                format!("the username looks like a fake name: a keyboard run (\"{run}\")")
            );
        }
        assert_eq!(
            rejects(username(Some("12345678"))),
            "the username is only digits"
        );
        assert_eq!(
            rejects(username(Some("jane@doe"))),
            "the username has characters a username cannot have (\"@\")"
        );
        assert_eq!(
            rejects(username(Some("jd"))),
            "the username is too short (fewer than 3 characters)"
        );
        // A company name typed as a name is both.
        let marks = username(Some("Acme Solutions"));
        let whys: Vec<&str> = marks.iter().map(Mark::why).collect();
        assert_eq!(
            whys,
            [
                "the username looks like a company name (\"Solutions\")",
                "the username contains spaces: a username is one word"
            ]
        );
    }

    // 4. OBO - Address

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
        // No building type, but the apartment is given: nothing is omitted.
        let unit_no_type = Address {
            building_type: None,
            unit: Some("4B".into()),
            ..full_address()
        };
        assert!(address(Some(&unit_no_type), None).is_empty());
    }

    #[test]
    fn address_rejected_when_missing_street_only_or_apartment_omitted() {
        let marks = address(None, None);
        assert_eq!(marks[0].criterion(), ADDRESS_NONE);
        assert_eq!(
            rejects(marks),
            "no address in the personal profile or the company's"
        );
        let street_only = Address {
            street: Some("12 Baker Street".into()),
            ..Address::default()
        };
        let marks = address(Some(&street_only), None);
        assert_eq!(marks[0].criterion(), ADDRESS_PARTIAL);
        assert_eq!(rejects(marks), "the profile address has only a street");
        let flat = Address {
            building_type: Some("apartment".into()),
            ..full_address()
        };
        assert_eq!(
            rejects(address(None, Some(&flat))),
            "the company address is in an apartment building and omits the apartment"
        );
    }

    #[test]
    fn what_the_runbook_does_not_decide_is_reviewed() {
        let cases = [
            (
                Address {
                    street: Some("P.O. Box 1234".into()),
                    ..full_address()
                },
                "is a post office box (\"P.O. Box\")",
            ),
            (
                Address {
                    street: Some("1".into()),
                    city: Some("X".into()),
                    ..full_address()
                },
                "has a street of one character (\"1\")",
            ),
            (
                Address {
                    building_type: None,
                    ..full_address()
                },
                "gives no building type and no apartment",
            ),
            (
                Address {
                    street: Some("Baker Street".into()),
                    ..full_address()
                },
                "has no house number",
            ),
            (
                Address {
                    postal_code: None,
                    ..full_address()
                },
                "has no postal code",
            ),
        ];
        for (address_given, expected) in cases {
            let why = reviews(address(Some(&address_given), None));
            assert!(why.contains(expected), "{why}");
        }
        let one_letter_city = Address {
            city: Some("X".into()),
            ..full_address()
        };
        assert!(
            reviews(address(Some(&one_letter_city), None))
                .contains("has a city of one character (\"X\")")
        );
    }

    #[test]
    fn an_invalid_address_beside_a_doubtful_one_is_not_rejected() {
        let street_only = Address {
            street: Some("12 Baker Street".into()),
            ..Address::default()
        };
        let po_box = Address {
            street: Some("PO Box 77".into()),
            ..full_address()
        };
        let marks = address(Some(&street_only), Some(&po_box));
        assert_eq!(marks.len(), 2);
        assert!(marks.iter().all(|m| !m.is_reject()), "{marks:?}");
    }

    // 5, 6, 7

    #[test]
    fn portrait_and_suspension() {
        assert!(portrait(true).is_empty());
        assert_eq!(rejects(portrait(false)), "the profile has no portrait");
        assert!(suspension(false).is_empty());
        assert_eq!(rejects(suspension(true)), "the account is suspended");
    }

    #[test]
    fn earnings_above_pass_below_reject_and_exactly_30000_is_reviewed() {
        assert!(earnings(30_000.01).is_empty());
        assert!(earnings(1_250_000.0).is_empty());
        assert_eq!(rejects(earnings(12_500.5)), "earnings are 12,500.50 USD");
        assert_eq!(rejects(earnings(0.0)), "earnings are 0 USD");
        assert_eq!(rejects(earnings(29_999.99)), "earnings are 29,999.99 USD");
        let why = reviews(earnings(30_000.0));
        assert!(why.starts_with("earnings are exactly 30,000 USD"), "{why}");
    }
}
