// The message list of the view: messages or conversations (grouped by the backend, expandable), sorted by
// date, fetched a page at a time for the virtualized list, with the keyboard cursor. While a search runs it
// shows the search's results instead.
import type { MessageQuery } from '../backend/backend';
import { explain } from '../errors';
import { t } from '../i18n/index.svelte';
import { displayIndexOf, displayTotal, locate } from '../virtual';
import type { MessageSummaryDto, SortDto } from '../backend/types';
import type { MailState } from './mail.svelte';
import { remember, remembered } from './remember';
import { patched, type Item, type ListRow, type OpenThread } from './rows';

export type { ListRow } from './rows';

export type View =
  | { kind: 'unified' }
  | { kind: 'folder'; accountId: number; folder: string }
  /** The manager's triage of unanswered client email (NeedsReply.svelte). */
  | { kind: 'needsReply' };

export const PAGE_SIZE = 100;

/** One list, or one row per conversation (thread) with its count. Remembered. */
export type ListMode = 'conversations' | 'messages';

const MODE_KEY = 'dealbox.listMode';
const SORT_KEY = 'dealbox.listSort';

/** The account and folder (or role) a view's calls ask for: the unified inbox is every account's "inbox". */
export function scopeOf(v: View): { accountId: number | null; folder: string } {
  return { accountId: v.kind === 'folder' ? v.accountId : null, folder: v.kind === 'folder' ? v.folder : 'inbox' };
}

export class ListState {
  readonly #mail: MailState;

  view = $state.raw<View>({ kind: 'unified' });
  mode = $state<ListMode>(remembered<ListMode>(MODE_KEY, ['conversations', 'messages'], 'conversations'));
  sort = $state<SortDto>(remembered<SortDto>(SORT_KEY, ['newestFirst', 'oldestFirst'], 'newestFirst'));

  /** Rows of the current list (messages, or conversations), by page. */
  pages = $state.raw<Map<number, Item[]>>(new Map());
  /** Conversations in the view (from the last page fetched); null until the first page arrives. */
  conversationTotal = $state<number | null>(null);
  /** Expanded conversations, by their index among the conversations. */
  openThreads = $state.raw<OpenThread[]>([]);
  error = $state<string | null>(null);
  /** The keyboard cursor: a display row. */
  cursor = $state(-1);

  #loading = new Set<number>();
  #generation = 0;

  constructor(mail: MailState) {
    this.#mail = mail;
  }

  /** Messages in the view (search results or the selected folder). */
  get messageTotal(): number {
    const { accounts, search } = this.#mail;
    if (search.results) return search.results.length;
    const v = this.view;
    if (v.kind === 'unified') return accounts.inboxes.reduce((n, f) => n + f.total, 0);
    if (v.kind === 'needsReply') return 0;
    return accounts.folder(v.accountId, v.folder)?.total ?? 0;
  }

  /** Conversation rows are shown (not while searching: results are messages). */
  get grouped(): boolean {
    return this.mode === 'conversations' && !this.#mail.search.results;
  }

  /** Display rows in the list being shown. */
  get total(): number {
    if (!this.grouped) return this.messageTotal;
    return displayTotal(this.conversationTotal ?? 0, this.openThreads);
  }

  get viewTitle(): string {
    const { accounts, search } = this.#mail;
    if (search.results) return t('Search: {query}', { query: search.query.trim() });
    const v = this.view;
    if (v.kind === 'unified') return t('All inboxes');
    if (v.kind === 'needsReply') return t('Needs reply');
    const f = accounts.folder(v.accountId, v.folder);
    return `${f?.displayName ?? v.folder} · ${accounts.accountName(v.accountId)}`;
  }

  isSelected(v: View): boolean {
    const c = this.view;
    if (c.kind !== v.kind) return false;
    if (c.kind !== 'folder') return true;
    return v.kind === 'folder' && c.accountId === v.accountId && c.folder === v.folder;
  }

  /** Show a folder (or the unified inbox): drop cached rows and load from the top. */
  select(v: View): Promise<void> {
    this.view = v;
    this.#mail.search.clear();
    return this.reset();
  }

