//! The key permissions a legacy (OAuth 1.0) API key is granted, named as the API Center listed them
//! when a key was requested. An endpoint answers 403 to a key that lacks its permission, whatever
//! the user may do.
//!
//! The names are the API Center's own wording as client libraries and key-request guides quote it
//! (the list of the key request form). The form showed them in lower case after the first word;
//! they are compared without case.

/// `GET /api/auth/v1/info.json`.
pub const BASIC_INFO: &str = "Access your basic info";
/// Ending contracts.
pub const CLOSE_CONTRACTS: &str = "Close your contracts";
/// Posting, editing and closing job posts.
pub const MANAGE_JOB_POSTS: &str = "Create, modify and remove job posts";
/// Making offers to freelancers.
pub const MAKE_OFFER: &str = "Make a job offer";
/// Custom (one-time) payments and bonuses.
pub const ONE_TIME_PAYMENTS: &str = "Make one-time payments to your contractors";
/// Reading contracts and fixed-price milestones.
pub const VIEW_CONTRACTS: &str = "View your contracts";
/// Payment history.
pub const PAYMENT_HISTORY: &str = "Access your payment history";
/// Reading the client's job posts.
pub const VIEW_JOB_POSTS: &str = "View your job posts";
/// Reading offers.
pub const VIEW_OFFERS: &str = "View your job offers";
/// Sending messages, creating rooms, changing room settings.
pub const SEND_MESSAGES: &str = "Send and organize your messages";
/// Reading messages.
pub const MESSAGES: &str = "Access your messages";
/// Companies, teams and their users under `/api/hr/v2/`.
pub const TEAMS: &str = "View the structure of your companies/teams";
/// Reading task (activity) codes.
pub const VIEW_TASK_CODES: &str = "View task codes";
/// Creating and changing task (activity) codes.
pub const MODIFY_TASK_CODES: &str = "Modify task codes";
/// Time and financial reports under `/gds/`.
pub const REPORTS: &str = "Generate time and financial reports for your companies and teams";
/// Reading the work diary.
pub const WORKDIARY: &str = "View your workdiary";
/// Changing the work diary (memos, deleting snapshots).
pub const MODIFY_WORKDIARY: &str = "Modify your workdiary";
/// Job and freelancer search and public profiles.
pub const SEARCH: &str =
    "Read and search profiles of contractors and jobs, and get lists of public metadata";

/// Every permission known here, in the order the API Center lists them.
pub const ALL: [&str; 18] = [
    BASIC_INFO,
    CLOSE_CONTRACTS,
    MANAGE_JOB_POSTS,
    MAKE_OFFER,
    ONE_TIME_PAYMENTS,
    VIEW_CONTRACTS,
    PAYMENT_HISTORY,
    VIEW_JOB_POSTS,
    VIEW_OFFERS,
    SEND_MESSAGES,
    MESSAGES,
    TEAMS,
    VIEW_TASK_CODES,
    MODIFY_TASK_CODES,
    REPORTS,
    WORKDIARY,
    MODIFY_WORKDIARY,
    SEARCH,
];

/// The known permission of this name, compared without case (keys files are typed by hand).
pub fn canonical(name: &str) -> Option<&'static str> {
    ALL.iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_in_any_case() {
        for (i, name) in ALL.iter().enumerate() {
            assert!(!ALL[i + 1..].contains(name), "{name}");
        }
        assert_eq!(
            canonical(" view the structure of your companies/teams "),
            Some(TEAMS)
        );
        assert_eq!(canonical("Everything"), None);
    }
}
