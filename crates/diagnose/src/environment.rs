//! The environment that support asks for: the developer's OS, HTTP library, language and platform,
//! from flags or inferred from the captured User-Agent, plus this tool's own OS and TLS stack.

use serde::Serialize;

/// Where a value came from, so support knows how far to trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Given by the developer on the command line.
    Flag,
    /// Guessed from the captured User-Agent header.
    UserAgent,
    /// Read from the machine the tool runs on.
    ThisMachine,
    /// Not known.
    Unknown,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Known {
    pub value: Option<String>,
    pub origin: Origin,
}

impl Known {
    fn flag_or(flag: Option<&str>, guess: Option<String>) -> Known {
        match (flag, guess) {
            (Some(v), _) => Known {
                value: Some(v.to_string()),
                origin: Origin::Flag,
            },
            (None, Some(g)) => Known {
                value: Some(g),
                origin: Origin::UserAgent,
            },
            (None, None) => Known {
                value: None,
                origin: Origin::Unknown,
            },
        }
    }
}

/// The environment section of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Environment {
    /// The developer's OS: from the User-Agent when it tells, else this machine's.
    pub os: Known,
    /// The HTTP or OAuth library that made the call, with its version.
    pub library: Known,
    pub language: Known,
    /// mobile, desktop, command-line, web-browser or server.
    pub platform: Known,
    pub user_agent: Option<String>,
    /// This tool, which replayed the call: version, OS, TLS stack.
    pub tool: ToolEnvironment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolEnvironment {
    pub version: &'static str,
    pub os: String,
    pub tls: &'static str,
}

/// What the developer said on the command line.
#[derive(Debug, Clone, Default)]
pub struct Declared<'a> {
    pub library: Option<&'a str>,
    pub language: Option<&'a str>,
    pub platform: Option<&'a str>,
    pub os: Option<&'a str>,
}

/// This machine's OS, e.g. `Debian GNU/Linux 12 (bookworm) x86_64`.
///
/// On Linux it is read from `/etc/os-release`: `os_info` would run `lsb_release`, `uname` and
/// `getconf`, three processes that cost more than the whole diagnosis of a local call.
pub fn this_os() -> String {
    #[cfg(target_os = "linux")]
    if let Some(name) = std::fs::read_to_string("/etc/os-release")
        .ok()
        .or_else(|| std::fs::read_to_string("/usr/lib/os-release").ok())
        .and_then(|text| os_release_name(&text))
    {
        return format!("{name} {}", std::env::consts::ARCH);
    }
    let info = os_info::get();
    let arch = info.architecture().unwrap_or(std::env::consts::ARCH);
    format!("{} {} {arch}", info.os_type(), info.version())
}

/// `PRETTY_NAME` of an os-release file, else `NAME VERSION_ID`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn os_release_name(text: &str) -> Option<String> {
    let field = |key: &str| {
        text.lines().find_map(|line| {
            let value = line.trim().strip_prefix(key)?.strip_prefix('=')?;
            let value = value.trim().trim_matches(['"', '\'']).trim();
            (!value.is_empty()).then(|| value.to_string())
        })
    };
    field("PRETTY_NAME").or_else(|| {
        let name = field("NAME")?;
        Some(match field("VERSION_ID") {
            Some(version) => format!("{name} {version}"),
            None => name,
        })
    })
}

/// Puts together what was declared, what the User-Agent tells and what this machine is. Library and
/// language that nothing tells say why they are unknown, so that support knows what to ask for.
pub fn describe(declared: &Declared<'_>, user_agent: Option<&str>) -> Environment {
    let user_agent = user_agent.filter(|ua| !ua.trim().is_empty());
    let guess = user_agent.map(guess_from_user_agent).unwrap_or_default();
    let why_unknown = match user_agent {
        None => "unknown (no User-Agent sent)".to_string(),
        Some(ua) => format!("unknown (User-Agent not recognised: {})", shortened(ua)),
    };
    let this_os = this_os();
    let os = match (declared.os, guess.os) {
        (Some(v), _) => Known {
            value: Some(v.to_string()),
            origin: Origin::Flag,
        },
        (None, Some(g)) => Known {
            value: Some(g.to_string()),
            origin: Origin::UserAgent,
        },
        (None, None) => Known {
            value: Some(this_os.clone()),
            origin: Origin::ThisMachine,
        },
    };
    let or_why = |known: Known| match known.origin {
        Origin::Unknown => Known {
            value: Some(why_unknown.clone()),
            origin: Origin::Unknown,
        },
        _ => known,
    };
    Environment {
        os,
        library: or_why(Known::flag_or(declared.library, guess.library)),
        language: or_why(Known::flag_or(declared.language, guess.language)),
        platform: Known::flag_or(declared.platform, guess.platform.map(str::to_string)),
        user_agent: user_agent.map(str::to_string),
        tool: ToolEnvironment {
            version: env!("CARGO_PKG_VERSION"),
            os: this_os,
            tls: "rustls (ring)",
        },
    }
}

