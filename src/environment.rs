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

/// Puts together what was declared, what the User-Agent tells and what this machine is.
pub fn describe(declared: &Declared<'_>, user_agent: Option<&str>) -> Environment {
    let guess = user_agent.map(guess_from_user_agent).unwrap_or_default();
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
    Environment {
        os,
        library: Known::flag_or(declared.library, guess.library),
        language: Known::flag_or(declared.language, guess.language.map(str::to_string)),
        platform: Known::flag_or(declared.platform, guess.platform.map(str::to_string)),
        user_agent: user_agent.map(str::to_string),
        tool: ToolEnvironment {
            version: env!("CARGO_PKG_VERSION"),
            os: this_os,
            tls: "rustls (ring)",
        },
    }
}

/// What a User-Agent says of the client.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UserAgentGuess {
    pub library: Option<String>,
    pub language: Option<&'static str>,
    pub platform: Option<&'static str>,
    pub os: Option<&'static str>,
}

/// Known User-Agent products: prefix, language, platform. The first match wins, so the more
/// specific names come first.
const PRODUCTS: &[(&str, Option<&str>, Option<&str>)] = &[
    ("PostmanRuntime", Some("JavaScript"), Some("desktop")),
    ("insomnia", Some("JavaScript"), Some("desktop")),
    ("curl", None, Some("command-line")),
    ("Wget", None, Some("command-line")),
    ("HTTPie", Some("Python"), Some("command-line")),
    ("xh", Some("Rust"), Some("command-line")),
    ("python-requests", Some("Python"), None),
    ("python-urllib3", Some("Python"), None),
    ("Python-urllib", Some("Python"), None),
    ("aiohttp", Some("Python"), None),
    ("python-httpx", Some("Python"), None),
    ("GuzzleHttp", Some("PHP"), None),
    ("Guzzle", Some("PHP"), None),
    ("PHP", Some("PHP"), None),
    ("okhttp", Some("Java/Kotlin"), Some("mobile")),
    ("Dalvik", Some("Java/Kotlin"), Some("mobile")),
    ("CFNetwork", Some("Swift/Objective-C"), Some("mobile")),
    ("Alamofire", Some("Swift"), Some("mobile")),
    ("Apache-HttpClient", Some("Java"), None),
    ("Java", Some("Java"), None),
    ("Go-http-client", Some("Go"), None),
    ("axios", Some("JavaScript"), None),
    ("node-fetch", Some("JavaScript"), None),
    ("node", Some("JavaScript"), None),
    ("undici", Some("JavaScript"), None),
    ("got", Some("JavaScript"), None),
    ("Ruby", Some("Ruby"), None),
    ("Faraday", Some("Ruby"), None),
    ("reqwest", Some("Rust"), None),
    ("RestSharp", Some("C#"), None),
    ("Dart", Some("Dart"), Some("mobile")),
    ("Mozilla", Some("JavaScript"), Some("web-browser")),
];

/// Reads library, language, platform and OS from a User-Agent such as `python-requests/2.31.0`.
pub fn guess_from_user_agent(user_agent: &str) -> UserAgentGuess {
    let first_product = user_agent.split_whitespace().next().unwrap_or_default();
    let found = PRODUCTS.iter().find(|(prefix, _, _)| {
        first_product
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase())
    });
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
    match found {
        Some((prefix, language, platform)) => {
            let library = if *prefix == "Mozilla" {
                browser_name(user_agent)
            } else {
                first_product.replace('/', " ")
            };
            let platform = match *platform {
                Some("web-browser") if mobile_os => Some("mobile"),
                other => other,
            };
            UserAgentGuess {
                library: Some(library),
                language: *language,
                platform,
                os,
            }
        }
        None => UserAgentGuess {
            library: (!first_product.is_empty()).then(|| first_product.replace('/', " ")),
            language: None,
            platform: mobile_os.then_some("mobile"),
            os,
        },
    }
}

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

    #[test]
    fn reads_common_user_agents() {
        let g = guess_from_user_agent("python-requests/2.31.0");
        assert_eq!(g.library.as_deref(), Some("python-requests 2.31.0"));
        assert_eq!(g.language, Some("Python"));

        let g = guess_from_user_agent("curl/8.2.1");
        assert_eq!(g.platform, Some("command-line"));

        let g = guess_from_user_agent(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        );
        assert_eq!(g.library.as_deref(), Some("Chrome 120.0.0.0"));
        assert_eq!(g.platform, Some("web-browser"));
        assert_eq!(g.os, Some("Windows"));

        let g = guess_from_user_agent("okhttp/4.12.0");
        assert_eq!(g.platform, Some("mobile"));
        assert_eq!(g.language, Some("Java/Kotlin"));

        let g = guess_from_user_agent(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(g.platform, Some("mobile"));
        assert_eq!(g.os, Some("iOS"));
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
                value: Some("GuzzleHttp 7".into()),
                origin: Origin::UserAgent
            }
        );
        assert_eq!(env.os.origin, Origin::ThisMachine);
    }
}
