//! Writing a bundle all or nothing, and never over anything: the files go to a temporary name
//! beside the target (created with `O_EXCL`, never through a symlink, under a name no one can
//! guess) and are published with a rename that fails when the target exists
//! (`renameat2(RENAME_NOREPLACE)`, or a hard link for the zip). A run killed halfway leaves no
//! partial bundle under the real name, and its leftover is removed by a later run. The files' data
//! is synced before the publish and their directory's name after it, so a bundle whose path was
//! printed survives a crash of the machine. Bundles are the
//! user's alone: files 0600, directories 0700. Every byte is checked against the known secrets on
//! its way out.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::Bundle;
use upwork_diag_core::redact::{Redactor, boundary};

/// What could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{0} already exists: a bundle is never overwritten (choose another --out)")]
    Exists(PathBuf),
    #[error("cannot write the bundle {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the bundle went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFiles {
    /// The bundle directory, or the `.zip` archive.
    pub path: PathBuf,
    pub files: Vec<&'static str>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The three files of a bundle, rendered and scrubbed.
fn render(bundle: &Bundle, redactor: &mut Redactor) -> Vec<(&'static str, Vec<u8>)> {
    let json = serde_json::to_vec_pretty(bundle).expect("the bundle schema always serializes");
    let har =
        serde_json::to_vec_pretty(&super::har::render(bundle)).expect("HAR always serializes");
    let report = super::markdown::render(bundle).into_bytes();
    [
        ("bundle.json", json),
        ("report.md", report),
        ("exchange.har", har),
    ]
    .into_iter()
    .map(|(name, bytes)| {
        // Built from redacted records, these are clean; this is the last guard, not the first.
        let bytes = if redactor.is_clean(&bytes) {
            bytes
        } else {
            redactor.bytes(name, &bytes)
        };
        (name, boundary::scrub_bytes(&bytes))
    })
    .collect()
}

/// Where a bundle goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Exactly this path (`--out`): the run fails when it is taken.
    Exact(PathBuf),
    /// `upwork-diag-<time>` in the working directory, with `-2`, `-3` ... when taken, so runs
    /// started in the same second each get their own bundle.
    Default(chrono::DateTime<chrono::Utc>),
}

/// How many suffixes a default name tries before giving up (a directory full of bundles of the
/// same second is a runaway script, not a user).
const DEFAULT_NAME_TRIES: usize = 1000;

/// A `.NAME.partial-PID-XXXXXX` older than this, whose process is gone, is a leftover of a run
/// that died while writing.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// The three files of the public version of `support`: rendered from [`Bundle::public`], then
/// every consumer key, token, signature, nonce and username masked by value (`public::redactor`),
/// then scrubbed as the support version is.
pub fn render_public(support: &Bundle, redactor: &mut Redactor) -> Vec<(&'static str, Vec<u8>)> {
    let files = render(&support.public(), redactor);
    let texts: Vec<&[u8]> = files.iter().map(|(_, bytes)| bytes.as_slice()).collect();
    let mut public = super::public::redactor(support, &texts);
    files
        .iter()
        .map(|(name, bytes)| (*name, boundary::scrub_bytes(&public.bytes(name, bytes))))
        .collect()
}

/// The three files of the support version, rendered and scrubbed.
pub fn render_support(bundle: &Bundle, redactor: &mut Redactor) -> Vec<(&'static str, Vec<u8>)> {
    render(bundle, redactor)
}

/// Writes the bundle (a directory, or a `.zip` file when `zip` is set) to `destination`.
pub fn write_bundle(
    bundle: &Bundle,
    redactor: &mut Redactor,
    destination: &Destination,
    zip: bool,
) -> Result<BundleFiles, BundleError> {
    write_files(render(bundle, redactor), destination, zip)
}

/// Writes the public version of `support` to `destination`, as [`write_bundle`] writes the
/// support one.
pub fn write_public_bundle(
    support: &Bundle,
    redactor: &mut Redactor,
    destination: &Destination,
    zip: bool,
) -> Result<BundleFiles, BundleError> {
    write_files(render_public(support, redactor), destination, zip)
}

