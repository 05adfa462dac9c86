//! How much of each input is read: every file, stream and value the tool is given has a limit, so
//! a wrong path (`/dev/zero`, an endless pipe) or a hostile file ends in a clear error (exit 2)
//! instead of using up memory. The limits are far above any real Upwork API call.

use std::io::Read;

/// A request body (`--data-file`, curl's `-d @file`, `-T file`, `-F name=@file`, all of them
/// together): Upwork's API takes far smaller bodies.
pub const REQUEST_BODY_LIMIT: u64 = 16 * 1024 * 1024;

/// A command or request file (`--curl`, `--raw`, a secrets file, a keycheck request).
pub const INPUT_FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// What one HAR entry may hold once the fields that are not read are skipped (those are skipped
/// however large they are). A browser HAR keeps response bodies, so this is generous.
pub const HAR_ENTRY_LIMIT: u64 = 64 * 1024 * 1024;

/// The variable that lowers (or raises) [`HAR_ENTRY_LIMIT`], in bytes.
pub const HAR_ENTRY_LIMIT_VAR: &str = "UPWORK_DIAG_HAR_ENTRY_LIMIT";

/// [`HAR_ENTRY_LIMIT`], or the number of bytes [`HAR_ENTRY_LIMIT_VAR`] sets; a value that is not
/// a positive number of bytes is an error that names the variable.
pub fn har_entry_limit() -> Result<u64, String> {
    match std::env::var(HAR_ENTRY_LIMIT_VAR) {
        Err(std::env::VarError::NotPresent) => Ok(HAR_ENTRY_LIMIT),
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{HAR_ENTRY_LIMIT_VAR}: expected a positive number of bytes")),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "{HAR_ENTRY_LIMIT_VAR}: expected a positive number of bytes"
        )),
    }
}

/// The longest `--timeout`, in seconds (a day).
pub const TIMEOUT_LIMIT_SECS: f64 = 86_400.0;

/// A `--timeout` in seconds as a duration, or the message that says why it is none: a positive
/// number of seconds, at most [`TIMEOUT_LIMIT_SECS`] (`1e20` would overflow a `Duration`).
pub fn timeout(seconds: f64) -> Result<std::time::Duration, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= TIMEOUT_LIMIT_SECS {
        Ok(std::time::Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "--timeout {seconds}: expected a positive number of seconds, at most {TIMEOUT_LIMIT_SECS}"
        ))
    }
}

/// A limit written for people: `16 MiB`, `512 KiB`, `100 bytes`.
pub fn describe(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Why a capped read failed.
#[derive(Debug, thiserror::Error)]
pub enum CappedReadError {
    /// The input holds more than the limit; nothing past the limit was read.
    #[error("larger than {}, the limit", describe(*limit))]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl CappedReadError {
    /// `larger than 16 MiB, the limit for WHAT`, or the I/O error.
    pub fn for_what(&self, what: &str) -> String {
        match self {
            CappedReadError::TooLarge { .. } => format!("{self} for {what}"),
            CappedReadError::Io(io) => io.to_string(),
        }
    }
}

/// Reads all of `reader`, or fails as soon as it holds more than `limit` bytes: one byte past the
/// limit is read to tell, no more.
pub fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, CappedReadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(CappedReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// [`read_capped`] of a file.
pub fn read_file_capped(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, CappedReadError> {
    read_capped(std::fs::File::open(path)?, limit)
}

/// [`read_file_capped`] of a text file, as `std::fs::read_to_string` would read it; going past the
/// limit is an I/O error that names the limit.
pub fn read_text_file_capped(path: &std::path::Path, limit: u64) -> std::io::Result<String> {
    let bytes = read_file_capped(path, limit).map_err(|e| match e {
        CappedReadError::Io(io) => io,
        too_large => std::io::Error::other(too_large.for_what("an input")),
    })?;
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_one_byte_more() {
        assert_eq!(read_capped(&b"abcd"[..], 4).unwrap(), b"abcd");
        assert!(matches!(
            read_capped(&b"abcde"[..], 4),
            Err(CappedReadError::TooLarge { limit: 4 })
        ));
        // An endless stream ends at the limit.
        assert!(matches!(
            read_capped(std::io::repeat(b'x'), 1000),
            Err(CappedReadError::TooLarge { limit: 1000 })
        ));
    }

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(describe(16 * 1024 * 1024), "16 MiB");
        assert_eq!(describe(512 * 1024), "512 KiB");
        assert_eq!(describe(100), "100 bytes");
    }
}
