//! The command line: clap definitions only. What each command does lives in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
/// The `--format` of the commands that have one (the type lives below, with `scan`'s printers).
pub use upwork_diag_diagnose::output::Format;

/// Diagnoses failing Upwork API calls: checks a call as you made it, replays it, explains the
/// failure and writes a support bundle that holds no secret.
#[derive(Debug, Parser)]
#[command(name = "upwork-diag", version, propagate_version = true)]
pub struct Cli {
    /// Colour on the terminal: auto (when stdout is a terminal, unless NO_COLOR is set;
    /// CLICOLOR_FORCE forces it), always or never.
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        default_value = "auto",
        global = true
    )]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check, replay and explain one call; write a support bundle.
    #[command(after_help = DIAGNOSE_EXAMPLES, display_name = "upwork-diag")]
    Diagnose(Box<DiagnoseArgs>),
    /// Sign a request with OAuth 1.0 and show every step: base string, signature, header, URL.
    #[command(after_help = SIGN_EXAMPLES, display_name = "upwork-diag")]
    Sign(SignArgs),
    /// Run the Upwork emulator on 127.0.0.1 (for tests, CI and trying things out).
    #[command(after_help = MOCK_EXAMPLES, display_name = "upwork-diag")]
    Mock(MockArgs),
    /// Run an HTTP proxy for an unmodified app: its Upwork calls are recorded and checked as they
    /// pass, each failing one gets a bundle.
    #[command(after_help = PROXY_EXAMPLES, display_name = "upwork-diag")]
    Proxy(ProxyArgs),
    /// Run the emulator and diagnose the three classic failures and one good call.
    #[command(
        after_help = "Example:\n  upwork-diag demo\n  upwork-diag demo --out /tmp/demo",
        display_name = "upwork-diag"
    )]
    Demo(DemoArgs),
    /// Run the offline checks over every Upwork API call of a HAR file (streamed: any size).
    #[command(
        display_name = "upwork-diag",
        after_help = "Examples:\n  upwork-diag scan session.har\n  upwork-diag scan session.har --all --format json\n  upwork-diag diagnose --har session.har --entry 3\n\nThe entry column counts from 0, as log.entries[N] and diagnose --entry do.\n\nExit codes: 0 no call has an error finding; 1 at least one has; 2 bad input."
    )]
    Scan(ScanArgs),
    /// Check an API key request against the Special Projects checkpoints.
    #[command(
        display_name = "upwork-diag",
        after_help = "Examples:\n  upwork-diag keycheck request.json\n  upwork-diag keycheck request.toml --format json --macros desk-macros.toml\n\nExit codes: 0 every checkpoint passes; 1 one rejects; 5 none rejects, one needs your judgment (REVIEW); 2 bad input."
    )]
    Keycheck(KeycheckArgs),
    /// Serve the web console for support agents (first line: listening on http://ADDR).
    #[command(
        after_help = "Examples:\n  upwork-diag serve\n  upwork-diag serve --listen 0.0.0.0:8722 --token-file /etc/upwork-diag/console-token\n\nOffline by default: a call is sent only when the agent asks and names an emulator on this machine. Nothing is stored or logged."
    )]
    Serve(ServeArgs),
    /// Get tokens step by step (OAuth 1.0 or 2) against the emulator or Upwork, printing each
    /// exchange and stopping with a diagnosis at the first step that fails.
    #[command(after_help = FLOW_EXAMPLES)]
    Flow(FlowArgs),
    /// Print the long explanation of a finding code (all codes with --list).
    #[command(
        display_name = "upwork-diag",
        after_help = "Examples:\n  upwork-diag explain content-length-missing\n  upwork-diag explain --list\n  upwork-diag explain scope-missing --format json"
    )]
    Explain(ExplainArgs),
    /// Print a completion script for a shell: bash, zsh, fish, powershell or elvish.
    #[command(display_name = "upwork-diag", after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), of the tool or of one command.
    #[command(
        display_name = "upwork-diag",
        after_help = "Examples:\n  upwork-diag man | man -l -\n  upwork-diag man diagnose > upwork-diag-diagnose.1"
    )]
    Man(ManArgs),
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  source <(upwork-diag completions bash)     # in ~/.bashrc
  upwork-diag completions zsh > ~/.zfunc/_upwork-diag
  upwork-diag completions fish > ~/.config/fish/completions/upwork-diag.fish
  upwork-diag completions powershell | Out-String | Invoke-Expression";

