//! The rules against requests the desk has seen: each criterion met, missed, and the lookalikes.
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
