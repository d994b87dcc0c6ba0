//! Plan, then apply: pure functions from (cached folder state, server state) to sync actions.
//!
//! The IMAP code gathers what the server says ([`Cursor`] from SELECT, a [`Listing`] from SEARCH/FETCH) and
//! executes the [`Actions`]; everything that decides lives here and is tested without a network.

use std::collections::{BTreeMap, BTreeSet};

/// A folder's sync cursor: where the last complete sync left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub uidvalidity: u32,
    pub uidnext: u32,
    /// Only with CONDSTORE (and not for a NOMODSEQ mailbox).
    pub highestmodseq: Option<u64>,
}

/// What the server can do that changes how a folder is synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerCaps {
    pub condstore: bool,
    pub qresync: bool,
}

/// Why a folder's cached messages are all dropped and fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetWhy {
    /// The server's UIDVALIDITY changed: cached UIDs mean nothing any more.
    UidValidityChanged,
    /// UIDNEXT went backwards: the mailbox was recreated or restored.
    UidNextBackwards,
}

/// How to learn what changed in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Drop every cached message of the folder, then sync it as new. Nothing is deleted on the server.
    Reset(ResetWhy),
    /// CONDSTORE says nothing changed since the cursor: no listing needed.
    Unchanged,
    /// CONDSTORE: flags changed since `modseq` (+ VANISHED with QRESYNC), new UIDs from the old UIDNEXT.
    ChangedSince { modseq: u64, qresync: bool },
    /// List every UID with its flags and compare with the cache (first sync, or no CONDSTORE).
    Full,
}

/// Decide how to sync a folder from its cached cursor (None: never completed a sync) and the server's.
pub fn choose_strategy(cached: Option<Cursor>, server: Cursor, caps: ServerCaps) -> Strategy {
    let Some(c) = cached else { return Strategy::Full };
    if c.uidvalidity != server.uidvalidity {
        return Strategy::Reset(ResetWhy::UidValidityChanged);
    }
    if server.uidnext < c.uidnext {
        return Strategy::Reset(ResetWhy::UidNextBackwards);
    }
    match (caps.condstore, c.highestmodseq, server.highestmodseq) {
        (true, Some(old), Some(new)) if new == old && server.uidnext == c.uidnext => Strategy::Unchanged,
        (true, Some(old), Some(new)) if new > old => Strategy::ChangedSince { modseq: old, qresync: caps.qresync },
        _ => Strategy::Full,
    }
}

/// What the cache holds for one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CachedMessage {
    /// Normalised flags (see [`normalize_flags`]).
    pub flags: Vec<String>,
    /// False while only the headers are cached.
    pub has_body: bool,
}

/// What the server told us about a folder's messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Every UID in the folder, when it was listed (full FLAGS fetch or UID SEARCH ALL).
    pub all: Option<BTreeSet<u32>>,
    /// The message count from SELECT/EXISTS, to catch a listing that came back empty by mistake.
    pub exists: Option<u32>,
    /// UIDs inside the account's fetch window that the cache should hold.
    pub wanted: BTreeSet<u32>,
    /// Current flags, for every message (full fetch) or the changed ones (CHANGEDSINCE).
    pub flags: BTreeMap<u32, Vec<String>>,
    /// UIDs the server reported as expunged (QRESYNC VANISHED).
    pub vanished: BTreeSet<u32>,
}

/// The work for one folder. UID lists are newest (highest UID) first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    /// Cached messages gone from the server: remove them from the cache.
    pub drop: Vec<u32>,
    /// New messages to fetch (flags come with them).
    pub fetch: Vec<u32>,
    /// Cached with headers only: fetch the full message.
    pub fetch_bodies: Vec<u32>,
    /// Cached messages whose flags changed on the server.
    pub set_flags: Vec<(u32, Vec<String>)>,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        self.drop.is_empty() && self.fetch.is_empty() && self.fetch_bodies.is_empty() && self.set_flags.is_empty()
    }
}

/// The listing contradicts itself; applying it could wrongly drop cached mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistent(pub String);