// Examples are kept under 80 columns, each long command cut with a backslash, so that clap never
// wraps one mid-command and every line pastes into a shell as it is.
const FLOW_EXAMPLES: &str = "\
Examples:
  # Against the emulator, with its demo key: every step runs by itself.
  UPWORK_CONSUMER_KEY=demo-consumer-key UPWORK_CONSUMER_SECRET=demo-consumer-secret \\
      upwork-diag flow oauth1 --base-url http://127.0.0.1:8080 --save tokens.env
  # Against Upwork: open the printed authorization URL, authorize, paste the verifier (or code).
  upwork-diag flow oauth2 --secrets-file key.env --callback https://example.com/callback --save tokens.env

The tokens are written to the --save file only (NAME=value lines, mode 0600, never over an
existing file), which --secrets-file reads. Exit codes as for diagnose: 0 every step succeeded;
otherwise the code of the diagnosis of the step that failed; 2 bad input or usage.";

const DIAGNOSE_EXAMPLES: &str = "\
Examples:
  # A token request sent without Content-Length, replayed to the emulator:
  upwork-diag diagnose -X POST \\
      'https://www.upwork.com/api/auth/v1/oauth/token/request' \\
      --base-url http://127.0.0.1:8080
  # With the secrets in the environment, the signature is checked too:
  export UPWORK_CONSUMER_KEY=... UPWORK_CONSUMER_SECRET=...
  export UPWORK_TOKEN=... UPWORK_TOKEN_SECRET=...
  upwork-diag diagnose \\
      'https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design' \\
      -H 'Authorization: OAuth oauth_consumer_key=\"...\", ...'

Exit codes:
  0  the call succeeded (with --offline: no problem found)
  1  it failed, or will, and a finding explains why
  2  bad input or usage
  3  no response: network, DNS, TLS, timeout
  4  it failed and nothing explains it: escalate (the bundle says where)
  5  inconclusive: the output says what to give (a secret, the send time)";

const SIGN_EXAMPLES: &str = "\
Examples:
  export UPWORK_CONSUMER_KEY=... UPWORK_CONSUMER_SECRET=...
  export UPWORK_TOKEN=... UPWORK_TOKEN_SECRET=...
  upwork-diag sign -X GET 'https://www.upwork.com/api/auth/v1/info.json'
  upwork-diag sign 'https://www.upwork.com/api/auth/v1/info.json' --format json
  upwork-diag sign --mistake space-as-plus --only authorization \\
      'https://www.upwork.com/api/profiles/v2/search/jobs.json?q=a+b'";

const MOCK_EXAMPLES: &str = "\
Examples:
  upwork-diag mock --listen 127.0.0.1:8080
  upwork-diag mock --listen 127.0.0.1:0 --keys keys.json
  upwork-diag mock --listen 127.0.0.1:0 --ready-file mock.addr &

The first line on stdout is `listening on http://ADDR`. --ready-file writes
`http://ADDR` to a file once listening, for scripts to wait on.
Stops on Ctrl-C or SIGTERM.";

const PROXY_EXAMPLES: &str = "\
Examples:
  upwork-diag proxy --listen 127.0.0.1:8089
  upwork-diag proxy --upstream upwork --out proxy-bundles --har session.har

The first line on stdout is `listening on http://ADDR`; the next lines are the
variables to export for the app (HTTPS_PROXY and the CA file). Stops on Ctrl-C
or SIGTERM with a summary of the calls and findings.";

