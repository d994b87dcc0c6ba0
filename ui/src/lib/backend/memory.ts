// An in-memory Backend for unit tests: same contract as the Tauri one, no IPC. Not used by the app.
import { BackendError, type Backend, type MessageQuery } from './backend';
import type {
  AccountDto,
  AccountInput,
  AppInfo,
  ChangeDto,
  ConnectionReportDto,
  ConversationDto,
  ConversationPageDto,
  CrmHitDto,
  CrmSidebarDto,
  FolderDto,
  MessageSummaryDto,
  MessageViewDto,
  ProviderDto,
  SortDto,
  SyncEventDto,
  SyncStatusDto,
} from './types';

export interface MemoryMessage extends Omit<MessageSummaryDto, 'crm'> {
  crm?: string | null;
  /** Folder name; `role` comes from the folder. */
  text?: string | null;
  html?: string | null;
  to?: { name: string; addr: string }[];
}

export interface MemoryData {
  accounts?: AccountDto[];
  folders?: FolderDto[];
  messages?: MemoryMessage[];
}

export class MemoryBackend implements Backend {
  accounts: AccountDto[];
  folders: FolderDto[];
  messages: MemoryMessage[];
  /** Calls made, for assertions ("listMessages 0 100"). */
  calls: string[] = [];
  /** Result the next testConnection returns. */
  connectionReport: ConnectionReportDto = {
    ok: true,
    imap: { ok: true, code: null, message: 'IMAP ok' },
    smtp: { ok: true, code: null, message: 'SMTP ok' },
  };
  /** When set, the next addAccount fails with it. */
  addError: BackendError | null = null;
  /** Messages a sync "finds" (added to the store, with events), per call. */
  incoming: MemoryMessage[] = [];
  /** When set, syncs of this account fail with it. */
  syncError: { accountId: number; code: string; message: string } | null = null;
  statuses: SyncStatusDto[] = [];
  /** CRM sidebars by message id; others are empty. */
  crm = new Map<number, CrmSidebarDto>();
  /** What searchCrm finds (filtered by name). */
  crmRecords: CrmHitDto[] = [];
  /** When set, searches wait for this before answering (to test stale responses). */
  searchGate: ((query: string) => Promise<void>) | null = null;
  /** Network changes reported by the window. */
  network: boolean[] = [];
  private listeners = new Set<(e: SyncEventDto) => void>();

  constructor(data: MemoryData = {}) {
    this.accounts = data.accounts ?? [];
    this.folders = data.folders ?? [];
    this.messages = [...(data.messages ?? [])].sort((a, b) => b.timestamp - a.timestamp || b.id - a.id);
  }

  async appInfo(): Promise<AppInfo> {
    return { version: 'test', profileDir: '/tmp/profile', profileError: null };
  }

  async listAccounts(): Promise<AccountDto[]> {
    return [...this.accounts];
  }

  async listFolders(accountId: number | null): Promise<FolderDto[]> {
    return this.folders
      .filter((f) => accountId === null || f.accountId === accountId)
      .map((f) => {
        const msgs = this.messages.filter((m) => m.accountId === f.accountId && m.folder === f.name);
        return { ...f, total: msgs.length, unread: msgs.filter((m) => m.unread).length };
      });
  }

  private matches(m: MemoryMessage, accountId: number | null, folder: string | null): boolean {
    if (accountId !== null && m.accountId !== accountId) return false;
    if (folder === null) return true;
    const f = this.folders.find((f) => f.accountId === m.accountId && f.name === m.folder);
    return m.folder === folder || f?.role === folder.toLowerCase();
  }

  private sorted(rows: MemoryMessage[], sort: SortDto | undefined): MemoryMessage[] {
    return sort === 'oldestFirst' ? [...rows].reverse() : rows;
  }

  async listMessages(q: MessageQuery): Promise<MessageSummaryDto[]> {
    this.calls.push(`listMessages ${q.offset} ${q.limit}`);
    return this.sorted(
      this.messages.filter((m) => this.matches(m, q.accountId, q.folder)),
      q.sort,
    )
      .slice(q.offset, q.offset + q.limit)
      .map(summaryOf);
  }

