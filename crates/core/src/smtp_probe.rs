//! The SMTP side of the connection test: connect, secure, authenticate, quit — nothing is sent.

use crate::account::Account;
use crate::error::{Result, Sensitive};
use crate::imap::Timeouts;
use crate::send::smtp::SmtpConn;

/// Connect to the account's SMTP server and authenticate; returns the AUTH mechanisms offered.
pub async fn test_login(account: &Account, password: &Sensitive<String>, t: Timeouts) -> Result<Vec<String>> {
    let c = SmtpConn::connect(account, password, t).await?;
    let mechs = c.auth_mechs.clone();
    c.quit().await;
    Ok(mechs)
}
