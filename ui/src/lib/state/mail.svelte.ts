// The main window's state: accounts, folders, the (paged, virtualized) message list, search and the
// open message. Pure logic over a Backend, tested with the in-memory one.
import { toBackendError, type Backend } from '../backend/backend';
import type {
  AccountDto,
  ChangeDto,
  CrmSidebarDto,
  AppInfo,
  FolderDto,
  MessageSummaryDto,
  MessageViewDto,
  SyncEventDto,
  SyncStatusDto,
} from '../backend/types';

export type View =
  | { kind: 'unified' }
  | { kind: 'folder'; accountId: number; folder: string }
  /** The manager's triage of unanswered client email (NeedsReply.svelte). */
  | { kind: 'needsReply' };

export const PAGE_SIZE = 100;
export const SEARCH_LIMIT = 300;

export class MailState {
  readonly backend: Backend;

  info = $state.raw<AppInfo | null>(null);
  loaded = $state(false);
  /** A failure that blocks the window (profile cannot be opened, store error). */
  fatal = $state<string | null>(null);
  accounts = $state.raw<AccountDto[]>([]);
  folders = $state.raw<FolderDto[]>([]);
  view = $state.raw<View>({ kind: 'unified' });

  /** Rows of the current list, by page. */
  pages = $state.raw<Map<number, MessageSummaryDto[]>>(new Map());
  listError = $state<string | null>(null);
  cursor = $state(-1);

  query = $state('');
  results = $state.raw<MessageSummaryDto[] | null>(null);

  message = $state.raw<MessageViewDto | null>(null);
  messageError = $state<string | null>(null);
  /** The CRM sidebar of the open message. */
  crm = $state.raw<CrmSidebarDto | null>(null);
  crmError = $state<string | null>(null);

  /** Accounts whose check is running. */
  checking = $state.raw<number[]>([]);
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

  /** Rows in the list being shown (search results or the selected folder). */
  get total(): number {
    if (this.results) return this.results.length;
    const v = this.view;
    if (v.kind === 'unified') return this.inboxes.reduce((n, f) => n + f.total, 0);
    if (v.kind === 'needsReply') return 0;
    return this.folders.find((f) => f.accountId === v.accountId && f.name === v.folder)?.total ?? 0;
  }

