//! The OAuth 2 scopes an API key is granted in the API Center, by the names the API Center shows,
//! and which GraphQL fields each one opens. The emulator refuses a field whose scope a token lacks,
//! and `scope-missing` names the scope to add for each field Upwork refused: both read this table.
//!
//! The scope names are those of the API Center's key form as developers quote them. Which scope
//! covers which field is not published as a table by Upwork: the entries below follow the scope
//! descriptions ("Common Entities - Read-Only Access" covers City, Country, Organization, User,
//! Money ...) and the field lists of real refusals. An entry may be wrong for a field Upwork moved;
//! a field missing here is reported as such, never guessed.

/// Required for every call: users, organizations, money, locations, paging.
pub const COMMON_ENTITIES: &str = "Common Entities - Read-Only Access";
/// Cross-cutting mutations (e.g. attachments).
pub const COMMON_FUNCTIONALITY: &str = "Common Functionality - Read And Write Access";
/// Activity (task) codes, read.
pub const ACTIVITY_READ: &str = "Activity Entities - Read-Only Access";
/// Activity (task) codes, read and write.
pub const ACTIVITY_WRITE: &str = "Activity Entities - Read and Write Access";
/// Proposals received by a client.
pub const CLIENT_PROPOSALS: &str = "Client Proposals - Read And Write Access";
/// Contracts (and their milestones, work days).
pub const CONTRACT: &str = "Contract - Read and Write Access";
/// A freelancer's own profile.
pub const FREELANCER_PROFILE: &str = "Freelancer Profile - Read And Write Access";
/// The client's job postings, read.
pub const JOB_POSTINGS_READ: &str = "Job Postings - Read-Only Access";
/// The client's job postings, read and write.
pub const JOB_POSTINGS_WRITE: &str = "Job Postings - Read and Write Access";
/// Public marketplace job postings and their search.
pub const MARKETPLACE_JOB_POSTINGS: &str = "Read marketplace Job Postings";
/// Messaging rooms and stories, read.
pub const MESSAGING_READ: &str = "Messaging - Read-Only Access";
/// Messaging rooms and stories, read and write.
pub const MESSAGING_WRITE: &str = "Messaging - Read and Write Access";
/// Offers, read.
pub const OFFER_READ: &str = "Offer - Read-Only Access";
/// Offers, read and write.
pub const OFFER_WRITE: &str = "Offer - Read And Write Access";
/// Organization settings and structure, read and write.
pub const ORGANIZATION: &str = "Organization - Read and Write Access";
/// Payments (bonuses, milestone payments).
pub const PAYMENTS: &str = "Payments - Read and Write Access";
/// Work diary snapshots.
pub const SNAPSHOTS: &str = "Snapshots - Read-Only Access";
/// Talent profiles (portfolio, personas).
pub const TALENT_PROFILE: &str = "Talent Profile - Read And Write Access";
/// Time sheets (time reports).
pub const TIMESHEET: &str = "TimeSheet - Read-Only Access";
/// Transaction history.
pub const TRANSACTION_DATA: &str = "Transaction Data - Read-Only Access";
/// The user's private details (e-mail ...).
pub const VIEW_USER_DETAILS: &str = "View UserDetails";
/// A company's work diary.
pub const WORK_DIARY_COMPANY: &str = "Work Diary Company - Read-Only Access";

/// Every scope known here.
pub const ALL: [&str; 22] = [
    COMMON_ENTITIES,
    COMMON_FUNCTIONALITY,
    ACTIVITY_READ,
    ACTIVITY_WRITE,
    CLIENT_PROPOSALS,
    CONTRACT,
    FREELANCER_PROFILE,
    JOB_POSTINGS_READ,
    JOB_POSTINGS_WRITE,
    MARKETPLACE_JOB_POSTINGS,
    MESSAGING_READ,
    MESSAGING_WRITE,
    OFFER_READ,
    OFFER_WRITE,
    ORGANIZATION,
    PAYMENTS,
    SNAPSHOTS,
    TALENT_PROFILE,
    TIMESHEET,
    TRANSACTION_DATA,
    VIEW_USER_DETAILS,
    WORK_DIARY_COMPANY,
];

/// The known scope of this name, compared without case.
pub fn canonical(name: &str) -> Option<&'static str> {
    ALL.iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name.trim()))
}

/// A field of the GraphQL schema (`Type.field`), or a whole type (`Type`), and the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FieldScope {
    pub field: &'static str,
    pub scope: &'static str,
}

const fn grant(field: &'static str, scope: &'static str) -> FieldScope {
    FieldScope { field, scope }
}

