//! A pasted command line split into words as the shell that would run it does: bash (quotes,
//! `$'..'`, backslash-newline, comments, redirections) or Windows cmd (`^` escapes, as Chrome's
//! "Copy as cURL (cmd)" writes them).
//!
//! Nothing is expanded: `$VAR` and `` `cmd` `` stay as written, with a note, because the values the
//! developer's shell held are not known here and a guess would hide the real request.

use crate::import_error::{ImportError, ImportErrorKind, Location};

/// One word after quote removal, with the place where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The bytes of the word (`$'\xff'` can make bytes that are not UTF-8).
    pub bytes: Vec<u8>,
    pub line: usize,
    pub column: usize,
}

impl Word {
    /// The word as text; bytes that are not UTF-8 become U+FFFD.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Where the command's standard input comes from, when the command line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdinSource {
    /// `< file`
    File(Word),
    /// A here-document or here-string.
    Text(Vec<u8>),
}

/// The first command of the input, split.
#[derive(Debug, Default)]
pub struct Command {
    pub words: Vec<Word>,
    pub stdin: Option<StdinSource>,
    pub notes: Vec<String>,
}

#[derive(Clone, Copy)]
struct Ch {
    c: char,
    line: usize,
    column: usize,
}

/// Positions every character; a CR before LF is dropped so Windows line endings read as Unix ones.
fn positioned(text: &str) -> Vec<Ch> {
    let mut out = Vec::with_capacity(text.len());
    let (mut line, mut column) = (1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            column += 1;
            continue;
        }
        out.push(Ch { c, line, column });
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    out
}

/// True when the text is written for Windows cmd: lines continued with `^`, or `^"` quoting.
pub fn looks_like_cmd(text: &str) -> bool {
    text.contains("^\n") || text.contains("^\r\n") || text.contains("curl ^\"")
}

/// Splits the first command of `text` into words.
pub fn split(text: &str, origin: &str) -> Result<Command, ImportError> {
    if looks_like_cmd(text) {
        Ok(split_cmd(text))
    } else {
        BashSplitter::new(text, origin).run()
    }
}

fn push_char(bytes: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

#[derive(PartialEq)]
enum Redirect {
    Stdin,
    HereDoc { strip_tabs: bool },
    HereString,
    Output,
}

struct BashSplitter<'a> {
    origin: &'a str,
    chars: Vec<Ch>,
    i: usize,
    command: Command,
    current: Option<Word>,
    pending_redirect: Option<(Redirect, Ch)>,
    pending_heredocs: Vec<(Word, bool)>,
}

impl<'a> BashSplitter<'a> {
    fn new(text: &str, origin: &'a str) -> Self {
        let mut chars = positioned(text);
        // A shell prompt copied with the command (`$ curl ...`) is not part of it.
        let start = chars
            .iter()
            .position(|ch| !ch.c.is_whitespace())
            .unwrap_or(0);
        if chars.get(start).map(|ch| ch.c) == Some('$')
            && chars
                .get(start + 1)
                .is_some_and(|ch| ch.c == ' ' || ch.c == '\t')
        {
            chars.drain(..start + 1);
        }
        BashSplitter {
            origin,
            chars,
            i: 0,
            command: Command::default(),
            current: None,
            pending_redirect: None,
            pending_heredocs: Vec::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).map(|ch| ch.c)
    }

    fn word(&mut self, at: Ch) -> &mut Vec<u8> {
        &mut self
            .current
            .get_or_insert_with(|| Word {
                bytes: Vec::new(),
                line: at.line,
                column: at.column,
            })
            .bytes
    }

    fn error(&self, at: Ch, message: String) -> ImportError {
        ImportError::at(
            self.origin,
            Location::at(at.line, at.column),
            ImportErrorKind::Syntax(message),
        )
    }

    fn note_expansion(&mut self, at: Ch, what: &str, text: &str) {
        self.command.notes.push(format!(
            "{what} {text} at line {}, column {} is kept as written: the shell would have \
             replaced it, and its value is not known here",
            at.line, at.column
        ));
    }

    /// Ends the word being read; a word after a redirection operator is its target.
    fn finish_word(&mut self) {
        let Some(word) = self.current.take() else {
            return;
        };
        match self.pending_redirect.take() {
            None => self.command.words.push(word),
            Some((Redirect::Stdin, _)) => self.command.stdin = Some(StdinSource::File(word)),
            Some((Redirect::HereString, _)) => {
                let mut bytes = word.bytes;
                bytes.push(b'\n');
                self.command.stdin = Some(StdinSource::Text(bytes));
            }
            Some((Redirect::HereDoc { strip_tabs }, _)) => {
                self.pending_heredocs.push((word, strip_tabs));
            }
            Some((Redirect::Output, _)) => {
                self.command.notes.push(format!(
                    "output redirection to '{}' ignored: it does not change the request",
                    word.text()
                ));
            }
        }
    }

