//! The core says what a person can do about an error as a structured hint; on the command line that is
//! the command to run, with its flags.

use dealbox_core::Hint;

/// The command that fixes it. `account` names the account when the hint does not (a TLS failure knows the
/// certificate, not the account it was for).
pub fn render(hint: &Hint, account: Option<&str>) -> String {
    let acc = |a: Option<&str>| a.or(account).map(quote).unwrap_or_else(|| "ACCOUNT".into());
    match hint {
        Hint::SetPassword { account: a } => format!("dealbox-cli account edit {} --password-stdin", acc(Some(a))),
        Hint::TrustCertificate { account: a, sha256 } => format!(
            "dealbox-cli account trust-cert {} --sha256 {sha256} (accept this exact certificate), or add your \
             company's CA with `dealbox-cli account edit {} --trust-ca CA.pem`",
            acc(a.as_deref()),
            acc(a.as_deref())
        ),
        Hint::RaiseLimit { limit } => format!("dealbox-cli account limit {} (now {limit})", limit + 1),
        Hint::RemoveAnyway { account: a } => {
            format!("dealbox-cli account remove {} --force (drops the unsent mail)", acc(Some(a)))
        }
        Hint::ListAccounts => "dealbox-cli account list".into(),
        Hint::ListFolders { account: a } => format!("dealbox-cli folders --account {}", acc(Some(a))),
        Hint::ListMessages => "dealbox-cli list --json (for the ids)".into(),
        Hint::ListCrmUsers => "dealbox-cli crm users list".into(),
    }
}

fn quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_become_commands_with_flags() {
        assert_eq!(
            render(&Hint::SetPassword { account: "work".into() }, None),
            "dealbox-cli account edit work --password-stdin"
        );
        let tls = render(&Hint::TrustCertificate { account: None, sha256: "ab12".into() }, Some("my mail"));
        assert!(tls.starts_with("dealbox-cli account trust-cert 'my mail' --sha256 ab12"), "{tls}");
        assert!(tls.contains("--trust-ca"), "{tls}");
        assert_eq!(render(&Hint::ListAccounts, None), "dealbox-cli account list");
    }
}