/// Fields and types, and the scope that opens them. An exact `Type.field` entry wins over the
/// entry of its type.
pub const FIELD_SCOPES: &[FieldScope] = &[
    // The root fields.
    grant("Query.user", COMMON_ENTITIES),
    grant("Query.organization", COMMON_ENTITIES),
    grant("Query.companySelector", COMMON_ENTITIES),
    grant("Query.freelancerProfileByProfileKey", FREELANCER_PROFILE),
    grant("Query.talentProfileByProfileKey", TALENT_PROFILE),
    grant(
        "Query.marketplaceJobPostingsSearch",
        MARKETPLACE_JOB_POSTINGS,
    ),
    grant("Query.marketplaceJobPosting", MARKETPLACE_JOB_POSTINGS),
    grant("Query.jobPosting", JOB_POSTINGS_READ),
    grant("Query.contract", CONTRACT),
    grant("Query.offer", OFFER_READ),
    grant("Query.roomList", MESSAGING_READ),
    grant("Query.room", MESSAGING_READ),
    grant("Query.vendorProposals", CLIENT_PROPOSALS),
    grant("Query.workDiaryCompany", WORK_DIARY_COMPANY),
    grant("Query.timeReport", TIMESHEET),
    grant("Query.transactionHistory", TRANSACTION_DATA),
    grant("Mutation.sendMessage", MESSAGING_WRITE),
    grant("Mutation.createRoomV2", MESSAGING_WRITE),
    grant("Mutation.makeOffer", OFFER_WRITE),
    grant("Mutation.createJobPosting", JOB_POSTINGS_WRITE),
    // Fields that need more than their type's scope.
    grant("User.email", VIEW_USER_DETAILS),
    grant("Contract.workDiaryTimeCells", WORK_DIARY_COMPANY),
    grant("Contract.offer", OFFER_READ),
    grant("MarketplaceJobPosting.client", COMMON_ENTITIES),
    // Whole types.
    grant("User", COMMON_ENTITIES),
    grant("Organization", COMMON_ENTITIES),
    grant("CompanySelector", COMMON_ENTITIES),
    grant("Money", COMMON_ENTITIES),
    grant("DateTime", COMMON_ENTITIES),
    grant("PageInfo", COMMON_ENTITIES),
    grant("Country", COMMON_ENTITIES),
    grant("City", COMMON_ENTITIES),
    grant("FreelancerProfile", FREELANCER_PROFILE),
    grant("TalentProfile", TALENT_PROFILE),
    grant(
        "MarketplaceJobPostingSearchConnection",
        MARKETPLACE_JOB_POSTINGS,
    ),
    grant("MarketplaceJobPosting", MARKETPLACE_JOB_POSTINGS),
    grant("JobPosting", JOB_POSTINGS_READ),
    grant("Contract", CONTRACT),
    grant("Offer", OFFER_READ),
    grant("RoomConnection", MESSAGING_READ),
    grant("Room", MESSAGING_READ),
    grant("WorkDiaryCompany", WORK_DIARY_COMPANY),
    grant("TimeReport", TIMESHEET),
    grant("TransactionHistory", TRANSACTION_DATA),
];

/// The scope that opens `Type.field` (or a whole `Type`), if this table knows it.
pub fn scope_for(field: &str) -> Option<&'static str> {
    let field = field.trim();
    let exact = FIELD_SCOPES.iter().find(|g| g.field == field);
    let by_type = || {
        let ty = field.split_once('.').map_or(field, |(ty, _)| ty);
        FIELD_SCOPES.iter().find(|g| g.field == ty)
    };
    exact.or_else(by_type).map(|g| g.scope)
}

/// The scopes to add for these refused fields, each once in table order, and the fields this
/// table does not know.
pub fn scopes_for_fields(fields: &[String]) -> (Vec<&'static str>, Vec<&str>) {
    let mut scopes: Vec<&'static str> = Vec::new();
    let mut unknown = Vec::new();
    for field in fields {
        match scope_for(field) {
            Some(scope) if !scopes.contains(&scope) => scopes.push(scope),
            Some(_) => {}
            None => unknown.push(field.as_str()),
        }
    }
    scopes.sort_by_key(|s| ALL.iter().position(|a| a == s));
    (scopes, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_fields_win_over_their_type() {
        assert_eq!(scope_for("User.id"), Some(COMMON_ENTITIES));
        assert_eq!(scope_for("User.email"), Some(VIEW_USER_DETAILS));
        assert_eq!(scope_for("Query.roomList"), Some(MESSAGING_READ));
        assert_eq!(scope_for("Money.rawValue"), Some(COMMON_ENTITIES));
        assert_eq!(scope_for("Nothing.here"), None);
    }

    #[test]
    fn every_grant_names_a_known_scope_once() {
        for (i, g) in FIELD_SCOPES.iter().enumerate() {
            assert!(ALL.contains(&g.scope), "{}", g.scope);
            assert!(
                FIELD_SCOPES[i + 1..].iter().all(|o| o.field != g.field),
                "{}",
                g.field
            );
        }
        assert_eq!(
            canonical("common entities - read-only access"),
            Some(COMMON_ENTITIES)
        );
    }

    #[test]
    fn refused_fields_give_each_scope_once() {
        let fields: Vec<String> = [
            "Money.currency",
            "Money.rawValue",
            "Query.contract",
            "Foo.bar",
        ]
        .map(String::from)
        .to_vec();
        let (scopes, unknown) = scopes_for_fields(&fields);
        assert_eq!(scopes, [COMMON_ENTITIES, CONTRACT]);
        assert_eq!(unknown, ["Foo.bar"]);
    }
}
