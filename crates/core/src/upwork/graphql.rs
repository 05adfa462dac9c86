//! Just enough of GraphQL to tell what a query asks for: its operation, its root fields and the
//! fields selected under each, with the type each root field returns in Upwork's schema. The
//! emulator answers from it and the checks read it to tell a query that needs an organization
//! context. Not a validator: arguments, variables and directives are skipped, not checked.

/// `query`, `mutation` or `subscription`: the root type's name as the schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

impl OperationKind {
    /// `Query`, `Mutation` or `Subscription`.
    pub fn root_type(self) -> &'static str {
        match self {
            OperationKind::Query => "Query",
            OperationKind::Mutation => "Mutation",
            OperationKind::Subscription => "Subscription",
        }
    }
}

/// One selected field, with the fields selected under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub name: String,
    /// `alias: name`: the key the answer uses instead of the name.
    pub alias: Option<String>,
    pub children: Vec<Selection>,
}

impl Selection {
    /// The key of this field in the answer's `data`.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// The first operation of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub kind: OperationKind,
    pub selections: Vec<Selection>,
}

/// A root field of Upwork's schema: the type it returns and whether it acts inside an organization
/// (the one `X-Upwork-API-TenantId` selects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RootField {
    pub operation: &'static str,
    pub name: &'static str,
    pub type_name: &'static str,
    pub needs_tenant: bool,
}

const fn root(
    operation: &'static str,
    name: &'static str,
    type_name: &'static str,
    needs_tenant: bool,
) -> RootField {
    RootField {
        operation,
        name,
        type_name,
        needs_tenant,
    }
}

/// The root fields known here. A field whose data belongs to a company (contracts, offers, rooms,
/// job postings, reports) needs the organization context; the user's own data does not.
pub const ROOT_FIELDS: &[RootField] = &[
    root("Query", "user", "User", false),
    root("Query", "organization", "Organization", true),
    root("Query", "companySelector", "CompanySelector", false),
    root(
        "Query",
        "freelancerProfileByProfileKey",
        "FreelancerProfile",
        false,
    ),
    root("Query", "talentProfileByProfileKey", "TalentProfile", false),
    root(
        "Query",
        "marketplaceJobPostingsSearch",
        "MarketplaceJobPostingSearchConnection",
        false,
    ),
    root(
        "Query",
        "marketplaceJobPosting",
        "MarketplaceJobPosting",
        false,
    ),
    root("Query", "jobPosting", "JobPosting", true),
    root("Query", "contract", "Contract", true),
    root("Query", "offer", "Offer", true),
    root("Query", "roomList", "RoomConnection", true),
    root("Query", "room", "Room", true),
    root("Query", "workDiaryCompany", "WorkDiaryCompany", true),
    root("Query", "timeReport", "TimeReport", true),
    root("Query", "transactionHistory", "TransactionHistory", true),
    root("Mutation", "sendMessage", "Story", true),
    root("Mutation", "createRoomV2", "Room", true),
    root("Mutation", "makeOffer", "Offer", true),
    root("Mutation", "createJobPosting", "JobPosting", true),
];

/// The root field of this operation and name.
pub fn root_field(kind: OperationKind, name: &str) -> Option<&'static RootField> {
    ROOT_FIELDS
        .iter()
        .find(|f| f.operation == kind.root_type() && f.name == name)
}

/// The query text of a GraphQL request body: `{"query": "..."}` (JSON), else the body itself when
/// it reads as a query (`application/graphql`).
pub fn query_of_body(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.starts_with('{')
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
    {
        return value
            .get("query")
            .and_then(|q| q.as_str())
            .map(str::to_string);
    }
    (!text.is_empty()).then(|| text.to_string())
}

