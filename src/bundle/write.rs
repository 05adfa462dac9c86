//! Writing a bundle all or nothing: the files go to a hidden temporary name beside the target and
//! are renamed into place at the end, so a run killed halfway leaves no partial bundle under the
//! real name. An existing bundle is never overwritten. Every byte is checked against the known
//! secrets on its way out.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Bundle;
use crate::redact::{Redactor, boundary};

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

/// Writes the bundle to `out` (a directory, or a `.zip` file when `zip` is set).
pub fn write_bundle(
    bundle: &Bundle,
    redactor: &mut Redactor,
    out: &Path,
    zip: bool,
) -> Result<BundleFiles, BundleError> {
    if out.exists() {
        return Err(BundleError::Exists(out.to_path_buf()));
    }
    write_files(render(bundle, redactor), out, zip)
}

/// Writes the public version of `support` to `out`, as [`write_bundle`] writes the support one.
pub fn write_public_bundle(
    support: &Bundle,
    redactor: &mut Redactor,
    out: &Path,
    zip: bool,
) -> Result<BundleFiles, BundleError> {
    if out.exists() {
        return Err(BundleError::Exists(out.to_path_buf()));
    }
    write_files(render_public(support, redactor), out, zip)
}

/// Writes rendered files all or nothing (see the module's note).
fn write_files(
    files: Vec<(&'static str, Vec<u8>)>,
    out: &Path,
    zip: bool,
) -> Result<BundleFiles, BundleError> {
    let names = files.iter().map(|(n, _)| *n).collect();
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let file_name = out
        .file_name()
        .map_or("bundle".into(), |n| n.to_string_lossy().into_owned());
    let temp = parent.join(format!(".{file_name}.partial-{}", std::process::id()));
    let written = if zip {
        write_zip(&temp, &files)
    } else {
        write_dir(&temp, &files)
    };
    let result = written.and_then(|()| {
        // Checked again just before the rename: another run may have taken the name meanwhile.
        if out.exists() {
            return Err(BundleError::Exists(out.to_path_buf()));
        }
        std::fs::rename(&temp, out).map_err(io_error(out))
    });
    if result.is_err() {
        let _ = if zip {
            std::fs::remove_file(&temp)
        } else {
            std::fs::remove_dir_all(&temp)
        };
    }
    result.map(|()| BundleFiles {
        path: out.to_path_buf(),
        files: names,
    })
}

fn write_dir(dir: &Path, files: &[(&'static str, Vec<u8>)]) -> Result<(), BundleError> {
    std::fs::create_dir(dir).map_err(io_error(dir))?;
    for (name, bytes) in files {
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path).map_err(io_error(&path))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(io_error(&path))?;
    }
    Ok(())
}

fn write_zip(path: &Path, files: &[(&'static str, Vec<u8>)]) -> Result<(), BundleError> {
    let file = std::fs::File::create(path).map_err(io_error(path))?;
    let mut archive = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        archive
            .start_file(*name, options)
            .map_err(|e| BundleError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e),
            })?;
        archive.write_all(bytes).map_err(io_error(path))?;
    }
    let file = archive.finish().map_err(|e| BundleError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    file.sync_all().map_err(io_error(path))
}

/// `upwork-diag-20261123T104512Z`, or with `-2`, `-3` ... when taken.
pub fn default_out_dir(now: chrono::DateTime<chrono::Utc>, zip: bool) -> PathBuf {
    let stem = format!("upwork-diag-{}", now.format("%Y%m%dT%H%M%SZ"));
    let extension = if zip { ".zip" } else { "" };
    (1..)
        .map(|n| {
            if n == 1 {
                format!("{stem}{extension}")
            } else {
                format!("{stem}-{n}{extension}")
            }
        })
        .map(PathBuf::from)
        .find(|p| !p.exists())
        .expect("some suffix is free")
}
