// Display helpers. They return plain strings; Svelte escapes them when rendered.

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
  return name.trim() || addr || '(unknown sender)';
}

export function subjectOrPlaceholder(s: string): string {
  return s.trim() || '(no subject)';
}

export function initials(nameOrAddr: string): string {
  const words = nameOrAddr.replace(/[<>"@.].*$/, '').split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => [...w][0]?.toUpperCase() ?? '').join('') || '?';
}