/// Flags as stored: sorted, unique, without the session-only `\Recent`.
pub fn normalize_flags<S: AsRef<str>>(flags: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut v: Vec<String> = flags
        .into_iter()
        .map(|f| f.as_ref().trim().to_string())
        .filter(|f| !f.is_empty() && !f.eq_ignore_ascii_case("\\Recent"))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Compare the cache with the server's listing.
pub fn plan(cached: &BTreeMap<u32, CachedMessage>, listing: &Listing) -> Result<Actions, Inconsistent> {
    if let (Some(all), Some(exists)) = (&listing.all, listing.exists) {
        if all.is_empty() && exists > 0 {
            return Err(Inconsistent(format!(
                "the server listed no messages in a folder it says holds {exists}; nothing was removed"
            )));
        }
    }
    let gone = |uid: &u32| listing.vanished.contains(uid) || listing.all.as_ref().is_some_and(|a| !a.contains(uid));
    let mut a = Actions { drop: cached.keys().rev().copied().filter(|u| gone(u)).collect(), ..Default::default() };
    a.fetch = listing.wanted.iter().rev().copied().filter(|u| !cached.contains_key(u) && !gone(u)).collect();
    a.fetch_bodies = cached.iter().rev().filter(|(u, m)| !m.has_body && !gone(u)).map(|(u, _)| *u).collect();
    for (uid, flags) in listing.flags.iter().rev() {
        if let Some(m) = cached.get(uid) {
            let flags = normalize_flags(flags);
            if !gone(uid) && m.flags != flags {
                a.set_flags.push((*uid, flags));
            }
        }
    }
    Ok(a)
}

/// Compress UIDs into an IMAP sequence set ("1:3,7,9:10"), ascending.
pub fn uid_set(uids: &[u32]) -> String {
    let mut v: Vec<u32> = uids.to_vec();
    v.sort_unstable();
    v.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < v.len() {
        let start = v[i];
        let mut end = start;
        while i + 1 < v.len() && v[i + 1] == end + 1 {
            i += 1;
            end = v[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CS: ServerCaps = ServerCaps { condstore: true, qresync: false };
    const QR: ServerCaps = ServerCaps { condstore: true, qresync: true };
    const PLAIN: ServerCaps = ServerCaps { condstore: false, qresync: false };

    fn cur(uidvalidity: u32, uidnext: u32, modseq: Option<u64>) -> Cursor {
        Cursor { uidvalidity, uidnext, highestmodseq: modseq }
    }
    fn msg(flags: &[&str]) -> CachedMessage {
        CachedMessage { flags: normalize_flags(flags), has_body: true }
    }
    fn cache(entries: &[(u32, &[&str])]) -> BTreeMap<u32, CachedMessage> {
        entries.iter().map(|(u, f)| (*u, msg(f))).collect()
    }
    fn set(uids: &[u32]) -> BTreeSet<u32> {
        uids.iter().copied().collect()
    }
    fn full_listing(entries: &[(u32, &[&str])]) -> Listing {
        let all = set(&entries.iter().map(|e| e.0).collect::<Vec<_>>());
        Listing {
            exists: Some(all.len() as u32),
            wanted: all.clone(),
            all: Some(all),
            flags: entries.iter().map(|(u, f)| (*u, f.iter().map(|s| s.to_string()).collect())).collect(),
            vanished: BTreeSet::new(),
        }
    }

    #[test]
    fn first_sync_lists_everything() {
        assert_eq!(choose_strategy(None, cur(7, 10, Some(5)), QR), Strategy::Full);
    }

    #[test]
    fn uidvalidity_change_resets_the_folder() {
        assert_eq!(
            choose_strategy(Some(cur(7, 10, Some(5))), cur(8, 10, Some(5)), QR),
            Strategy::Reset(ResetWhy::UidValidityChanged)
        );
        assert_eq!(
            choose_strategy(Some(cur(7, 10, None)), cur(8, 99, None), PLAIN),
            Strategy::Reset(ResetWhy::UidValidityChanged)
        );
    }

    #[test]
    fn uidnext_going_backwards_resets_the_folder() {
        assert_eq!(
            choose_strategy(Some(cur(7, 10, Some(5))), cur(7, 9, Some(9)), QR),
            Strategy::Reset(ResetWhy::UidNextBackwards)
        );
    }

    #[test]
    fn condstore_with_nothing_new_needs_no_listing() {
        assert_eq!(choose_strategy(Some(cur(7, 10, Some(5))), cur(7, 10, Some(5)), CS), Strategy::Unchanged);
    }

    #[test]
    fn condstore_changes_are_fetched_since_the_cached_modseq() {
        assert_eq!(
            choose_strategy(Some(cur(7, 10, Some(5))), cur(7, 12, Some(9)), CS),
            Strategy::ChangedSince { modseq: 5, qresync: false }
        );
        assert_eq!(
            choose_strategy(Some(cur(7, 10, Some(5))), cur(7, 10, Some(6)), QR),
            Strategy::ChangedSince { modseq: 5, qresync: true }
        );
    }

    #[test]
    fn without_condstore_every_sync_is_full() {
        assert_eq!(choose_strategy(Some(cur(7, 10, None)), cur(7, 10, None), PLAIN), Strategy::Full);
        // A cursor from a CONDSTORE session but a server that no longer offers it.
        assert_eq!(choose_strategy(Some(cur(7, 10, Some(5))), cur(7, 10, None), CS), Strategy::Full);
        // HIGHESTMODSEQ going backwards is not trusted.
        assert_eq!(choose_strategy(Some(cur(7, 10, Some(9))), cur(7, 10, Some(5)), CS), Strategy::Full);
    }

    #[test]
    fn new_messages_are_fetched_newest_first() {
        let c = cache(&[(1, &["\\Seen"])]);
        let l = full_listing(&[(1, &["\\Seen"]), (2, &[]), (5, &[]), (3, &[])]);
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.fetch, vec![5, 3, 2]);
        assert!(a.drop.is_empty() && a.set_flags.is_empty() && a.fetch_bodies.is_empty());
    }

    #[test]
    fn nothing_changed_means_no_actions() {
        let c = cache(&[(1, &["\\Seen"]), (2, &[])]);
        let l = full_listing(&[(1, &["\\Seen", "\\Recent"]), (2, &[])]);
        assert!(plan(&c, &l).unwrap().is_empty());
    }

    #[test]
    fn expunged_messages_are_dropped_by_uid_set_comparison() {
        let c = cache(&[(1, &[]), (2, &[]), (3, &[])]);
        let l = full_listing(&[(1, &[]), (3, &[])]);
        assert_eq!(plan(&c, &l).unwrap().drop, vec![2]);
    }

    #[test]
    fn vanished_messages_are_dropped_and_never_fetched() {
        let c = cache(&[(1, &[]), (2, &[])]);
        let l = Listing { vanished: set(&[2, 4]), wanted: set(&[4, 5]), ..Default::default() };
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.drop, vec![2]);
        assert_eq!(a.fetch, vec![5]);
    }

    #[test]
    fn changed_flags_are_updated_in_any_order_and_case() {
        let c = cache(&[(1, &["\\Seen"]), (2, &["\\Seen", "\\Flagged"]), (3, &[])]);
        let l = full_listing(&[(1, &[]), (2, &["\\Flagged", "\\Seen"]), (3, &["$Label1", "\\Answered"])]);
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.set_flags, vec![(3, vec!["$Label1".to_string(), "\\Answered".to_string()]), (1, vec![])]);
    }

    #[test]
    fn changedsince_listing_touches_only_what_it_names() {
        // CHANGEDSINCE reports only message 2; the others are kept as they are.
        let c = cache(&[(1, &["\\Seen"]), (2, &[]), (3, &[])]);
        let l = Listing { flags: [(2, vec!["\\Seen".to_string()])].into(), ..Default::default() };
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.set_flags, vec![(2, vec!["\\Seen".to_string()])]);
        assert!(a.drop.is_empty() && a.fetch.is_empty());
    }

    #[test]
    fn flags_of_a_message_being_fetched_are_not_set_twice() {
        let c = cache(&[]);
        let l = full_listing(&[(1, &["\\Seen"])]);
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.fetch, vec![1]);
        assert!(a.set_flags.is_empty());
    }

    #[test]
    fn header_only_messages_get_their_bodies() {
        let mut c = cache(&[(1, &[]), (2, &[]), (3, &[])]);
        c.get_mut(&1).unwrap().has_body = false;
        c.get_mut(&3).unwrap().has_body = false;
        let l = full_listing(&[(1, &[]), (2, &[])]);
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.fetch_bodies, vec![1], "3 is gone from the server, so only 1");
        assert_eq!(a.drop, vec![3]);
    }

    #[test]
    fn the_fetch_window_limits_new_mail_but_keeps_older_cached_mail() {
        let c = cache(&[(1, &[])]);
        let mut l = full_listing(&[(1, &[]), (2, &[]), (3, &[]), (4, &[])]);
        l.wanted = set(&[3, 4]);
        let a = plan(&c, &l).unwrap();
        assert_eq!(a.fetch, vec![4, 3]);
        assert!(a.drop.is_empty(), "1 is outside the window but still on the server");
    }

    #[test]
    fn an_empty_listing_of_a_non_empty_folder_drops_nothing() {
        let c = cache(&[(1, &[]), (2, &[])]);
        let l = Listing { all: Some(BTreeSet::new()), exists: Some(2), ..Default::default() };
        assert!(plan(&c, &l).is_err());
        // A truly empty folder empties the cache.
        let l = Listing { all: Some(BTreeSet::new()), exists: Some(0), ..Default::default() };
        assert_eq!(plan(&c, &l).unwrap().drop, vec![2, 1]);
    }

    #[test]
    fn recent_is_not_a_stored_flag() {
        assert_eq!(normalize_flags(["\\Seen", "\\Recent", "\\Seen", " "]), vec!["\\Seen"]);
    }

    #[test]
    fn uid_sets_compress_ranges() {
        assert_eq!(uid_set(&[9, 1, 2, 3, 7, 10, 3]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
    }
}
