// The message list's own logic: conversations (grouped by the backend, expandable), the remembered mode
// and sort, multi-selection with bulk actions, and search as you type with stale answers dropped.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../../test/memory';
import { folder, message, twoAccounts } from '../../test/testdata';
import { MailState } from './mail.svelte';

/** Work's Inbox: thread 100 = messages 1, 2, 3 (3 newest); 4 and 5 alone; plus sales' message 10001. */
function threaded() {
  const data = twoAccounts(0);
  data.folders.push(folder(4, 1, 'Archive', 'archive'), folder(5, 1, 'Trash', 'trash'));
  data.messages = [
    message(1, 1, 'INBOX', { threadId: 100, subject: 'Renewal' }),
    message(2, 1, 'INBOX', { threadId: 100, subject: 'Re: Renewal', unread: true }),
    message(3, 1, 'INBOX', { threadId: 100, subject: 'Re: Renewal', unread: true }),
    message(4, 1, 'INBOX', { threadId: 4, subject: 'Pricing' }),
    message(5, 1, 'INBOX', { threadId: 5, subject: 'Invoice', crm: 'linked' }),
    message(10_001, 2, 'INBOX', { subject: 'Hello from sales' }),
  ];
  return data;
}

async function ready() {
  const backend = new MemoryBackend(threaded());
  const mail = new MailState(backend);
  await mail.init();
  return { backend, mail };
}

const subjects = (mail: MailState) => Array.from({ length: mail.list.total }, (_, i) => mail.list.rowAt(i)?.subject);