/// A User-Agent cut to a length a report line can hold.
fn shortened(user_agent: &str) -> String {
    const MAX: usize = 120;
    match user_agent.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", &user_agent[..end]),
        None => user_agent.to_string(),
    }
}

impl Environment {
    /// The flags that would fill what the User-Agent left unknown (`--library`, `--language`).
    pub fn missing_flags(&self) -> Vec<&'static str> {
        let mut flags = Vec::new();
        if self.library.origin == Origin::Unknown {
            flags.push("--library");
        }
        if self.language.origin == Origin::Unknown {
            flags.push("--language");
        }
        flags
    }
}

/// What a User-Agent says of the client.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UserAgentGuess {
    pub library: Option<String>,
    pub language: Option<String>,
    pub platform: Option<&'static str>,
    pub os: Option<&'static str>,
}

/// How a product token's version reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// `name/1.2.3`: the library's own version.
    OfLibrary,
    /// `Python-urllib/3.11`, `Java/17.0.2`: the version of the language, which ships the library.
    OfLanguage,
    /// `Go-http-client/1.1`, `node-fetch/1.0`: a fixed string, not a version of anything.
    Meaningless,
}

/// A client known by its User-Agent.
struct Product {
    /// The product name as sent (`python-requests` of `python-requests/2.31.0`), without case.
    name: &'static str,
    /// The library as the report names it.
    library: &'static str,
    language: Option<&'static str>,
    platform: Option<&'static str>,
    version: Version,
}

const fn product(
    name: &'static str,
    library: &'static str,
    language: Option<&'static str>,
    version: Version,
) -> Product {
    Product {
        name,
        library,
        language,
        platform: None,
        version,
    }
}

const PYTHON: Option<&str> = Some("Python");
const NODE: Option<&str> = Some("JavaScript (Node.js)");
const PHP: Option<&str> = Some("PHP");
const RUBY: Option<&str> = Some("Ruby");
const JAVA: Option<&str> = Some("Java");

/// User-Agents that are a whole sentence rather than `name/version` tokens, matched whole.
/// From the packages' own source: `Github Upwork API NodeJS Client` is what Upwork's OAuth 2
/// binding for Node.js (`@upwork/node-upwork-oauth2`, lib/client.js) sends; `Node-Upwork` its
/// OAuth 1.0 binding (`node-upwork`, used by npm `upwork-api`); `Node authentication` the npm
/// `oauth` package (lib/oauth.js).
const SENTENCES: &[(&str, &str, Option<&str>)] = &[
    (
        "Github Upwork API NodeJS Client",
        "node-upwork-oauth2 (Upwork's Node.js binding)",
        NODE,
    ),
    (
        "Node-Upwork",
        "node-upwork (Upwork's Node.js binding, OAuth 1.0)",
        NODE,
    ),
    ("Node authentication", "oauth (npm)", NODE),
    // Node's own fetch (undici) sends `node`; undici used from npm, `undici`. As one word among
    // others, `node/18.17.0` is an application naming its runtime, not this library.
    ("node", "fetch (Node.js built-in, undici)", NODE),
    ("undici", "undici", NODE),
];

