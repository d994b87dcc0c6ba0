// The message list's own logic: conversations (grouped by the backend, expandable), the remembered mode
// and sort, multi-selection with bulk actions, and search as you type with stale answers dropped.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { folder, message, twoAccounts } from '../testdata';
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

const subjects = (mail: MailState) => Array.from({ length: mail.total }, (_, i) => mail.rowAt(i)?.subject);

describe('the message list', () => {
  beforeEach(() => localStorage.clear());

  it('shows one row per conversation with its count and latest message', async () => {
    const { mail } = await ready();
    expect(mail.grouped).toBe(true);
    expect(mail.total).toBe(4);
    expect(mail.messageTotal).toBe(6);
    expect(subjects(mail)).toEqual(['Hello from sales', 'Invoice', 'Pricing', 'Re: Renewal']);
    const row = mail.listRow(3);
    expect(row?.kind).toBe('conversation');
    if (row?.kind !== 'conversation') return;
    expect([row.conv.count, row.conv.unread, row.conv.latest.id, row.key]).toEqual([3, 2, 3, 't:100']);
    expect(mail.listRow(1)?.key).toBe('m:5');
  });

  it('expands a conversation below its row and collapses it again', async () => {
    const { mail } = await ready();
    await mail.toggleThread(3);
    expect(mail.total).toBe(7);
    expect(mail.listRow(3)).toMatchObject({ kind: 'conversation', expanded: true });
    expect([4, 5, 6].map((i) => mail.listRow(i))).toMatchObject([
      { kind: 'message', child: true, msg: { id: 3 } },
      { kind: 'message', child: true, msg: { id: 2 } },
      { kind: 'message', child: true, msg: { id: 1 } },
    ]);
    await mail.open(6);
    expect(mail.message?.summary.id).toBe(1);
    await mail.toggleThread(5, false); // from a child row: closes its conversation
    expect(mail.total).toBe(4);
    expect(mail.cursor).toBe(3);
  });

  it('remembers messages or conversations, and the sort order, across windows', async () => {
    const { mail } = await ready();
    await mail.setMode('messages');
    expect(mail.total).toBe(6);
    await mail.setSort('oldestFirst');
    expect(subjects(mail)[0]).toBe('Renewal');
    const again = new MailState(new MemoryBackend(threaded()));
    await again.init();
    expect([again.mode, again.sort, again.total]).toEqual(['messages', 'oldestFirst', 6]);
  });

  it('selects ranges with Shift, single rows with Ctrl, and counts the messages of conversations', async () => {
    const { mail } = await ready();
    await mail.open(0);
    await mail.selectRange(3); // Shift-click
    expect(mail.selectedCount).toBe(6);
    mail.toggleSelect(2); // Ctrl-click drops "Pricing"
    expect([...mail.selection.keys()]).toEqual(['m:10001', 'm:5', 't:100']);
    expect(mail.selectedCount).toBe(5);
    mail.clearSelection();
    expect(mail.hasSelection).toBe(false);
  });

  it('grows and shrinks the selection with Shift+j/k from the anchor', async () => {
    const { mail } = await ready();
    await mail.open(1);
    await mail.extend(1);
    await mail.extend(1);
    expect([...mail.selection.keys()]).toEqual(['m:5', 'm:4', 't:100']);
    await mail.extend(-1);
    expect([...mail.selection.keys()]).toEqual(['m:5', 'm:4']);
    expect(mail.cursor).toBe(2);
  });

  it('archives a selection with one bulk call, a conversation with all its messages', async () => {
    const { backend, mail } = await ready();
    mail.toggleSelect(3);
    mail.toggleSelect(2);
    expect(mail.selectedCount).toBe(4);
    expect(await mail.bulk({ kind: 'archive' })).toBe(true);
    expect(backend.calls.filter((c) => c.startsWith('changeMessages'))).toEqual(['changeMessages 4,3,2,1 archive']);
    expect(mail.hasSelection).toBe(false);
    expect(subjects(mail)).toEqual(['Hello from sales', 'Invoice']);
  });

  it('selects everything with Ctrl+A and marks it read', async () => {
    const { backend, mail } = await ready();
    mail.selectAll();
    expect(mail.selectedCount).toBe(6);
    await mail.bulk({ kind: 'seen', value: true });
    expect(backend.messages.filter((m) => m.unread)).toEqual([]);
    expect(mail.unifiedUnread).toBe(0);
  });

  it('moves a selection to another folder', async () => {
    const { backend, mail } = await ready();
    await mail.select({ kind: 'folder', accountId: 1, folder: 'INBOX' });
    expect(mail.moveTargets.map((t) => t.to)).toEqual(['Sent', 'Archive', 'Trash']);
    mail.toggleSelect(0);
    await mail.bulk({ kind: 'move', to: 'Trash' });
    expect(backend.messages.find((m) => m.id === 5)?.folder).toBe('Trash');
  });

  it('searches as you type: one search at a time, only the latest text runs next, stale answers are dropped', async () => {
    const { backend, mail } = await ready();
    const gates = new Map<string, () => void>();
    backend.searchGate = (q) => new Promise<void>((r) => gates.set(q, r));
    const typing = ['r', 're', 'ren', 'renewal'].map((q) => mail.search(q));
    await Promise.resolve();
    expect(backend.calls.filter((c) => c.startsWith('searchMessages'))).toEqual(['searchMessages r']);
    gates.get('r')!();
    await new Promise((r) => setTimeout(r, 0));
    // "r" is no longer in the box: its answer is not shown; "re" and "ren" never ran.
    expect(mail.results).toBeNull();
    expect(backend.calls.filter((c) => c.startsWith('searchMessages'))).toEqual(['searchMessages r', 'searchMessages renewal']);
    gates.get('renewal')!();
    await Promise.all(typing);
    expect(mail.resultsFor).toBe('renewal');
    expect(mail.results?.map((m) => m.id)).toEqual([3, 2, 1]);
  });

  it('drops an answer that arrives after the box was cleared', async () => {
    const { backend, mail } = await ready();
    let release = () => {};
    backend.searchGate = () => new Promise<void>((r) => (release = r));
    const pending = mail.search('pricing');
    await mail.search('');
    release();
    await pending;
    expect(mail.searching).toBe(false);
    expect(mail.total).toBe(4);
  });

  it('finds CRM contacts and companies beside the messages', async () => {
    const { backend, mail } = await ready();
    backend.crmRecords = [
      { kind: 'company', id: 1, name: 'ACME Corp', detail: 'acme.test', company: null },
      { kind: 'contact', id: 2, name: 'Jane Roe', detail: 'jane@acme.test', company: 'ACME Corp' },
    ];
    await mail.search('acme');
    expect(mail.crmHits.map((h) => h.name)).toEqual(['ACME Corp', 'Jane Roe']);
    await mail.search('is:unread');
    expect(mail.crmHits).toEqual([]);
  });

  it('tells the sync policy when the network goes away', async () => {
    const { backend, mail } = await ready();
    await mail.networkChanged(false);
    await mail.networkChanged(true);
    expect(backend.network).toEqual([false, true]);
  });
});
