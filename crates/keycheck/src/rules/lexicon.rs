//! The words the rules look for, in the runbook's terms: what makes a title generic, a
//! description commercial, research, testing or scraping, a username a company's or made up.

/// Words that say nothing of what an app does: a title made of these alone is unclear.
pub(super) const GENERIC_TITLE_WORDS: &[&str] = &[
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

/// Upwork data or actions: naming one says what the API will be used for.
pub(super) const USE_WORDS: &[&str] = &[
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
pub(super) const PURPOSE_WORDS: &[&str] = &[
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

pub(super) const INTERNAL_WORDS: &[&str] = &[
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

pub(super) const PUBLIC_WORDS: &[&str] = &[
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

pub(super) const COMMERCIAL_WORDS: &[&str] = &[
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

pub(super) const RESEARCH_WORDS: &[&str] = &[
    "research*",
    "thesis",
    "dissertation*",
    "academic*",
    "scientific study",
    "university project",
    "school project",
    "student project",
];

pub(super) const TESTING_WORDS: &[&str] = &[
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

pub(super) const SCRAPING_WORDS: &[&str] = &[
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

/// Company markers short enough to occur inside a personal name: matched as a whole part of the
/// username ("acme_llc", "AcmeLLC") or at its end ("acmellc").
pub(super) const COMPANY_SHORT: &[&str] = &[
    "inc", "llc", "ltd", "plc", "pty", "corp", "co", "srl", "sarl", "bv", "labs", "group",
];

/// Company markers too long to be part of a personal name by chance: matched anywhere.
pub(super) const COMPANY_LONG: &[&str] = &[
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
pub(super) const FAKE_NAMES: &[&str] = &[
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

pub(super) const KEYBOARD_ROWS: &[&str] = &[
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
];

/// Former names of Upwork: a title using one may count as "Upwork" in the title; the runbook
/// does not say, so the agent decides.
pub(super) const FORMER_NAMES: &[&str] = &["odesk", "elance"];

/// How a post office box is written in a street line.
pub(super) const PO_BOX_WORDS: &[&str] =
    &["p o box", "po box", "pobox", "post office box", "postfach"];
