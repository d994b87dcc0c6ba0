//! Clock and calendar helpers: the wall clock (behind [`Clock`] wherever a decision depends on it),
//! unix seconds as RFC 3339 or IMAP dates, and the dates people and servers type.
//!
//! Decisions (when to check, when to retry) take `now` as an argument or a [`Clock`]; [`unix_now`] is for
//! timestamps written to rows.

use ::time::format_description::well_known::Rfc3339;
use ::time::{Date, Month, OffsetDateTime, Time};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Wall-clock time for the policy; the shell and tests can inject their own.
pub trait Clock: Send + Sync {
    /// Unix seconds.
    fn now(&self) -> i64;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        unix_now()
    }
}

/// Seconds since the Unix epoch. Only for timestamps written to rows, never for decisions.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Nanoseconds since the Unix epoch, as entropy for fresh identifiers (never for decisions).
pub fn unix_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// Unix seconds as RFC 3339 in UTC ("2026-03-01T10:00:00Z"); empty when out of range.
pub fn rfc3339(ts: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ts).ok().and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// A day typed as `2026-01-31`: its midnight (UTC) in unix seconds.
pub fn parse_day(s: &str) -> Option<i64> {
    let fmt = ::time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).ok().map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// Parse an IMAP INTERNALDATE ("17-Jul-1996 02:44:25 -0700") to unix seconds.
pub fn parse_internal_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once(' ')?;
    let (time_s, zone) = rest.trim().split_once(' ')?;
    let mut d = date.split('-');
    let day: u8 = d.next()?.trim().parse().ok()?;
    let month = match d.next()?.to_ascii_lowercase().as_str() {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    };
    let year: i32 = d.next()?.parse().ok()?;
    let mut t = time_s.split(':');
    let (h, m, sec): (u8, u8, u8) = (t.next()?.parse().ok()?, t.next()?.parse().ok()?, t.next()?.parse().ok()?);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let z = zone.trim_start_matches(['+', '-']);
    if z.len() != 4 {
        return None;
    }
    let zh: i64 = z[..2].parse().ok()?;
    let zm: i64 = z[2..].parse().ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(h, m, sec).ok()?;
    let utc = date.with_time(time).assume_utc().unix_timestamp();
    Some(utc - sign * (zh * 3600 + zm * 60))
}

/// An IMAP date for SEARCH SINCE ("1-Jan-2026") for the day `unix` falls on (UTC).
pub fn imap_date(unix: i64) -> String {
    let dt = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{}-{}-{}", dt.day(), MONTHS[dt.month() as usize - 1], dt.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_dates_parse_with_zones() {
        assert_eq!(parse_internal_date("17-Jul-1996 02:44:25 -0700"), Some(837_596_665));
        assert_eq!(parse_internal_date(" 1-Jan-2026 00:00:00 +0000"), Some(1_767_225_600));
        assert_eq!(parse_internal_date("garbage"), None);
    }

    #[test]
    fn search_dates_are_imap_dates() {
        assert_eq!(imap_date(1_767_225_600), "1-Jan-2026");
    }

    #[test]
    fn days_and_rfc3339_round_the_same_midnight() {
        assert_eq!(parse_day("2026-01-01"), Some(1_767_225_600));
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert!(unix_now() > 1_767_225_600 - 365 * DAY);
    }
}
