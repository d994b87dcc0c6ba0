//! When is a mailbox checked next? A pure function of (now, presence, settings, last check, errors).
//!
//! The product brief's policy:
//! - every 10 minutes while the mailbox owner is online;
//! - every 10 minutes when "route existing clients to assigned managers" is on and any team user is online;
//! - once a day when a user is online and routing is off;
//! - immediately when the mail window opens or is brought back, and on Sync;
//! - never when no one is online; while the network is down checks wait for it.
//!
//! Errors back off: a recoverable failure (network, timeout, DNS, refused) is retried after 1, 2, 4, 8 …
//! minutes but never later than the normal interval; a failure only the user can fix (login, certificate,
//! protocol, settings) is retried at the normal interval doubled per failure, at most once a day, so a wrong
//! password does not hammer the server. After [`PROBLEM_AFTER`] failed checks in a row the mailbox is in a
//! *problem* state with the reason, until a check succeeds.

use serde::Serialize;

use crate::error::ErrorKind;

/// Checks while someone is actively working the mailbox.
pub const ACTIVE_INTERVAL: i64 = 10 * 60;
/// Checks when a user is online but neither the owner nor routing calls for more.
pub const DAILY_INTERVAL: i64 = 24 * 60 * 60;
/// First retry after a recoverable failure.
pub const RETRY_BASE: i64 = 60;
/// Failed checks in a row before the mailbox is shown as having a problem.
pub const PROBLEM_AFTER: u32 = 3;

/// Who is online right now (the app is running and the network is reachable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    /// The mailbox's owner has the app running.
    pub owner_online: bool,
    /// Any user of the team has the app running (the owner included).
    pub any_user_online: bool,
    /// The network is reachable from this machine.
    pub network_up: bool,
}

/// What happened that asks for a check now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The mail window was opened or brought to the front.
    WindowOpened,
    /// The user pressed Sync.
    SyncPressed,
}

/// Everything the policy looks at. Times are unix seconds from an injected clock.
#[derive(Debug, Clone, Default)]
pub struct PolicyInput {
    pub now: i64,
    pub presence: Presence,
    /// "Route existing clients to assigned managers" is on.
    pub routing_on: bool,
    /// When the last check ended (success or failure).
    pub last_check: Option<i64>,
    /// Failed checks in a row (0 after a success).
    pub failures: u32,
    /// The kind of the last failure, if the last check failed.
    pub last_error: Option<ErrorKind>,
    /// An event asking for a check now.
    pub trigger: Option<Trigger>,
}

/// Why the next check is when it is; shown to the user in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    SyncPressed,
    WindowOpened,
    NeverChecked,
    OwnerOnline,
    RoutingOn,
    UserOnlineDaily,
    RetryAfterError,
    NobodyOnline,
    NetworkDown,
}

impl Reason {
    pub fn describe(self) -> &'static str {
        match self {
            Reason::SyncPressed => "Sync pressed",
            Reason::WindowOpened => "the mail window opened",
            Reason::NeverChecked => "never checked yet",
            Reason::OwnerOnline => "owner online",
            Reason::RoutingOn => "routing to managers is on and a team user is online",
            Reason::UserOnlineDaily => "a user is online (daily check; routing is off)",
            Reason::RetryAfterError => "retrying after an error",
            Reason::NobodyOnline => "nobody is online",
            Reason::NetworkDown => "waiting for the network",
        }
    }
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum NextCheck {
    /// Check at this time (now or in the past means: check now).
    At { at: i64, reason: Reason },
    /// No check is scheduled; something must change first (someone comes online, the network returns).
    Never { reason: Reason },
}

impl NextCheck {
    /// Is a check due at `now`? The boundary counts as due (10:00 after a check at 0:00 is due, 9:59 not).
    pub fn is_due(&self, now: i64) -> bool {
        matches!(self, NextCheck::At { at, .. } if *at <= now)
    }

    pub fn reason(&self) -> Reason {
        match self {
            NextCheck::At { reason, .. } | NextCheck::Never { reason } => *reason,
        }
    }

