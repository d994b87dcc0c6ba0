// Display helpers. They return plain strings; Svelte escapes them when rendered.

import { t } from './i18n/index.svelte';

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:05" today, "Mar 5" this year, "2024-03-05" before. */
export function shortDate(unixSeconds: number, now: Date = new Date()): string {
  if (!unixSeconds) return '';
  const d = new Date(unixSeconds * 1000);
  if (d.toDateString() === now.toDateString()) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.getFullYear() === now.getFullYear()) {
    return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function longDate(unixSeconds: number): string {
  if (!unixSeconds) return '';
  return new Date(unixSeconds * 1000).toLocaleString(undefined, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function sender(name: string, addr: string): string {
  return name.trim() || addr || t('(unknown sender)');
}

export function subjectOrPlaceholder(s: string): string {
  return s.trim() || t('(no subject)');
}

/** "3 min ago", "just now", "yesterday". */
export function ago(unixSeconds: number, now: number): string {
  const s = Math.max(0, Math.round(now - unixSeconds));
  if (s < 45) return t('just now');
  if (s < 3600) return t('{n} min ago', { n: Math.max(1, Math.round(s / 60)) });
  if (s < 86_400) return t('{n} h ago', { n: Math.round(s / 3600) });
  const d = Math.round(s / 86_400);
  return d === 1 ? t('yesterday') : t('{n} days ago', { n: d });
}

export interface SyncLine {
  text: string;
  bad: boolean;
  /** The full error, for a tooltip. */
  detail?: string;
}

/** "8 min", "2 h", "2 h 5 min", "3 days" until a moment. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('less than a minute');
  const m = Math.ceil(s / 60);
  if (m < 60) return t('{n} min', { n: m });
  if (m < 24 * 60) return m % 60 ? t('{h} h {m} min', { h: Math.floor(m / 60), m: m % 60 }) : t('{n} h', { n: m / 60 });
  return t('{n} days', { n: Math.round(m / 1440) });
}

/** Reasons of the sync policy that mean "you are online, so we check every few minutes". */
const ONLINE_REASONS = ['owner_online', 'routing_on', 'user_online_daily', 'window_opened', 'sync_pressed'];
const NETWORK_CODES = ['dns', 'refused', 'timeout', 'network'];

/**
 * The per-account status line in plain words: "Checked 2 min ago · next check in 8 min (you are online)",
 * "Offline — will check when the network returns", "Login failed — fix the password".
 */
export function syncLine(
  s:
    | {
        checking: boolean;
        lastCheck: number | null;
        lastSuccess: number | null;
        lastError: string | null;
        lastErrorCode: string | null;
        failures: number;
        problem: string | null;
        nextCheck: string | null;
        nextCheckAt?: number | null;
        nextReason?: string | null;
      }
    | undefined,
  now: number,
  checking: boolean,
): SyncLine {
  if (checking || s?.checking) return { text: t('Checking for mail…'), bad: false };
  const offline = { text: t('Offline — will check when the network returns'), bad: true };
  if (s?.nextReason === 'network_down') return { ...offline, detail: s.lastError ?? undefined };
  if (!s || s.lastCheck === null) return { text: t('Not checked yet'), bad: false };
  if (s.failures > 0 && s.lastError) {
    const detail = s.problem ?? s.lastError;
    if (NETWORK_CODES.includes(s.lastErrorCode ?? '')) return { ...offline, detail };
    const what =
      s.lastErrorCode === 'auth'
        ? t('Login failed — fix the password')
        : s.lastErrorCode === 'keyring'
          ? t('Password not available — check the keyring')
          : s.lastErrorCode === 'tls'
            ? t('Certificate problem — check the server')
            : t('Sync failed');
    return { text: what, bad: true, detail };
  }
  let text = t('Checked {ago}', { ago: ago(s.lastSuccess ?? s.lastCheck, now) });
  if (s.nextCheckAt != null) {
    text += ' · ' + (s.nextCheckAt <= now ? t('next check now') : t('next check in {when}', { when: duration(s.nextCheckAt - now) }));
    if (ONLINE_REASONS.includes(s.nextReason ?? '')) text += ' ' + t('(you are online)');
  } else if (s.nextReason === 'nobody_online') {
    text += ' · ' + t('no check scheduled (nobody is online)');
  }
  return { text, bad: false, detail: s.nextCheck ? t('Next check {when}', { when: s.nextCheck }) : undefined };
}

export function initials(nameOrAddr: string): string {
  const words = nameOrAddr.replace(/[<>"@.].*$/, '').split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => [...w][0]?.toUpperCase() ?? '').join('') || '?';
}
