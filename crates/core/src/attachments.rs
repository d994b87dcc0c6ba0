//! Attachments of cached messages: their bytes (parsed from the cached raw message), a safe file name,
//! whether opening them directly would run code, and where to write them without clobbering anything.

use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;

use crate::error::{Error, Result};
use crate::query::AttachmentInfo;
use crate::store::Store;

/// File types the system handler would execute (or hand to an interpreter) instead of showing. The
/// reader never opens these directly; saving them is allowed, with a warning.
const RISKY_EXTENSIONS: &[&str] = &[
    "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "msc", "cpl", "dll", "lnk", "reg", "hta", "vbs", "vbe",
    "js", "jse", "mjs", "ws", "wsf", "wsh", "ps1", "psm1", "sh", "bash", "zsh", "csh", "ksh", "command", "run", "bin",
    "desktop", "appimage", "deb", "rpm", "jar", "py", "pyw", "pl", "rb", "php", "app", "pkg", "dmg", "apk", "scpt",
    "action", "workflow", "elf", "out", "iso", "img", "vhd", "vhdx", "xpi", "crx", "url", "webloc", "inf", "sys",
    "docm", "xlsm", "pptm", "dotm", "xltm", "xlam", "ppam",
];

/// MIME types that are programs whatever their name says.
const RISKY_TYPES: &[&str] = &[
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-sh",
    "application/x-shellscript",
    "application/x-desktop",
    "application/javascript",
    "text/javascript",
    "application/x-ms-shortcut",
    "application/vnd.microsoft.portable-executable",
    "application/java-archive",
    "application/x-python-code",
];

/// One attachment with its bytes.
#[derive(Debug, Clone)]
pub struct AttachmentData {
    pub info: AttachmentInfo,
    pub message_id: i64,
    pub bytes: Vec<u8>,
}

/// The attachment with this id (from the reader's list), decoded from the cached message.
pub fn get(store: &Store, attachment_id: i64) -> Result<AttachmentData> {
    let (message_id, part, info) = {
        let conn = store.conn()?;
        conn.query_row(
            "SELECT message_id, part, id, filename, mime_type, size, content_id, inline FROM attachments WHERE id = ?1",
            [attachment_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, u32>(1)?,
                    AttachmentInfo {
                        id: r.get(2)?,
                        filename: r.get(3)?,
                        mime_type: r.get(4)?,
                        size: r.get(5)?,
                        content_id: r.get(6)?,
                        inline: r.get(7)?,
                    },
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found(format!("no attachment with id {attachment_id}")))?
    };
    let raw = crate::query::raw(store, message_id)?;
    let bytes = crate::parse::attachment_contents(&raw, part).ok_or_else(|| {
        Error::not_found(format!("attachment {attachment_id} is no longer in the cached message {message_id}"))
    })?;
    Ok(AttachmentData { info, message_id, bytes })
}

/// A file name safe to create: no directories, no control or reserved characters, no leading dot, a
/// bounded length, and never empty.
pub fn safe_file_name(name: Option<&str>, mime_type: &str) -> String {
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let mut s: String = base
        .chars()
        .map(|c| if c.is_control() || "<>:\"|?*".contains(c) { '_' } else { c })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .to_string();
    if s.is_empty() {
        let ext = match mime_type {
            "application/pdf" => ".pdf",
            "image/png" => ".png",
            "image/jpeg" => ".jpg",
            "text/plain" => ".txt",
            "text/calendar" => ".ics",
            "text/vcard" | "text/x-vcard" => ".vcf",
            "message/rfc822" => ".eml",
            _ => "",
        };
        s = format!("attachment{ext}");
    }
    if s.chars().count() > 120 {
        let (stem, ext) = split_ext(&s);
        let stem: String = stem.chars().take(100).collect();
        s = if ext.is_empty() { stem } else { format!("{stem}.{ext}") };
    }
    s
}

fn split_ext(name: &str) -> (&str, &str) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.len() <= 12 => (stem, ext),
        _ => (name, ""),
    }
}

/// Would the system handler run this instead of showing it? Judged by every extension of the name
/// ("invoice.pdf.exe", "setup.tar.sh") and by the declared type.
pub fn is_risky(name: &str, mime_type: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let by_name = lower.split('.').skip(1).last().is_some_and(|ext| RISKY_EXTENSIONS.contains(&ext.trim()));
    by_name || RISKY_TYPES.contains(&mime_type.to_ascii_lowercase().as_str())
}

/// `dir/name`, or `dir/name (2).ext`, `dir/name (3).ext`… the first that does not exist yet.
pub fn unique_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = split_ext(name);
    for n in 2.. {
        let candidate = if ext.is_empty() { format!("{stem} ({n})") } else { format!("{stem} ({n}).{ext}") };
        let p = dir.join(candidate);
        if !p.exists() {
            return p;
        }
    }
    unreachable!("an unbounded range always finds a free name")
}

/// Write `bytes` to a new file in `dir` named after `name`, never replacing an existing file. Returns the path.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| Error::storage(format!("cannot create {}: {e}", dir.display())))?;
    for _ in 0..100 {
        let path = unique_path(dir, name);
        // create_new: a file appearing between the check and the write is not overwritten either.
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(bytes).map_err(|e| Error::storage(format!("cannot write {}: {e}", path.display())))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::storage(format!("cannot create {}: {e}", path.display()))),
        }
    }
    Err(Error::storage(format!("cannot find a free file name for {name} in {}", dir.display())))
}

