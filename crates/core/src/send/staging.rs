//! Files staged for a message being written: picked or dropped files, forwarded originals, parked messages
//! taken back. They live in the profile's `compose/` directory until the message is sent or discarded.
//!
//! Attachments are only ever files Dealbox staged itself: a draft naming any other path is refused, so a
//! compromised page could not mail out arbitrary files from the disk.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::send::compose::{self, AttachmentSource, Draft};

/// A staged file, ready to be attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub path: PathBuf,
    pub filename: String,
    pub size: u64,
}

/// The staging directory of the profile in `profile_dir` (created if needed).
pub fn dir(profile_dir: &Path) -> Result<PathBuf> {
    let p = profile_dir.join("compose");
    std::fs::create_dir_all(&p)?;
    Ok(p)
}

/// Refuse a draft whose attachments were not staged by Dealbox (a path outside the staging directory,
/// also one that climbs out of it with `..` or a symlink).
pub fn check(profile_dir: &Path, d: &Draft) -> Result<()> {
    let root = dir(profile_dir)?.canonicalize()?;
    for a in &d.attachments {
        let inside = a.path.canonicalize().map(|p| p.starts_with(&root)).unwrap_or(false);
        if !inside {
            return Err(Error::config(format!(
                "the attachment {} was not added through Dealbox; attach it again",
                a.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// Remove a draft's staged files once the message no longer needs them (sent or discarded). Files
/// outside the staging directory are never touched.
pub fn drop_files(profile_dir: &Path, d: &Draft) {
    let Ok(root) = dir(profile_dir).and_then(|r| Ok(r.canonicalize()?)) else { return };
    for a in &d.attachments {
        if let Ok(p) = a.path.canonicalize() {
            if p.starts_with(&root) && p != root {
                let _ = std::fs::remove_file(&p);
                if let Some(parent) = p.parent().filter(|d| *d != root) {
                    let _ = std::fs::remove_dir(parent); // only when empty
                }
            }
        }
    }
}

/// The file name a user's file is kept under: only its last path component, without control characters,
/// "attachment" when nothing usable is left.
pub fn clean_name(name: &str) -> String {
    let clean: String = name.rsplit(['/', '\\']).next().unwrap_or("").chars().filter(|c| !c.is_control()).collect();
    if clean.trim().trim_matches('.').is_empty() {
        "attachment".to_string()
    } else {
        clean
    }
}

/// Keep a file the user picked or dropped, checked against the attachment limits (25 MB) before it is
/// kept; nothing is left behind when it is refused.
pub fn stage(profile_dir: &Path, name: &str, bytes: &[u8]) -> Result<Staged> {
    let filename = clean_name(name);
    let dir = dir(profile_dir)?.join(unique_name());
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(&filename);
    std::fs::write(&path, bytes)?;
    let src =
        AttachmentSource { path: path.clone(), filename: Some(filename.clone()), content_id: None, mime_type: None };
    let probe = Draft { attachments: vec![src], ..Default::default() };
    if let Err(e) = compose::validate_content(&probe) {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    Ok(Staged { path, filename, size: bytes.len() as u64 })
}

/// A fresh directory name for one staged file (two files may have the same name).
fn unique_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos}-{}-{}", std::process::id(), COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// File names reach the app URI-encoded (an HTTP header carries them): decode `%XX`, keep anything else.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn att(path: PathBuf) -> AttachmentSource {
        AttachmentSource { path, filename: None, content_id: None, mime_type: None }
    }

    #[test]
    fn only_staged_files_can_be_attached_and_they_are_removed_after_sending() {
        let profile = tempfile::tempdir().unwrap();
        let outside = profile.path().join("secret.txt");
        std::fs::write(&outside, "not for mail").unwrap();
        let d = Draft { attachments: vec![att(outside.clone())], ..Default::default() };
        let err = check(profile.path(), &d).unwrap_err();
        assert!(err.message.contains("was not added through Dealbox"), "{}", err.message);
        // A path that climbs out of the staging dir is outside too.
        let sneaky = dir(profile.path()).unwrap().join("..").join("secret.txt");
        assert!(check(profile.path(), &Draft { attachments: vec![att(sneaky)], ..Default::default() }).is_err());

        let staged = stage(profile.path(), "offer.pdf", b"%PDF").unwrap();
        assert_eq!((staged.filename.as_str(), staged.size), ("offer.pdf", 4));
        let d = Draft { attachments: vec![att(staged.path.clone())], ..Default::default() };
        check(profile.path(), &d).unwrap();
        drop_files(profile.path(), &d);
        assert!(!staged.path.exists(), "the staged file is gone");
        assert!(!staged.path.parent().unwrap().exists(), "and its directory");
        assert!(outside.exists(), "nothing outside the staging dir is touched");
    }

    #[test]
    fn staged_names_keep_only_the_last_component() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\offer.pdf"), "offer.pdf");
        assert_eq!(clean_name("a\u{7}b.txt"), "ab.txt");
        assert_eq!(clean_name(".."), "attachment");
        assert_eq!(clean_name(""), "attachment");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_nothing_is_kept() {
        let profile = tempfile::tempdir().unwrap();
        let big = vec![b'x'; 26 * 1024 * 1024];
        let err = stage(profile.path(), "big.bin", &big).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Limit, "{}", err.message);
        let left: Vec<_> = std::fs::read_dir(dir(profile.path()).unwrap()).unwrap().collect();
        assert!(left.is_empty(), "nothing staged: {left:?}");
    }

    #[test]
    fn file_names_arrive_uri_encoded() {
        assert_eq!(percent_decode("Offerta%20ACME%20%E2%82%AC.pdf"), "Offerta ACME €.pdf");
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("a%zzb"), "a%zzb");
    }
}