/// Writes rendered files all or nothing, never over anything (see the module's note).
fn write_files(
    files: Vec<(&'static str, Vec<u8>)>,
    destination: &Destination,
    zip: bool,
) -> Result<BundleFiles, BundleError> {
    let candidates: Box<dyn Iterator<Item = PathBuf>> = match destination {
        Destination::Exact(out) => {
            // Checked before the work and again, atomically, by the publishing rename.
            if taken(out) {
                return Err(BundleError::Exists(out.clone()));
            }
            Box::new(std::iter::once(out.clone()))
        }
        Destination::Default(now) => Box::new(default_names(*now, zip).take(DEFAULT_NAME_TRIES)),
    };
    let names = files.iter().map(|(n, _)| *n).collect();
    let mut candidates = candidates.peekable();
    let first = candidates.peek().cloned().expect("at least one name");
    let parent = parent_of(&first);
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    remove_stale_partials(parent);
    let file_name = first
        .file_name()
        .map_or("bundle".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{file_name}.partial-{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    let mut last = first.clone();
    if zip {
        let temp = builder
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(parent)
            .map_err(io_error(parent))?;
        let temp_path = temp.path().to_path_buf();
        let mut temp = write_zip(temp, &temp_path, &files)?;
        for out in candidates {
            match temp.persist_noclobber(&out) {
                Ok(_) => {
                    sync_dir(parent);
                    return Ok(written(out, names));
                }
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                    temp = e.file;
                    last = out;
                }
                Err(e) => return Err(io_error(&out)(e.error)),
            }
        }
    } else {
        let temp = builder
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(parent)
            .map_err(io_error(parent))?;
        write_dir(temp.path(), &files)?;
        for out in candidates {
            match rename_noreplace(temp.path(), &out) {
                Ok(()) => {
                    // Published: the temporary directory's name is gone, nothing to remove.
                    let _ = temp.keep();
                    sync_dir(parent);
                    return Ok(written(out, names));
                }
                Err(e) if is_taken_error(&e) => last = out,
                Err(e) => return Err(io_error(&out)(e)),
            }
        }
    }
    Err(BundleError::Exists(last))
}

fn written(path: PathBuf, files: Vec<&'static str>) -> BundleFiles {
    BundleFiles { path, files }
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Anything at the path, a dangling symlink included (`Path::exists` follows links and would
/// call a dangling one free).
fn taken(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// A rename refused because the target exists (`ENOTEMPTY`/`EEXIST` for a directory, `ENOTDIR`
/// when a file or a symlink is there).
fn is_taken_error(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EEXIST) | Some(libc::ENOTEMPTY) | Some(libc::ENOTDIR)
    ) || e.kind() == std::io::ErrorKind::AlreadyExists
}

/// Renames `from` to `to` only when nothing is at `to`.
#[cfg(target_os = "linux")]
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "a NUL in the path"))
    };
    let (from_c, to_c) = (c(from)?, c(to)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from_c.as_ptr(),
            libc::AT_FDCWD,
            to_c.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        // A file system without RENAME_NOREPLACE: a plain rename, which cannot replace a
        // non-empty directory, a file or a symlink with a directory.
        Some(libc::EINVAL) | Some(libc::ENOSYS) => {
            if taken(to) {
                return Err(std::io::ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(from, to)
        }
        _ => Err(error),
    }
}

/// Renames `from` to `to` only when nothing is at `to` (a plain rename cannot replace a
/// non-empty directory, a file or a symlink with a directory).
#[cfg(not(target_os = "linux"))]
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    if taken(to) {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

/// Removes the `.NAME.partial-PID-XXXXXX` leftovers of runs that died while writing: ours (same
/// user), not symlinks, older than [`STALE_AFTER`], whose process is gone. Best effort: a leftover
/// that cannot be removed is left alone.
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = partial_pid(&name.to_string_lossy()) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if meta.file_type().is_symlink() || meta.uid() != me || !old || process_alive(pid) {
            continue;
        }
        let _ = if meta.is_dir() {
            std::fs::remove_dir_all(entry.path())
        } else {
            std::fs::remove_file(entry.path())
        };
    }
}

