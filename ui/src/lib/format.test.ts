import { describe, expect, it } from 'vitest';
import { duration, fileSize, initials, sender, shortDate, subjectOrPlaceholder, syncLine } from './format';

describe('format', () => {
  it('shows the time for today and the full date for other years', () => {
    const now = new Date(2026, 10, 27, 15, 0);
    const today = new Date(2026, 10, 27, 9, 5).getTime() / 1000;
    expect(shortDate(today, now)).toBe('09:05');
    expect(shortDate(new Date(2024, 2, 5, 12).getTime() / 1000, now)).toBe('2024-03-05');
  });

  it('never shows an empty sender or subject', () => {
    expect(sender('', 'a@b.test')).toBe('a@b.test');
    expect(sender('', '')).toBe('(unknown sender)');
    expect(subjectOrPlaceholder('  ')).toBe('(no subject)');
  });

  it('sizes and initials', () => {
    expect(fileSize(512)).toBe('512 B');
    expect(fileSize(2 * 1024 * 1024)).toBe('2.0 MB');
    expect(initials('Jane Roe')).toBe('JR');
    expect(initials('jane@acme.test')).toBe('J');
  });

  it('says in plain words how the last check went', () => {
    const base = {
      checking: false,
      lastCheck: 1000,
      lastSuccess: 1000,
      lastError: null,
      lastErrorCode: null,
      failures: 0,
      problem: null,
      nextCheck: 'in 8 min: owner online',
    };
    expect(syncLine(undefined, 2000, false).text).toBe('Not checked yet');
    expect(syncLine(base, 1000 + 120, false)).toEqual({ text: 'Checked 2 min ago', bad: false, detail: 'Next check in 8 min: owner online' });
    expect(syncLine({ ...base, checking: true }, 1000, false).text).toBe('Checking for mail…');
    expect(syncLine(base, 1000, true).text).toBe('Checking for mail…');
    const failed = { ...base, lastCheck: 1100, lastError: 'rejected the password', lastErrorCode: 'auth', failures: 1 };
    expect(syncLine(failed, 1200, false)).toEqual({ text: 'Login failed — fix the password', bad: true, detail: 'rejected the password' });
    expect(syncLine({ ...failed, lastErrorCode: 'refused' }, 1200, false).text).toBe(
      'Offline — will check when the network returns',
    );
  });

  it('says when the next check is and why', () => {
    const base = {
      checking: false,
      lastCheck: 1000,
      lastSuccess: 1000,
      lastError: null,
      lastErrorCode: null,
      failures: 0,
      problem: null,
      nextCheck: 'in 8 min: owner online',
      nextCheckAt: 1000 + 600,
      nextReason: 'owner_online',
    };
    expect(syncLine(base, 1120, false).text).toBe('Checked 2 min ago · next check in 8 min (you are online)');
    expect(syncLine({ ...base, nextCheckAt: null, nextReason: 'network_down' }, 1120, false)).toMatchObject({
      text: 'Offline — will check when the network returns',
      bad: true,
    });
    expect(syncLine({ ...base, nextCheckAt: null, nextReason: 'nobody_online' }, 1120, false).text).toBe(
      'Checked 2 min ago · no check scheduled (nobody is online)',
    );
    expect(syncLine({ ...base, nextReason: 'retry_after_error' }, 1120, false).text).toBe('Checked 2 min ago · next check in 8 min');
    expect(duration(3 * 3600 + 5 * 60)).toBe('3 h 5 min');
  });
});