  /** Like the core: group the view by thread, order by each thread's latest message. */
  async listConversations(q: MessageQuery): Promise<ConversationPageDto> {
    this.calls.push(`listConversations ${q.offset} ${q.limit}`);
    const groups = new Map<number, MemoryMessage[]>();
    for (const m of this.messages.filter((m) => this.matches(m, q.accountId, q.folder))) {
      const t = m.threadId ?? m.id;
      groups.set(t, [...(groups.get(t) ?? []), m]); // newest first within a thread
    }
    const convs: ConversationDto[] = [...groups.entries()].map(([threadId, msgs]) => ({
      threadId,
      latest: summaryOf(msgs[0]),
      count: msgs.length,
      unread: msgs.filter((m) => m.unread).length,
      flagged: msgs.some((m) => m.flagged),
      hasAttachments: msgs.some((m) => m.hasAttachments),
    }));
    const ordered = q.sort === 'oldestFirst' ? convs.reverse() : convs;
    return { total: q.offset === 0 ? ordered.length : null, rows: ordered.slice(q.offset, q.offset + q.limit) };
  }

  async conversationMessages(
    accountId: number | null,
    folder: string | null,
    threadId: number,
    sort?: SortDto,
  ): Promise<MessageSummaryDto[]> {
    this.calls.push(`conversationMessages ${threadId}`);
    const rows = this.messages.filter((m) => this.matches(m, accountId, folder) && (m.threadId ?? m.id) === threadId);
    return this.sorted(rows, sort).map(summaryOf);
  }

  async changeMessages(ids: number[], change: ChangeDto): Promise<number> {
    this.calls.push(`changeMessages ${ids.join(',')} ${change.kind}`);
    for (const id of ids) await this.applyChange(id, change);
    return ids.length;
  }

  async searchCrm(query: string, limit: number): Promise<CrmHitDto[]> {
    const words = query.toLowerCase().split(/\s+/).filter((w) => w && !w.includes(':'));
    if (!words.length) return [];
    return this.crmRecords
      .filter((h) => words.every((w) => `${h.name} ${h.detail}`.toLowerCase().includes(w)))
      .slice(0, limit);
  }

  async networkChanged(online: boolean): Promise<void> {
    this.network.push(online);
  }

  async getMessage(id: number, allowRemote: boolean): Promise<MessageViewDto> {
    const m = this.messages.find((m) => m.id === id);
    if (!m) throw new BackendError({ code: 'not_found', message: `no message with id ${id}` });
    const remote = !allowRemote && (m.html ?? '').includes('http') ? 1 : 0;
    return {
      summary: summaryOf(m),
      to: m.to ?? [],
      cc: [],
      messageId: `<${id}@test>`,
      text: m.text ?? null,
      html: m.html ?? null,
      remoteBlocked: remote,
      remoteAllowed: allowRemote,
      attachments: [],
      parseWarning: null,
    };
  }

  async changeMessage(id: number, change: ChangeDto): Promise<void> {
    this.calls.push(`changeMessage ${id} ${change.kind}`);
    await this.applyChange(id, change);
  }

  private async applyChange(id: number, change: ChangeDto): Promise<void> {
    const i = this.messages.findIndex((m) => m.id === id);
    if (i < 0) throw new BackendError({ code: 'not_found', message: `no message with id ${id}` });
    const m = this.messages[i];
    if (change.kind === 'seen') this.messages[i] = { ...m, unread: !change.value };
    else if (change.kind === 'flagged') this.messages[i] = { ...m, flagged: change.value };
    else {
      const role =
        change.kind === 'move' ? change.to : change.kind === 'delete' ? 'trash' : change.kind === 'archive' ? 'archive' : 'junk';
      const f = this.folders.find((f) => f.accountId === m.accountId && (f.role === role || f.name === role));
      if (!f) throw new BackendError({ code: 'not_found', message: `this account has no '${role}' folder` });
      this.messages[i] = { ...m, folder: f.name };
    }
  }

  async crmSidebar(messageId: number): Promise<CrmSidebarDto> {
    return (
      this.crm.get(messageId) ?? {
        messageId,
        people: [],
        responsible: null,
        openDeals: [],
        recent: [],
        outcome: null,
        warnings: [],
      }
    );
  }