/// Known product tokens. A User-Agent may name several (`GuzzleHttp/6.5.5 curl/7.68.0 PHP/7.4.3`,
/// `Python/3.11 aiohttp/3.9.1`): the first entry of this table that the User-Agent names wins, so
/// libraries come before the tools and runtimes they name beside themselves. The formats are the
/// libraries' own defaults (read in their source where it was at hand: requests utils.py, urllib3
/// connection.py, httplib2, aiohttp http.py, httpx _client.py, axios adapters/http.js, got
/// options.js, node-fetch request.js, undici fetch/index.js).
const PRODUCTS: &[Product] = &[
    Product {
        platform: Some("desktop"),
        ..product(
            "PostmanRuntime",
            "Postman (PostmanRuntime)",
            None,
            Version::OfLibrary,
        )
    },
    Product {
        platform: Some("desktop"),
        ..product("insomnia", "Insomnia", None, Version::OfLibrary)
    },
    Product {
        platform: Some("command-line"),
        ..product("HTTPie", "HTTPie", PYTHON, Version::OfLibrary)
    },
    Product {
        platform: Some("command-line"),
        ..product("xh", "xh", Some("Rust"), Version::OfLibrary)
    },
    // Python.
    product(
        "python-requests",
        "python-requests",
        PYTHON,
        Version::OfLibrary,
    ),
    product("python-urllib3", "urllib3", PYTHON, Version::OfLibrary),
    product("Python-httplib2", "httplib2", PYTHON, Version::OfLibrary),
    product("python-httpx", "httpx", PYTHON, Version::OfLibrary),
    product("aiohttp", "aiohttp", PYTHON, Version::OfLibrary),
    product(
        "Python-urllib",
        "urllib.request (Python standard library)",
        PYTHON,
        Version::OfLanguage,
    ),
    // JavaScript.
    product("axios", "axios", NODE, Version::OfLibrary),
    product("got", "got", NODE, Version::OfLibrary),
    product("node-fetch", "node-fetch", NODE, Version::Meaningless),
    product(
        "Deno",
        "fetch (Deno)",
        Some("JavaScript (Deno)"),
        Version::OfLanguage,
    ),
    product(
        "Bun",
        "fetch (Bun)",
        Some("JavaScript (Bun)"),
        Version::OfLanguage,
    ),
    // PHP.
    product("GuzzleHttp", "Guzzle", PHP, Version::OfLibrary),
    product("Guzzle", "Guzzle", PHP, Version::OfLibrary),
    // Ruby: Net::HTTP sends `Ruby`, Faraday `Faraday v2.7.10`.
    product("Faraday", "Faraday", RUBY, Version::OfLibrary),
    product("rest-client", "rest-client", RUBY, Version::OfLibrary),
    product("HTTParty", "HTTParty", RUBY, Version::OfLibrary),
    product(
        "Ruby",
        "Net::HTTP (Ruby standard library)",
        RUBY,
        Version::OfLanguage,
    ),
    // JVM and mobile.
    Product {
        platform: Some("mobile"),
        ..product("okhttp", "OkHttp", Some("Java/Kotlin"), Version::OfLibrary)
    },
    Product {
        platform: Some("mobile"),
        ..product(
            "Dalvik",
            "HttpURLConnection (Android)",
            Some("Java/Kotlin"),
            Version::Meaningless,
        )
    },
    Product {
        platform: Some("mobile"),
        ..product("Alamofire", "Alamofire", Some("Swift"), Version::OfLibrary)
    },
    Product {
        platform: Some("mobile"),
        ..product(
            "CFNetwork",
            "URLSession (CFNetwork)",
            Some("Swift/Objective-C"),
            Version::OfLibrary,
        )
    },
    Product {
        platform: Some("mobile"),
        ..product(
            "Dart",
            "dart:io HttpClient",
            Some("Dart"),
            Version::OfLanguage,
        )
    },
    product(
        "Apache-HttpClient",
        "Apache HttpClient",
        JAVA,
        Version::OfLibrary,
    ),
    product(
        "Java-http-client",
        "java.net.http.HttpClient",
        JAVA,
        Version::OfLanguage,
    ),
    product(
        "Java",
        "HttpURLConnection (Java standard library)",
        JAVA,
        Version::OfLanguage,
    ),
    // Go, .NET, Rust.
    product(
        "Go-http-client",
        "net/http (Go standard library)",
        Some("Go"),
        Version::Meaningless,
    ),
    product("RestSharp", "RestSharp", Some("C#"), Version::OfLibrary),
    product("reqwest", "reqwest", Some("Rust"), Version::OfLibrary),
    // Command-line tools and runtimes named beside a library come last.
    Product {
        platform: Some("command-line"),
        ..product("curl", "curl", None, Version::OfLibrary)
    },
    Product {
        platform: Some("command-line"),
        ..product("Wget", "Wget", None, Version::OfLibrary)
    },
];

