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

/** The per-account status line in plain words. */
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
      }
    | undefined,
  now: number,
  checking: boolean,
): SyncLine {
  if (checking || s?.checking) return { text: t('Checking for mail…'), bad: false };
  if (!s || s.lastCheck === null) return { text: t('Not checked yet'), bad: false };
  if (s.failures > 0 && s.lastError) {
    const what =
      s.lastErrorCode === 'auth'
        ? t('Login failed — fix the password')
        : s.lastErrorCode === 'keyring'
          ? t('Password not available — check the keyring')
          : ['dns', 'refused', 'timeout', 'network'].includes(s.lastErrorCode ?? '')
            ? t('Offline — will check again')
            : s.lastErrorCode === 'tls'
              ? t('Certificate problem — check the server')
              : t('Sync failed');
    return { text: what, bad: true, detail: s.problem ?? s.lastError };
  }
  const next = s.nextCheck ? t('Next check {when}', { when: s.nextCheck }) : undefined;
  return { text: t('Checked {ago}', { ago: ago(s.lastSuccess ?? s.lastCheck, now) }), bad: false, detail: next };
}

export function initials(nameOrAddr: string): string {
  const words = nameOrAddr.replace(/[<>"@.].*$/, '').split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => [...w][0]?.toUpperCase() ?? '').join('') || '?';
}
