// The main window's state: accounts, folders, the (paged, virtualized) message list — messages or
// conversations, sorted by date, with a multi-selection —, search and the open message. Pure logic over a
// Backend, tested with the in-memory one.
import { toBackendError, type Backend, type MessageQuery } from '../backend/backend';
import { t } from '../i18n/index.svelte';
import { displayIndexOf, displayTotal, locate, rangeBetween, type Expansion } from '../virtual';
import type {
  AccountDto,
  ChangeDto,
  ConversationDto,
  CrmHitDto,
  CrmSidebarDto,
  AppInfo,
  FolderDto,
  MessageSummaryDto,
  MessageViewDto,
  SortDto,
  SyncEventDto,
  SyncStatusDto,
} from '../backend/types';

export type View =
  | { kind: 'unified' }
  | { kind: 'folder'; accountId: number; folder: string }
  /** The manager's triage of unanswered client email (NeedsReply.svelte). */
  | { kind: 'needsReply' };

export const PAGE_SIZE = 100;

/** For the benchmark (tests/bench/ui-bench): a performance mark when a first-load call has answered. */
function marked<T>(name: string, p: Promise<T>): Promise<T> {
  return p.then((v) => {
    performance.mark(`dealbox:${name}`);
    return v;
  });
}
export const SEARCH_LIMIT = 300;
export const CRM_LIMIT = 6;
/** Pages fetched at once when a bulk action covers the whole view (Ctrl+A). */
const BULK_PAGE = 500;

/** One list, or one row per conversation (thread) with its count. Remembered. */
export type ListMode = 'conversations' | 'messages';

/** What a display row of the list shows. */
export type ListRow =
  | { kind: 'message'; key: string; msg: MessageSummaryDto; child: boolean }
  | { kind: 'conversation'; key: string; conv: ConversationDto; expanded: boolean };

/** One selected row: a message, or a whole conversation (its messages are looked up when acted on). */
export interface Selected {
  ids: number[];
  threadId: number | null;
  /** Messages it stands for. */
  count: number;
}

type Item = { kind: 'message'; msg: MessageSummaryDto } | { kind: 'conversation'; conv: ConversationDto };

interface OpenThread extends Expansion {
  threadId: number;
  children: MessageSummaryDto[];
}

const MODE_KEY = 'dealbox.listMode';
const SORT_KEY = 'dealbox.listSort';

function remembered<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const v = globalThis.localStorage?.getItem(key);
    return allowed.includes(v as T) ? (v as T) : fallback;
  } catch {
    return fallback;
  }
}

function remember(key: string, v: string): void {
  try {
    globalThis.localStorage?.setItem(key, v);
  } catch {
    // Private mode or no storage: the choice lasts for this window only.
  }
}

export class MailState {
  readonly backend: Backend;

  info = $state.raw<AppInfo | null>(null);
  loaded = $state(false);
  /** A failure that blocks the window (profile cannot be opened, store error). */
  fatal = $state<string | null>(null);
  accounts = $state.raw<AccountDto[]>([]);
  folders = $state.raw<FolderDto[]>([]);
  view = $state.raw<View>({ kind: 'unified' });

  mode = $state<ListMode>(remembered<ListMode>(MODE_KEY, ['conversations', 'messages'], 'conversations'));
  sort = $state<SortDto>(remembered<SortDto>(SORT_KEY, ['newestFirst', 'oldestFirst'], 'newestFirst'));

  /** Rows of the current list (messages, or conversations), by page. */
  pages = $state.raw<Map<number, Item[]>>(new Map());
  /** Conversations in the view (from the last page fetched); null until the first page arrives. */
  conversationTotal = $state<number | null>(null);
  /** Expanded conversations, by their index among the conversations. */
  openThreads = $state.raw<OpenThread[]>([]);
  listError = $state<string | null>(null);
  /** The keyboard cursor: a display row. */
  cursor = $state(-1);

  /** Selected rows by key ("m:12", "t:40"); `allSelected`: every row of the view (Ctrl+A). */
  selection = $state.raw<Map<string, Selected>>(new Map());
  allSelected = $state(false);
  #anchor = -1;