/// Runtimes that a User-Agent names beside the library, whose version is the language's:
/// `PHP/7.4.3` of Guzzle 6, `Java/17.0.2` of Apache HttpClient, `Python/3.11` of aiohttp. Alone,
/// they tell the language but not the library.
const RUNTIMES: &[(&str, &str)] = &[
    ("Python", "Python"),
    ("PHP", "PHP"),
    ("Java", "Java"),
    ("Ruby", "Ruby"),
    ("Dart", "Dart"),
];

/// The `name/version` tokens of a User-Agent, comments included (`(Java/17.0.2)`), in order.
/// A bare `vX.Y` word after a name is its version (Faraday's `Faraday v2.7.10`).
fn tokens(user_agent: &str) -> Vec<(&str, Option<&str>)> {
    let words: Vec<&str> = user_agent
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ';' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        match word.split_once('/') {
            Some((name, version)) => out.push((name, Some(version).filter(|v| !v.is_empty()))),
            None => {
                let next_is_version = words.get(i + 1).is_some_and(|n| {
                    n.strip_prefix('v')
                        .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
                });
                if next_is_version {
                    out.push((word, Some(&words[i + 1][1..])));
                    i += 1;
                } else {
                    out.push((word, None));
                }
            }
        }
        i += 1;
    }
    out
}

/// Reads library, language, platform and OS from a User-Agent such as `python-requests/2.31.0`.
pub fn guess_from_user_agent(user_agent: &str) -> UserAgentGuess {
    let user_agent = user_agent.trim();
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Darwin", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, os)| os);
    let mobile_os = matches!(os, Some("Android" | "iOS" | "iPadOS"));

    if let Some((_, library, language)) = SENTENCES
        .iter()
        .find(|(sentence, _, _)| user_agent.eq_ignore_ascii_case(sentence))
    {
        return UserAgentGuess {
            library: Some(library.to_string()),
            language: language.map(str::to_string),
            platform: None,
            os,
        };
    }
    if user_agent.starts_with("Mozilla/") {
        return UserAgentGuess {
            library: Some(browser_name(user_agent)),
            language: Some("JavaScript".to_string()),
            platform: Some(if mobile_os { "mobile" } else { "web-browser" }),
            os,
        };
    }
    let tokens = tokens(user_agent);
    let named = |name: &str| {
        tokens
            .iter()
            .find(|(token, _)| token.eq_ignore_ascii_case(name))
            .map(|(_, version)| *version)
    };
    let Some((found, version)) = PRODUCTS
        .iter()
        .find_map(|p| named(p.name).map(|version| (p, version)))
    else {
        let language = RUNTIMES.iter().find_map(|(runtime, language)| {
            named(runtime).map(|version| match version {
                Some(v) => format!("{language} {v}"),
                None => language.to_string(),
            })
        });
        return UserAgentGuess {
            library: None,
            language,
            platform: mobile_os.then_some("mobile"),
            os,
        };
    };
    let library = match (found.version, version) {
        (Version::OfLibrary, Some(v)) => format!("{} {v}", found.library),
        _ => found.library.to_string(),
    };
    // The language's version: the product's own when it is the language's, else a runtime
    // named beside the library.
    let language_version = match (found.version, version) {
        (Version::OfLanguage, Some(v)) => Some(v),
        _ => found.language.and_then(|language| {
            RUNTIMES
                .iter()
                // `Java/Kotlin` runs on Java; `JavaScript` is not Java.
                .filter(|(_, runtime_language)| {
                    language.split(['/', ' ']).next() == Some(*runtime_language)
                })
                .find_map(|(runtime, _)| named(runtime).flatten())
        }),
    };
    let language = found.language.map(|language| match language_version {
        Some(v) => format!("{language} {v}"),
        None => language.to_string(),
    });
    UserAgentGuess {
        library: Some(library),
        language,
        platform: found.platform.or(mobile_os.then_some("mobile")),
        os,
    }
}

