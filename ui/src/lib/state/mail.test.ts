import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBackend } from '../../test/memory';
import { folder, twoAccounts, message } from '../../test/testdata';
import { MailState, PAGE_SIZE } from './mail.svelte';

async function ready(n = 5) {
  const backend = new MemoryBackend(twoAccounts(n));
  const mail = new MailState(backend);
  await mail.init();
  await mail.list.ensureRows(0, Math.min(mail.list.total, PAGE_SIZE));
  return { backend, mail };
}

describe('MailState', () => {
  beforeEach(() => localStorage.clear());

  it('starts on the unified inbox with the inboxes of every account', async () => {
    const { mail } = await ready(5);
    expect(mail.accounts.loaded).toBe(true);
    expect(mail.list.viewTitle).toBe('All inboxes');
    expect(mail.list.total).toBe(6);
    expect(mail.accounts.unifiedUnread).toBe(3); // messages 2 and 4, plus the sales one
    expect(mail.list.rowAt(0)?.subject).toBe('Renewal 2027');
    expect(new Set([0, 1, 2, 3, 4, 5].map((i) => mail.list.rowAt(i)?.accountId))).toEqual(new Set([1, 2]));
  });

  it('shows one folder of one account when picked', async () => {
    const { mail } = await ready(5);
    mail.list.select({ kind: 'folder', accountId: 1, folder: 'Sent' });
    await mail.list.ensureRows(0, 10);
    expect(mail.list.total).toBe(1);
    expect(mail.list.rowAt(0)?.subject).toBe('Re: pricing');
    expect(mail.list.viewTitle).toBe('Sent · work');
  });

  it('loads only the pages it is asked for', async () => {
    const { backend, mail } = await ready(1000);
    expect(backend.calls).toEqual(['listConversations 0 100']);
    await mail.list.ensureRows(550, 560);
    expect(backend.calls).toEqual(['listConversations 0 100', 'listConversations 500 100']);
    expect(mail.list.rowAt(555)).toBeDefined();
    expect(mail.list.rowAt(700)).toBeUndefined();
  });

  it('opens messages and walks with j/k', async () => {
    const { mail } = await ready(5);
    await mail.reader.move(1);
    expect(mail.list.cursor).toBe(0);
    expect(mail.reader.message?.summary.subject).toBe('Renewal 2027');
    await mail.reader.move(1);
    expect(mail.reader.message?.summary.id).toBe(5);
    await mail.reader.move(-1);
    await mail.reader.move(-1);
    expect(mail.list.cursor).toBe(0);
  });

  it('searches and goes back to the folder when the query is cleared', async () => {
    const { mail } = await ready(5);
    await mail.search.search('renewal');
    expect(mail.search.searching).toBe(true);
    expect(mail.list.total).toBe(1);
    expect(mail.list.rowAt(0)?.fromName).toBe('Jane Roe');
    await mail.search.search('');
    expect(mail.search.searching).toBe(false);
    expect(mail.list.total).toBe(6);
  });

  it('drops the results of a slower, older search', async () => {
    const { backend, mail } = await ready(5);
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const original = backend.searchMessages.bind(backend);
    backend.searchMessages = async (q, a, l) => {
      if (q === 'message') await slow;
      return original(q, a, l);
    };
    const first = mail.search.search('message');
    await mail.search.search('renewal');
    release();
    await first;
    expect(mail.search.query).toBe('renewal');
    expect(mail.list.total).toBe(1);
  });

  it('loads remote images for the open message only on request', async () => {
    const backend = new MemoryBackend({
      ...twoAccounts(0),
      messages: [message(1, 1, 'INBOX', { html: '<img src="https://cdn.test/a.png">' })],
    });
    const mail = new MailState(backend);
    await mail.init();
    await mail.reader.open(0);
    expect(mail.reader.message?.remoteBlocked).toBe(1);
    await mail.reader.loadImages();
    expect(mail.reader.message?.remoteAllowed).toBe(true);
    expect(mail.reader.message?.remoteBlocked).toBe(0);
  });

  it('reports a profile that cannot be opened', async () => {
    const backend = new MemoryBackend();
    backend.appInfo = async () => ({
      version: 't',
      profileDir: '/p',
      profileError: { code: 'storage', message: 'written by a newer Dealbox', hint: null },
    });
    const mail = new MailState(backend);
    await mail.init();
    expect(mail.accounts.fatal).toBe('written by a newer Dealbox');
  });

  it('refetches after a sync that brought new mail and keeps the open message under the cursor', async () => {
    const { backend, mail } = await ready(5);
    await backend.onSyncEvent((e) => mail.sync.onSyncEvent(e));
    await mail.reader.open(1); // message 5
    expect(mail.reader.message?.summary.id).toBe(5);
    backend.incoming = [message(20_000, 1, 'INBOX', { subject: 'Brand new', unread: true, timestamp: 1_790_000_000 })];
    await mail.sync.syncNow();
    expect(backend.calls).toContain('syncNow null');
    await vi.waitFor(() => expect(mail.list.total).toBe(7));
    await vi.waitFor(() => expect(mail.list.rowAt(0)?.subject).toBe('Brand new'));
    expect(mail.list.rowAt(0)?.subject).toBe('Brand new');
    expect(mail.list.cursor).toBe(2);
    expect(mail.accounts.unifiedUnread).toBe(4);
    expect(mail.sync.statusOf(1)?.lastSuccess).not.toBeNull();
    expect(mail.sync.syncing).toBe(false);
  });

  it('keeps the reason when a sync fails', async () => {
    const { backend, mail } = await ready(2);
    await backend.onSyncEvent((e) => mail.sync.onSyncEvent(e));
    backend.syncError = { accountId: 2, code: 'auth', message: 'IMAP login to imap.example.test failed: wrong password' };
    await mail.sync.syncNow();
    await vi.waitFor(() => expect(mail.sync.statusOf(2)?.lastErrorCode).toBe('auth'));
    await vi.waitFor(() => expect(mail.sync.syncing).toBe(false));
    expect(mail.sync.statusOf(1)?.failures).toBe(0);
  });

  it('marks a message read when it is opened', async () => {
    const { backend, mail } = await ready(5);
    // Row 0 is the unread sales message.
    expect(mail.accounts.unifiedUnread).toBe(3);
    await mail.reader.open(0);
    await vi.waitFor(() => expect(mail.accounts.unifiedUnread).toBe(2));
    expect(mail.list.rowAt(0)?.unread).toBe(false);
    expect(backend.calls).toContain('changeMessage 10001 seen');
  });

  it('archives the message under the cursor and shows the next one', async () => {
    const data = twoAccounts(3);
    data.folders.push(folder(4, 1, 'Archive', 'archive'));
    const backend = new MemoryBackend(data);
    const mail = new MailState(backend);
    await mail.init();
    await mail.list.ensureRows(0, 10);
    await mail.reader.open(1); // message 3 of work
    await mail.remove('archive');
    expect(mail.list.total).toBe(3);
    expect(mail.reader.message?.summary.id).toBe(2);
    expect(mail.accounts.folders.find((f) => f.name === 'Archive')?.total).toBe(1);
  });
});
