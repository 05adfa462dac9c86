//! The file read in chunks into one reusable buffer, shared by the two readings of a HAR: the fast
//! one parses whole entries in place from the buffer; serde_json's streaming parser reads the rest
//! (the document around `log.entries`, and each entry the fast reading leaves to it) byte by byte
//! through [`SharedRead`], which also counts what it hands over against the entry's [`Budget`].
//!
//! Both readings take their bytes from the same buffer in file order, so the streaming parser
//! resumes exactly where the fast reading stopped. Its line and column count only the bytes it
//! read itself: [`Chunks::true_position`] maps them back to the file's.

use std::cell::RefCell;
use std::io::{self, Read};

use super::Budget;

/// How much is read from the file at a time.
pub(super) const CHUNK: usize = 256 * 1024;

/// A line and column as serde_json counts them: lines from 1, the column the number of bytes
/// since the last line feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LineCol {
    line: usize,
    column: usize,
}

impl LineCol {
    const START: LineCol = LineCol { line: 1, column: 0 };

    fn advance_byte(&mut self, byte: u8) {
        if byte == b'\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
    }

    fn advance(&mut self, bytes: &[u8]) {
        // Every byte of the file passes here: memchr's search, not a loop over the bytes.
        match memchr::memrchr(b'\n', bytes) {
            None => self.column += bytes.len(),
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count();
                self.column = bytes.len() - last - 1;
            }
        }
    }
}

pub(super) struct Chunks<'r> {
    inner: &'r mut dyn Read,
    buf: Vec<u8>,
    /// The first byte of `buf` not yet consumed.
    pos: usize,
    eof: bool,
    /// Where the bytes the fast reading consumed end, in the file (while it reads).
    consumed: LineCol,
    /// The fast reading consumes: `consumed` is up to date.
    fast: bool,
    /// Where the bytes the streaming parser read end, as it counts them.
    parser: LineCol,
    /// At the last hand-over from the fast reading to the parser: the parser's position and the
    /// file's. The parser's positions since then map to the file's from there.
    mark: (LineCol, LineCol),
}

impl<'r> Chunks<'r> {
    pub(super) fn new(inner: &'r mut dyn Read) -> Self {
        Chunks {
            inner,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            consumed: LineCol::START,
            fast: false,
            parser: LineCol::START,
            mark: (LineCol::START, LineCol::START),
        }
    }

    /// What is buffered and not consumed.
    pub(super) fn buffered(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more of the file after what is buffered, keeping at most `max` bytes buffered.
    /// `Ok(false)` at the end of the file or when `max` bytes are buffered already.
    pub(super) fn fill(&mut self, max: usize) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let have = self.buf.len();
        if have >= max {
            return Ok(false);
        }
        let want = CHUNK.min(max - have);
        self.buf.resize(have + want, 0);
        loop {
            match self.inner.read(&mut self.buf[have..]) {
                Ok(n) => {
                    self.buf.truncate(have + n);
                    self.eof = n == 0;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(have);
                    return Err(e);
                }
            }
        }
    }

    /// Leaves out a byte order mark at the start of the file (Fiddler, Windows editors write one).
    pub(super) fn skip_byte_order_mark(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            self.fill(CHUNK)?;
        }
        if self.buffered().starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
        }
        Ok(())
    }

    /// The fast reading took `n` bytes.
    pub(super) fn consume(&mut self, n: usize) {
        if !self.fast {
            // Where the parser stopped, in the file.
            let (line, column) = self.true_position(self.parser.line, self.parser.column);
            self.consumed = LineCol { line, column };
            self.fast = true;
        }
        self.consumed.advance(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
    }

    /// The fast reading stops here and the parser goes on.
    pub(super) fn hand_over(&mut self) {
        if self.fast {
            self.mark = (self.parser, self.consumed);
            self.fast = false;
        }
    }

    /// A line and column the parser reported, as a place in the file.
    pub(super) fn true_position(&self, line: usize, column: usize) -> (usize, usize) {
        let (parser, file) = self.mark;
        if line == parser.line {
            (
                file.line,
                file.column + column.saturating_sub(parser.column),
            )
        } else {
            (file.line + line.saturating_sub(parser.line), column)
        }
    }
}