/// Where the call comes from: exactly one of the URL (with -X/-H/-d), --curl, --har or --raw.
#[derive(Debug, Args)]
pub struct RequestInput {
    /// The method (default GET, or POST with a body).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// The full URL, with its query exactly as your code sends it (no scheme: https).
    #[arg(value_name = "URL", required_unless_present_any = ["curl", "har", "raw"], conflicts_with_all = ["curl", "har", "raw"])]
    pub url: Option<String>,
    /// A header, `Name: value`; repeat for more. Nothing is added for you.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// The body, as text. Sent as given: no Content-Length or Content-Type is added (give them
    /// with -H as your code sends them, or use --curl for curl's own rules).
    #[arg(
        short = 'd',
        long = "data",
        value_name = "BODY",
        conflicts_with = "data_file"
    )]
    pub data: Option<String>,
    /// The body, from a file (bytes exactly).
    #[arg(long = "data-file", value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    /// A curl command: the command itself (`--curl "curl -X POST ..."`), a file holding it, or
    /// `-` for standard input (paste it, then Ctrl-D).
    #[arg(long, value_name = "COMMAND|FILE", conflicts_with_all = ["method", "headers", "data", "data_file", "har", "raw"])]
    pub curl: Option<String>,
    /// A HAR file exported from browser devtools, Postman, Charles ...
    #[arg(long, value_name = "FILE", conflicts_with_all = ["method", "headers", "data", "data_file", "raw"])]
    pub har: Option<PathBuf>,
    /// Which HAR entry (0-based; default: the first failing Upwork API call).
    #[arg(long, value_name = "N", requires = "har")]
    pub entry: Option<usize>,
    /// A raw HTTP request (request line, headers, blank line, body), from a file or `-`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["method", "headers", "data", "data_file"])]
    pub raw: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Platform {
    Mobile,
    Desktop,
    CommandLine,
    WebBrowser,
    Server,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Mobile => "mobile",
            Platform::Desktop => "desktop",
            Platform::CommandLine => "command-line",
            Platform::WebBrowser => "web-browser",
            Platform::Server => "server",
        }
    }
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    pub input: RequestInput,

    /// Read the UPWORK_* credentials from this file (NAME=value lines) instead of the environment.
    #[arg(long, value_name = "FILE", help_heading = "Credentials")]
    pub secrets_file: Option<PathBuf>,

    /// Your Upwork username, for the bundle.
    #[arg(long, help_heading = "Context")]
    pub username: Option<String>,
    /// Without --username: ask Upwork for it with the same credentials (info.json with OAuth 1.0,
    /// the GraphQL user query with an OAuth 2 token), at the same origin. One more request.
    #[arg(long, conflicts_with_all = ["username", "offline"], help_heading = "Context")]
    pub ask_username: bool,
    /// Where the call is made from.
    #[arg(long, value_enum, help_heading = "Context")]
    pub platform: Option<Platform>,
    /// The HTTP or OAuth library and its version (default: read from the User-Agent).
    #[arg(long, help_heading = "Context")]
    pub library: Option<String>,
    /// The language and its version (default: read from the User-Agent).
    #[arg(long, help_heading = "Context")]
    pub language: Option<String>,
    /// The OS the call is made from (default: read from the User-Agent, else this machine's).
    #[arg(long, help_heading = "Context")]
    pub os: Option<String>,
    /// When the captured call was sent: RFC 3339 (2026-11-30T04:35:00Z) or Unix seconds. Tells a
    /// client clock that was off from a capture that is only old; beats the time the capture gives
    /// (a HAR entry's startedDateTime, a Date header).
    #[arg(long, value_name = "TIME", help_heading = "Context")]
    pub sent_at: Option<String>,

    /// Send the call to another origin (e.g. the emulator), keeping its path and query.
    #[arg(long, value_name = "URL", help_heading = "Replay")]
    pub base_url: Option<String>,
    /// Run the checks only; send nothing.
    #[arg(long, help_heading = "Replay")]
    pub offline: bool,
    /// Follow a redirect the call is answered with (Upwork's hosts only, at most 5), each hop of
    /// an OAuth 1.0 call signed anew when the secrets are given; without it a redirect is
    /// reported, not followed.
    #[arg(long, conflicts_with = "offline", help_heading = "Replay")]
    pub follow: bool,
    /// Seconds to wait for the whole exchange.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 30.0,
        help_heading = "Replay"
    )]
    pub timeout: f64,
    /// Accept any TLS certificate (recorded in the bundle).
    #[arg(long, help_heading = "Replay")]
    pub insecure: bool,

    /// The bundle directory (default: `upwork-diag-<UTC time>`). Never overwritten.
    // The help is spelt out: clap would print the backticks rustdoc needs around `<UTC time>`.
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Output",
        help = "The bundle directory (default: upwork-diag-<UTC time>). Never overwritten"
    )]
    pub out: Option<PathBuf>,
    /// Write the bundle as a .zip archive.
    #[arg(long, help_heading = "Output")]
    pub zip: bool,
    /// What to print: a summary, or the bundle's JSON.
    #[arg(long, value_enum, default_value = "text", help_heading = "Output")]
    pub format: Format,
    /// Write no bundle.
    #[arg(long, conflicts_with_all = ["out", "zip"], help_heading = "Output")]
    pub no_bundle: bool,
    /// Show the bytes sent and received (redacted, on stderr), as curl -v does.
    #[arg(short = 'v', long, help_heading = "Output")]
    pub verbose: bool,
    /// Show the answer's head and body before the summary, as curl -i does.
    #[arg(short = 'i', long, help_heading = "Output")]
    pub include: bool,
    /// Print only the verdict line (the exit code says the rest).
    #[arg(short = 'q', long, conflicts_with_all = ["verbose", "include"], help_heading = "Output")]
    pub quiet: bool,
    /// The public version, for posting where anyone can read (Stack Overflow, a GitHub issue):
    /// the consumer key, tokens, signatures, nonces and username masked too, in the bundle and
    /// the printed output. Send Upwork support the version without it.
    #[arg(long, help_heading = "Output")]
    pub public: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The method.
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        default_value = "GET"
    )]
    pub method: String,
    /// The URL, with any query parameters to sign.
    pub url: String,
    /// A form body (application/x-www-form-urlencoded); its parameters are signed.
    #[arg(short = 'd', long = "data", value_name = "BODY")]
    pub data: Option<String>,
    /// Use this nonce instead of a random one.
    #[arg(long)]
    pub nonce: Option<String>,
    /// Use this timestamp (seconds since 1970) instead of now.
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Add oauth_version=1.0 (`--version` prints the tool's version).
    #[arg(long)]
    pub oauth_version: bool,
    /// Sign with PLAINTEXT instead of HMAC-SHA1.
    #[arg(long)]
    pub plaintext: bool,
    /// Compare your own base string (from this file, or `-`) with ours; show the first difference.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
    /// Sign as a client making this mistake would (to reproduce a failure), e.g. space-as-plus.
    #[arg(long, value_name = "MISTAKE", value_parser = mistake_names())]
    pub mistake: Option<String>,
    /// Read the UPWORK_* credentials from this file instead of the environment.
    #[arg(long, value_name = "FILE")]
    pub secrets_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text", conflicts_with = "only")]
    pub format: Format,
    /// Print only this value, for scripts: base-string, signature, authorization or signed-url.
    #[arg(long, value_enum, value_name = "FIELD")]
    pub only: Option<SignField>,
}