  query = $state('');
  results = $state.raw<MessageSummaryDto[] | null>(null);
  /** The query whose results are shown. */
  resultsFor = $state('');
  /** CRM contacts and companies matching the query. */
  crmHits = $state.raw<CrmHitDto[]>([]);
  #searchBusy = false;
  #searchPending: string | null = null;

  message = $state.raw<MessageViewDto | null>(null);
  messageError = $state<string | null>(null);
  /** The CRM sidebar of the open message. */
  crm = $state.raw<CrmSidebarDto | null>(null);
  crmError = $state<string | null>(null);

  /** Accounts whose check is running. */
  checking = $state.raw<number[]>([]);
  /** Counts finished checks: views that are not the list (Needs reply) refetch when it moves. */
  checksFinished = $state(0);
  #pressed = $state(false);
  /** "work: INBOX 120/400" while a check fetches. */
  progress = $state<string | null>(null);
  statuses = $state.raw<SyncStatusDto[]>([]);

  #loading = new Set<number>();
  #generation = 0;
  #searchSeq = 0;
  #openSeq = 0;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  get hasAccounts(): boolean {
    return this.accounts.length > 0;
  }

  /** A check is running (or Sync was just pressed). */
  get syncing(): boolean {
    return this.#pressed || this.checking.length > 0;
  }

  get searching(): boolean {
    return this.results !== null;
  }

  get inboxes(): FolderDto[] {
    return this.folders.filter((f) => f.role === 'inbox');
  }

  get unifiedUnread(): number {
    return this.inboxes.reduce((n, f) => n + f.unread, 0);
  }

  foldersOf(accountId: number): FolderDto[] {
    return this.folders.filter((f) => f.accountId === accountId);
  }

  statusOf(accountId: number): SyncStatusDto | undefined {
    return this.statuses.find((s) => s.accountId === accountId);
  }

  accountName(accountId: number): string {
    return this.accounts.find((a) => a.id === accountId)?.name ?? '';
  }

  /** Messages in the view (search results or the selected folder). */
  get messageTotal(): number {
    if (this.results) return this.results.length;
    const v = this.view;
    if (v.kind === 'unified') return this.inboxes.reduce((n, f) => n + f.total, 0);
    if (v.kind === 'needsReply') return 0;
    return this.folders.find((f) => f.accountId === v.accountId && f.name === v.folder)?.total ?? 0;
  }

  /** Conversation rows are shown (not while searching: results are messages). */
  get grouped(): boolean {
    return this.mode === 'conversations' && !this.results;
  }

  /** Display rows in the list being shown. */
  get total(): number {
    if (!this.grouped) return this.messageTotal;
    return displayTotal(this.conversationTotal ?? 0, this.openThreads);
  }

  /** Messages the selection stands for. */
  get selectedCount(): number {
    if (this.allSelected) return this.messageTotal;
    let n = 0;
    for (const s of this.selection.values()) n += s.count;
    return n;
  }

  get hasSelection(): boolean {
    return this.allSelected || this.selection.size > 0;
  }

  isRowSelected(key: string): boolean {
    return this.allSelected || this.selection.has(key);
  }

  get viewTitle(): string {
    if (this.results) return t('Search: {query}', { query: this.query.trim() });
    const v = this.view;
    if (v.kind === 'unified') return t('All inboxes');
    if (v.kind === 'needsReply') return t('Needs reply');
    const f = this.folders.find((f) => f.accountId === v.accountId && f.name === v.folder);
    return `${f?.displayName ?? v.folder} · ${this.accountName(v.accountId)}`;
  }

  isSelected(v: View): boolean {
    const c = this.view;
    if (c.kind !== v.kind) return false;
    if (c.kind !== 'folder') return true;
    return v.kind === 'folder' && c.accountId === v.accountId && c.folder === v.folder;
  }

  async init(): Promise<void> {
    try {
      // Asked together, not one after the other: a round trip saved before the first rows. When the profile
      // could not be opened the other calls fail with that same error; the profile error is what is shown.
      const loading = this.reloadAccounts();
      loading.catch(() => {});
      this.info = await this.backend.appInfo();
      performance.mark('dealbox:first-ipc');
      if (this.info.profileError) {
        this.fatal = this.info.profileError.message;
        return;
      }
      await loading;
      performance.mark('dealbox:data');
    } catch (e) {
      this.fatal = toBackendError(e).message;
    } finally {
      this.loaded = true;
    }
  }

  async reloadAccounts(): Promise<void> {
    // All at once, the list's first page too: the window is painted as soon as the first rows are here.
    const [accounts, folders, statuses] = await Promise.all([
      marked('accounts', this.backend.listAccounts()),
      marked('folders', this.backend.listFolders(null)),
      marked('status', this.backend.syncStatus()),
      marked('page', this.select(this.view)),
    ]);
    this.accounts = accounts;
    this.folders = folders;
    this.statuses = statuses;
  }

  /** Sync pressed: the scheduler checks every account now; events report progress and changes. */
  async syncNow(): Promise<void> {
    if (!this.hasAccounts) return;
    this.#pressed = true;
    try {
      await this.backend.syncNow(null);
    } catch (e) {
      this.#pressed = false;
      this.listError = toBackendError(e).message;
    }
  }

  /** React to a sync event: track running checks, show progress, refetch what changed (batched). */
  onSyncEvent(e: SyncEventDto): void {
    switch (e.type) {
      case 'checkStarted':
        this.#pressed = false;
        if (!this.checking.includes(e.accountId)) this.checking = [...this.checking, e.accountId];
        break;
      case 'progress':
        this.progress = `${this.accountName(e.accountId)}: ${e.folder} ${e.done}/${e.total}`;
        break;
      case 'messagesChanged':
      case 'foldersChanged':
        clearTimeout(this.#refreshTimer);
        this.#refreshTimer = setTimeout(() => void this.refresh(), 250);
        break;
      case 'checkFinished':
        this.#pressed = false;
        this.checking = this.checking.filter((id) => id !== e.accountId);
        if (this.checking.length === 0) this.progress = null;
        this.checksFinished++;
        void this.reloadStatuses().then(() => this.refresh());
        break;
      default:
        break;
    }
  }

  async reloadStatuses(): Promise<void> {
    try {
      this.statuses = await this.backend.syncStatus();
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  private query_(offset: number, limit: number): MessageQuery {
    const v = this.view;
    return {
      accountId: v.kind === 'folder' ? v.accountId : null,
      folder: v.kind === 'folder' ? v.folder : 'inbox',
      offset,
      limit,
      sort: this.sort,
    };
  }

  /** One page of the current view, as list items; conversations also update the total. */
  private async fetchPage(p: number): Promise<{ items: Item[]; total: number | null }> {
    const q = this.query_(p * PAGE_SIZE, PAGE_SIZE);
    if (this.mode === 'conversations') {
      const page = await this.backend.listConversations(q);
      return { items: page.rows.map((conv) => ({ kind: 'conversation', conv })), total: page.total };
    }
    const rows = await this.backend.listMessages(q);
    return { items: rows.map((msg) => ({ kind: 'message', msg })), total: null };
  }

  /** Refetch folders and the rows already loaded, keeping the cursor and the open message. */
  async refresh(): Promise<void> {
    clearTimeout(this.#refreshTimer);
    try {
      this.folders = await this.backend.listFolders(null);
      if (this.results) return;
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
      const openId = this.message?.summary.id;
      if (openId !== undefined) {
        const i = this.indexOfMessage(openId);
        if (i >= 0) this.cursor = i;
      }
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  /** After a refetch, expanded conversations move with their rows (or close when gone). */
  private async reopenThreads(): Promise<void> {
    if (!this.openThreads.length) return;
    const kept: OpenThread[] = [];
    for (const o of this.openThreads) {
      const at = this.conversationIndex(o.threadId);
      if (at < 0) continue;
      const v = this.view;
      const children = await this.backend.conversationMessages(
        v.kind === 'folder' ? v.accountId : null,
        v.kind === 'folder' ? v.folder : 'inbox',
        o.threadId,
        this.sort,
      );
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

  /** The display row showing this message (a message row, or the conversation whose latest it is). */
  indexOfMessage(id: number): number {
    if (this.results) return this.results.findIndex((r) => r.id === id);
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

  /** Show a folder (or the unified inbox): drop cached rows and load from the top. */
  select(v: View): Promise<void> {
    this.view = v;
    this.results = null;
    this.resultsFor = '';
    this.crmHits = [];
    this.query = '';
    this.#searchSeq++;
    return this.resetList();
  }

  /** Conversations or messages (remembered). */
  setMode(mode: ListMode): Promise<void> {
    if (mode === this.mode) return Promise.resolve();
    this.mode = mode;
    remember(MODE_KEY, mode);
    if (this.results) return Promise.resolve();
    return this.resetList();
  }

  /** Newest or oldest first (remembered); a search runs again in the new order. */
  setSort(sort: SortDto): Promise<void> {
    if (sort === this.sort) return Promise.resolve();
    this.sort = sort;
    remember(SORT_KEY, sort);
    if (this.results) return this.search(this.query, true);
    return this.resetList();
  }

  private resetList(): Promise<void> {
    this.#generation++;
    this.#loading.clear();
    this.pages = new Map();
    this.conversationTotal = null;
    this.openThreads = [];
    this.listError = null;
    this.cursor = -1;
    this.message = null;
    this.messageError = null;
    this.clearSelection();
    return this.loadPages([0]);
  }

  /** The message a display row shows (for a conversation: its latest message). */
  rowAt(i: number): MessageSummaryDto | undefined {
    const r = this.listRow(i);
    return r?.kind === 'conversation' ? r.conv.latest : r?.msg;
  }

  /** What display row `i` shows, if its page is loaded. */
  listRow(i: number): ListRow | undefined {
    if (this.results) {
      const msg = this.results[i];
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

  /** Load the pages covering display rows [start, end) that are not loaded yet. */
  async ensureRows(start: number, end: number): Promise<void> {
    if (this.results || end <= start) return;
    const [a, b] = this.grouped ? [locate(start, this.openThreads).base, locate(end - 1, this.openThreads).base] : [start, end - 1];
    const wanted: number[] = [];
    for (let p = Math.floor(a / PAGE_SIZE); p <= Math.floor(b / PAGE_SIZE); p++) wanted.push(p);
    await this.loadPages(wanted);
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
          if (gen === this.#generation) this.listError = toBackendError(e).message;
        } finally {
          if (gen === this.#generation) this.#loading.delete(p);
        }
      }),
    );
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
      const v = this.view;
      const children = await this.backend.conversationMessages(
        v.kind === 'folder' ? v.accountId : null,
        v.kind === 'folder' ? v.folder : 'inbox',
        row.conv.threadId,
        this.sort,
      );
      if (gen !== this.#generation || this.openThreads.some((o) => o.at === base)) return;
      const cursorAfter = this.cursor > top;
      this.openThreads = [...this.openThreads, { threadId: row.conv.threadId, at: base, size: children.length, children }].sort(
        (a, b) => a.at - b.at,
      );
      if (cursorAfter) this.cursor += children.length;
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  // ---- search -------------------------------------------------------------------------------------

  /**
   * Results as you type: called on every keystroke. At most one search runs at a time; text typed
   * meanwhile runs next (only the latest), and an answer for text that is no longer in the box is
   * dropped. An empty query goes back to the folder.
   */
  async search(q: string, force = false): Promise<void> {
    this.query = q;
    const seq = ++this.#searchSeq;
    if (!q.trim()) {
      this.#searchPending = null;
      this.crmHits = [];
      if (this.results) {
        this.results = null;
        this.resultsFor = '';
        await this.resetList();
      }
      return;
    }
    if (!force && this.results && q === this.resultsFor) return;
    if (this.#searchBusy) {
      this.#searchPending = q;
      return;
    }
    this.#searchBusy = true;
    try {
      let next: string | null = q;
      let nextSeq = seq;
      while (next !== null) {
        await this.runSearch(next, nextSeq);
        next = this.#searchPending;
        this.#searchPending = null;
        nextSeq = this.#searchSeq;
      }
    } finally {
      this.#searchBusy = false;
    }
  }

  private async runSearch(q: string, seq: number): Promise<void> {
    const v = this.view;
    const fresh = () => seq === this.#searchSeq && q === this.query;
    try {
      const [rows, crm] = await Promise.all([
        this.backend.searchMessages(q, v.kind === 'folder' ? v.accountId : null, SEARCH_LIMIT, this.sort),
        this.backend.searchCrm(q, CRM_LIMIT).catch(() => [] as CrmHitDto[]),
      ]);
      if (!fresh()) return;
      this.#generation++;
      this.results = rows;
      this.resultsFor = q;
      this.crmHits = crm;
      this.listError = null;
      this.cursor = -1;
      this.clearSelection();
    } catch (e) {
      if (fresh()) this.listError = toBackendError(e).message;
    }
  }

  // ---- opening and moving -------------------------------------------------------------------------

  /** Open the row at `index` in the reader (a conversation opens its latest message). */
  async open(index: number, allowRemote = false): Promise<void> {
    if (index < 0 || index >= this.total) return;
    this.cursor = index;
    this.#anchor = index;
    if (!this.listRow(index)) await this.ensureRows(index, index + 1);
    const target = this.rowAt(index);
    if (!target) return;
    await this.openId(target.id, allowRemote);
  }

  /** Open a message by id (from the list, the Needs-reply view, a notification…). */
  async openId(id: number, allowRemote = false): Promise<void> {
    const seq = ++this.#openSeq;
    // The CRM sidebar is asked for at once, beside the message (not after it).
    const crm = this.loadCrm(id, seq);
    try {
      const m = await this.backend.getMessage(id, allowRemote);
      if (seq !== this.#openSeq) return;
      this.message = m;
      this.messageError = null;
      if (m.summary.unread) void this.markRead(m.summary.id);
      await crm;
    } catch (e) {
      if (seq === this.#openSeq) {
        this.message = null;
        this.messageError = toBackendError(e).message;
      }
    }
  }

  /** Refetch the open message's CRM sidebar (after a quick action). */
  async reloadCrm(): Promise<void> {
    const m = this.message;
    if (m) await this.loadCrm(m.summary.id, this.#openSeq);
  }

  /** j/k: move the cursor and show that message (dropping a selection). */
  async move(delta: number): Promise<void> {
    const n = this.total;
    if (n === 0) return;
    this.clearSelection();
    const next = this.cursor < 0 ? 0 : Math.min(n - 1, Math.max(0, this.cursor + delta));
    if (next !== this.cursor || !this.message) await this.open(next);
  }

  private async loadCrm(messageId: number, seq: number): Promise<void> {
    try {
      const c = await this.backend.crmSidebar(messageId);
      if (seq !== this.#openSeq) return;
      this.crm = c;
      this.crmError = null;
    } catch (e) {
      if (seq !== this.#openSeq) return;
      this.crm = null;
      this.crmError = toBackendError(e).message;
    }
  }

  /** Change a message wherever the list shows it (row, conversation, expanded child, result). */
  private patchMessage(id: number, patch: Partial<MessageSummaryDto>): void {
    const apply = (m: MessageSummaryDto) => (m.id === id ? { ...m, ...patch } : m);
    if (this.results?.some((r) => r.id === id)) this.results = this.results.map(apply);
    let changed = false;
    const next = new Map<number, Item[]>();
    for (const [p, items] of this.pages) {
      next.set(
        p,
        items.map((it) => {
          if (it.kind === 'message') {
            if (it.msg.id !== id) return it;
            changed = true;
            return { kind: 'message', msg: apply(it.msg) };
          }
          const inThread = it.conv.latest.id === id || this.openThreads.some((o) => o.threadId === it.conv.threadId && o.children.some((c) => c.id === id));
          if (!inThread) return it;
          changed = true;
          const conv = { ...it.conv, latest: apply(it.conv.latest) };
          if (patch.unread === false) conv.unread = Math.max(0, conv.unread - 1);
          if (patch.flagged === true) conv.flagged = true;
          return { kind: 'conversation', conv };
        }),
      );
    }
    if (changed) this.pages = next;
    if (this.openThreads.some((o) => o.children.some((c) => c.id === id))) {
      this.openThreads = this.openThreads.map((o) => ({ ...o, children: o.children.map(apply) }));
    }
  }

  private async markRead(id: number): Promise<void> {
    try {
      await this.backend.changeMessage(id, { kind: 'seen', value: true });
      this.patchMessage(id, { unread: false });
      this.folders = await this.backend.listFolders(null);
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  /** s: flag or unflag the message under the cursor (or the selection). */
  async toggleFlag(): Promise<void> {
    if (this.hasSelection) {
      await this.bulk({ kind: 'flagged', value: true });
      return;
    }
    const row = this.rowAt(this.cursor);
    if (!row) return;
    if (await this.apply(row.id, { kind: 'flagged', value: !row.flagged })) this.patchMessage(row.id, { flagged: !row.flagged });
  }

  /** e / #: archive or delete the message under the cursor (or the selection), then show the next one. */
  async remove(kind: 'archive' | 'delete'): Promise<void> {
    if (this.hasSelection) {
      await this.bulk({ kind });
      return;
    }
    const i = this.cursor;
    const row = this.rowAt(i);
    if (!row) return;
    if (!(await this.apply(row.id, { kind }))) return;
    this.message = null;
    if (this.results) {
      this.results = this.results.filter((r) => r.id !== row.id);
    } else {
      await this.refresh();
    }
    if (this.total > 0) await this.open(Math.min(i, this.total - 1));
    else this.cursor = -1;
  }

  private async apply(id: number, change: ChangeDto): Promise<boolean> {
    try {
      await this.backend.changeMessage(id, change);
      return true;
    } catch (e) {
      this.listError = toBackendError(e).message;
      return false;
    }
  }

  /** "Always for this sender" (or back to asking): remembered in the profile, then the message is shown again. */
  async setRemoteSender(allow: boolean): Promise<void> {
    const m = this.message;
    if (!m) return;
    try {
      await this.backend.setRemoteSender(m.summary.id, allow);
    } catch (e) {
      this.messageError = toBackendError(e).message;
      return;
    }
    await this.loadImages(allow);
  }

  // ---- selection and bulk actions -----------------------------------------------------------------

  private selectedOf(row: ListRow): Selected {
    if (row.kind === 'message') return { ids: [row.msg.id], threadId: null, count: 1 };
    const c = row.conv;
    return c.count > 1 ? { ids: [], threadId: c.threadId, count: c.count } : { ids: [c.latest.id], threadId: null, count: 1 };
  }

  clearSelection(): void {
    if (this.selection.size) this.selection = new Map();
    this.allSelected = false;
  }

  /** Ctrl/Cmd-click: add or remove one row. */
  toggleSelect(i: number): void {
    const row = this.listRow(i);
    if (!row) return;
    const next = new Map(this.selection);
    if (this.allSelected) {
      // Leaving "all" keeps what is loaded, minus this row.
      for (let k = 0; k < this.total; k++) {
        const r = this.listRow(k);
        if (r) next.set(r.key, this.selectedOf(r));
      }
      this.allSelected = false;
    }
    // Opening a message and then Ctrl-clicking another selects both.
    if (next.size === 0 && this.cursor >= 0 && this.cursor !== i) {
      const cur = this.listRow(this.cursor);
      if (cur) next.set(cur.key, this.selectedOf(cur));
    }
    if (next.has(row.key)) next.delete(row.key);
    else next.set(row.key, this.selectedOf(row));
    this.selection = next;
    this.cursor = i;
    this.#anchor = i;
  }

  /** Shift-click: select every row from the anchor (the last row clicked) to `i`. */
  async selectRange(i: number): Promise<void> {
    const from = this.#anchor >= 0 ? this.#anchor : Math.max(0, this.cursor);
    const range = rangeBetween(from, i);
    await this.ensureRows(range[0], range[range.length - 1] + 1);
    const next = new Map<string, Selected>();
    for (const k of range) {
      const r = this.listRow(k);
      if (r) next.set(r.key, this.selectedOf(r));
    }
    this.allSelected = false;
    this.selection = next;
    this.cursor = i;
  }

  /** Shift+j / Shift+k: grow or shrink the selection from the anchor by one row. */
  async extend(delta: number): Promise<void> {
    const n = this.total;
    if (n === 0) return;
    if (this.cursor < 0) this.cursor = 0;
    if (this.#anchor < 0 || !this.hasSelection) this.#anchor = this.cursor;
    const anchor = this.#anchor;
    const next = Math.min(n - 1, Math.max(0, this.cursor + delta));
    await this.selectRange(next);
    this.#anchor = anchor;
  }

  /** Ctrl/Cmd+A: every row of the view. */
  selectAll(): void {
    if (this.total === 0) return;
    this.selection = new Map();
    this.allSelected = true;
  }

  /** The message ids the selection stands for (conversations and "all" are looked up). */
  async selectedIds(): Promise<number[]> {
    const v = this.view;
    const accountId = v.kind === 'folder' ? v.accountId : null;
    const folder = v.kind === 'folder' ? v.folder : 'inbox';
    if (this.allSelected) {
      if (this.results) return this.results.map((r) => r.id);
      const total = this.messageTotal;
      const pages = await Promise.all(
        Array.from({ length: Math.ceil(total / BULK_PAGE) }, (_, p) =>
          this.backend.listMessages({ accountId, folder, offset: p * BULK_PAGE, limit: BULK_PAGE }),
        ),
      );
      return [...new Set(pages.flat().map((m) => m.id))];
    }
    const ids: number[] = [];
    const threads: number[] = [];
    for (const s of this.selection.values()) {
      ids.push(...s.ids);
      if (s.threadId !== null) threads.push(s.threadId);
    }
    const inThreads = await Promise.all(threads.map((t) => this.backend.conversationMessages(accountId, folder, t, this.sort)));
    return [...new Set([...ids, ...inThreads.flat().map((m) => m.id)])];
  }

  /** Apply one change to every selected message in one call, then show the list as it is now. */
  async bulk(change: ChangeDto): Promise<boolean> {
    if (!this.hasSelection) return false;
    let ok = true;
    try {
      const ids = await this.selectedIds();
      if (ids.length) await this.backend.changeMessages(ids, change);
    } catch (e) {
      ok = false;
      this.listError = toBackendError(e).message;
    }
    const leaves = !['seen', 'flagged'].includes(change.kind);
    this.clearSelection();
    if (leaves) {
      this.message = null;
      this.cursor = -1;
    }
    if (this.results) {
      await this.search(this.query, true);
      this.folders = await this.backend.listFolders(null);
    } else {
      await this.refresh();
    }
    return ok;
  }

  /** Folders a selection can move to: the open account's, or (in the unified inbox) the roles. */
  get moveTargets(): { to: string; label: string }[] {
    const v = this.view;
    if (v.kind === 'folder') {
      return this.foldersOf(v.accountId)
        .filter((f) => f.name !== v.folder)
        .map((f) => ({ to: f.name, label: f.displayName || f.name }));
    }
    const roles = [...new Set(this.folders.map((f) => f.role).filter((r): r is string => !!r && r !== 'inbox'))];
    return roles.map((r) => ({ to: r, label: this.folders.find((f) => f.role === r)?.displayName ?? r }));
  }

  /** The window went offline or online: the sync policy waits for the network. */
  async networkChanged(online: boolean): Promise<void> {
    try {
      await this.backend.networkChanged(online);
      await this.reloadStatuses();
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  /** "Load images" for the open message. */
  async loadImages(allowRemote = true): Promise<void> {
    const m = this.message;
    if (!m) return;
    const seq = ++this.#openSeq;
    try {
      const again = await this.backend.getMessage(m.summary.id, allowRemote);
      if (seq === this.#openSeq) this.message = again;
    } catch (e) {
      if (seq === this.#openSeq) this.messageError = toBackendError(e).message;
    }
  }
}
