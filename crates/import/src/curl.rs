//! A pasted curl command line turned into the request curl would send.
//!
//! Quoting is read as the shell would (`curl/command_line.rs`); options as curl would: data joined by `&`,
//! `-G` moving it into the query, the Content-Type and Content-Length curl adds for a body. The
//! headers curl adds on every request (User-Agent, Accept, Host) are not recorded: the request
//! holds what the developer chose. An option this importer does not know is an error, never
//! silently dropped, since it might have changed the request.

mod command_line;
mod options;

use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::Digest;

use crate::import_error::{ImportError, ImportErrorKind, Location, TooLarge};
use command_line::{StdinSource, Word};
use options::Action::*;
use options::{DataKind, Spec, find_long, find_short};
use upwork_diag_core::limits;
use upwork_diag_core::request::{self, CapturedRequest, Header, RawUrl, Source};

/// The request a curl command sends, and what else the command says.
#[derive(Debug, Clone)]
pub struct CurlImport {
    pub request: CapturedRequest,
    /// `-k`/`--insecure` was given: the developer's call skips certificate checks.
    pub insecure: bool,
    /// The proxy given with `-x`/`--proxy`, as written.
    pub proxy: Option<String>,
    /// Every option as written (names only: values may hold secrets), in order.
    pub options: Vec<String>,
    /// What the reader should know: options that do not change the request, values kept as
    /// written, parts of the command that were ignored.
    pub notes: Vec<String>,
}

/// Parses a curl command line. `@file` arguments are read relative to `base_dir`; `@-` fails
/// with a clear error unless the command itself redirects standard input.
pub fn parse_curl(text: &str, origin: &str, base_dir: &Path) -> Result<CurlImport, ImportError> {
    parse_curl_with_stdin(text, origin, base_dir, None)
}

/// [`parse_curl`] with the bytes that `@-` and `-T -` read, when the caller has them.
pub fn parse_curl_with_stdin(
    text: &str,
    origin: &str,
    base_dir: &Path,
    stdin: Option<&[u8]>,
) -> Result<CurlImport, ImportError> {
    parse(text, origin, Some(base_dir), stdin)
}

/// A curl command pasted by someone else (the console): `@file`, `-T file` and `< file` are
/// refused, so that a command cannot read this machine's files.
pub fn parse_curl_pasted(text: &str, origin: &str) -> Result<CurlImport, ImportError> {
    parse(text, origin, None, None)
}

fn parse(
    text: &str,
    origin: &str,
    base_dir: Option<&Path>,
    stdin: Option<&[u8]>,
) -> Result<CurlImport, ImportError> {
    let command = command_line::split(text, origin)?;
    let mut parser = Parser {
        origin,
        base_dir: base_dir.unwrap_or(Path::new(".")),
        reads_files: base_dir.is_some(),
        given_stdin: stdin,
        command_stdin: command.stdin.clone(),
        state: State::default(),
        notes: command.notes.clone(),
        options: Vec::new(),
        body_bytes_read: std::cell::Cell::new(0),
    };
    parser.run(&command.words)?;
    parser.build(&command.words)
}

/// A `-H` line as curl reads it.
#[derive(Debug, Clone)]
enum CustomHeader {
    Send(Header),
    /// `-H 'Name:'`: curl drops its own header of that name and sends none.
    Remove(String),
}

impl CustomHeader {
    fn name(&self) -> &str {
        match self {
            CustomHeader::Send(h) => &h.name,
            CustomHeader::Remove(name) => name,
        }
    }
}

struct DataPart {
    kind: DataKind,
    value: Vec<u8>,
    at: (usize, usize),
}

struct FormPart {
    value: Vec<u8>,
    literal: bool,
    at: (usize, usize),
}

#[derive(Default)]
struct State {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<(Vec<u8>, (usize, usize))>,
    data: Vec<DataPart>,
    forms: Vec<FormPart>,
    url_queries: Vec<(Vec<u8>, (usize, usize))>,
    get: bool,
    head: bool,
    upload: Option<(String, (usize, usize))>,
    user: Option<String>,
    bearer: Option<String>,
    basic_auth: bool,
    challenge_auth: Option<String>,
    cookies: Vec<String>,
    user_agent: Option<String>,
    referer: Option<String>,
    range: Option<String>,
    compressed: bool,
    insecure: bool,
    proxy: Option<String>,
    /// Options given that do not change the request, for one note.
    no_effect: Vec<String>,
}