  /** Conversations or messages (remembered). */
  setMode(mode: ListMode): Promise<void> {
    if (mode === this.mode) return Promise.resolve();
    this.mode = mode;
    remember(MODE_KEY, mode);
    if (this.#mail.search.results) return Promise.resolve();
    return this.reset();
  }

  /** Newest or oldest first (remembered); a search runs again in the new order. */
  setSort(sort: SortDto): Promise<void> {
    if (sort === this.sort) return Promise.resolve();
    this.sort = sort;
    remember(SORT_KEY, sort);
    const { search } = this.#mail;
    if (search.results) return search.search(search.query, true);
    return this.reset();
  }

  /** Answers to calls made before now are dropped (the rows they are for are gone). */
  invalidate(): void {
    this.#generation++;
  }

  /** Drop the rows, the cursor, the open message and the selection, and load the first page. */
  reset(): Promise<void> {
    this.#generation++;
    this.#loading.clear();
    this.pages = new Map();
    this.conversationTotal = null;
    this.openThreads = [];
    this.error = null;
    this.cursor = -1;
    this.#mail.reader.message = null;
    this.#mail.reader.error = null;
    this.#mail.selection.clear();
    return this.loadPages([0]);
  }

  /** The message a display row shows (for a conversation: its latest message). */
  rowAt(i: number): MessageSummaryDto | undefined {
    const r = this.listRow(i);
    return r?.kind === 'conversation' ? r.conv.latest : r?.msg;
  }

  /** What display row `i` shows, if its page is loaded. */
  listRow(i: number): ListRow | undefined {
    const results = this.#mail.search.results;
    if (results) {
      const msg = results[i];
      return msg && { kind: 'message', key: `m:${msg.id}`, msg, child: false };
    }
    if (!this.grouped) {
      const it = this.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
      return it?.kind === 'message' ? { kind: 'message', key: `m:${it.msg.id}`, msg: it.msg, child: false } : undefined;
    }
    const { base, child } = locate(i, this.openThreads);
    if (child >= 0) {
      const msg = this.openThreads.find((o) => o.at === base)?.children[child];
      return msg && { kind: 'message', key: `m:${msg.id}`, msg, child: true };
    }
    const it = this.pages.get(Math.floor(base / PAGE_SIZE))?.[base % PAGE_SIZE];
    if (it?.kind !== 'conversation') return undefined;
    const conv = it.conv;
    const key = conv.count > 1 ? `t:${conv.threadId}` : `m:${conv.latest.id}`;
    return { kind: 'conversation', key, conv, expanded: this.openThreads.some((o) => o.at === base) };
  }

  /** The display row showing this message (a message row, or the conversation whose latest it is). */
  indexOfMessage(id: number): number {
    const results = this.#mail.search.results;
    if (results) return results.findIndex((r) => r.id === id);
    for (const o of this.openThreads) {
      const k = o.children.findIndex((m) => m.id === id);
      if (k >= 0) return displayIndexOf(o.at, this.openThreads) + 1 + k;
    }
    for (const [p, items] of this.pages) {
      const k = items.findIndex((it) => (it.kind === 'message' ? it.msg.id : it.conv.latest.id) === id);
      if (k >= 0) return this.grouped ? displayIndexOf(p * PAGE_SIZE + k, this.openThreads) : p * PAGE_SIZE + k;
    }
    return -1;
  }

  /** Load the pages covering display rows [start, end) that are not loaded yet. */
  async ensureRows(start: number, end: number): Promise<void> {
    if (this.#mail.search.results || end <= start) return;
    const [a, b] = this.grouped ? [locate(start, this.openThreads).base, locate(end - 1, this.openThreads).base] : [start, end - 1];
    const wanted: number[] = [];
    for (let p = Math.floor(a / PAGE_SIZE); p <= Math.floor(b / PAGE_SIZE); p++) wanted.push(p);
    await this.loadPages(wanted);
  }

  private query(offset: number, limit: number): MessageQuery {
    return { ...scopeOf(this.view), offset, limit, sort: this.sort };
  }

  /** One page of the current view, as list items; conversations also update the total. */
  private async fetchPage(p: number): Promise<{ items: Item[]; total: number | null }> {
    const backend = this.#mail.backend;
    const q = this.query(p * PAGE_SIZE, PAGE_SIZE);
    if (this.mode === 'conversations') {
      const page = await backend.listConversations(q);
      return { items: page.rows.map((conv) => ({ kind: 'conversation', conv })), total: page.total };
    }
    const rows = await backend.listMessages(q);
    return { items: rows.map((msg) => ({ kind: 'message', msg })), total: null };
  }

  private async loadPages(pages: number[]): Promise<void> {
    const gen = this.#generation;
    const wanted = pages.filter((p) => !this.pages.has(p) && !this.#loading.has(p));
    await Promise.all(
      wanted.map(async (p) => {
        this.#loading.add(p);
        try {
          const r = await this.fetchPage(p);
          if (gen !== this.#generation) return;
          const next = new Map(this.pages);
          next.set(p, r.items);
          this.pages = next;
          if (r.total !== null) this.conversationTotal = r.total;
        } catch (e) {
          if (gen === this.#generation) this.error = explain(e);
        } finally {
          if (gen === this.#generation) this.#loading.delete(p);
        }
      }),
    );
  }

  /** Refetch folders and the rows already loaded, keeping the cursor and the open message. */
  async refresh(): Promise<void> {
    const { accounts, backend, reader, search, sync } = this.#mail;
    sync.cancelRefresh();
    try {
      accounts.folders = await backend.listFolders(null);
      if (search.results) return;
      const gen = ++this.#generation;
      this.#loading.clear();
      const wanted = [...this.pages.keys()];
      if (!wanted.includes(0)) wanted.push(0);
      const fresh = new Map<number, Item[]>();
      let total: number | null = null;
      await Promise.all(
        wanted.map(async (p) => {
          const r = await this.fetchPage(p);
          fresh.set(p, r.items);
          if (r.total !== null) total = r.total;
        }),
      );
      if (gen !== this.#generation) return;
      if (total !== null) this.conversationTotal = total;
      this.pages = fresh;
      await this.reopenThreads();
      // New mail above shifts rows down: keep the cursor on the open message.
      const openId = reader.message?.summary.id;
      if (openId !== undefined) {
        const i = this.indexOfMessage(openId);
        if (i >= 0) this.cursor = i;
      }
    } catch (e) {
      this.error = explain(e);
    }
  }

  /** The messages of one conversation in the view. */
  private threadMessages(threadId: number): Promise<MessageSummaryDto[]> {
    const { accountId, folder } = scopeOf(this.view);
    return this.#mail.backend.conversationMessages(accountId, folder, threadId, this.sort);
  }

  /** After a refetch, expanded conversations move with their rows (or close when gone). */
  private async reopenThreads(): Promise<void> {
    if (!this.openThreads.length) return;
    const kept: OpenThread[] = [];
    for (const o of this.openThreads) {
      const at = this.conversationIndex(o.threadId);
      if (at < 0) continue;
      const children = await this.threadMessages(o.threadId);
      kept.push({ threadId: o.threadId, at, size: children.length, children });
    }
    this.openThreads = kept;
  }

  private conversationIndex(threadId: number): number {
    for (const [p, items] of this.pages) {
      const k = items.findIndex((it) => it.kind === 'conversation' && it.conv.threadId === threadId);
      if (k >= 0) return p * PAGE_SIZE + k;
    }
    return -1;
  }

  /** Open or close the conversation at display row `i` (its messages show below it). */
  async toggleThread(i: number, open?: boolean): Promise<void> {
    if (!this.grouped) return;
    const { base, child } = locate(i, this.openThreads);
    const row = this.listRow(child >= 0 ? displayIndexOf(base, this.openThreads) : i);
    if (row?.kind !== 'conversation') return;
    const isOpen = this.openThreads.some((o) => o.at === base);
    if (open === undefined) open = !isOpen;
    if (open === isOpen || (open && row.conv.count < 2)) return;
    const top = displayIndexOf(base, this.openThreads);
    if (!open) {
      this.openThreads = this.openThreads.filter((o) => o.at !== base);
      if (this.cursor > top) this.cursor = top;
      return;
    }
    const gen = this.#generation;
    try {
      const children = await this.threadMessages(row.conv.threadId);
      if (gen !== this.#generation || this.openThreads.some((o) => o.at === base)) return;
      const cursorAfter = this.cursor > top;
      this.openThreads = [...this.openThreads, { threadId: row.conv.threadId, at: base, size: children.length, children }].sort(
        (a, b) => a.at - b.at,
      );
      if (cursorAfter) this.cursor += children.length;
    } catch (e) {
      this.error = explain(e);
    }
  }

  /** Change a message wherever the list shows it (row, conversation, expanded child, result). */
  patchMessage(id: number, patch: Partial<MessageSummaryDto>): void {
    const search = this.#mail.search;
    const next = patched({ results: search.results, pages: this.pages, openThreads: this.openThreads }, id, patch);
    if (next.results !== search.results) search.results = next.results;
    if (next.pages !== this.pages) this.pages = next.pages;
    if (next.openThreads !== this.openThreads) this.openThreads = next.openThreads;
  }
}
