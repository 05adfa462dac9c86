//! The rules behind the seven checkpoints: each a plain function of the request that returns
//! [`Mark`]s, a rejection under one of the runbook's criteria or a judgment left to the agent.
//! Each mark says which word or which missing part decided it, so an agent can repeat the decision
//! by hand. docs/keycheck.md gives the source of every rule.

mod lexicon;

use super::request::{Address, IntendedUse};
use super::words::Words;
use lexicon::*;

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

// The username rules' words.

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
mod tests;