describe('the message list', () => {
  beforeEach(() => localStorage.clear());

  it('shows one row per conversation with its count and latest message', async () => {
    const { mail } = await ready();
    expect(mail.list.grouped).toBe(true);
    expect(mail.list.total).toBe(4);
    expect(mail.list.messageTotal).toBe(6);
    expect(subjects(mail)).toEqual(['Hello from sales', 'Invoice', 'Pricing', 'Re: Renewal']);
    const row = mail.list.listRow(3);
    expect(row?.kind).toBe('conversation');
    if (row?.kind !== 'conversation') return;
    expect([row.conv.count, row.conv.unread, row.conv.latest.id, row.key]).toEqual([3, 2, 3, 't:100']);
    expect(mail.list.listRow(1)?.key).toBe('m:5');
  });

  it('expands a conversation below its row and collapses it again', async () => {
    const { mail } = await ready();
    await mail.list.toggleThread(3);
    expect(mail.list.total).toBe(7);
    expect(mail.list.listRow(3)).toMatchObject({ kind: 'conversation', expanded: true });
    expect([4, 5, 6].map((i) => mail.list.listRow(i))).toMatchObject([
      { kind: 'message', child: true, msg: { id: 3 } },
      { kind: 'message', child: true, msg: { id: 2 } },
      { kind: 'message', child: true, msg: { id: 1 } },
    ]);
    await mail.reader.open(6);
    expect(mail.reader.message?.summary.id).toBe(1);
    await mail.list.toggleThread(5, false); // from a child row: closes its conversation
    expect(mail.list.total).toBe(4);
    expect(mail.list.cursor).toBe(3);
  });

  it('remembers messages or conversations, and the sort order, across windows', async () => {
    const { mail } = await ready();
    await mail.list.setMode('messages');
    expect(mail.list.total).toBe(6);
    await mail.list.setSort('oldestFirst');
    expect(subjects(mail)[0]).toBe('Renewal');
    const again = new MailState(new MemoryBackend(threaded()));
    await again.init();
    expect([again.list.mode, again.list.sort, again.list.total]).toEqual(['messages', 'oldestFirst', 6]);
  });

  it('selects ranges with Shift, single rows with Ctrl, and counts the messages of conversations', async () => {
    const { mail } = await ready();
    await mail.reader.open(0);
    await mail.selection.range(3); // Shift-click
    expect(mail.selection.count).toBe(6);
    mail.selection.toggle(2); // Ctrl-click drops "Pricing"
    expect([...mail.selection.rows.keys()]).toEqual(['m:10001', 'm:5', 't:100']);
    expect(mail.selection.count).toBe(5);
    mail.selection.clear();
    expect(mail.selection.any).toBe(false);
  });

  it('grows and shrinks the selection with Shift+j/k from the anchor', async () => {
    const { mail } = await ready();
    await mail.reader.open(1);
    await mail.selection.extend(1);
    await mail.selection.extend(1);
    expect([...mail.selection.rows.keys()]).toEqual(['m:5', 'm:4', 't:100']);
    await mail.selection.extend(-1);
    expect([...mail.selection.rows.keys()]).toEqual(['m:5', 'm:4']);
    expect(mail.list.cursor).toBe(2);
  });

  it('archives a selection with one bulk call, a conversation with all its messages', async () => {
    const { backend, mail } = await ready();
    mail.selection.toggle(3);
    mail.selection.toggle(2);
    expect(mail.selection.count).toBe(4);
    expect(await mail.selection.bulk({ kind: 'archive' })).toBe(true);
    expect(backend.calls.filter((c) => c.startsWith('changeMessages'))).toEqual(['changeMessages 4,3,2,1 archive']);
    expect(mail.selection.any).toBe(false);
    expect(subjects(mail)).toEqual(['Hello from sales', 'Invoice']);
  });

  it('selects everything with Ctrl+A and marks it read', async () => {
    const { backend, mail } = await ready();
    mail.selection.selectAll();
    expect(mail.selection.count).toBe(6);
    await mail.selection.bulk({ kind: 'seen', value: true });
    expect(backend.messages.filter((m) => m.unread)).toEqual([]);
    expect(mail.accounts.unifiedUnread).toBe(0);
  });

  it('moves a selection to another folder', async () => {
    const { backend, mail } = await ready();
    await mail.list.select({ kind: 'folder', accountId: 1, folder: 'INBOX' });
    expect(mail.selection.moveTargets.map((t) => t.to)).toEqual(['Sent', 'Archive', 'Trash']);
    mail.selection.toggle(0);
    await mail.selection.bulk({ kind: 'move', to: 'Trash' });
    expect(backend.messages.find((m) => m.id === 5)?.folder).toBe('Trash');
  });

  it('searches as you type: one search at a time, only the latest text runs next, stale answers are dropped', async () => {
    const { backend, mail } = await ready();
    const gates = new Map<string, () => void>();
    backend.searchGate = (q) => new Promise<void>((r) => gates.set(q, r));
    const typing = ['r', 're', 'ren', 'renewal'].map((q) => mail.search.search(q));
    await Promise.resolve();
    expect(backend.calls.filter((c) => c.startsWith('searchMessages'))).toEqual(['searchMessages r']);
    gates.get('r')!();
    await new Promise((r) => setTimeout(r, 0));
    // "r" is no longer in the box: its answer is not shown; "re" and "ren" never ran.
    expect(mail.search.results).toBeNull();
    expect(backend.calls.filter((c) => c.startsWith('searchMessages'))).toEqual(['searchMessages r', 'searchMessages renewal']);
    gates.get('renewal')!();
    await Promise.all(typing);
    expect(mail.search.resultsFor).toBe('renewal');
    expect(mail.search.results?.map((m) => m.id)).toEqual([3, 2, 1]);
  });

  it('drops an answer that arrives after the box was cleared', async () => {
    const { backend, mail } = await ready();
    let release = () => {};
    backend.searchGate = () => new Promise<void>((r) => (release = r));
    const pending = mail.search.search('pricing');
    await mail.search.search('');
    release();
    await pending;
    expect(mail.search.searching).toBe(false);
    expect(mail.list.total).toBe(4);
  });

  it('finds CRM contacts and companies beside the messages', async () => {
    const { backend, mail } = await ready();
    backend.crmRecords = [
      { kind: 'company', id: 1, name: 'ACME Corp', detail: 'acme.test', company: null },
      { kind: 'contact', id: 2, name: 'Jane Roe', detail: 'jane@acme.test', company: 'ACME Corp' },
    ];
    await mail.search.search('acme');
    expect(mail.search.crmHits.map((h) => h.name)).toEqual(['ACME Corp', 'Jane Roe']);
    await mail.search.search('is:unread');
    expect(mail.search.crmHits).toEqual([]);
  });

  it('tells the sync policy when the network goes away', async () => {
    const { backend, mail } = await ready();
    await mail.sync.networkChanged(false);
    await mail.sync.networkChanged(true);
    expect(backend.network).toEqual([false, true]);
  });
});
