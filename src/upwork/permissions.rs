//! The key permissions an API key is granted, named as the API Center lists them when a key is
//! requested. An endpoint answers 403 to a key that lacks its permission, whatever the user may do.

/// `GET /api/auth/v1/info.json`.
pub const BASIC_INFO: &str = "Access your basic info";
/// Companies, teams and their users under `/api/hr/v2/`.
pub const TEAMS: &str = "View the structure of your companies/teams";
/// Time and financial reports under `/gds/`.
pub const REPORTS: &str = "Generate time and financial reports for your companies and teams";
/// Job and freelancer search and public profiles.
pub const SEARCH: &str =
    "Read and search profiles of contractors and jobs, and get lists of public metadata";
/// Reading the client's job posts.
pub const VIEW_JOB_POSTS: &str = "View your job posts";
/// Posting, editing and closing job posts.
pub const MANAGE_JOB_POSTS: &str = "Create, modify and remove job posts";
/// Reading contracts.
pub const VIEW_CONTRACTS: &str = "View your contracts";
/// Messages.
pub const MESSAGES: &str = "Access your messages";
/// Work diary.
pub const WORKDIARY: &str = "View your workdiary";

/// Every permission known here, in the order the API Center lists them.
pub const ALL: [&str; 9] = [
    BASIC_INFO,
    MANAGE_JOB_POSTS,
    VIEW_CONTRACTS,
    VIEW_JOB_POSTS,
    MESSAGES,
    TEAMS,
    REPORTS,
    WORKDIARY,
    SEARCH,
];

/// The known permission of this name, compared without case (keys files are typed by hand).
pub fn canonical(name: &str) -> Option<&'static str> {
    ALL.iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name.trim()))
}