    fn run(mut self) -> Result<Command, ImportError> {
        while self.i < self.chars.len() {
            let ch = self.chars[self.i];
            match ch.c {
                ' ' | '\t' => {
                    self.finish_word();
                    self.i += 1;
                }
                '\n' => {
                    self.finish_word();
                    self.i += 1;
                    self.read_heredocs()?;
                    if !self.command.words.is_empty() {
                        self.check_rest()?;
                        break;
                    }
                }
                '\\' => {
                    match self.peek(1) {
                        Some('\n') => {}
                        Some(c) => push_char(self.word(ch), c),
                        None => push_char(self.word(ch), '\\'),
                    }
                    self.i += 2;
                }
                '\'' => self.single_quoted(ch)?,
                '"' => {
                    self.i += 1;
                    self.word(ch);
                    self.double_quoted(ch)?;
                }
                '$' => self.dollar(ch, false)?,
                '`' => self.backquoted(ch)?,
                '#' if self.current.is_none() => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                '&' if self.peek(1) == Some('>') => self.redirect(ch)?,
                '|' | ';' | '&' => {
                    self.finish_word();
                    if self.command.words.is_empty() && ch.c != '&' {
                        return Err(self.error(ch, format!("unexpected '{}'", ch.c)));
                    }
                    let what = match (ch.c, self.peek(1)) {
                        ('&', Some('&')) | ('|', Some('|')) | (';', _) => "followed by",
                        ('&', _) => {
                            "sent to the background by an unquoted '&' (quote the URL if \
                                     it holds '&'), and followed by"
                        }
                        _ => "piped into",
                    };
                    self.command.notes.push(format!(
                        "the command ends at line {}, column {}: it is {what} another command, \
                         which is ignored",
                        ch.line, ch.column
                    ));
                    break;
                }
                '<' | '>' => self.redirect(ch)?,
                '(' | ')' => {
                    return Err(self.error(
                        ch,
                        format!(
                            "unexpected '{}': quote it if it is part of an argument",
                            ch.c
                        ),
                    ));
                }
                c => {
                    push_char(self.word(ch), c);
                    self.i += 1;
                }
            }
        }
        self.finish_word();
        if let Some((_, at)) = self.pending_redirect {
            return Err(self.error(at, "a redirection without a file name".to_string()));
        }
        if !self.pending_heredocs.is_empty() {
            self.read_heredocs()?;
        }
        Ok(self.command)
    }

    fn single_quoted(&mut self, open: Ch) -> Result<(), ImportError> {
        self.i += 1;
        self.word(open);
        loop {
            let Some(ch) = self.chars.get(self.i).copied() else {
                return Err(self.error(open, "unterminated single quote (') opened here".into()));
            };
            self.i += 1;
            if ch.c == '\'' {
                return Ok(());
            }
            push_char(self.word(open), ch.c);
        }
    }

    fn double_quoted(&mut self, open: Ch) -> Result<(), ImportError> {
        loop {
            let Some(ch) = self.chars.get(self.i).copied() else {
                return Err(self.error(open, "unterminated double quote (\") opened here".into()));
            };
            match ch.c {
                '"' => {
                    self.i += 1;
                    return Ok(());
                }
                '\\' => {
                    match self.peek(1) {
                        Some('\n') => {}
                        Some(c @ ('$' | '`' | '"' | '\\')) => push_char(self.word(open), c),
                        Some(c) => {
                            push_char(self.word(open), '\\');
                            push_char(self.word(open), c);
                        }
                        None => {
                            return Err(self
                                .error(open, "unterminated double quote (\") opened here".into()));
                        }
                    }
                    self.i += 2;
                }
                '$' => self.dollar(ch, true)?,
                '`' => self.backquoted(ch)?,
                c => {
                    push_char(self.word(open), c);
                    self.i += 1;
                }
            }
        }
    }