  get viewTitle(): string {
    if (this.results) return `Search: ${this.query.trim()}`;
    const v = this.view;
    if (v.kind === 'unified') return 'All inboxes';
    if (v.kind === 'needsReply') return 'Needs reply';
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
      this.info = await this.backend.appInfo();
      if (this.info.profileError) {
        this.fatal = this.info.profileError.message;
        return;
      }
      await this.reloadAccounts();
    } catch (e) {
      this.fatal = toBackendError(e).message;
    } finally {
      this.loaded = true;
    }
  }

  async reloadAccounts(): Promise<void> {
    this.accounts = await this.backend.listAccounts();
    this.folders = await this.backend.listFolders(null);
    this.statuses = await this.backend.syncStatus();
    this.select(this.view);
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

  /** Refetch folders and the rows already loaded, keeping the cursor and the open message. */
  async refresh(): Promise<void> {
    clearTimeout(this.#refreshTimer);
    try {
      this.folders = await this.backend.listFolders(null);
      if (this.results) return;
      const gen = ++this.#generation;
      this.#loading.clear();
      const v = this.view;
      const wanted = [...this.pages.keys()];
      if (!wanted.includes(0)) wanted.push(0);
      const fresh = new Map<number, MessageSummaryDto[]>();
      await Promise.all(
        wanted.map(async (p) => {
          fresh.set(
            p,
            await this.backend.listMessages({
              accountId: v.kind === 'folder' ? v.accountId : null,
              folder: v.kind === 'folder' ? v.folder : 'inbox',
              offset: p * PAGE_SIZE,
              limit: PAGE_SIZE,
            }),
          );
        }),
      );
      if (gen !== this.#generation) return;
      this.pages = fresh;
      // New mail above shifts rows down: keep the cursor on the open message.
      const openId = this.message?.summary.id;
      if (openId !== undefined) {
        for (const [p, rows] of fresh) {
          const i = rows.findIndex((r) => r.id === openId);
          if (i >= 0) this.cursor = p * PAGE_SIZE + i;
        }
      }
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  /** Show a folder (or the unified inbox): drop cached rows and load from the top. */
  select(v: View): void {
    this.view = v;
    this.results = null;
    this.query = '';
    this.resetList();
  }

  private resetList(): void {
    this.#generation++;
    this.#loading.clear();
    this.pages = new Map();
    this.listError = null;
    this.cursor = -1;
    this.message = null;
    this.messageError = null;
    void this.ensureRows(0, Math.min(this.total, PAGE_SIZE));
  }

  rowAt(i: number): MessageSummaryDto | undefined {
    if (this.results) return this.results[i];
    return this.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  /** Load the pages covering rows [start, end) that are not loaded yet. */
  async ensureRows(start: number, end: number): Promise<void> {
    if (this.results || end <= start) return;
    const gen = this.#generation;
    const wanted: number[] = [];
    for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor((end - 1) / PAGE_SIZE); p++) {
      if (!this.pages.has(p) && !this.#loading.has(p)) wanted.push(p);
    }
    const v = this.view;
    await Promise.all(
      wanted.map(async (p) => {
        this.#loading.add(p);
        try {
          const rows = await this.backend.listMessages({
            accountId: v.kind === 'folder' ? v.accountId : null,
            folder: v.kind === 'folder' ? v.folder : 'inbox',
            offset: p * PAGE_SIZE,
            limit: PAGE_SIZE,
          });
          if (gen !== this.#generation) return;
          const next = new Map(this.pages);
          next.set(p, rows);
          this.pages = next;
        } catch (e) {
          if (gen === this.#generation) this.listError = toBackendError(e).message;
        } finally {
          if (gen === this.#generation) this.#loading.delete(p);
        }
      }),
    );
  }

  /** Run a search; an empty query goes back to the folder. Results of older queries are dropped. */
  async search(q: string): Promise<void> {
    this.query = q;
    const seq = ++this.#searchSeq;
    if (!q.trim()) {
      if (this.results) {
        this.results = null;
        this.resetList();
      }
      return;
    }
    try {
      const v = this.view;
      const rows = await this.backend.searchMessages(q, v.kind === 'folder' ? v.accountId : null, SEARCH_LIMIT);
      if (seq !== this.#searchSeq) return;
      this.#generation++;
      this.results = rows;
      this.listError = null;
      this.cursor = -1;
    } catch (e) {
      if (seq === this.#searchSeq) this.listError = toBackendError(e).message;
    }
  }

  /** Open the row at `index` in the reader. */
  async open(index: number, allowRemote = false): Promise<void> {
    if (index < 0 || index >= this.total) return;
    this.cursor = index;
    const row = this.rowAt(index);
    if (!row) {
      await this.ensureRows(index, index + 1);
    }
    const target = this.rowAt(index);
    if (!target) return;
    await this.openId(target.id, allowRemote, index);
  }

  /** Open a message by id (from the Needs-reply view, a notification…); `index` is its row, if listed. */
  async openId(id: number, allowRemote = false, index = -1): Promise<void> {
    const seq = ++this.#openSeq;
    try {
      const m = await this.backend.getMessage(id, allowRemote);
      if (seq !== this.#openSeq) return;
      this.message = m;
      this.messageError = null;
      if (m.summary.unread) void this.markRead(index, m.summary.id);
      void this.loadCrm(m.summary.id, seq);
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

  /** j/k: move the cursor and show that message. */
  async move(delta: number): Promise<void> {
    const n = this.total;
    if (n === 0) return;
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

  private patchRow(index: number, patch: Partial<MessageSummaryDto>): void {
    if (this.results) {
      const next = [...this.results];
      if (next[index]) next[index] = { ...next[index], ...patch };
      this.results = next;
      return;
    }
    const p = Math.floor(index / PAGE_SIZE);
    const rows = this.pages.get(p);
    if (!rows?.[index % PAGE_SIZE]) return;
    const copy = [...rows];
    copy[index % PAGE_SIZE] = { ...copy[index % PAGE_SIZE], ...patch };
    const next = new Map(this.pages);
    next.set(p, copy);
    this.pages = next;
  }

  private async markRead(index: number, id: number): Promise<void> {
    try {
      await this.backend.changeMessage(id, { kind: 'seen', value: true });
      if (this.rowAt(index)?.id === id) this.patchRow(index, { unread: false });
      this.folders = await this.backend.listFolders(null);
    } catch (e) {
      this.listError = toBackendError(e).message;
    }
  }

  /** s: flag or unflag the message under the cursor. */
  async toggleFlag(): Promise<void> {
    const i = this.cursor;
    const row = this.rowAt(i);
    if (!row) return;
    await this.apply(row.id, { kind: 'flagged', value: !row.flagged });
    this.patchRow(i, { flagged: !row.flagged });
  }

  /** e / #: archive or delete the message under the cursor, then show the next one. */
  async remove(kind: 'archive' | 'delete'): Promise<void> {
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