/// Where "Save" puts attachments: the user's Downloads folder (created if missing), else the home folder.
pub fn downloads_dir() -> PathBuf {
    dirs::download_dir().or_else(|| dirs::home_dir().map(|h| h.join("Downloads"))).unwrap_or_else(std::env::temp_dir)
}

/// A private directory (mode 0700) under `base` for attachments opened with the system handler.
pub fn private_dir(base: &Path) -> Result<PathBuf> {
    let dir = base.join("dealbox-open");
    std::fs::create_dir_all(&dir).map_err(|e| Error::storage(format!("cannot create {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::storage(format!("cannot make {} private: {e}", dir.display())))?;
    }
    Ok(dir)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_escape_the_directory() {
        assert_eq!(safe_file_name(Some("../../etc/passwd"), "text/plain"), "passwd");
        assert_eq!(safe_file_name(Some("C:\\Users\\x\\quote.pdf"), "application/pdf"), "quote.pdf");
        assert_eq!(safe_file_name(Some(".bashrc"), "text/plain"), "bashrc");
        assert_eq!(safe_file_name(Some("a\u{0}b\nc?.txt"), "text/plain"), "a_b_c_.txt");
        assert_eq!(safe_file_name(None, "application/pdf"), "attachment.pdf");
        assert_eq!(safe_file_name(Some(" .. "), "x/y"), "attachment");
        let long = format!("{}.pdf", "x".repeat(300));
        let s = safe_file_name(Some(&long), "application/pdf");
        assert!(s.ends_with(".pdf") && s.chars().count() <= 120, "{s}");
    }

    #[test]
    fn executables_are_risky_whatever_they_pretend_to_be() {
        for n in ["setup.exe", "invoice.pdf.exe", "run.SH", "x.desktop", "a.js", "b.bat", "macro.docm", "app.AppImage"]
        {
            assert!(is_risky(n, "application/octet-stream"), "{n}");
        }
        assert!(is_risky("harmless.txt", "application/x-msdownload"));
        for n in ["quote.pdf", "photo.jpg", "notes.txt", "exe", "README"] {
            assert!(!is_risky(n, "application/pdf"), "{n}");
        }
    }

    #[test]
    fn saving_never_clobbers_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_new(dir.path(), "quote.pdf", b"one").unwrap();
        let b = write_new(dir.path(), "quote.pdf", b"two").unwrap();
        let c = write_new(dir.path(), "quote.pdf", b"three").unwrap();
        assert_eq!(a.file_name().unwrap(), "quote.pdf");
        assert_eq!(b.file_name().unwrap(), "quote (2).pdf");
        assert_eq!(c.file_name().unwrap(), "quote (3).pdf");
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        let d = write_new(dir.path(), "README", b"x").unwrap();
        let e = write_new(dir.path(), "README", b"y").unwrap();
        assert_eq!((d.file_name().unwrap(), e.file_name().unwrap()), ("README".as_ref(), "README (2)".as_ref()));
    }

    #[test]
    fn an_attachment_comes_back_byte_for_byte_from_the_cached_message() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .unwrap()
            .execute(
                r"INSERT INTO accounts (id, name, email, username, imap_host, imap_port, imap_security, smtp_host,
                 smtp_port, smtp_security, credential, secret_ref, created_at)
                 VALUES (1, 'work', 'a@x.test', 'a', 'h', 993, 'tls', 'h', 465, 'tls', 'keyring', 'a1', 0)",
                [],
            )
            .unwrap();
        let folder = crate::cache::upsert_folder(&store, 1, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        let raw = b"From: jane@acme.test\r\nTo: a@x.test\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"quote.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQgcXVvdGU=\r\n\
--XX\r\nContent-Type: application/x-sh\r\nContent-Disposition: attachment; filename=\"../../install.sh\"\r\n\r\n\
rm -rf ~\r\n--XX--\r\n";
        let fetched = crate::cache::Fetched {
            uid: 1,
            flags: vec![],
            modseq: None,
            size: raw.len() as u64,
            raw,
            internal_date: None,
        };
        let ids = crate::cache::store_messages(&store, 1, folder, &[fetched]).unwrap();
        let list = crate::query::get(&store, ids[0]).unwrap().attachments;
        assert_eq!(list.len(), 2);
        let pdf = get(&store, list[0].id).unwrap();
        assert_eq!(pdf.bytes, b"%PDF-1.4 quote");
        assert_eq!(pdf.info.filename.as_deref(), Some("quote.pdf"));
        let sh = get(&store, list[1].id).unwrap();
        let name = safe_file_name(sh.info.filename.as_deref(), &sh.info.mime_type);
        assert_eq!(name, "install.sh");
        assert!(is_risky(&name, &sh.info.mime_type));
        assert_eq!(get(&store, 9999).unwrap_err().kind, crate::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn the_open_directory_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let base = tempfile::tempdir().unwrap();
        let d = private_dir(base.path()).unwrap();
        assert_eq!(std::fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