    /// `$'..'`, `$".."`, `$VAR`, `${..}`, `$(..)`, or a plain `$`.
    fn dollar(&mut self, at: Ch, in_double_quotes: bool) -> Result<(), ImportError> {
        match self.peek(1) {
            Some('\'') if !in_double_quotes => {
                self.i += 2;
                self.word(at);
                self.ansi_c_quoted(at)
            }
            Some('"') if !in_double_quotes => {
                // A locale-translated string reads as a plain double-quoted one.
                self.i += 2;
                self.word(at);
                self.double_quoted(at)
            }
            Some('{') | Some('(') => {
                let close = if self.peek(1) == Some('{') { '}' } else { ')' };
                let start = self.i;
                let mut depth = 0usize;
                let mut end = None;
                for j in self.i + 1..self.chars.len() {
                    let c = self.chars[j].c;
                    if c == self.chars[self.i + 1].c {
                        depth += 1;
                    } else if c == close {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                }
                let Some(end) = end else {
                    return Err(self.error(
                        at,
                        format!("unterminated '${}' opened here", self.chars[self.i + 1].c),
                    ));
                };
                let text: String = self.chars[start..=end].iter().map(|ch| ch.c).collect();
                for c in text.chars() {
                    push_char(self.word(at), c);
                }
                let what = if close == ')' {
                    "command substitution"
                } else {
                    "variable"
                };
                self.note_expansion(at, what, &text);
                self.i = end + 1;
                Ok(())
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' || "@*#?$!-".contains(c) => {
                let mut end = self.i + 2;
                if c.is_ascii_alphabetic() || c == '_' {
                    while self
                        .chars
                        .get(end)
                        .is_some_and(|ch| ch.c.is_ascii_alphanumeric() || ch.c == '_')
                    {
                        end += 1;
                    }
                }
                let text: String = self.chars[self.i..end].iter().map(|ch| ch.c).collect();
                for c in text.chars() {
                    push_char(self.word(at), c);
                }
                self.note_expansion(at, "variable", &text);
                self.i = end;
                Ok(())
            }
            _ => {
                push_char(self.word(at), '$');
                self.i += 1;
                Ok(())
            }
        }
    }

    fn backquoted(&mut self, open: Ch) -> Result<(), ImportError> {
        let start = self.i;
        let Some(end) = (start + 1..self.chars.len()).find(|&j| self.chars[j].c == '`') else {
            return Err(self.error(open, "unterminated backquote (`) opened here".into()));
        };
        let text: String = self.chars[start..=end].iter().map(|ch| ch.c).collect();
        for c in text.chars() {
            push_char(self.word(open), c);
        }
        self.note_expansion(open, "command substitution", &text);
        self.i = end + 1;
        Ok(())
    }

    /// `$'..'`: the escapes of ANSI C, as bash reads them.
    fn ansi_c_quoted(&mut self, open: Ch) -> Result<(), ImportError> {
        let unterminated = |s: &Self| s.error(open, "unterminated $'...' quote opened here".into());
        loop {
            let Some(ch) = self.chars.get(self.i).copied() else {
                return Err(unterminated(self));
            };
            self.i += 1;
            match ch.c {
                '\'' => return Ok(()),
                '\\' => {
                    let Some(e) = self.peek(0) else {
                        return Err(unterminated(self));
                    };
                    self.i += 1;
                    let simple = match e {
                        'a' => Some(0x07),
                        'b' => Some(0x08),
                        'e' | 'E' => Some(0x1b),
                        'f' => Some(0x0c),
                        'n' => Some(b'\n'),
                        'r' => Some(b'\r'),
                        't' => Some(b'\t'),
                        'v' => Some(0x0b),
                        '\\' => Some(b'\\'),
                        '\'' => Some(b'\''),
                        '"' => Some(b'"'),
                        '?' => Some(b'?'),
                        _ => None,
                    };
                    if let Some(b) = simple {
                        self.word(open).push(b);
                        continue;
                    }
                    match e {
                        '0'..='7' => {
                            let digits = self.take_digits(e.to_digit(8).map(|_| 2).unwrap_or(0), 8);
                            let value = digits
                                .iter()
                                .fold(e.to_digit(8).unwrap(), |acc, d| acc * 8 + d);
                            self.word(open).push((value & 0xff) as u8);
                        }
                        'x' => {
                            let digits = self.take_digits(2, 16);
                            if digits.is_empty() {
                                self.word(open).extend_from_slice(b"\\x");
                            } else {
                                let value = digits.iter().fold(0, |acc, d| acc * 16 + d);
                                self.word(open).push(value as u8);
                            }
                        }
                        'u' | 'U' => {
                            let max = if e == 'u' { 4 } else { 8 };
                            let digits = self.take_digits(max, 16);
                            let value = digits.iter().fold(0u32, |acc, d| acc * 16 + d);
                            match char::from_u32(value).filter(|_| !digits.is_empty()) {
                                Some(c) => push_char(self.word(open), c),
                                None => {
                                    return Err(self.error(
                                        ch,
                                        format!("\\{e} escape is not a valid character"),
                                    ));
                                }
                            }
                        }
                        'c' => {
                            let Some(c) = self.peek(0) else {
                                return Err(unterminated(self));
                            };
                            self.i += 1;
                            self.word(open).push((c as u32 & 0x1f) as u8);
                        }
                        other => {
                            push_char(self.word(open), '\\');
                            push_char(self.word(open), other);
                        }
                    }
                }
                c => push_char(self.word(open), c),
            }
        }
    }

    fn take_digits(&mut self, max: usize, radix: u32) -> Vec<u32> {
        let mut digits = Vec::new();
        while digits.len() < max {
            match self.peek(0).and_then(|c| c.to_digit(radix)) {
                Some(d) => {
                    digits.push(d);
                    self.i += 1;
                }
                None => break,
            }
        }
        digits
    }

    fn redirect(&mut self, at: Ch) -> Result<(), ImportError> {
        // A word of digits written plainly right before the operator is a file descriptor
        // (`2>`); quoted or escaped (`"2">`, `\2>`), it is a word, as bash reads it.
        let fd_prefix = self.current.as_ref().is_some_and(|w| {
            let n = w.bytes.len();
            let written = self
                .i
                .checked_sub(n)
                .map(|start| &self.chars[start..self.i]);
            written.is_some_and(|chars| {
                n > 0
                    && chars.iter().all(|ch| ch.c.is_ascii_digit())
                    && (chars[0].line, chars[0].column) == (w.line, w.column)
            })
        });
        if fd_prefix {
            self.current = None;
        } else {
            self.finish_word();
        }
        if self.pending_redirect.is_some() {
            return Err(self.error(at, "a redirection without a file name".into()));
        }
        let rest: String = self.chars[self.i..].iter().take(3).map(|ch| ch.c).collect();
        let (kind, len) = if rest.starts_with("<<<") {
            (Redirect::HereString, 3)
        } else if rest.starts_with("<<-") {
            (Redirect::HereDoc { strip_tabs: true }, 3)
        } else if rest.starts_with("<<") {
            (Redirect::HereDoc { strip_tabs: false }, 2)
        } else if rest.starts_with('<') {
            (Redirect::Stdin, 1)
        } else if [">&", "&>", ">>", ">|"]
            .iter()
            .any(|op| rest.starts_with(op))
        {
            (Redirect::Output, 2)
        } else {
            (Redirect::Output, 1)
        };
        self.i += len;
        // `2>&1`, `>&2`: a descriptor, not a file.
        if rest.starts_with(">&") && self.peek(0).is_some_and(|c| c.is_ascii_digit() || c == '-') {
            while self.peek(0).is_some_and(|c| c.is_ascii_digit() || c == '-') {
                self.i += 1;
            }
            return Ok(());
        }
        self.pending_redirect = Some((kind, at));
        Ok(())
    }

    /// The bodies of here-documents opened on the line just ended.
    fn read_heredocs(&mut self) -> Result<(), ImportError> {
        for (delimiter, strip_tabs) in std::mem::take(&mut self.pending_heredocs) {
            let delimiter_text = delimiter.text();
            let mut body = Vec::new();
            let mut found = false;
            while self.i < self.chars.len() {
                let end = (self.i..self.chars.len())
                    .find(|&j| self.chars[j].c == '\n')
                    .unwrap_or(self.chars.len());
                let mut line: String = self.chars[self.i..end].iter().map(|ch| ch.c).collect();
                self.i = (end + 1).min(self.chars.len()).max(end);
                if strip_tabs {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line == delimiter_text {
                    found = true;
                    break;
                }
                body.extend_from_slice(line.as_bytes());
                body.push(b'\n');
            }
            if !found {
                return Err(ImportError::at(
                    self.origin,
                    Location::at(delimiter.line, delimiter.column),
                    ImportErrorKind::Syntax(format!(
                        "here-document delimited by '{delimiter_text}' has no closing line"
                    )),
                ));
            }
            self.command.stdin = Some(StdinSource::Text(body));
        }
        Ok(())
    }

    /// After the command ends at a line break: options on the next line mean a missing `\`.
    fn check_rest(&mut self) -> Result<(), ImportError> {
        let rest = &self.chars[self.i..];
        let mut lines = rest.split(|ch| ch.c == '\n');
        for line in lines.by_ref() {
            let Some(first) = line.iter().find(|ch| !ch.c.is_whitespace()) else {
                continue;
            };
            if first.c == '#' {
                continue;
            }
            if first.c == '-' {
                return Err(self.error(
                    *first,
                    "this line continues the curl command but the line before does not end \
                     with '\\'"
                        .into(),
                ));
            }
            self.command.notes.push(format!(
                "text after the curl command, from line {}, is ignored",
                first.line
            ));
            break;
        }
        Ok(())
    }
}

/// Windows cmd: `^` escapes the next character (and a line break), then the program splits its
/// command line by the Microsoft C runtime rules (`"` groups, `\"` is a quote).
fn split_cmd(text: &str) -> Command {
    let chars = positioned(text);
    // First pass: cmd's own escapes. Inside a cmd-quoted region `^` is literal.
    let mut unescaped: Vec<Ch> = Vec::with_capacity(chars.len());
    let mut in_quotes = false;
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch.c == '^' && !in_quotes {
            match chars.get(i + 1) {
                Some(next) if next.c == '\n' => {
                    // A caret at the end of a line joins the next line; its first character is
                    // taken literally (Chrome writes `^` + two line breaks for a line break).
                    if let Some(after) = chars.get(i + 2) {
                        unescaped.push(*after);
                    }
                    i += 3;
                }
                Some(next) => {
                    unescaped.push(*next);
                    i += 2;
                }
                None => i += 1,
            }
            continue;
        }
        if ch.c == '"' {
            in_quotes = !in_quotes;
        }
        if ch.c == '\n' && !in_quotes {
            break;
        }
        unescaped.push(ch);
        i += 1;
    }
    // Second pass: the C runtime's argument splitting.
    let mut command = Command::default();
    let mut current: Option<Word> = None;
    let mut quoted = false;
    let mut i = 0;
    while i < unescaped.len() {
        let ch = unescaped[i];
        if matches!(ch.c, ' ' | '\t' | '\n') && !quoted {
            if let Some(w) = current.take() {
                command.words.push(w);
            }
            i += 1;
            continue;
        }
        let w = current.get_or_insert_with(|| Word {
            bytes: Vec::new(),
            line: ch.line,
            column: ch.column,
        });
        match ch.c {
            '\\' => {
                // Backslashes are literal unless they come before a quote: then they pair up,
                // and an odd one out makes the quote literal.
                let run = unescaped[i..].iter().take_while(|c| c.c == '\\').count();
                if unescaped.get(i + run).is_some_and(|c| c.c == '"') {
                    w.bytes.extend(std::iter::repeat_n(b'\\', run / 2));
                    if run % 2 == 1 {
                        w.bytes.push(b'"');
                        i += run + 1;
                    } else {
                        i += run;
                    }
                } else {
                    w.bytes.extend(std::iter::repeat_n(b'\\', run));
                    i += run;
                }
            }
            '"' => {
                if quoted && unescaped.get(i + 1).is_some_and(|c| c.c == '"') {
                    w.bytes.push(b'"');
                    i += 2;
                } else {
                    quoted = !quoted;
                    i += 1;
                }
            }
            c => {
                push_char(&mut w.bytes, c);
                i += 1;
            }
        }
    }
    if let Some(w) = current.take() {
        command.words.push(w);
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `shlex` crate (POSIX quoting, no expansion) as an outside reading: on every input both
    /// accept, drawn from quotes, backslashes, blanks and letters (bash-only syntax left out:
    /// `$`, backticks, comments, redirections, newlines), the words are the same.
    #[test]
    fn splits_as_shlex_does_where_both_accept() {
        const PIECES: &[&str] = &[
            "a", "b c", " ", "\t", "'", "\"", "\\", "\\'", "\\\"", "'x y'", "\"p q\"", "é", "=",
            "-H",
        ];
        // A fixed-seed walk over the pieces: the same inputs on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let mut compared = 0;
        for _ in 0..20_000 {
            let count = 1 + next(8);
            let text: String = (0..count).map(|_| PIECES[next(PIECES.len())]).collect();
            let (Some(theirs), Ok(ours)) = (shlex::split(&text), split(&text, "t")) else {
                continue;
            };
            let ours: Vec<String> = ours.words.iter().map(Word::text).collect();
            assert_eq!(ours, theirs, "{text:?}");
            compared += 1;
        }
        assert!(compared > 5_000, "only {compared} inputs both accept");
    }

    fn words(text: &str) -> Vec<String> {
        split(text, "t")
            .unwrap()
            .words
            .iter()
            .map(Word::text)
            .collect()
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            words(r#"curl 'a b' "c \"d\" \$e \\ \x" f\ g"#),
            ["curl", "a b", r#"c "d" $e \ \x"#, "f g"]
        );
        assert_eq!(words("curl 'it'\\''s'"), ["curl", "it's"]);
        assert_eq!(
            words(r"curl $'a\nb\t\x41\u00e9\'\\\101'"),
            ["curl", "a\nb\tAé'\\A"]
        );
        assert_eq!(words("curl $'\\xff'")[1].as_bytes(), "\u{fffd}".as_bytes());
        assert_eq!(
            split("curl $'\\xff'", "t").unwrap().words[1].bytes,
            vec![0xff]
        );
    }

    #[test]
    fn continuations_comments_and_prompt() {
        assert_eq!(
            words("$ curl \\\n  -H 'a: b' \\\r\n  x # comment\n"),
            ["curl", "-H", "a: b", "x"]
        );
        assert_eq!(words("# leading comment\ncurl x"), ["curl", "x"]);
        assert_eq!(words("curl \"a\\\nb\""), ["curl", "ab"]);
        assert_eq!(words("curl 'a\r\nb'"), ["curl", "a\nb"]);
    }

    #[test]
    fn variables_are_kept_with_a_note() {
        let command = split("curl -H \"Authorization: Bearer $TOKEN\" `echo x`", "t").unwrap();
        assert_eq!(command.words[2].text(), "Authorization: Bearer $TOKEN");
        assert_eq!(command.words[3].text(), "`echo x`");
        assert_eq!(command.notes.len(), 2);
        assert!(command.notes[0].contains("$TOKEN"));
    }

    #[test]
    fn redirections_and_following_commands() {
        let command = split("curl -d @- x < body.json > out 2>&1 | jq .", "t").unwrap();
        assert_eq!(
            command.words.iter().map(Word::text).collect::<Vec<_>>(),
            ["curl", "-d", "@-", "x"]
        );
        assert!(matches!(&command.stdin, Some(StdinSource::File(w)) if w.text() == "body.json"));
        let command = split("curl -d @- x <<'EOF'\n{\"a\": 1}\nEOF\n", "t").unwrap();
        assert_eq!(
            command.stdin,
            Some(StdinSource::Text(b"{\"a\": 1}\n".to_vec()))
        );
        let command = split("curl x &> log.txt", "t").unwrap();
        assert_eq!(command.words.len(), 2);
        assert!(command.notes[0].contains("log.txt"));
        let command = split("curl -d @- x <<< 'a=1'", "t").unwrap();
        assert_eq!(command.stdin, Some(StdinSource::Text(b"a=1\n".to_vec())));
        let command = split("curl http://h/?a=1&b=2", "t").unwrap();
        assert_eq!(command.words[1].text(), "http://h/?a=1");
        assert!(command.notes[0].contains("background"));
    }

    #[test]
    fn malformed_input_names_the_place() {
        let e = split("curl \\\n  -d 'abc", "t.sh").unwrap_err();
        assert_eq!(e.location, Location::at(2, 6));
        assert!(
            e.to_string()
                .starts_with("t.sh:2:6: unterminated single quote")
        );
        let e = split("curl -d \"abc", "t.sh").unwrap_err();
        assert_eq!(e.location, Location::at(1, 9));
        let e = split("curl x\n  -H 'a: b'", "t.sh").unwrap_err();
        assert_eq!(e.location, Location::at(2, 3));
        assert!(split("curl $'abc", "t").is_err());
    }

    #[test]
    fn windows_cmd() {
        let text = "curl ^\"https://www.upwork.com/api/x?a=1^&b=2^\" ^\n  -H ^\"accept: */*^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\" ^\n  --compressed";
        assert_eq!(
            words(text),
            [
                "curl",
                "https://www.upwork.com/api/x?a=1&b=2",
                "-H",
                "accept: */*",
                "--data-raw",
                "{\"a\":1}",
                "--compressed"
            ]
        );
    }

    /// A Windows line end's CR is dropped but counted: the line feed after it is one column on.
    #[test]
    fn a_dropped_carriage_return_still_counts_as_a_column() {
        let placed: Vec<(char, usize, usize)> = positioned("a\r\nb")
            .iter()
            .map(|ch| (ch.c, ch.line, ch.column))
            .collect();
        assert_eq!(placed, [('a', 1, 1), ('\n', 1, 3), ('b', 2, 1)]);
    }

    /// Each of cmd's three marks alone makes the text cmd's; bash's own text is not.
    #[test]
    fn each_mark_of_windows_cmd_alone_is_enough() {
        assert!(looks_like_cmd("curl x ^\n  -H a"));
        assert!(looks_like_cmd("curl x ^\r\n  -H a"));
        assert!(looks_like_cmd("curl ^\"https://h/^\""));
        assert!(!looks_like_cmd("curl 'x^y' \\\n  -H a"));
    }

    /// `#` starts a comment only where a word could start: inside a word (a URL's fragment) it
    /// is a character.
    #[test]
    fn a_hash_inside_a_word_is_no_comment() {
        assert_eq!(
            words("curl https://h/x#top # note"),
            ["curl", "https://h/x#top"]
        );
    }

    /// What follows the command is named by the operator that joins it; an operator with no
    /// command before it is an error, except `&`.
    #[test]
    fn the_command_after_is_named_by_its_operator() {
        let note = |text: &str| split(text, "t").unwrap().notes.join(" ");
        for text in ["curl x && echo", "curl x || echo", "curl x ; echo"] {
            assert!(
                note(text).contains("it is followed by another command"),
                "{text}"
            );
        }
        assert!(note("curl x | jq .").contains("it is piped into another command"));
        assert!(note("curl x & wait").contains("sent to the background"));
        for text in ["| curl x", "; curl x"] {
            let e = split(text, "t").unwrap_err();
            assert!(e.to_string().contains("unexpected"), "{text}: {e}");
        }
    }

    /// A here-document opened on the last line has no body: an error, not an empty body.
    #[test]
    fn a_here_document_never_closed_is_an_error() {
        let e = split("curl -d @- x <<EOF", "t").unwrap_err();
        assert!(e.to_string().contains("has no closing line"), "{e}");
    }

    /// A command's words, as text, and its notes.
    fn split_notes(text: &str) -> (Vec<String>, Vec<String>) {
        let command = split(text, "t").unwrap();
        let words = command.words.iter().map(Word::text).collect();
        (words, command.notes)
    }

    /// The expansions a shell would make are kept as written, each named in a note by what
    /// it is and where; the quotes `$'..'` and `$".."` are quotes outside double quotes only.
    #[test]
    fn each_expansion_is_kept_as_written_and_noted() {
        let (found, notes) =
            split_notes("curl ${HOST}/a $(echo $(date))x $HOME_2.y $12 $_a $? $% $");
        assert_eq!(
            found,
            [
                "curl",
                "${HOST}/a",
                "$(echo $(date))x",
                "$HOME_2.y",
                "$12",
                "$_a",
                "$?",
                "$%",
                "$"
            ]
        );
        let kept = |what: &str, text: &str, column: usize| {
            format!(
                "{what} {text} at line 1, column {column} is kept as written: the shell would \
                 have replaced it, and its value is not known here"
            )
        };
        assert_eq!(
            notes,
            [
                kept("variable", "${HOST}", 6),
                kept("command substitution", "$(echo $(date))", 16),
                kept("variable", "$HOME_2", 33),
                // As bash reads them: `$12` is `${1}2`, `$_a` one name.
                kept("variable", "$1", 43),
                kept("variable", "$_a", 47),
                kept("variable", "$?", 51),
            ]
        );
        // Inside double quotes, `$'` and `$"` are a dollar and a quote.
        assert_eq!(words(r#"curl "a $'b'" "v=$""#), ["curl", "a $'b'", "v=$"]);
        assert_eq!(words(r#"curl $"x y" $'t\tu'"#), ["curl", "x y", "t\tu"]);
        let e = split("curl $(echo", "t").unwrap_err();
        assert!(
            e.to_string().contains("unterminated '$(' opened here"),
            "{e}"
        );
        assert_eq!(e.location, Location::at(1, 6));
    }

    /// Every escape of `$'..'`, against bash 5.2's own reading of the same text: the bytes below
    /// are what `printf %s $'[\a\b\e\E\f\n\r\t\v\\\'\"\?\101\7\x41\xg\u00e9\U0001F600\cA\cz\q]'
    /// | od -An -tx1` printed.
    #[test]
    fn ansi_c_escapes_read_as_bash_reads_them() {
        let text = r#"curl $'[\a\b\e\E\f\n\r\t\v\\\'\"\?\101\7\x41\xg\u00e9\U0001F600\cA\cz\q]'"#;
        let bash: &[u8] = &[
            0x5b, 0x07, 0x08, 0x1b, 0x1b, 0x0c, 0x0a, 0x0d, 0x09, 0x0b, 0x5c, 0x27, 0x22, 0x3f,
            0x41, 0x07, 0x41, 0x5c, 0x78, 0x67, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0x01, 0x1a,
            0x5c, 0x71, 0x5d,
        ];
        assert_eq!(split(text, "t").unwrap().words[1].bytes, bash);
    }

    /// Digits written plainly before `>` or `<` are a file descriptor; quoted or escaped, a
    /// word, as bash reads them (`echo hi "2">out` writes `hi 2`). `>&` takes a descriptor
    /// (digits or `-`) and nothing else; a redirection's file is named in a note.
    #[test]
    fn a_descriptor_is_digits_written_plainly_before_the_operator() {
        let ignored = |file: &str| {
            format!("output redirection to '{file}' ignored: it does not change the request")
        };
        assert_eq!(
            split_notes("curl x 2>err.txt"),
            (vec!["curl".into(), "x".into()], vec![ignored("err.txt")])
        );
        for text in [r#"curl x "2">out"#, r"curl x \2>out", "curl x 2 >out"] {
            assert_eq!(
                split_notes(text),
                (
                    vec!["curl".into(), "x".into(), "2".into()],
                    vec![ignored("out")]
                ),
                "{text}"
            );
        }
        assert_eq!(
            split_notes(r#"curl x "">out"#),
            (
                vec!["curl".into(), "x".into(), String::new()],
                vec![ignored("out")]
            )
        );
        assert_eq!(
            split_notes("curl x>out"),
            (vec!["curl".into(), "x".into()], vec![ignored("out")])
        );
        assert_eq!(split_notes("curl x 2>&1").1, Vec::<String>::new());
        assert_eq!(split_notes("curl x 2>&1 y").0, ["curl", "x", "y"]);
        assert_eq!(split_notes("curl x >&-").1, Vec::<String>::new());
        assert_eq!(split_notes("curl x >2file").1, vec![ignored("2file")]);
    }

    /// The digits an escape of `$'..'` takes stop at its most, as in bash: `\1012` is `A2`,
    /// `\x414` is `A4`, `\u00e9f` is `éf` (bytes from bash 5.2's `printf %s $'...' | od`).
    #[test]
    fn an_escape_takes_its_digits_up_to_its_most() {
        let text = r#"curl $'\1012|\x414|\u00e9f|\U0001F600a'"#;
        let bash: &[u8] = &[
            0x41, 0x32, 0x7c, 0x41, 0x34, 0x7c, 0xc3, 0xa9, 0x66, 0x7c, 0xf0, 0x9f, 0x98, 0x80,
            0x61,
        ];
        assert_eq!(split(text, "t").unwrap().words[1].bytes, bash);
    }

    fn cmd_words(text: &str) -> Vec<String> {
        split_cmd(text).words.iter().map(Word::text).collect()
    }

    /// The C runtime's splitting, on the examples of Microsoft's "Parsing C command-line
    /// arguments": backslashes are literal unless they precede a quote, where they pair up and
    /// an odd one out makes the quote literal; `""` inside quotes is a quote.
    #[test]
    fn windows_arguments_split_as_microsofts_examples() {
        assert_eq!(cmd_words(r#""abc" d e"#), ["abc", "d", "e"]);
        assert_eq!(cmd_words(r#"a\\\b d"e f"g h"#), [r"a\\\b", "de fg", "h"]);
        assert_eq!(cmd_words(r#"a\\\"b c d"#), [r#"a\"b"#, "c", "d"]);
        assert_eq!(cmd_words(r#"a\\\\"b c" d e"#), [r"a\\b c", "d", "e"]);
        assert_eq!(cmd_words(r#"a"b"" c d"#), [r#"ab" c d"#]);
    }

    /// cmd's own layer: `^` escapes the next character outside quotes and is literal inside;
    /// `^` at a line's end joins the next line, whose first character it takes literally; a
    /// line break outside quotes ends the command; a `^` at the very end is dropped.
    #[test]
    fn cmd_carets_and_line_breaks() {
        assert_eq!(cmd_words("curl a^&b \"c^d\""), ["curl", "a&b", "c^d"]);
        assert_eq!(cmd_words("curl ^\n-X POST"), ["curl", "-X", "POST"]);
        assert_eq!(cmd_words("curl a\ncurl b"), ["curl", "a"]);
        assert_eq!(cmd_words("curl \"a\nb\" c"), ["curl", "a\nb", "c"]);
        assert_eq!(cmd_words("curl a^"), ["curl", "a"]);
        // Chrome's line break in a value: `^`, then two line breaks, the second taken literally.
        assert_eq!(cmd_words("curl a^\n\nb"), ["curl", "a", "b"]);
        assert_eq!(
            cmd_words("curl --data-raw ^\"line1^\n\nline2^\""),
            ["curl", "--data-raw", "line1\nline2"]
        );
        let placed = split_cmd("curl\t ^\n-X P");
        let at: Vec<(usize, usize)> = placed.words.iter().map(|w| (w.line, w.column)).collect();
        assert_eq!(at, [(1, 1), (2, 1), (2, 4)]);
    }
}
