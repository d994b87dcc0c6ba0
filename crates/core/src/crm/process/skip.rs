//! Rule 1: whether to skip a message, with the exact reason, and who is on the other side of it.

use super::{MailInput, Mode};
use crate::crm::model::*;
use crate::crm::repo::CrmRepo;
use crate::crm::rules::{automated, excluded_folder, SkipReason};
use crate::error::Result;
use crate::time::DAY;

/// The message's direction and the people on the other side.
pub(super) struct Parties {
    pub(super) direction: Direction,
    pub(super) from: Option<String>,
    /// Outside addresses: the sender of incoming mail, or the recipients of outgoing mail that are not ours.
    pub(super) others: Vec<(String, String)>,
    pub(super) recipients: usize,
}

pub(super) fn parties(repo: &dyn CrmRepo, input: &MailInput<'_>) -> Result<Parties> {
    let p = input.parsed;
    let from = norm_address(&p.from.addr);
    let direction = match &from {
        Some(f) if input.own_addresses.contains(f) => Direction::Out,
        _ => Direction::In,
    };
    let mut recips: Vec<(String, String)> = Vec::new();
    for m in p.to.iter().chain(p.cc.iter()) {
        if let Some(a) = norm_address(&m.addr) {
            if !recips.iter().any(|(x, _)| *x == a) {
                recips.push((a, m.name.clone()));
            }
        }
    }
    let others = match direction {
        Direction::In => from.iter().map(|f| (f.clone(), p.from.name.clone())).collect(),
        Direction::Out => {
            let mut v = Vec::new();
            for (a, n) in &recips {
                if !is_ours(repo, input, a)? {
                    v.push((a.clone(), n.clone()));
                }
            }
            v
        }
    };
    Ok(Parties { direction, from, others, recipients: recips.len() })
}

/// A team user's address or a connected mailbox's.
pub fn is_ours(repo: &dyn CrmRepo, input: &MailInput<'_>, addr: &str) -> Result<bool> {
    Ok(input.connected_addresses.iter().any(|a| a == addr)
        || input.own_addresses.iter().any(|a| a == addr)
        || repo.user_by_address(addr)?.is_some())
}

/// Rule 1. `Err` only for storage failures.
pub(super) fn skip_reason(
    repo: &dyn CrmRepo,
    input: &MailInput<'_>,
    settings: &MailboxSettings,
    parties: &mut Parties,
    now: i64,
    mode: Mode,
) -> Result<Option<SkipReason>> {
    let p = input.parsed;
    let forced = mode == Mode::Manual;
    if !forced && !settings.link_enabled {
        return Ok(Some(SkipReason::LinkingOff));
    }
    let date = p.date.unwrap_or(now);
    if !forced && settings.process_days > 0 && now - date > settings.process_days as i64 * DAY {
        return Ok(Some(SkipReason::TooOld { age_days: (now - date) / DAY, window_days: settings.process_days }));
    }
    if !forced {
        if let Some(role) = excluded_folder(input.folder_role) {
            return Ok(Some(SkipReason::Folder(role.into())));
        }
    }
    let auto = automated(p);
    if let Some(from) = parties.from.clone() {
        if let Some(reason) = party_skip(repo, input, parties, &from, auto.is_some(), forced)? {
            return Ok(Some(reason));
        }
    }
    if let Some(a) = auto {
        return Ok(Some(SkipReason::Automated(a)));
    }
    if parties.from.is_none() {
        return Ok(Some(SkipReason::NoSender));
    }
    Ok(None)
}

/// The skips that depend on who sent the message and to whom: our own notifications, our users, mail
/// only to our users, the exception list.
fn party_skip(
    repo: &dyn CrmRepo,
    input: &MailInput<'_>,
    parties: &mut Parties,
    from: &str,
    automated: bool,
    forced: bool,
) -> Result<Option<SkipReason>> {
    let p = input.parsed;
    if parties.direction == Direction::Out {
        let to_self_only = parties.recipients == 0
            || p.to
                .iter()
                .chain(p.cc.iter())
                .all(|m| norm_address(&m.addr).is_some_and(|a| input.own_addresses.contains(&a)));
        if automated || to_self_only {
            return Ok(Some(SkipReason::OwnNotification));
        }
    } else if is_ours(repo, input, from)? {
        return Ok(Some(SkipReason::FromOurUser));
    }
    if parties.direction == Direction::Out && parties.others.is_empty() {
        return Ok(Some(SkipReason::OnlyToOurUsers));
    }
    if !forced {
        let mut first_entry = None;
        let mut kept = Vec::new();
        for (a, n) in parties.others.drain(..) {
            match repo.exception_for(&a)? {
                Some(e) => {
                    first_entry.get_or_insert(e);
                }
                None => kept.push((a, n)),
            }
        }
        parties.others = kept;
        if parties.others.is_empty() {
            if let Some(entry) = first_entry {
                return Ok(Some(SkipReason::Exception { entry, outgoing: parties.direction == Direction::Out }));
            }
        }
    }
    Ok(None)
}