/// The buffer as the streaming parser reads it, each byte it may hold counted against the
/// [`Budget`]: past the limit the read fails, so nothing more is read.
pub(super) struct SharedRead<'c, 'r> {
    pub(super) chunks: &'c RefCell<Chunks<'r>>,
    pub(super) budget: &'c Budget,
}

impl Read for SharedRead<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let budget = self.budget;
        let counted = budget.skipping.get() == 0;
        let mut n = out.len();
        if counted {
            let left = budget.limit.saturating_sub(budget.held.get());
            if left == 0 && n > 0 {
                budget.exceeded.set(true);
                return Err(io::Error::other("the limit for one HAR entry"));
            }
            n = n.min(usize::try_from(left).unwrap_or(usize::MAX));
        }
        let mut chunks = self.chunks.borrow_mut();
        if chunks.pos == chunks.buf.len() && !chunks.fill(CHUNK)? {
            return Ok(0);
        }
        let chunks = &mut *chunks;
        let available = &chunks.buf[chunks.pos..];
        let n = n.min(available.len());
        out[..n].copy_from_slice(&available[..n]);
        // The parser reads a byte at a time.
        if n == 1 {
            chunks.parser.advance_byte(available[0]);
        } else {
            chunks.parser.advance(&available[..n]);
        }
        chunks.pos += n;
        if counted {
            budget.held.set(budget.held.get() + n as u64);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_as_the_parser_does() {
        let mut at = LineCol::START;
        at.advance(b"ab");
        assert_eq!(at, LineCol { line: 1, column: 2 });
        at.advance(b"c\nde\nf");
        assert_eq!(at, LineCol { line: 3, column: 1 });
        at.advance(b"\n");
        assert_eq!(at, LineCol { line: 4, column: 0 });
        at.advance_byte(b'x');
        at.advance_byte(b'\n');
        at.advance_byte(b'y');
        assert_eq!(at, LineCol { line: 5, column: 1 });
    }

    /// A place the parser reports after a hand-over maps to the file from the hand-over's mark:
    /// on the mark's line by the columns since it, on a later line by the lines since it.
    #[test]
    fn a_parser_place_maps_to_the_file_from_the_last_hand_over() {
        let mut empty: &[u8] = b"";
        let mut chunks = Chunks::new(&mut empty);
        chunks.mark = (
            LineCol { line: 2, column: 5 },
            LineCol { line: 7, column: 9 },
        );
        assert_eq!(chunks.true_position(2, 8), (7, 12));
        assert_eq!(chunks.true_position(4, 3), (9, 3));
    }

    /// A read interrupted by a signal is tried again; any other failure is the caller's.
    #[test]
    fn an_interrupted_read_is_tried_again_and_a_failure_is_returned() {
        struct Flaky {
            calls: usize,
            then: Option<io::ErrorKind>,
        }
        impl Read for Flaky {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.calls += 1;
                match (self.calls, self.then) {
                    (1, _) => Err(io::ErrorKind::Interrupted.into()),
                    (2, None) => {
                        buf[..2].copy_from_slice(b"{}");
                        Ok(2)
                    }
                    (2, Some(kind)) => Err(kind.into()),
                    _ => Ok(0),
                }
            }
        }
        let mut flaky = Flaky {
            calls: 0,
            then: None,
        };
        let mut chunks = Chunks::new(&mut flaky);
        assert!(chunks.fill(CHUNK).unwrap());
        assert_eq!(chunks.buffered(), b"{}");
        assert!(!chunks.fill(CHUNK).unwrap(), "the end of the file");
        let mut failing = Flaky {
            calls: 0,
            then: Some(io::ErrorKind::PermissionDenied),
        };
        let mut chunks = Chunks::new(&mut failing);
        let e = chunks.fill(CHUNK).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert!(chunks.buffered().is_empty());
    }
}