/// The process id in `.NAME.partial-PID-XXXXXX`.
fn partial_pid(name: &str) -> Option<libc::pid_t> {
    let rest = name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(".partial-")?;
    let (pid, random) = tail.split_once('-')?;
    (!random.is_empty() && !random.contains('-'))
        .then(|| pid.parse().ok())
        .flatten()
        .filter(|&pid| pid > 0)
}

fn process_alive(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only asks whether the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Writes every file, then makes their contents durable: `fdatasync` on each, which skips the
/// timestamps that `fsync` would also flush.
fn write_dir(dir: &Path, files: &[(&'static str, Vec<u8>)]) -> Result<(), BundleError> {
    let mut written = Vec::with_capacity(files.len());
    for (index, (name, bytes)) in files.iter().enumerate() {
        let path = dir.join(name);
        let mut file = create_new(&path).map_err(io_error(&path))?;
        file.write_all(bytes).map_err(io_error(&path))?;
        written.push((path, file));
        if index == 0 && pause_mid_write_asked() {
            pause_mid_write();
        }
    }
    // Starting every file's write-back before the first sync lets the file system allocate all
    // their blocks first: on ext4 the first sync's journal commit then covers every file, and
    // the next syncs only wait for their data (measured: 0.07 ms instead of 0.24 ms each). A
    // hint only; the syncs below are what make the files durable.
    #[cfg(target_os = "linux")]
    for (_, file) in &written {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is open (`written` owns the file); the call only starts the
        // write-back of pages already written, and its result is not needed.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    for (path, file) in &written {
        file.sync_data().map_err(io_error(path))?;
    }
    Ok(())
}

/// Makes the publishing rename (or link) durable: one sync of the directory that holds the
/// bundle's name. On a journaling file system (ext4, XFS) that commit also carries the bundle
/// directory's own entries, created before it; without it a crash could lose the bundle whose
/// path was already printed. Best effort: the bundle is complete and in place by then, its
/// files' data already synced, and some file systems (network ones) refuse to sync a
/// directory; that must not turn a written bundle into an error.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// The variable that makes a debug build pause halfway through writing a bundle.
#[cfg(debug_assertions)]
pub const PAUSE_MID_WRITE_VAR: &str = "UPWORK_DIAG_TEST_PAUSE_MID_WRITE";

/// A fault point for the tests of atomic publishing, compiled into debug builds only: with
/// [`PAUSE_MID_WRITE_VAR`] set, once the first file of the bundle is on disk (and before the
/// others and the publishing rename), the run says so on stderr and sleeps, so that a test can
/// kill it while the bundle is half-made. It sits inside the writing itself, not before the
/// rename, so that a writer that wrote in place would be caught half-made at its destination.
#[cfg(debug_assertions)]
fn pause_mid_write_asked() -> bool {
    std::env::var_os(PAUSE_MID_WRITE_VAR).is_some()
}

#[cfg(not(debug_assertions))]
fn pause_mid_write_asked() -> bool {
    false
}

fn pause_mid_write() {
    boundary::print_stderr("test fault point: paused halfway through writing the bundle");
    std::thread::sleep(std::time::Duration::from_secs(120));
}

fn write_zip(
    temp: tempfile::NamedTempFile,
    path: &Path,
    files: &[(&'static str, Vec<u8>)],
) -> Result<tempfile::NamedTempFile, BundleError> {
    let zip_error = |e: zip::result::ZipError| BundleError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    };
    let mut archive = zip::ZipWriter::new(temp);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600);
    for (index, (name, bytes)) in files.iter().enumerate() {
        archive.start_file(*name, options).map_err(zip_error)?;
        archive.write_all(bytes).map_err(io_error(path))?;
        if index == 0 && pause_mid_write_asked() {
            // What the archive holds so far reaches the file before the pause.
            archive.flush().map_err(io_error(path))?;
            pause_mid_write();
        }
    }
    let temp = archive.finish().map_err(zip_error)?;
    temp.as_file().sync_data().map_err(io_error(path))?;
    Ok(temp)
}

/// `upwork-diag-20261123T104512Z`, then `-2`, `-3` ...
fn default_names(now: chrono::DateTime<chrono::Utc>, zip: bool) -> impl Iterator<Item = PathBuf> {
    let stem = format!("upwork-diag-{}", now.format("%Y%m%dT%H%M%SZ"));
    let extension = if zip { ".zip" } else { "" };
    (1..).map(move |n| {
        PathBuf::from(if n == 1 {
            format!("{stem}{extension}")
        } else {
            format!("{stem}-{n}{extension}")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pid_is_read_from_partial_names_only() {
        assert_eq!(partial_pid(".out.zip.partial-1234-a1B2c3"), Some(1234));
        assert_eq!(partial_pid(".upwork-diag-x.partial-7-abcdef"), Some(7));
        assert_eq!(partial_pid("out.partial-1234-a1B2c3"), None);
        assert_eq!(partial_pid(".out.partial-1234"), None);
        assert_eq!(partial_pid(".out.partial-x-abcdef"), None);
        assert_eq!(partial_pid(".notes.txt"), None);
        // The random part is one word, present; a pid is above 0.
        assert_eq!(partial_pid(".out.partial-1234-"), None);
        assert_eq!(partial_pid(".out.partial-1234-ab-cd"), None);
        assert_eq!(partial_pid(".out.partial-0-abcdef"), None);
    }

    fn files() -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("bundle.json", b"{}".to_vec()),
            ("report.md", b"# r".to_vec()),
            ("exchange.har", b"{}".to_vec()),
        ]
    }

    /// A publishing rename or link that fails for another reason than a taken name is that
    /// error, not "already exists": here a path that ends in `/.` or `/`, which no rename or
    /// link can create.
    #[test]
    fn a_failed_publish_is_its_own_error_not_a_taken_name() {
        let dir = tempfile::tempdir().unwrap();
        let as_dir = write_files(
            files(),
            &Destination::Exact(dir.path().join("out/.")),
            false,
        );
        assert!(
            matches!(as_dir, Err(BundleError::Io { ref source, .. }) if source.kind() == std::io::ErrorKind::NotFound),
            "{as_dir:?}"
        );
        let as_zip = write_files(
            files(),
            &Destination::Exact(dir.path().join("b.zip/")),
            true,
        );
        assert!(matches!(as_zip, Err(BundleError::Io { .. })), "{as_zip:?}");
        // A taken name is said as such, for a directory and for a zip.
        std::fs::write(dir.path().join("taken"), b"x").unwrap();
        for zip in [false, true] {
            let taken = write_files(files(), &Destination::Exact(dir.path().join("taken")), zip);
            assert!(matches!(taken, Err(BundleError::Exists(_))), "{taken:?}");
        }
    }

    /// A process that is running is alive, whatever a previous check of a dead one left in
    /// `errno`.
    #[test]
    fn a_running_process_is_alive_after_a_dead_one_was_checked() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = libc::pid_t::try_from(child.id()).unwrap();
        child.wait().unwrap();
        assert!(!process_alive(dead));
        assert!(process_alive(
            libc::pid_t::try_from(std::process::id()).unwrap()
        ));
    }

    /// A stale leftover of a dead run is removed, but never a symlink under such a name (it may
    /// point anywhere), however old.
    #[test]
    fn a_symlink_named_like_a_leftover_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let leftover = dir.path().join(format!(".b.partial-{dead}-abcdef"));
        std::fs::write(&leftover, b"PK").unwrap();
        let link = dir.path().join(format!(".c.partial-{dead}-abcdef"));
        std::os::unix::fs::symlink(&leftover, &link).unwrap();
        // Ten minutes old, the link itself (not its target).
        let old = libc::timespec {
            tv_sec: libc::time_t::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs()
                    - 600,
            )
            .unwrap(),
            tv_nsec: 0,
        };
        for path in [&leftover, &link] {
            let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path and two valid timespecs.
            let rc = unsafe {
                libc::utimensat(
                    libc::AT_FDCWD,
                    c.as_ptr(),
                    [old, old].as_ptr(),
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            };
            assert_eq!(rc, 0);
        }
        remove_stale_partials(dir.path());
        assert!(
            std::fs::symlink_metadata(&link).is_ok(),
            "the link was removed"
        );
        assert!(!leftover.exists(), "the leftover was kept");
    }
}