/// The names of the mistakes `sign --mistake` can make, each with what the client did: listed by
/// `--help`, and checked by clap before anything is signed.
fn mistake_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        upwork_diag_core::oauth::MistakeKind::ALL
            .iter()
            .map(|m| clap::builder::PossibleValue::new(m.name()).help(m.description())),
    )
}

/// One value of the `sign` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignField {
    BaseString,
    Signature,
    Authorization,
    SignedUrl,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one. Other than loopback, --token-file is
    /// required.
    #[arg(long, default_value = "127.0.0.1:8722")]
    pub listen: std::net::SocketAddr,
    /// A file holding the bearer token every request must carry (Authorization: Bearer ...).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// The address to listen on, HOST:PORT (`localhost:8089` too); port 0 picks a free one.
    /// Loopback only.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// A JSON file of consumer keys, secrets, permissions and tokens (default: the demo keys).
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// Serve without Upwork's rate limit, for load tests and benchmarks.
    #[arg(long)]
    pub no_rate_limit: bool,
    /// Accept request bodies sent with `Transfer-Encoding: chunked`, for apps that need them
    /// accepted here. By default a chunked POST, PUT or PATCH gets 411, as Upwork answers it.
    #[arg(long)]
    pub accept_chunked: bool,
    /// Once listening, write the emulator's base URL (`http://ADDR` and a newline) to this file,
    /// atomically: a script waits for the file, then reads a whole address.
    #[arg(long, value_name = "PATH")]
    pub ready_file: Option<PathBuf>,
    /// Where the line per request goes: `stderr`, `off`, or a file to append to (`./off` for a
    /// file named off). Lines are buffered, secrets hidden, and written every 100 ms and on exit
    /// (Ctrl-C, SIGTERM), so logging does not slow the answers.
    #[arg(long, value_name = "stderr|off|FILE", default_value = "stderr")]
    pub log: String,
}