    /// "now: Sync pressed", "in 7 min: owner online", "not scheduled: nobody is online".
    pub fn describe(&self, now: i64) -> String {
        match self {
            NextCheck::Never { reason } => format!("not scheduled: {}", reason.describe()),
            NextCheck::At { at, reason } if *at <= now => format!("now: {}", reason.describe()),
            NextCheck::At { at, reason } => {
                format!("in {}: {}", human_duration(at - now), reason.describe())
            }
        }
    }
}

/// "45 s", "7 min", "3 h 5 min", "1 day".
pub fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    if secs < 60 {
        format!("{secs} s")
    } else if secs < 3600 {
        format!("{} min", (secs + 59) / 60)
    } else if secs < 86400 {
        let m = (secs + 59) / 60;
        match m % 60 {
            0 => format!("{} h", m / 60),
            r => format!("{} h {r} min", m / 60),
        }
    } else {
        let d = secs / 86400;
        let h = (secs % 86400) / 3600;
        let days = if d == 1 { "1 day".to_string() } else { format!("{d} days") };
        if h == 0 {
            days
        } else {
            format!("{days} {h} h")
        }
    }
}

/// The normal interval for this presence and setting, or why there is none.
fn interval(i: &PolicyInput) -> Result<(i64, Reason), Reason> {
    let p = i.presence;
    if !p.network_up {
        return Err(Reason::NetworkDown);
    }
    if p.owner_online {
        Ok((ACTIVE_INTERVAL, Reason::OwnerOnline))
    } else if p.any_user_online && i.routing_on {
        Ok((ACTIVE_INTERVAL, Reason::RoutingOn))
    } else if p.any_user_online {
        Ok((DAILY_INTERVAL, Reason::UserOnlineDaily))
    } else {
        Err(Reason::NobodyOnline)
    }
}

/// The delay before retrying after `failures` failed checks in a row.
fn retry_delay(failures: u32, kind: Option<ErrorKind>, normal: i64) -> i64 {
    let exp = failures.saturating_sub(1).min(20);
    let recoverable = kind.map(ErrorKind::is_recoverable).unwrap_or(true);
    if recoverable {
        (RETRY_BASE << exp).min(normal)
    } else {
        normal.saturating_mul(1 << exp.min(10)).min(DAILY_INTERVAL)
    }
}

/// Decide the next check.
pub fn next_check(i: &PolicyInput) -> NextCheck {
    let (normal, reason) = match interval(i) {
        Ok(v) => v,
        Err(reason) => return NextCheck::Never { reason },
    };
    match i.trigger {
        Some(Trigger::SyncPressed) => return NextCheck::At { at: i.now, reason: Reason::SyncPressed },
        Some(Trigger::WindowOpened) => return NextCheck::At { at: i.now, reason: Reason::WindowOpened },
        None => {}
    }
    let Some(last) = i.last_check else {
        return NextCheck::At { at: i.now, reason: Reason::NeverChecked };
    };
    if i.failures > 0 {
        return NextCheck::At {
            at: last + retry_delay(i.failures, i.last_error, normal),
            reason: Reason::RetryAfterError,
        };
    }
    NextCheck::At { at: last + normal, reason }
}

/// Why a mailbox is in trouble, in the user's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemReason {
    /// The server rejected the user name or password.
    LoginFailed,
    /// The certificate is untrusted or changed.
    Certificate,
    /// The server cannot be reached (DNS, refused, timeout, network).
    Unreachable,
    /// The password could not be read from the keyring.
    Keyring,
    /// Anything else (protocol errors, settings, local storage).
    Other,
}

impl ProblemReason {
    pub fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::Auth => ProblemReason::LoginFailed,
            ErrorKind::Tls => ProblemReason::Certificate,
            ErrorKind::Dns | ErrorKind::Refused | ErrorKind::Timeout | ErrorKind::Network => ProblemReason::Unreachable,
            ErrorKind::Keyring => ProblemReason::Keyring,
            _ => ProblemReason::Other,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ProblemReason::LoginFailed => "login failed",
            ProblemReason::Certificate => "certificate problem",
            ProblemReason::Unreachable => "server unreachable",
            ProblemReason::Keyring => "password unavailable",
            ProblemReason::Other => "sync error",
        }
    }
}

/// A mailbox in trouble: shown until a check succeeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub reason: ProblemReason,
    pub failures: u32,
    /// The last error's message (says what to do).
    pub message: String,
}