/// What the data, form and upload options make of the request.
struct Body {
    url: String,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    /// `--json` was given: its headers are added after the developer's.
    json: bool,
}

/// curl's refusal of two options that each set the request method.
fn conflict(origin: &str, a: &str, b: &str, at: (usize, usize)) -> ImportError {
    ImportError::at(
        origin,
        Location::at(at.0, at.1),
        ImportErrorKind::Syntax(format!(
            "{a} and {b} cannot be used together: curl refuses to pick one request method"
        )),
    )
}

struct Parser<'a> {
    origin: &'a str,
    base_dir: &'a Path,
    /// False for a command pasted into the console: it may not read this machine's files.
    reads_files: bool,
    given_stdin: Option<&'a [u8]>,
    command_stdin: Option<StdinSource>,
    state: State,
    notes: Vec<String>,
    options: Vec<String>,
    /// The bytes of files and standard input read so far for the body, against
    /// [`limits::REQUEST_BODY_LIMIT`].
    body_bytes_read: std::cell::Cell<u64>,
}

impl Parser<'_> {
    fn error_at(&self, at: (usize, usize), kind: ImportErrorKind) -> ImportError {
        ImportError::at(self.origin, Location::at(at.0, at.1), kind)
    }

    fn run(&mut self, words: &[Word]) -> Result<(), ImportError> {
        let Some(first) = words.first() else {
            return Err(ImportError::new(
                self.origin,
                ImportErrorKind::Syntax("no command found (expected 'curl ...')".into()),
            ));
        };
        let program = first.text();
        let program_name = program.rsplit(['/', '\\']).next().unwrap_or(&program);
        if !program_name.eq_ignore_ascii_case("curl")
            && !program_name.eq_ignore_ascii_case("curl.exe")
        {
            return Err(self.error_at(
                (first.line, first.column),
                ImportErrorKind::Syntax(format!("expected a curl command, found '{program}'")),
            ));
        }
        self.state.basic_auth = true;
        let mut i = 1;
        while i < words.len() {
            let word = &words[i];
            let at = (word.line, word.column);
            let text = word.text();
            i += 1;
            if let Some(long) = text.strip_prefix("--").filter(|_| text.len() > 2) {
                let (spec, negated) = match find_long(long) {
                    Some(spec) => (spec, false),
                    None => match long.strip_prefix("no-").and_then(find_long) {
                        Some(spec) if !spec.takes_arg => (spec, true),
                        _ if long.contains('=') => {
                            return Err(self.error_at(
                                at,
                                ImportErrorKind::Syntax(format!(
                                    "unknown curl option '{}=...': curl takes no \
                                     '--option=value', write '--option value'",
                                    long.split('=')
                                        .next()
                                        .map_or(String::new(), |n| format!("--{n}"))
                                )),
                            ));
                        }
                        _ => {
                            return Err(self.error_at(at, ImportErrorKind::UnknownOption(text)));
                        }
                    },
                };
                self.options.push(text.clone());
                let arg = if spec.takes_arg {
                    let Some(arg) = words.get(i) else {
                        return Err(self.error_at(
                            at,
                            ImportErrorKind::Syntax(format!("{text} needs a value")),
                        ));
                    };
                    i += 1;
                    Some(arg.clone())
                } else {
                    None
                };
                if self.apply(spec, &text, arg, negated, at)? {
                    break;
                }
            } else if text.len() > 1 && text.starts_with('-') {
                // Short options may be combined (`-sSL`) and take their value from the rest of
                // the word (`-XPOST`, `-H'a: b'`).
                let bytes = &word.bytes;
                let mut k = 1;
                while k < bytes.len() {
                    let c = bytes[k] as char;
                    let spec = (bytes[k].is_ascii()).then(|| find_short(c)).flatten();
                    let Some(spec) = spec else {
                        let shown = String::from_utf8_lossy(&bytes[k..])
                            .chars()
                            .next()
                            .unwrap_or(c);
                        return Err(
                            self.error_at(at, ImportErrorKind::UnknownOption(format!("-{shown}")))
                        );
                    };
                    let name = format!("-{c}");
                    self.options.push(name.clone());
                    k += 1;
                    let arg = if !spec.takes_arg {
                        None
                    } else if k < bytes.len() {
                        let arg = Word {
                            bytes: bytes[k..].to_vec(),
                            line: word.line,
                            column: word.column + k,
                        };
                        k = bytes.len();
                        Some(arg)
                    } else {
                        let Some(arg) = words.get(i) else {
                            return Err(self.error_at(
                                at,
                                ImportErrorKind::Syntax(format!("{name} needs a value")),
                            ));
                        };
                        i += 1;
                        Some(arg.clone())
                    };
                    if self.apply(spec, &name, arg, false, at)? {
                        return Ok(());
                    }
                }
            } else {
                self.state.urls.push(text);
            }
        }
        Ok(())
    }

    /// Applies one option; true when the rest of the command is to be ignored (`--next`).
    fn apply(
        &mut self,
        spec: &Spec,
        name: &str,
        arg: Option<Word>,
        negated: bool,
        at: (usize, usize),
    ) -> Result<bool, ImportError> {
        let arg_at = arg.as_ref().map_or(at, |w| (w.line, w.column));
        let text = arg.as_ref().map(Word::text).unwrap_or_default();
        let bytes = arg.map(|w| w.bytes).unwrap_or_default();
        let state = &mut self.state;
        match spec.action {
            Request => state.method = Some(text),
            Header => state.headers.push((bytes, arg_at)),
            Data(kind) => state.data.push(DataPart {
                kind,
                value: bytes,
                at: arg_at,
            }),
            Get => state.get = !negated,
            User => state.user = Some(text),
            Cookie => {
                if text.contains('=') {
                    state.cookies.push(text);
                } else {
                    let exists = resolve(self.base_dir, &text).is_file();
                    self.notes.push(format!(
                        "{name} '{text}' names a cookie file; its cookies are not read (curl \
                         sends only the ones matching the URL){}",
                        if exists {
                            ""
                        } else {
                            ", and the file does not exist here"
                        }
                    ));
                }
            }
            UserAgent => state.user_agent = Some(text),
            Referer => {
                let referer = text.strip_suffix(";auto").unwrap_or(&text).to_string();
                state.referer = (!referer.is_empty()).then_some(referer);
            }
            Url => state.urls.push(text),
            Form { literal } => state.forms.push(FormPart {
                value: bytes,
                literal,
                at: arg_at,
            }),
            Head => state.head = !negated,
            UploadFile => {
                if state.upload.is_none() {
                    state.upload = Some((text, arg_at));
                }
            }
            Compressed => state.compressed = !negated,
            Insecure => {
                state.insecure = !negated;
                if !negated {
                    self.notes
                        .push(format!("{name}: the command skips TLS certificate checks"));
                }
            }
            Proxy => state.proxy = Some(text),
            Range => {
                let range = if text.contains('-') {
                    text
                } else {
                    format!("{text}-")
                };
                state.range = Some(range);
            }
            Bearer => state.bearer = Some(text),
            UrlQuery => state.url_queries.push((bytes, arg_at)),
            AuthBasic => state.basic_auth = !negated,
            AuthChallenge => {
                if negated {
                    state.challenge_auth = None;
                } else {
                    state.challenge_auth = Some(name.to_string());
                }
            }
            Http10 => self
                .notes
                .push(format!("{name}: curl writes HTTP/1.0 in the request line")),
            Next => {
                self.notes.push(format!(
                    "{name}: only the first request of the command is read; the ones after \
                     --next are ignored"
                ));
                return Ok(true);
            }
            Netrc => self.notes.push(format!(
                "{name}: credentials curl may take from a .netrc file are not included"
            )),
            NoEffect => self.state.no_effect.push(name.to_string()),
            Unsupported => {
                return Err(self.error_at(
                    at,
                    ImportErrorKind::Unsupported(format!(
                        "{name} changes the request in a way this importer does not \
                         reproduce; remove it, or capture the request as HAR or raw HTTP"
                    )),
                ));
            }
        }
        Ok(false)
    }

    /// Reads a file the command names; `at` is where the command names it.
    /// Files are read up to what is left of [`limits::REQUEST_BODY_LIMIT`]: `/dev/zero` or an
    /// endless pipe named by mistake ends in an error, not in memory used up.
    fn read_file(&self, name: &str, at: (usize, usize)) -> Result<Vec<u8>, ImportError> {
        if !self.reads_files {
            return Err(self.error_at(
                at,
                ImportErrorKind::Unsupported(
                    "the command reads a file; here no file is read: paste the body itself \
                     (--data-raw '...')"
                        .to_string(),
                ),
            ));
        }
        let left = limits::REQUEST_BODY_LIMIT.saturating_sub(self.body_bytes_read.get());
        let bytes =
            limits::read_file_capped(&resolve(self.base_dir, name), left).map_err(|e| match e {
                limits::CappedReadError::TooLarge { .. } => {
                    self.too_large(format!("'{name}' (referred to by the input)"), at)
                }
                limits::CappedReadError::Io(source) => self.error_at(
                    at,
                    ImportErrorKind::MissingFile {
                        path: PathBuf::from(name),
                        source,
                    },
                ),
            })?;
        self.count_body_bytes(bytes.len(), name, at)?;
        Ok(bytes)
    }

    fn too_large(&self, what: String, at: (usize, usize)) -> ImportError {
        self.error_at(
            at,
            ImportErrorKind::TooLarge(Box::new(TooLarge {
                what,
                limit: limits::REQUEST_BODY_LIMIT,
                for_what: "for a request body (all files and standard input together)",
            })),
        )
    }

    fn count_body_bytes(
        &self,
        n: usize,
        name: &str,
        at: (usize, usize),
    ) -> Result<(), ImportError> {
        let total = self.body_bytes_read.get().saturating_add(n as u64);
        if total > limits::REQUEST_BODY_LIMIT {
            return Err(self.too_large(format!("'{name}' (referred to by the input)"), at));
        }
        self.body_bytes_read.set(total);
        Ok(())
    }

    fn read_stdin(&self, what: &str, at: (usize, usize)) -> Result<Vec<u8>, ImportError> {
        let bytes = match &self.command_stdin {
            Some(StdinSource::File(word)) => {
                return self.read_file(&word.text(), (word.line, word.column));
            }
            Some(StdinSource::Text(bytes)) => bytes.clone(),
            None => self
                .given_stdin
                .map(<[u8]>::to_vec)
                .ok_or_else(|| self.error_at(at, ImportErrorKind::NoStdin(what.into())))?,
        };
        self.count_body_bytes(bytes.len(), "-", at)?;
        Ok(bytes)
    }

    /// A file, or standard input for `-`.
    fn read_reference(
        &self,
        name: &str,
        what: &str,
        at: (usize, usize),
    ) -> Result<Vec<u8>, ImportError> {
        if name == "-" {
            self.read_stdin(what, at)
        } else {
            self.read_file(name, at)
        }
    }

    fn data_part(&self, part: &DataPart) -> Result<Vec<u8>, ImportError> {
        let value = &part.value;
        match part.kind {
            DataKind::Raw => Ok(value.clone()),
            DataKind::Ascii | DataKind::Binary | DataKind::Json => match value.strip_prefix(b"@") {
                Some(name) => {
                    let name = String::from_utf8_lossy(name);
                    let mut content = self.read_reference(&name, &format!("@{name}"), part.at)?;
                    if part.kind == DataKind::Ascii {
                        // curl removes line breaks from a file read by -d (not by --data-binary).
                        content.retain(|b| *b != b'\r' && *b != b'\n');
                    }
                    Ok(content)
                }
                None => Ok(value.clone()),
            },
            DataKind::Urlencode => self.urlencoded(value, part.at),
        }
    }

    /// `--data-urlencode` and `--url-query`: `content`, `=content`, `name=content`, `@file`,
    /// `name@file`; only the content is encoded.
    fn urlencoded(&self, value: &[u8], at: (usize, usize)) -> Result<Vec<u8>, ImportError> {
        let split = value
            .iter()
            .position(|b| *b == b'=')
            .or_else(|| value.iter().position(|b| *b == b'@'));
        let (name, content) = match split {
            Some(p) if value[p] == b'@' => {
                let file = String::from_utf8_lossy(&value[p + 1..]).into_owned();
                (
                    &value[..p],
                    self.read_reference(&file, &format!("@{file}"), at)?,
                )
            }
            Some(p) => (&value[..p], value[p + 1..].to_vec()),
            None => (&value[..0], value.to_vec()),
        };
        let mut out = Vec::new();
        if !name.is_empty() {
            out.extend_from_slice(name);
            out.push(b'=');
        }
        // curl_easy_escape is RFC 3986's: everything but letters, digits and `-._~` as `%XX`.
        out.extend_from_slice(upwork_diag_core::oauth::encode_bytes(&content).as_bytes());
        Ok(out)
    }

    fn build(mut self, words: &[Word]) -> Result<CurlImport, ImportError> {
        let origin = self.origin;
        let Body {
            url,
            body,
            content_type,
            json,
        } = self.url_and_body(words)?;
        let method = self.method(body.is_some())?;
        let url = RawUrl::parse(&url).map_err(|e| ImportError::new(origin, e.into()))?;
        let headers = self.headers(&url, body.as_deref(), content_type, json)?;
        // With `-H 'Transfer-Encoding: chunked'`, curl frames the data as chunks and writes no
        // Content-Length.
        let chunked = request::chunked::declares_chunked(&headers);
        let has_data = body.is_some();
        let mut request = CapturedRequest {
            method,
            url,
            time: request::sent_at_from_date_header(&headers),
            headers,
            body: body.unwrap_or_default(),
            source: Source::Curl {
                file: origin.to_string(),
            },
        };
        if chunked && has_data {
            // The data is the content; the wire carries it framed.
            request.body = request::chunked::encode(&request.body);
        }
        Ok(CurlImport {
            request,
            insecure: self.state.insecure,
            proxy: self.state.proxy.clone(),
            options: self.options,
            notes: self.notes,
        })
    }

    /// The URL with the query options applied, and the body with its Content-Type, from the
    /// data, form and upload options; files are read here, so a missing one is named first.
    fn url_and_body(&mut self, words: &[Word]) -> Result<Body, ImportError> {
        let origin = self.origin;
        let Some(url_text) = self.state.urls.first().cloned() else {
            let at = words.first().map_or((1, 1), |w| (w.line, w.column));
            return Err(self.error_at(at, ImportErrorKind::Syntax("the command has no URL".into())));
        };
        if self.state.urls.len() > 1 {
            self.notes.push(format!(
                "the command names {} URLs; only the first, {url_text}, is read",
                self.state.urls.len()
            ));
        }
        let mut url = if has_scheme(&url_text) {
            url_text.clone()
        } else {
            // curl's default when the scheme is left out.
            format!("http://{url_text}")
        };

        // Bodies that read files come first so a missing file is named before anything else.
        let upload = match self.state.upload.clone() {
            Some((name, at)) => Some((name.clone(), self.read_reference(&name, "-T -", at)?)),
            None => None,
        };
        let mut data: Option<Vec<u8>> = None;
        for part in &self.state.data {
            let bytes = self.data_part(part)?;
            let joined = data.get_or_insert_with(Vec::new);
            if !joined.is_empty() && part.kind != DataKind::Json {
                joined.push(b'&');
            }
            joined.extend_from_slice(&bytes);
        }
        let json = self.state.data.iter().any(|p| p.kind == DataKind::Json);
        let mut queries = Vec::new();
        for (value, at) in &self.state.url_queries {
            queries.push(match value.strip_prefix(b"+") {
                Some(plain) => plain.to_vec(),
                None => self.urlencoded(value, *at)?,
            });
        }
        let form = if self.state.forms.is_empty() {
            None
        } else {
            Some(self.multipart()?)
        };

        if form.is_some() && data.is_some() && !self.state.get {
            return Err(conflict(origin, "-F", "-d", self.state.forms[0].at));
        }
        if upload.is_some() && (data.is_some() && !self.state.get || form.is_some()) {
            return Err(conflict(
                origin,
                "-T",
                "-d/-F",
                self.state.upload.as_ref().unwrap().1,
            ));
        }

        if !queries.is_empty() {
            append_query(&mut url, &queries.join(&b'&'));
        }
        let mut body: Option<Vec<u8>> = None;
        let mut content_type: Option<String> = None;
        if self.state.get {
            if let Some(data) = data.take() {
                append_query(&mut url, &data);
            }
        } else if let Some(data) = data.take() {
            body = Some(data);
            if !json {
                content_type = Some("application/x-www-form-urlencoded".into());
            }
        }
        if let Some((content, boundary)) = form {
            body = Some(content);
            content_type = Some(format!("multipart/form-data; boundary={boundary}"));
        }
        if let Some((name, content)) = upload {
            if name != "-" && name != "." {
                let file_name = name.rsplit(['/', '\\']).next().unwrap_or(&name);
                let parsed = RawUrl::parse(&url).map_err(|e| ImportError::new(origin, e.into()))?;
                if parsed.path().is_empty() || parsed.path().ends_with('/') {
                    // curl names the remote file after the local one when the URL has no file part.
                    let base = format!(
                        "{}://{}{}{}",
                        parsed.scheme(),
                        parsed.authority(),
                        if parsed.path().is_empty() {
                            "/"
                        } else {
                            parsed.path()
                        },
                        file_name
                    );
                    url = match parsed.query() {
                        Some(q) => format!("{base}?{q}"),
                        None => base,
                    };
                }
            }
            body = Some(content);
        }

        Ok(Body {
            url,
            body,
            content_type,
            json,
        })
    }

    /// The method curl sends: `-X`, else what `-I`, `-T` or a body imply.
    fn method(&mut self, has_body: bool) -> Result<String, ImportError> {
        if self.state.head && has_body && self.state.method.is_none() {
            return Err(conflict(self.origin, "-I", "-d/-F/-T", (1, 1)));
        }
        if !self.state.no_effect.is_empty() {
            self.notes.push(format!(
                "options that do not change the request, recorded only: {}",
                self.state.no_effect.join(" ")
            ));
        }
        let method = match &self.state.method {
            Some(m) if m.is_empty() || m.contains(char::is_whitespace) => {
                return Err(ImportError::new(
                    self.origin,
                    ImportErrorKind::Syntax(format!(
                        "-X '{m}': a method is one word (GET, POST, PUT, DELETE ...)"
                    )),
                ));
            }
            Some(m) => m.clone(),
            None if self.state.head => "HEAD".into(),
            None if self.state.upload.is_some() => "PUT".into(),
            None if has_body => "POST".into(),
            None => "GET".into(),
        };
        if self
            .state
            .method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("HEAD"))
            && !has_body
            && !self.state.head
        {
            self.notes
                .push("-X HEAD without -I: curl waits for a body that never comes".into());
        }

        Ok(method)
    }

    /// The headers in the order curl writes them: its own (each yielding to a `-H` of its name),
    /// the developer's, then the body's length and type.
    fn headers(
        &mut self,
        url: &RawUrl,
        body: Option<&[u8]>,
        content_type: Option<String>,
        json: bool,
    ) -> Result<Vec<Header>, ImportError> {
        let mut custom = Vec::new();
        for (line, at) in self.state.headers.clone() {
            custom.extend(self.header_lines(&line, at)?);
        }
        if json {
            // --json adds these after the developer's own headers, unless they set them.
            for (name, value) in [
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ] {
                if !custom.iter().any(|h| h.name().eq_ignore_ascii_case(name)) {
                    custom.push(CustomHeader::Send(Header::new(name, value)));
                }
            }
        }
        let has_custom = |name: &str| custom.iter().any(|h| h.name().eq_ignore_ascii_case(name));

        let mut headers = Vec::new();
        // curl's own headers, in the order curl writes them, each yielding to a -H of its name.
        if !has_custom("Authorization")
            && let Some(value) = self.authorization(url)
        {
            headers.push(Header::new("Authorization", value));
        }
        let own = [
            (
                "Range",
                self.state.range.clone().map(|r| format!("bytes={r}")),
            ),
            (
                "User-Agent",
                self.state.user_agent.clone().filter(|ua| !ua.is_empty()),
            ),
            (
                "Accept-Encoding",
                self.state.compressed.then(|| "deflate, gzip".to_string()),
            ),
            ("Referer", self.state.referer.clone()),
            (
                "Cookie",
                (!self.state.cookies.is_empty()).then(|| self.state.cookies.join("; ")),
            ),
        ];
        for (name, value) in own {
            if let Some(value) = value
                && !has_custom(name)
            {
                headers.push(Header::new(name, value));
            }
        }
        for header in &custom {
            match header {
                CustomHeader::Send(h) => headers.push(h.clone()),
                CustomHeader::Remove(name) => self.notes.push(format!(
                    "-H '{name}:' removes the {name} header curl would add; none is sent"
                )),
            }
        }
        let chunked = request::chunked::declares_chunked(&headers);
        if let Some(body) = body {
            if !has_custom("Content-Length") && !chunked {
                headers.push(Header::new("Content-Length", body.len().to_string()));
            }
            if let Some(ct) = content_type
                && !has_custom("Content-Type")
            {
                headers.push(Header::new("Content-Type", ct));
            }
        }

        Ok(headers)
    }

    fn authorization(&mut self, url: &RawUrl) -> Option<String> {
        if let Some(token) = &self.state.bearer {
            return Some(format!("Bearer {token}"));
        }
        let from_url;
        let user = match &self.state.user {
            Some(user) => user.clone(),
            None => {
                // Credentials in the URL are sent the same way, percent-decoded.
                let userinfo = url.userinfo()?;
                from_url = percent_encoding::percent_decode_str(userinfo)
                    .decode_utf8_lossy()
                    .into_owned();
                from_url
            }
        };
        if let Some(method) = &self.state.challenge_auth {
            self.notes.push(format!(
                "{method}: curl sends the credentials only after the server's challenge; the \
                 first request, recorded here, has no Authorization header"
            ));
            return None;
        }
        if !self.state.basic_auth {
            return None;
        }
        let user = if user.contains(':') {
            user
        } else {
            self.notes.push(
                "-u without a password: curl would prompt for it; an empty password is assumed"
                    .into(),
            );
            format!("{user}:")
        };
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user)
        ))
    }

    /// A `-H` value: `Name: value`, `Name:` (removal), `Name;` (empty value) or `@file`.
    fn header_lines(
        &mut self,
        line: &[u8],
        at: (usize, usize),
    ) -> Result<Vec<CustomHeader>, ImportError> {
        if let Some(file) = line.strip_prefix(b"@") {
            let file = String::from_utf8_lossy(file).into_owned();
            let content = self.read_reference(&file, "-H @-", at)?;
            let text = String::from_utf8_lossy(&content).into_owned();
            let mut out = Vec::new();
            for l in text.lines().filter(|l| !l.trim().is_empty()) {
                out.extend(self.header_lines(l.as_bytes(), at)?);
            }
            return Ok(out);
        }
        let text = String::from_utf8(line.to_vec()).map_err(|_| {
            self.error_at(
                at,
                ImportErrorKind::Syntax("the header is not UTF-8 text".into()),
            )
        })?;
        if text.contains(['\r', '\n']) {
            return Err(self.error_at(
                at,
                ImportErrorKind::Syntax(format!(
                    "the header '{}' holds a line break, which would split it on the wire",
                    text.escape_debug()
                )),
            ));
        }
        if let Some((name, value)) = text.split_once(':') {
            let value = value.trim_start_matches([' ', '\t']);
            if value.trim().is_empty() {
                return Ok(vec![CustomHeader::Remove(name.to_string())]);
            }
            return Ok(vec![CustomHeader::Send(Header::new(name, value))]);
        }
        if let Some(name) = text.trim_end().strip_suffix(';') {
            return Ok(vec![CustomHeader::Send(Header::new(name, ""))]);
        }
        self.notes.push(format!(
            "-H at line {}, column {} is not a header (no ':'); curl ignores it (not shown: it may hold a secret)",
            at.0, at.1
        ));
        Ok(Vec::new())
    }

    /// The multipart body of `-F` parts, as curl lays it out, and its boundary.
    fn multipart(&mut self) -> Result<(Vec<u8>, String), ImportError> {
        struct Part {
            name: String,
            filename: Option<String>,
            content_type: Option<String>,
            headers: Vec<String>,
            content: Vec<u8>,
        }
        let mut parts = Vec::new();
        for form in &self.state.forms {
            let text = String::from_utf8_lossy(&form.value).into_owned();
            let Some((name, value)) = text.split_once('=') else {
                return Err(self.error_at(
                    form.at,
                    ImportErrorKind::Syntax(format!("-F '{text}': expected name=value")),
                ));
            };
            let mut part = Part {
                name: name.to_string(),
                filename: None,
                content_type: None,
                headers: Vec::new(),
                content: Vec::new(),
            };
            if form.literal {
                part.content = form.value[name.len() + 1..].to_vec();
                parts.push(part);
                continue;
            }
            let mut pieces = value.split(';');
            let main = pieces.next().unwrap_or_default();
            for param in pieces {
                match param.trim().split_once('=') {
                    Some(("type", t)) => part.content_type = Some(t.to_string()),
                    Some(("filename", f)) => part.filename = Some(f.trim_matches('"').to_string()),
                    Some(("headers", h)) => part.headers.push(h.to_string()),
                    _ => self.notes.push(format!("-F parameter ';{param}' ignored")),
                }
            }
            if let Some(file) = main.strip_prefix('@') {
                part.content = self.read_reference(file, "-F @-", form.at)?;
                if part.filename.is_none() && file != "-" {
                    part.filename = file.rsplit(['/', '\\']).next().map(str::to_string);
                }
                if part.content_type.is_none() {
                    part.content_type = Some(guess_content_type(file).to_string());
                }
            } else if let Some(file) = main.strip_prefix('<') {
                part.content = self.read_reference(file, "-F <-", form.at)?;
            } else {
                part.content = main.as_bytes().to_vec();
            }
            parts.push(part);
        }
        // curl picks a random boundary; one derived from the content keeps imports reproducible.
        let mut hasher = sha2::Sha256::new();
        for part in &parts {
            hasher.update(part.name.as_bytes());
            hasher.update(&part.content);
        }
        let digest = hasher.finalize();
        let random = hex::encode(&digest[..11]);
        let boundary = format!("{}{random}", "-".repeat(24));
        let mut body = Vec::new();
        for part in &parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
            if let Some(f) = &part.filename {
                disposition.push_str(&format!("; filename=\"{f}\""));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(t) = &part.content_type {
                body.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
            }
            for h in &part.headers {
                body.extend_from_slice(format!("{h}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((body, boundary))
    }
}

/// True when the text starts with a URL scheme (`https://`), which curl would otherwise guess.
pub(crate) fn has_scheme(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

fn resolve(base_dir: &Path, name: &str) -> PathBuf {
    let path = Path::new(name);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base_dir.join(path)
    }
}

/// Appends to the query the way curl does: `?` when there is none, else `&`.
fn append_query(url: &mut String, query: &[u8]) {
    let fragment = url.find('#').map(|i| url.split_off(i));
    let separator = match url.find('?') {
        None => "?",
        Some(i) if i + 1 == url.len() || url.ends_with('&') => "",
        Some(_) => "&",
    };
    url.push_str(separator);
    url.push_str(&String::from_utf8_lossy(query));
    if let Some(fragment) = fragment {
        url.push_str(&fragment);
    }
}

/// The Content-Type curl gives a file part, from its extension.
fn guess_content_type(file: &str) -> &'static str {
    let ext = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        "htm" | "html" => "text/html",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests;