/// Where `proxy` sends the calls to Upwork's hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProxyUpstream {
    /// The built-in emulator answers: no network, no key.
    Emulator,
    /// The calls go on to Upwork, unchanged byte for byte.
    Upwork,
}

#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// The address to listen on, HOST:PORT, loopback only; port 0 picks a free one.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8089")]
    pub listen: String,
    /// Who answers the calls to Upwork's hosts.
    #[arg(long, value_enum, default_value = "emulator")]
    pub upstream: ProxyUpstream,
    /// With --upstream upwork: send to this HOST:PORT instead of Upwork's host on port 443 (the
    /// certificate is checked for HOST). For tests with a stand-in for Upwork.
    #[arg(long, value_name = "HOST:PORT")]
    pub upstream_addr: Option<String>,
    /// With --upstream upwork: trust only this CA (PEM or DER) for the upstream, instead of the
    /// system's.
    #[arg(long, value_name = "FILE")]
    pub upstream_ca: Option<PathBuf>,
    /// Seconds the upstream may take to answer one call (504 to the app after it).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub upstream_timeout: f64,
    /// Where the local CA is kept (made on first use). Default: $XDG_CONFIG_HOME or
    /// ~/.config, then upwork-diag/proxy-ca.
    #[arg(long, value_name = "DIR", env = "UPWORK_DIAG_CA_DIR")]
    pub ca_dir: Option<PathBuf>,
    /// Where each failing call's bundle goes (one directory per call).
    #[arg(long, value_name = "DIR", default_value = "upwork-diag-proxy")]
    pub out: PathBuf,
    /// On exit, write the whole session as a sanitized HAR file (it must not exist yet).
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// The emulator's keys, a JSON file (default: the demo keys).
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo bundles.
    #[arg(long, value_name = "DIR", default_value = "upwork-diag-demo")]
    pub out: PathBuf,
}

/// Which OAuth generation `flow` walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowGeneration {
    /// Request token, authorization (verifier), access token, then a call with it.
    Oauth1,
    /// Authorization (code), token, then a GraphQL call with the access token.
    Oauth2,
}

#[derive(Debug, Args)]
pub struct FlowArgs {
    /// oauth1 or oauth2.
    #[arg(value_enum)]
    pub generation: FlowGeneration,
    /// Write the tokens got to this file (NAME=value lines for --secrets-file, mode 0600); it must
    /// not exist yet.
    #[arg(long, value_name = "FILE")]
    pub save: PathBuf,
    /// Send every step to another origin (the emulator), keeping path and query.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read UPWORK_CONSUMER_KEY and UPWORK_CONSUMER_SECRET (the OAuth 2 client id and secret) from
    /// this file instead of the environment.
    #[arg(long, value_name = "FILE")]
    pub secrets_file: Option<PathBuf>,
    /// OAuth 1.0: the oauth_callback of the request token call (default oob). OAuth 2: the
    /// redirect_uri (the callback URL registered for the key).
    #[arg(long, value_name = "URL")]
    pub callback: Option<String>,
    /// The verifier (OAuth 1.0) or code (OAuth 2) the authorization gave; without it, it is read
    /// from the emulator's answer, or asked on standard input.
    #[arg(long, value_name = "VALUE")]
    pub verifier: Option<String>,
    /// Seconds to wait for each exchange.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A finding code, e.g. content-length-missing.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its title.
    #[arg(long)]
    pub list: bool,
    /// What to print: the page as Markdown, or JSON (code, title, text; a list with --list).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The HAR file.
    pub file: PathBuf,
    /// Check every entry, not only the Upwork API calls.
    #[arg(long)]
    pub all: bool,
    /// Read the UPWORK_* credentials from this file instead of the environment (with the secrets,
    /// signatures are checked too).
    #[arg(long, value_name = "FILE")]
    pub secrets_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct KeycheckArgs {
    /// The key request, as JSON or TOML.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// The desk's macro titles by checkpoint and criterion (TOML, see docs/keycheck.md); without
    /// it a rejection names the runbook's title, "In process".
    #[arg(long, value_name = "FILE")]
    pub macros: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command (e.g. diagnose) for its own page; the tool's page without one.
    pub command: Option<String>,
}