  async searchMessages(query: string, accountId: number | null, limit: number): Promise<MessageSummaryDto[]> {
    this.calls.push(`searchMessages ${query}`);
    if (this.searchGate) await this.searchGate(query);
    const q = query.toLowerCase();
    return this.messages
      .filter((m) => this.matches(m, accountId, null))
      .filter((m) => `${m.subject} ${m.fromName} ${m.from} ${m.text ?? ''}`.toLowerCase().includes(q))
      .slice(0, limit)
      .map(summaryOf);
  }

  async discoverSettings(email: string): Promise<ProviderDto> {
    const domain = email.split('@')[1] ?? '';
    return {
      source: 'guess',
      displayName: domain,
      imap: { host: `imap.${domain}`, port: 993, security: 'tls' },
      smtp: { host: `smtp.${domain}`, port: 465, security: 'tls' },
      usernameIsEmail: true,
      note: null,
    };
  }

  async testConnection(_input: AccountInput, _password: string | null): Promise<ConnectionReportDto> {
    return this.connectionReport;
  }

  async addAccount(input: AccountInput, _password: string | null): Promise<AccountDto> {
    if (this.addError) throw this.addError;
    const a: AccountDto = {
      id: this.accounts.length + 1,
      name: input.name,
      email: input.email,
      displayName: input.displayName,
      username: input.username,
      imap: input.imap,
      smtp: input.smtp,
      credential: input.passwordCommand ? 'command' : 'keyring',
      fetchDays: input.fetchDays,
      notify: true,
    };
    this.accounts.push(a);
    return a;
  }

  emit(e: SyncEventDto): void {
    for (const l of this.listeners) l(e);
  }

  /** Like the scheduler: the check runs after the call returns, reporting through events. */
  async syncNow(accountId: number | null): Promise<void> {
    this.calls.push(`syncNow ${accountId}`);
    queueMicrotask(() => this.runChecks(accountId));
  }

  private runChecks(accountId: number | null): void {
    const now = Math.floor(Date.now() / 1000);
    for (const a of this.accounts.filter((a) => accountId === null || a.id === accountId)) {
      this.emit({ type: 'checkStarted', accountId: a.id });
      const st = this.statuses.find((s) => s.accountId === a.id) ?? emptyStatus(a.id);
      this.statuses = [...this.statuses.filter((s) => s.accountId !== a.id), st];
      st.lastCheck = now;
      if (this.syncError?.accountId === a.id) {
        st.lastError = this.syncError.message;
        st.lastErrorCode = this.syncError.code;
        st.failures += 1;
        this.emit({ type: 'checkFinished', accountId: a.id, error: this.syncError.message });
        continue;
      }
      const mine = this.incoming.filter((m) => m.accountId === a.id);
      this.incoming = this.incoming.filter((m) => m.accountId !== a.id);
      this.messages = [...mine, ...this.messages].sort((x, y) => y.timestamp - x.timestamp || y.id - x.id);
      for (const f of this.folders.filter((f) => f.accountId === a.id)) {
        if (mine.some((m) => m.folder === f.name)) this.emit({ type: 'messagesChanged', accountId: a.id, folderId: f.id });
      }
      st.lastSuccess = now;
      st.lastError = null;
      st.lastErrorCode = null;
      st.failures = 0;
      this.emit({ type: 'checkFinished', accountId: a.id, error: null });
    }
  }

  async syncStatus(): Promise<SyncStatusDto[]> {
    return this.statuses.map((s) => ({ ...s }));
  }

  async onSyncEvent(handler: (e: SyncEventDto) => void): Promise<() => void> {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }
}

export function emptyStatus(accountId: number): SyncStatusDto {
  return {
    accountId,
    lastCheck: null,
    lastSuccess: null,
    lastError: null,
    lastErrorCode: null,
    failures: 0,
    problem: null,
    checking: false,
    idle: false,
    nextCheck: null,
    nextCheckAt: null,
    nextReason: null,
  };
}

function summaryOf(m: MemoryMessage): MessageSummaryDto {
  return {
    id: m.id,
    accountId: m.accountId,
    folder: m.folder,
    subject: m.subject,
    from: m.from,
    fromName: m.fromName,
    timestamp: m.timestamp,
    unread: m.unread,
    flagged: m.flagged,
    hasAttachments: m.hasAttachments,
    threadId: m.threadId,
    crm: m.crm ?? null,
  };
}