/// The root fields of a query that act inside an organization, by name.
pub fn tenant_fields(operation: &Operation) -> Vec<&'static str> {
    operation
        .selections
        .iter()
        .filter_map(|s| root_field(operation.kind, &s.name))
        .filter(|f| f.needs_tenant)
        .map(|f| f.name)
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Punct(char),
    Spread,
    /// A string, number or other value: skipped.
    Value,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '.' => {
                if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') {
                    tokens.push(Token::Spread);
                    i += 3;
                } else {
                    return Err(format!("unexpected '.' at character {i}"));
                }
            }
            '"' => {
                let block = chars.get(i + 1) == Some(&'"') && chars.get(i + 2) == Some(&'"');
                if block {
                    i += 3;
                    loop {
                        if i >= chars.len() {
                            return Err("unterminated block string".to_string());
                        }
                        if chars[i] == '"'
                            && chars.get(i + 1) == Some(&'"')
                            && chars.get(i + 2) == Some(&'"')
                        {
                            i += 3;
                            break;
                        }
                        i += 1;
                    }
                } else {
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None | Some('\n') => return Err("unterminated string".to_string()),
                            Some('\\') => i += 2,
                            Some('"') => {
                                i += 1;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                }
                tokens.push(Token::Value);
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            c if c.is_ascii_digit() || c == '-' => {
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '-' | '+' | '.'))
                {
                    i += 1;
                }
                tokens.push(Token::Value);
            }
            '{' | '}' | '(' | ')' | '[' | ']' | ':' | '$' | '!' | '=' | '@' | '|' | '&' => {
                tokens.push(Token::Punct(c));
                i += 1;
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Punct(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Name(name)) => Ok(name),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    /// Skips a balanced `( ... )` or `[ ... ]`, the opening one already seen.
    fn skip_balanced(&mut self, open: char, close: char) -> Result<(), String> {
        let mut depth = 1;
        while depth > 0 {
            match self.next() {
                Some(Token::Punct(c)) if c == open => depth += 1,
                Some(Token::Punct(c)) if c == close => depth -= 1,
                Some(_) => {}
                None => return Err(format!("missing '{close}'")),
            }
        }
        Ok(())
    }

    fn skip_directives(&mut self) -> Result<(), String> {
        while self.eat('@') {
            self.name()?;
            if self.eat('(') {
                self.skip_balanced('(', ')')?;
            }
        }
        Ok(())
    }

    fn selection_set(&mut self) -> Result<Vec<Selection>, String> {
        if !self.eat('{') {
            return Err("expected '{'".to_string());
        }
        let mut selections = Vec::new();
        loop {
            match self.peek() {
                Some(Token::Punct('}')) => {
                    self.at += 1;
                    return Ok(selections);
                }
                Some(Token::Spread) => {
                    self.at += 1;
                    // `...Fragment` adds fields this parser does not follow; `... on T { }` adds its
                    // own, which count as selected here.
                    if matches!(self.peek(), Some(Token::Name(n)) if n == "on") {
                        self.at += 1;
                        self.name()?;
                    } else if matches!(self.peek(), Some(Token::Name(_))) {
                        self.name()?;
                    }
                    self.skip_directives()?;
                    if self.peek() == Some(&Token::Punct('{')) {
                        selections.extend(self.selection_set()?);
                    }
                }
                Some(Token::Name(_)) => {
                    let first = self.name()?;
                    let (alias, name) = if self.eat(':') {
                        (Some(first), self.name()?)
                    } else {
                        (None, first)
                    };
                    if self.eat('(') {
                        self.skip_balanced('(', ')')?;
                    }
                    self.skip_directives()?;
                    let children = if self.peek() == Some(&Token::Punct('{')) {
                        self.selection_set()?
                    } else {
                        Vec::new()
                    };
                    selections.push(Selection {
                        name,
                        alias,
                        children,
                    });
                }
                None => return Err("missing '}'".to_string()),
                Some(other) => return Err(format!("unexpected {other:?} in a selection set")),
            }
        }
    }
}

/// The first operation of a GraphQL document, or why it cannot be read.
pub fn parse(document: &str) -> Result<Operation, String> {
    let mut parser = Parser {
        tokens: tokenize(document)?,
        at: 0,
    };
    loop {
        match parser.peek() {
            None => return Err("the document holds no operation".to_string()),
            Some(Token::Punct('{')) => {
                return Ok(Operation {
                    kind: OperationKind::Query,
                    selections: parser.selection_set()?,
                });
            }
            Some(Token::Name(word)) if word == "fragment" => {
                // fragment Name on Type { ... }: not an operation.
                parser.at += 1;
                parser.name()?;
                parser.name()?;
                parser.name()?;
                parser.skip_directives()?;
                parser.selection_set()?;
            }
            Some(Token::Name(word)) => {
                let kind = match word.as_str() {
                    "query" => OperationKind::Query,
                    "mutation" => OperationKind::Mutation,
                    "subscription" => OperationKind::Subscription,
                    other => return Err(format!("unexpected '{other}' before the operation")),
                };
                parser.at += 1;
                if matches!(parser.peek(), Some(Token::Name(_))) {
                    parser.name()?;
                }
                if parser.eat('(') {
                    parser.skip_balanced('(', ')')?;
                }
                parser.skip_directives()?;
                return Ok(Operation {
                    kind,
                    selections: parser.selection_set()?,
                });
            }
            Some(other) => return Err(format!("unexpected {other:?} at the start")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(selections: &[Selection]) -> Vec<&str> {
        selections.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn reads_root_fields_and_their_sub_fields() {
        let op = parse("{ user { id nid rid } organization { id name } }").unwrap();
        assert_eq!(op.kind, OperationKind::Query);
        assert_eq!(names(&op.selections), ["user", "organization"]);
        assert_eq!(names(&op.selections[0].children), ["id", "nid", "rid"]);
    }

    #[test]
    fn skips_arguments_variables_aliases_comments_and_fragments() {
        let doc = r#"
            # who am I
            query Profile($key: String!, $n: Int = 10) @cached {
              me: user { id, email }
              freelancerProfileByProfileKey(profileKey: $key, note: "a } tricky ) string") {
                personalData { firstName }
                ... on FreelancerProfile { aggregates { jobSuccessScore } }
                ...More
              }
            }
            fragment More on FreelancerProfile { user { id } }
        "#;
        let op = parse(doc).unwrap();
        assert_eq!(op.selections[0].key(), "me");
        assert_eq!(op.selections[0].name, "user");
        assert_eq!(names(&op.selections[0].children), ["id", "email"]);
        assert_eq!(
            names(&op.selections[1].children),
            ["personalData", "aggregates"]
        );
    }

    #[test]
    fn mutations_and_broken_documents() {
        let op = parse("mutation { sendMessage(roomId: \"1\") { id } }").unwrap();
        assert_eq!(op.kind, OperationKind::Mutation);
        assert_eq!(tenant_fields(&op), ["sendMessage"]);
        assert!(parse("{ user { id }").is_err());
        assert!(parse("").is_err());
        assert!(parse("hello { x }").is_err());
    }

    #[test]
    fn finds_the_query_in_a_json_body() {
        let body = br#"{"query":"{ user { nid } }","variables":{}}"#;
        assert_eq!(query_of_body(body).unwrap(), "{ user { nid } }");
        assert_eq!(
            query_of_body(b"{ user { id } }").unwrap(),
            "{ user { id } }"
        );
        let op = parse(&query_of_body(body).unwrap()).unwrap();
        assert!(tenant_fields(&op).is_empty());
    }
}