/// The browser of a `Mozilla/5.0 ...` User-Agent, with its version.
fn browser_name(user_agent: &str) -> String {
    ["Edg/", "OPR/", "Firefox/", "Chrome/", "Version/"]
        .iter()
        .find_map(|marker| {
            let start = user_agent.find(marker)?;
            let version = user_agent[start + marker.len()..]
                .split_whitespace()
                .next()?;
            let name = match *marker {
                "Edg/" => "Edge",
                "OPR/" => "Opera",
                "Firefox/" => "Firefox",
                "Chrome/" => "Chrome",
                _ => "Safari",
            };
            Some(format!("{name} {version}"))
        })
        .unwrap_or_else(|| "web browser".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_os_from_os_release() {
        let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n";
        assert_eq!(
            os_release_name(debian).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(
            os_release_name("NAME=Alpine\nVERSION_ID=3.20.1\n").as_deref(),
            Some("Alpine 3.20.1")
        );
        assert_eq!(os_release_name("ID=x\n"), None);
    }

    /// Each library's default User-Agent, as its own source writes it (the Python and npm packages
    /// were read: requests utils.py `f"{name}/{__version__}"`, urllib3 connection.py, httplib2
    /// `"Python-httplib2/%s (gzip)"`, aiohttp http.py `f"Python/{major}.{minor} aiohttp/{v}"`,
    /// httpx `f"python-httpx/{v}"`, axios `'axios/' + VERSION`, got options.js, node-fetch 3
    /// `'node-fetch'`, undici fetch `'node'`/`'undici'`, @upwork/node-upwork-oauth2 client.js,
    /// node-upwork oauth.js, oauth 0.9 oauth.js); the others as those clients document them.
    const USER_AGENTS: &[(&str, &str, Option<&str>)] = &[
        // The official bindings.
        (
            "Python-httplib2/0.32.1 (gzip)",
            "httplib2 0.32.1",
            Some("Python"),
        ),
        (
            "Github Upwork API NodeJS Client",
            "node-upwork-oauth2 (Upwork's Node.js binding)",
            Some("JavaScript (Node.js)"),
        ),
        (
            "Node-Upwork",
            "node-upwork (Upwork's Node.js binding, OAuth 1.0)",
            Some("JavaScript (Node.js)"),
        ),
        (
            "Node authentication",
            "oauth (npm)",
            Some("JavaScript (Node.js)"),
        ),
        // Python.
        (
            "python-requests/2.31.0",
            "python-requests 2.31.0",
            Some("Python"),
        ),
        ("python-urllib3/2.0.7", "urllib3 2.0.7", Some("Python")),
        (
            "Python-urllib/3.11",
            "urllib.request (Python standard library)",
            Some("Python 3.11"),
        ),
        (
            "Python/3.11 aiohttp/3.9.1",
            "aiohttp 3.9.1",
            Some("Python 3.11"),
        ),
        ("python-httpx/0.28.1", "httpx 0.28.1", Some("Python")),
        // Node.js.
        ("axios/1.6.2", "axios 1.6.2", Some("JavaScript (Node.js)")),
        (
            "got (https://github.com/sindresorhus/got)",
            "got",
            Some("JavaScript (Node.js)"),
        ),
        ("node-fetch", "node-fetch", Some("JavaScript (Node.js)")),
        (
            "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
            "node-fetch",
            Some("JavaScript (Node.js)"),
        ),
        (
            "node",
            "fetch (Node.js built-in, undici)",
            Some("JavaScript (Node.js)"),
        ),
        ("undici", "undici", Some("JavaScript (Node.js)")),
        // PHP.
        ("GuzzleHttp/7", "Guzzle 7", Some("PHP")),
        (
            "GuzzleHttp/6.5.5 curl/7.68.0 PHP/7.4.3",
            "Guzzle 6.5.5",
            Some("PHP 7.4.3"),
        ),
        // Ruby.
        ("Ruby", "Net::HTTP (Ruby standard library)", Some("Ruby")),
        ("Faraday v2.7.10", "Faraday 2.7.10", Some("Ruby")),
        // JVM, Go, .NET.
        ("okhttp/4.12.0", "OkHttp 4.12.0", Some("Java/Kotlin")),
        (
            "Apache-HttpClient/4.5.14 (Java/17.0.2)",
            "Apache HttpClient 4.5.14",
            Some("Java 17.0.2"),
        ),
        (
            "Java/17.0.2",
            "HttpURLConnection (Java standard library)",
            Some("Java 17.0.2"),
        ),
        (
            "Java-http-client/17.0.2",
            "java.net.http.HttpClient",
            Some("Java 17.0.2"),
        ),
        (
            "Go-http-client/1.1",
            "net/http (Go standard library)",
            Some("Go"),
        ),
        (
            "Go-http-client/2.0",
            "net/http (Go standard library)",
            Some("Go"),
        ),
        ("RestSharp/110.2.0.0", "RestSharp 110.2.0.0", Some("C#")),
        ("Dart/3.2 (dart:io)", "dart:io HttpClient", Some("Dart 3.2")),
        // Tools.
        ("curl/8.4.0", "curl 8.4.0", None),
        (
            "PostmanRuntime/7.36.0",
            "Postman (PostmanRuntime) 7.36.0",
            None,
        ),
        ("insomnia/2023.5.8", "Insomnia 2023.5.8", None),
        ("HTTPie/3.2.2", "HTTPie 3.2.2", Some("Python")),
        // An application naming itself before its library.
        (
            "MyUpworkApp/1.0 python-requests/2.31.0",
            "python-requests 2.31.0",
            Some("Python"),
        ),
    ];

    #[test]
    fn reads_the_user_agents_of_the_bindings_and_the_common_libraries() {
        for (user_agent, library, language) in USER_AGENTS {
            let g = guess_from_user_agent(user_agent);
            assert_eq!(g.library.as_deref(), Some(*library), "{user_agent}");
            assert_eq!(g.language.as_deref(), *language, "{user_agent}");
        }
    }

    #[test]
    fn reads_platform_and_os() {
        assert_eq!(
            guess_from_user_agent("curl/8.2.1").platform,
            Some("command-line")
        );
        assert_eq!(
            guess_from_user_agent("okhttp/4.12.0").platform,
            Some("mobile")
        );
        let g = guess_from_user_agent(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        );
        assert_eq!(g.library.as_deref(), Some("Chrome 120.0.0.0"));
        assert_eq!(g.platform, Some("web-browser"));
        assert_eq!(g.os, Some("Windows"));
        let g = guess_from_user_agent(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(g.platform, Some("mobile"));
        assert_eq!(g.os, Some("iOS"));
    }

    #[test]
    fn what_nothing_tells_says_why_it_is_unknown() {
        let declared = Declared::default();
        let env = describe(&declared, None);
        for known in [&env.library, &env.language] {
            assert_eq!(known.value.as_deref(), Some("unknown (no User-Agent sent)"));
            assert_eq!(known.origin, Origin::Unknown);
        }
        assert_eq!(env.missing_flags(), ["--library", "--language"]);
        assert_eq!(
            describe(&declared, Some("  ")).user_agent,
            None,
            "blank is none"
        );

        let env = describe(&declared, Some("MyUpworkApp/1.0"));
        assert_eq!(
            env.library.value.as_deref(),
            Some("unknown (User-Agent not recognised: MyUpworkApp/1.0)"),
            "an application's own name is not its library"
        );
        // A runtime alone tells the language, not the library.
        let env = describe(&declared, Some("MyApp/2 PHP/8.2.1"));
        assert_eq!(env.language.value.as_deref(), Some("PHP 8.2.1"));
        assert_eq!(env.missing_flags(), ["--library"]);
        let declared = Declared {
            library: Some("requests-oauthlib 2.0"),
            ..Default::default()
        };
        assert_eq!(describe(&declared, None).missing_flags(), ["--language"]);
    }

    #[test]
    fn a_flag_beats_the_user_agent() {
        let declared = Declared {
            language: Some("PHP 8.2"),
            platform: Some("server"),
            ..Default::default()
        };
        let env = describe(&declared, Some("GuzzleHttp/7"));
        assert_eq!(
            env.language,
            Known {
                value: Some("PHP 8.2".into()),
                origin: Origin::Flag
            }
        );
        assert_eq!(
            env.library,
            Known {
                value: Some("Guzzle 7".into()),
                origin: Origin::UserAgent
            }
        );
        assert_eq!(env.os.origin, Origin::ThisMachine);
    }
}