/// The problem state after `failures` failed checks in a row, the last with `kind` and `message`.
pub fn problem(failures: u32, kind: Option<ErrorKind>, message: Option<&str>) -> Option<Problem> {
    if failures < PROBLEM_AFTER {
        return None;
    }
    Some(Problem {
        reason: kind.map(ProblemReason::from_kind).unwrap_or(ProblemReason::Other),
        failures,
        message: message.unwrap_or("").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;
    const MIN: i64 = 60;

    fn owner() -> Presence {
        Presence { owner_online: true, any_user_online: true, network_up: true }
    }
    fn team_only() -> Presence {
        Presence { owner_online: false, any_user_online: true, network_up: true }
    }
    fn nobody() -> Presence {
        Presence { owner_online: false, any_user_online: false, network_up: true }
    }
    fn input(presence: Presence, last_check: Option<i64>, now: i64) -> PolicyInput {
        PolicyInput { now, presence, last_check, ..Default::default() }
    }

    #[test]
    fn owner_online_checks_every_ten_minutes_with_the_seam_at_ten() {
        let at_959 = input(owner(), Some(T0), T0 + 9 * MIN + 59);
        let next = next_check(&at_959);
        assert_eq!(next, NextCheck::At { at: T0 + 10 * MIN, reason: Reason::OwnerOnline });
        assert!(!next.is_due(at_959.now), "9:59 after the last check is not due yet");
        assert!(next.is_due(T0 + 10 * MIN), "10:00 after the last check is due");
        assert_eq!(next.describe(T0 + 3 * MIN), "in 7 min: owner online");
    }

    #[test]
    fn routing_on_with_a_team_user_online_checks_every_ten_minutes() {
        let mut i = input(team_only(), Some(T0), T0 + MIN);
        i.routing_on = true;
        assert_eq!(next_check(&i), NextCheck::At { at: T0 + 10 * MIN, reason: Reason::RoutingOn });
    }

    #[test]
    fn routing_off_with_a_team_user_online_checks_once_a_day() {
        let i = input(team_only(), Some(T0), T0 + MIN);
        let next = next_check(&i);
        assert_eq!(next, NextCheck::At { at: T0 + 86_400, reason: Reason::UserOnlineDaily });
        assert!(!next.is_due(T0 + 86_399));
        assert!(next.is_due(T0 + 86_400));
    }

    #[test]
    fn owner_online_wins_over_the_daily_rule() {
        let mut i = input(owner(), Some(T0), T0);
        i.routing_on = false;
        assert_eq!(next_check(&i).reason(), Reason::OwnerOnline);
    }

    #[test]
    fn nobody_online_means_never_even_with_routing_or_a_trigger() {
        for routing_on in [false, true] {
            for trigger in [None, Some(Trigger::WindowOpened), Some(Trigger::SyncPressed)] {
                let mut i = input(nobody(), Some(T0 - 86_400 * 30), T0);
                i.routing_on = routing_on;
                i.trigger = trigger;
                let next = next_check(&i);
                assert_eq!(next, NextCheck::Never { reason: Reason::NobodyOnline });
                assert!(!next.is_due(T0 + 86_400 * 365));
            }
        }
    }

    #[test]
    fn network_down_waits_for_the_network() {
        let mut p = owner();
        p.network_up = false;
        let mut i = input(p, Some(T0), T0 + 60 * MIN);
        i.trigger = Some(Trigger::SyncPressed);
        assert_eq!(next_check(&i), NextCheck::Never { reason: Reason::NetworkDown });
        assert_eq!(next_check(&i).describe(T0), "not scheduled: waiting for the network");
        // When the network returns, an overdue check happens at once.
        i.presence.network_up = true;
        i.trigger = None;
        assert!(next_check(&i).is_due(i.now));
    }

    #[test]
    fn window_opened_and_sync_pressed_check_now() {
        for (trigger, reason) in
            [(Trigger::WindowOpened, Reason::WindowOpened), (Trigger::SyncPressed, Reason::SyncPressed)]
        {
            for presence in [owner(), team_only()] {
                let mut i = input(presence, Some(T0), T0 + 1);
                i.trigger = Some(trigger);
                assert_eq!(next_check(&i), NextCheck::At { at: T0 + 1, reason });
            }
        }
        // Even while backing off after errors: the user asked.
        let mut i = input(owner(), Some(T0), T0 + 1);
        i.failures = 5;
        i.last_error = Some(ErrorKind::Auth);
        i.trigger = Some(Trigger::SyncPressed);
        assert!(next_check(&i).is_due(T0 + 1));
    }

    #[test]
    fn never_checked_is_due_now() {
        let i = input(team_only(), None, T0);
        assert_eq!(next_check(&i), NextCheck::At { at: T0, reason: Reason::NeverChecked });
    }

    #[test]
    fn recoverable_errors_back_off_up_to_the_interval() {
        let mut i = input(owner(), Some(T0), T0);
        i.last_error = Some(ErrorKind::Network);
        let delays: Vec<i64> = (1..=6)
            .map(|f| {
                i.failures = f;
                match next_check(&i) {
                    NextCheck::At { at, reason } => {
                        assert_eq!(reason, Reason::RetryAfterError);
                        at - T0
                    }
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        assert_eq!(delays, vec![MIN, 2 * MIN, 4 * MIN, 8 * MIN, 10 * MIN, 10 * MIN]);
    }

    #[test]
    fn daily_mailbox_retries_a_network_error_within_the_hour() {
        let mut i = input(team_only(), Some(T0), T0);
        i.failures = 3;
        i.last_error = Some(ErrorKind::Timeout);
        assert_eq!(next_check(&i), NextCheck::At { at: T0 + 4 * MIN, reason: Reason::RetryAfterError });
    }

    #[test]
    fn login_failures_back_off_beyond_the_interval_but_at_most_a_day() {
        let mut i = input(owner(), Some(T0), T0);
        i.last_error = Some(ErrorKind::Auth);
        let at = |f: u32, i: &mut PolicyInput| {
            i.failures = f;
            match next_check(i) {
                NextCheck::At { at, .. } => at - T0,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(at(1, &mut i), 10 * MIN);
        assert_eq!(at(2, &mut i), 20 * MIN);
        assert_eq!(at(3, &mut i), 40 * MIN);
        assert_eq!(at(12, &mut i), 86_400);
        assert_eq!(at(u32::MAX, &mut i), 86_400);
    }

    #[test]
    fn a_success_resets_the_backoff() {
        let mut i = input(owner(), Some(T0), T0);
        i.failures = 0;
        i.last_error = None;
        assert_eq!(next_check(&i), NextCheck::At { at: T0 + 10 * MIN, reason: Reason::OwnerOnline });
    }

    #[test]
    fn problem_state_starts_at_the_third_failure_in_a_row_with_the_reason() {
        assert_eq!(problem(0, None, None), None);
        assert_eq!(problem(2, Some(ErrorKind::Auth), Some("rejected")), None);
        let p = problem(3, Some(ErrorKind::Auth), Some("IMAP login to x failed")).unwrap();
        assert_eq!(p.reason, ProblemReason::LoginFailed);
        assert_eq!(p.message, "IMAP login to x failed");
        assert_eq!(problem(3, Some(ErrorKind::Tls), None).unwrap().reason, ProblemReason::Certificate);
        for k in [ErrorKind::Dns, ErrorKind::Refused, ErrorKind::Timeout, ErrorKind::Network] {
            assert_eq!(problem(4, Some(k), None).unwrap().reason, ProblemReason::Unreachable, "{k:?}");
        }
        assert_eq!(problem(3, Some(ErrorKind::Protocol), None).unwrap().reason, ProblemReason::Other);
        assert_eq!(ProblemReason::LoginFailed.describe(), "login failed");
    }

    #[test]
    fn durations_read_plainly() {
        assert_eq!(human_duration(45), "45 s");
        assert_eq!(human_duration(7 * 60), "7 min");
        assert_eq!(human_duration(6 * 60 + 1), "7 min");
        assert_eq!(human_duration(3 * 3600 + 5 * 60), "3 h 5 min");
        assert_eq!(human_duration(2 * 3600), "2 h");
        assert_eq!(human_duration(86_400), "1 day");
        assert_eq!(human_duration(2 * 86_400 + 3 * 3600), "2 days 3 h");
    }
}
