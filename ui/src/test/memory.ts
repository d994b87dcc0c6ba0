// An in-memory Backend for unit tests: same contract as the Tauri one (checked by contract.test.ts against
// answers of the real core), no IPC. Lives with the tests: nothing in the app imports it.
import { BackendError, type Backend, type MessageQuery } from '../lib/backend/backend';
import type {
  AccountDto,
  AddressSuggestionDto,
  ComposeAttachmentDto,
  ComposeDto,
  DraftDto,
  DraftSummaryDto,
  OutboxItemDto,
  AccountSettingsDto,
  CrmSettingsDto,
  CrmUserDto,
  OpenMailDto,
  AccountInput,
  AppInfo,
  ChangeDto,
  AttachmentDto,
  ConnectionReportDto,
  CrmRecordDto,
  ConversationDto,
  ConversationPageDto,
  CrmHitDto,
  CrmSidebarDto,
  FolderDto,
  MessageSummaryDto,
  MessageViewDto,
  NeedsReplyGroupDto,
  ProviderDto,
  SavedFileDto,
  SortDto,
  SyncEventDto,
  SyncStatusDto,
} from '../lib/backend/types';

export interface MemoryMessage extends Omit<MessageSummaryDto, 'crm'> {
  crm?: string | null;
  /** Folder name; `role` comes from the folder. */
  text?: string | null;
  html?: string | null;
  to?: { name: string; addr: string }[];
  cc?: { name: string; addr: string }[];
  /** The Message-ID header; `<id@test>` when absent. */
  messageId?: string | null;
  attachments?: AttachmentDto[];
  suspiciousLinks?: number;
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
    imap: { ok: true, code: null, message: 'IMAP ok', hint: null },
    smtp: { ok: true, code: null, message: 'SMTP ok', hint: null },
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
  /** CRM settings per account (defaults as the core's until saved). */
  crmSettings = new Map<number, CrmSettingsDto>();
  crmUserList: CrmUserDto[] = [];
  exceptions: string[] = [];
  /** What openDemo switches to (the demo profile's data). */
  demo: MemoryData | null = null;
  private openMailListeners = new Set<(e: OpenMailDto) => void>();
  private profileDir = '/tmp/profile';

  constructor(data: MemoryData = {}) {
    this.accounts = data.accounts ?? [];
    this.folders = data.folders ?? [];
    this.messages = [...(data.messages ?? [])].sort((a, b) => b.timestamp - a.timestamp || b.id - a.id);
  }

  async appInfo(): Promise<AppInfo> {
    return { version: 'test', profileDir: this.profileDir, profileError: null };
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
    const senderAllowed = this.remoteSenders.has(`${m.accountId}:${m.from.toLowerCase()}`);
    allowRemote = allowRemote || senderAllowed;
    // Like the sanitizer: remote images are blocked unless allowed (links stay).
    const remote = allowRemote ? 0 : (m.html ?? '').match(/\ssrc=["']?https?:/gi)?.length ?? 0;
    return {
      summary: summaryOf(m),
      to: m.to ?? [],
      cc: m.cc ?? [],
      messageId: m.messageId === undefined ? `<${id}@test>` : m.messageId,
      text: m.text ?? null,
      html: m.html ?? null,
      remoteBlocked: remote,
      remoteAllowed: allowRemote,
      remoteSenderAllowed: senderAllowed,
      suspiciousLinks: m.suspiciousLinks ?? 0,
      attachments: m.attachments ?? [],
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
    this.calls.push(`crmSidebar ${messageId}`);
    const s = this.sidebarOf(messageId);
    const mine = (r: CrmRecordDto) =>
      s.people.some(
        (p) =>
          (r.kind === 'contact' && p.contactId === r.id) ||
          (r.kind === 'company' && p.companyId === r.id) ||
          (r.kind === 'lead' && p.leadId === r.id),
      ) || (r.kind === 'deal' && s.openDeals.some((d) => d.id === r.id));
    return structuredClone({
      ...s,
      notes: this.notes.filter((n) => mine(n.record)).map((n, i) => ({ id: i + 1, body: n.body, createdAt: 0 })),
      openTasks: this.tasks
        .filter((t) => mine(t.record))
        .map((t, i) => ({ id: i + 1, title: t.title, dueAt: t.dueAt })),
    });
  }

  private sidebarOf(messageId: number): CrmSidebarDto {
    let s = this.crm.get(messageId);
    if (!s) {
      const m = this.messages.find((m) => m.id === messageId);
      s = {
        messageId,
        people: m
          ? [
              {
                role: 'from',
                name: m.fromName,
                address: m.from,
                contact: null,
                contactId: null,
                company: null,
                companyId: null,
                lead: null,
                leadId: null,
                ours: false,
              },
            ]
          : [],
        responsible: null,
        openDeals: [],
        recent: [],
        outcome: null,
        dealChoices: [],
        notes: [],
        openTasks: [],
        warnings: [],
      };
      this.crm.set(messageId, s);
    }
    return s;
  }

  // The reader.
  /** `accountId:sender` pairs whose remote content loads without asking. */
  remoteSenders = new Set<string>();
  /** Paths handed out by saveAttachment, to make names unique like the shell does. */
  saved: string[] = [];

  async setRemoteSender(messageId: number, allow: boolean): Promise<void> {
    this.calls.push(`setRemoteSender ${messageId} ${allow}`);
    const m = this.messages.find((m) => m.id === messageId);
    if (!m) throw new BackendError({ code: 'not_found', message: `no message with id ${messageId}` });
    const key = `${m.accountId}:${m.from.toLowerCase()}`;
    if (allow) this.remoteSenders.add(key);
    else this.remoteSenders.delete(key);
  }

  private attachment(id: number): AttachmentDto {
    const a = this.messages.flatMap((m) => m.attachments ?? []).find((a) => a.id === id);
    if (!a) throw new BackendError({ code: 'not_found', message: `no attachment with id ${id}` });
    return a;
  }

  async openAttachment(id: number): Promise<SavedFileDto> {
    const a = this.attachment(id);
    const name = a.filename ?? 'attachment';
    if (a.risky) {
      throw new BackendError({
        code: 'risky_attachment',
        message: `${name} is a program or script: Dealbox does not open these. Save it only if you trust the sender.`,
      });
    }
    this.calls.push(`openAttachment ${id}`);
    return { path: `/tmp/dealbox-open/${id}/${name}`, fileName: name };
  }

  async saveAttachment(id: number): Promise<SavedFileDto> {
    const a = this.attachment(id);
    const name = a.filename ?? 'attachment';
    const dot = name.lastIndexOf('.');
    let fileName = name;
    for (let n = 2; this.saved.includes(fileName); n++) {
      fileName = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
    }
    this.saved.push(fileName);
    this.calls.push(`saveAttachment ${id}`);
    return { path: `/home/me/Downloads/${fileName}`, fileName };
  }

  // The CRM's quick actions, over the sidebars in `crm`.
  /** Records "Link to…" finds. */
  records: CrmRecordDto[] = [];
  stages = ['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost'];
  notes: { record: CrmRecordDto; body: string }[] = [];
  tasks: { record: CrmRecordDto; title: string; dueAt: number | null }[] = [];
  /** Groups crmNeedsReply returns (filtered by waitingHours > hours). */
  needsReply: NeedsReplyGroupDto[] = [];
  /** When set, the next CRM action fails with it. */
  crmActionError: BackendError | null = null;
  #nextId = 100;

  private act(what: string): void {
    this.calls.push(what);
    const e = this.crmActionError;
    this.crmActionError = null;
    if (e) throw e;
  }

  private link(messageId: number, record: CrmRecordDto, kind: 'linked' | 'created'): void {
    const s = this.sidebarOf(messageId);
    const links = s.outcome && s.outcome.kind !== 'skipped' ? [...s.outcome.links] : [];
    if (!links.some((l) => l.kind === record.kind && l.id === record.id)) links.push(record);
    s.outcome = {
      kind: s.outcome?.kind === 'linked' || s.outcome?.kind === 'created' ? s.outcome.kind : kind,
      what: links.map((l) => `${l.kind} #${l.id} ${l.name}`).join('; '),
      reason: kind === 'created' ? 'created by hand from this email' : `linked by hand to the ${record.kind}`,
      chooseDeal: false,
      links,
      forced: true,
    };
  }

  async crmCreateFromSender(messageId: number, kind: 'contact' | 'lead'): Promise<void> {
    this.act(`crmCreateFromSender ${messageId} ${kind}`);
    const s = this.sidebarOf(messageId);
    const p = s.people.find((p) => p.role === 'from');
    if (!p) throw new BackendError({ code: 'config', message: 'the email has no sender address' });
    const id = this.#nextId++;
    const name = p.name || p.address;
    if (kind === 'contact') {
      if (p.contactId !== null) {
        throw new BackendError({
          code: 'config',
          message: `${p.address} is already contact #${p.contactId}: link the email to it instead`,
        });
      }
      p.contact = name;
      p.contactId = id;
    } else {
      p.lead = `Email from ${p.address} (in progress)`;
      p.leadId = id;
    }
    this.link(messageId, { kind, id, name }, 'created');
  }

  async crmSearchRecords(query: string): Promise<CrmRecordDto[]> {
    const q = query.trim().toLowerCase();
    return q ? this.records.filter((r) => r.name.toLowerCase().includes(q)) : [];
  }

  async crmLinkRecord(messageId: number, record: CrmRecordDto): Promise<void> {
    this.act(`crmLinkRecord ${messageId} ${record.kind}:${record.id}`);
    const s = this.sidebarOf(messageId);
    const p = s.people.find((p) => p.role === 'from');
    if (p && record.kind === 'contact') [p.contact, p.contactId] = [record.name, record.id];
    if (p && record.kind === 'company') [p.company, p.companyId] = [record.name, record.id];
    this.link(messageId, record, 'linked');
  }

  async crmChooseDeal(messageId: number, dealId: number): Promise<void> {
    this.act(`crmChooseDeal ${messageId} ${dealId}`);
    const s = this.sidebarOf(messageId);
    const d = [...s.dealChoices, ...s.openDeals].find((d) => d.id === dealId);
    if (!d) throw new BackendError({ code: 'not_found', message: `no deal #${dealId}` });
    this.link(messageId, { kind: 'deal', id: d.id, name: d.title }, 'linked');
    s.dealChoices = [];
  }

  async crmStages(): Promise<string[]> {
    return [...this.stages];
  }

  async crmSetDealStage(dealId: number, stage: string): Promise<void> {
    this.act(`crmSetDealStage ${dealId} ${stage}`);
    if (!this.stages.includes(stage)) throw new BackendError({ code: 'config', message: `no deal stage '${stage}'` });
    for (const s of this.crm.values()) for (const d of s.openDeals) if (d.id === dealId) d.stage = stage;
  }

  async crmExcludeSender(messageId: number, wholeDomain: boolean): Promise<string> {
    this.act(`crmExcludeSender ${messageId} ${wholeDomain}`);
    const m = this.messages.find((m) => m.id === messageId);
    if (!m) throw new BackendError({ code: 'not_found', message: `no message with id ${messageId}` });
    const entry = wholeDomain ? m.from.split('@')[1] : m.from;
    this.exceptions.push(entry);
    return entry;
  }

  async crmAddNote(record: CrmRecordDto, body: string): Promise<void> {
    this.act(`crmAddNote ${record.kind}:${record.id}`);
    if (!body.trim()) throw new BackendError({ code: 'config', message: 'write the note first' });
    this.notes.push({ record, body: body.trim() });
  }

  async crmAddTask(record: CrmRecordDto, title: string, dueAt: number | null): Promise<void> {
    this.act(`crmAddTask ${record.kind}:${record.id}`);
    if (!title.trim()) throw new BackendError({ code: 'config', message: 'give the task a title' });
    this.tasks.push({ record, title: title.trim(), dueAt });
  }

  async crmSaveToCrm(messageId: number): Promise<void> {
    this.act(`crmSaveToCrm ${messageId}`);
    const s = this.sidebarOf(messageId);
    const p = s.people.find((p) => p.role === 'from');
    if (p?.ours) {
      throw new BackendError({ code: 'config', message: 'the email is from one of our users: it is not client mail' });
    }
    const id = p?.contactId ?? this.#nextId++;
    if (p && p.contactId === null) [p.contact, p.contactId] = [p.name || p.address, id];
    this.link(messageId, { kind: 'contact', id, name: p?.contact ?? '' }, 'linked');
  }

  async crmNeedsReply(hours: number): Promise<NeedsReplyGroupDto[]> {
    this.calls.push(`crmNeedsReply ${hours}`);
    return this.needsReply
      .map((g) => ({ ...g, items: g.items.filter((i) => i.waitingHours > hours) }))
      .filter((g) => g.items.length > 0);
  }

  async searchMessages(query: string, accountId: number | null, limit: number, sort?: SortDto): Promise<MessageSummaryDto[]> {
    this.calls.push(`searchMessages ${query}`);
    if (this.searchGate) await this.searchGate(query);
    // Like the core's full-text index: every word of the query starts a word of the subject, the
    // addresses or the body (case and accents ignored).
    const wanted = wordsOf(query);
    const found = this.messages
      .filter((m) => this.matches(m, accountId, null))
      .filter((m) => {
        const people = [...(m.to ?? []), ...(m.cc ?? [])].map((a) => `${a.name} ${a.addr}`).join(' ');
        const words = wordsOf(`${m.subject} ${m.fromName} ${m.from} ${people} ${m.text ?? ''}`);
        return wanted.every((w) => words.some((x) => x.startsWith(w)));
      });
    return this.sorted(found, sort).slice(0, limit).map(summaryOf);
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

  /** Like the core: a side that failed only on an untrusted certificate passes once the input trusts exactly
   *  that certificate (the SHA-256 its hint named). */
  async testConnection(input: AccountInput, _password: string | null): Promise<ConnectionReportDto> {
    this.calls.push(`testConnection ${input.trustCertSha256 ?? '-'}`);
    const r = this.connectionReport;
    const side = (p: ConnectionReportDto['imap']) =>
      p.hint?.action === 'trustCertificate' && p.hint.sha256 === input.trustCertSha256
        ? { ok: true, code: null, message: 'ok (with the accepted certificate)', hint: null }
        : p;
    const [imap, smtp] = [side(r.imap), side(r.smtp)];
    return { ok: imap.ok && smtp.ok, imap, smtp };
  }

  async addAccount(input: AccountInput, _password: string | null): Promise<AccountDto> {
    if (this.addError) throw this.addError;
    this.calls.push(`addAccount ${input.trustCertSha256 ?? '-'}`);
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
      signature: '',
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

  // Compose, drafts, outbox. Sending queues; `deliverOutbox()` plays the flush (sent, or parked).
  drafts = new Map<number, { accountId: number; draft: DraftDto; updatedAt: number }>();
  outbox: OutboxItemDto[] = [];
  /** CRM contacts for suggestions. */
  contacts: { name: string; address: string; company: string | null }[] = [];
  /** When set, the next deliverOutbox() parks messages with this server reason. */
  serverRejects: string | null = null;
  private nextId = 1000;
  private outboxListeners = new Set<() => void>();

  private emitOutbox(): void {
    for (const l of this.outboxListeners) l();
  }

  async composeNew(accountId: number | null): Promise<ComposeDto> {
    const a = accountId ?? this.accounts[0]?.id;
    if (a === undefined) throw new BackendError({ code: 'config', message: 'add an account first' });
    return { accountId: a, draftId: null, draft: emptyDraft() };
  }

  async composeReply(messageId: number, all: boolean): Promise<ComposeDto> {
    const m = this.messages.find((m) => m.id === messageId);
    if (!m) throw new BackendError({ code: 'not_found', message: `no message with id ${messageId}` });
    const me = this.accounts.find((a) => a.id === m.accountId)?.email ?? '';
    const cc = all ? (m.to ?? []).map((t) => t.addr).filter((a) => a !== me && a !== m.from) : [];
    const subject = `Re: ${m.subject.replace(/^((re|fwd?|aw):\s*)+/i, '')}`;
    const quoted = (m.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
    return {
      accountId: m.accountId,
      draftId: null,
      draft: {
        ...emptyDraft(),
        to: [m.from],
        cc,
        subject,
        text: `\n\nOn date, ${m.fromName} <${m.from}> wrote:\n${quoted}\n`,
        inReplyTo: `${messageId}@test`,
        references: [`${messageId}@test`],
        replyToMessage: messageId,
      },
    };
  }

  async composeForward(messageId: number): Promise<ComposeDto> {
    const m = this.messages.find((m) => m.id === messageId);
    if (!m) throw new BackendError({ code: 'not_found', message: `no message with id ${messageId}` });
    return {
      accountId: m.accountId,
      draftId: null,
      draft: { ...emptyDraft(), subject: `Fwd: ${m.subject}`, text: `\n\n---------- Forwarded message ----------\n${m.text ?? ''}` },
    };
  }

  async openDraft(draftId: number): Promise<ComposeDto> {
    const d = this.drafts.get(draftId);
    if (!d) throw new BackendError({ code: 'not_found', message: `no draft ${draftId}` });
    return { accountId: d.accountId, draftId, draft: structuredClone(d.draft) };
  }

  async listDrafts(): Promise<DraftSummaryDto[]> {
    return [...this.drafts.entries()].map(([id, d]) => ({
      id,
      accountId: d.accountId,
      subject: d.draft.subject,
      to: d.draft.to,
      updatedAt: d.updatedAt,
    }));
  }

  async saveDraft(accountId: number, draftId: number | null, draft: DraftDto): Promise<number> {
    this.calls.push(`saveDraft ${draftId}`);
    const id = draftId ?? this.nextId++;
    if (draftId !== null && this.drafts.get(draftId)?.accountId !== accountId) {
      throw new BackendError({ code: 'not_found', message: `no draft ${draftId} for this account` });
    }
    this.drafts.set(id, { accountId, draft: structuredClone(draft), updatedAt: Math.floor(Date.now() / 1000) });
    return id;
  }

  async discardDraft(draftId: number): Promise<void> {
    this.calls.push(`discardDraft ${draftId}`);
    if (!this.drafts.delete(draftId)) throw new BackendError({ code: 'not_found', message: `no draft ${draftId}` });
  }

  async uploadDrafts(accountId: number): Promise<void> {
    this.calls.push(`uploadDrafts ${accountId}`);
  }

  async sendDraft(accountId: number, draftId: number | null, draft: DraftDto): Promise<number> {
    this.calls.push(`sendDraft ${draftId}`);
    const rcpts = [...draft.to, ...draft.cc, ...draft.bcc];
    if (rcpts.length === 0) throw new BackendError({ code: 'config', message: 'add at least one recipient' });
    const bad = rcpts.find((r) => !/^[^@\s<>]+@[^@\s<>]+$/.test(r.replace(/^.*<(.*)>$/, '$1')));
    if (bad) throw new BackendError({ code: 'config', message: `'${bad}' is not a valid address` });
    const big = draft.attachments.find((a) => a.size > 25 * 1024 * 1024);
    if (big) throw new BackendError({ code: 'limit', message: `the attachment ${big.filename} is over 25 MB` });
    if (draftId !== null) this.drafts.delete(draftId);
    const id = this.nextId++;
    const now = Math.floor(Date.now() / 1000);
    this.outbox.push({
      id,
      accountId,
      subject: draft.subject,
      recipients: rcpts,
      state: 'queued',
      attempts: 0,
      lastError: null,
      nextAttemptAt: 0,
      createdAt: now,
    });
    this.emitOutbox();
    return id;
  }

  /** What a flush does: queued messages are sent, or parked with `serverRejects`. */
  deliverOutbox(): void {
    this.outbox = this.outbox.map((i) =>
      i.state !== 'queued'
        ? i
        : this.serverRejects
          ? { ...i, state: 'parked', attempts: i.attempts + 1, lastError: this.serverRejects }
          : { ...i, state: 'done', attempts: i.attempts + 1 },
    );
    this.emitOutbox();
  }

  async listOutbox(): Promise<OutboxItemDto[]> {
    return this.outbox.map((i) => ({ ...i }));
  }

  async retryOutbox(id: number): Promise<void> {
    this.calls.push(`retryOutbox ${id}`);
    const i = this.outbox.findIndex((i) => i.id === id && i.state === 'parked');
    if (i < 0) throw new BackendError({ code: 'not_found', message: `no parked message ${id}` });
    this.outbox[i] = { ...this.outbox[i], state: 'queued', attempts: 0, lastError: null };
    this.emitOutbox();
  }

  async deleteOutbox(id: number): Promise<void> {
    this.outbox = this.outbox.filter((i) => i.id !== id);
    this.emitOutbox();
  }

  async editOutbox(id: number): Promise<ComposeDto> {
    const item = this.outbox.find((i) => i.id === id);
    if (!item) throw new BackendError({ code: 'not_found', message: `no message ${id} in the outbox` });
    this.outbox = this.outbox.filter((i) => i.id !== id);
    const draft = { ...emptyDraft(), to: item.recipients, subject: item.subject };
    const draftId = await this.saveDraft(item.accountId, null, draft);
    this.emitOutbox();
    return { accountId: item.accountId, draftId, draft };
  }

  async suggestAddresses(text: string, limit: number): Promise<AddressSuggestionDto[]> {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const out: AddressSuggestionDto[] = [];
    const seen = new Set(this.accounts.map((a) => a.email.toLowerCase()));
    const add = (s: AddressSuggestionDto) => {
      if (seen.has(s.address.toLowerCase())) return;
      seen.add(s.address.toLowerCase());
      out.push(s);
    };
    for (const c of this.contacts) {
      if (`${c.name} ${c.address}`.toLowerCase().includes(q)) add({ ...c, source: 'contact' });
    }
    for (const m of this.messages) {
      if (`${m.fromName} ${m.from}`.toLowerCase().includes(q)) {
        add({ name: m.fromName, address: m.from, company: null, source: 'recent' });
      }
    }
    return out.slice(0, limit);
  }

  async stageAttachment(name: string, bytes: Uint8Array): Promise<ComposeAttachmentDto> {
    this.calls.push(`stageAttachment ${name} ${bytes.length}`);
    if (bytes.length > 25 * 1024 * 1024) {
      throw new BackendError({ code: 'limit', message: `the attachment ${name} is over 25 MB` });
    }
    return { path: `/tmp/compose/${name}`, filename: name, size: bytes.length, mimeType: null, contentId: null };
  }

  async onOutboxChanged(handler: () => void): Promise<() => void> {
    this.outboxListeners.add(handler);
    return () => this.outboxListeners.delete(handler);
  }

  private account(id: number): AccountDto {
    const a = this.accounts.find((a) => a.id === id);
    if (!a) throw new BackendError({ code: 'not_found', message: `no account with id ${id}` });
    return a;
  }

  async accountSettings(accountId: number): Promise<AccountSettingsDto> {
    const a = this.account(accountId);
    const crm = this.crmSettings.get(accountId) ?? defaultCrmSettings();
    return {
      accountId,
      fetchDays: a.fetchDays,
      notify: a.notify,
      signature: a.signature,
      crm: { ...crm, queue: [...crm.queue], alwaysNewLead: [...crm.alwaysNewLead] },
    };
  }

  /** Validates like the core: a queue of unknown users or a zero-day window saves nothing. */
  async saveAccountSettings(s: AccountSettingsDto): Promise<AccountSettingsDto> {
    this.calls.push(`saveAccountSettings ${s.accountId}`);
    const a = this.account(s.accountId);
    const unknown = s.crm.queue.find((u) => !this.crmUserList.some((x) => x.id === u));
    if (unknown !== undefined) throw new BackendError({ code: 'not_found', message: `no CRM user #${unknown}` });
    if (s.fetchDays === 0) throw new BackendError({ code: 'config', message: 'keep mail offline for at least one day' });
    const i = this.accounts.indexOf(a);
    this.accounts[i] = { ...a, fetchDays: s.fetchDays, notify: s.notify, signature: s.signature };
    this.crmSettings.set(s.accountId, { ...s.crm, leadSource: s.crm.leadSource.trim() });
    return this.accountSettings(s.accountId);
  }

  async crmUsers(): Promise<CrmUserDto[]> {
    return [...this.crmUserList];
  }

  async crmExceptions(): Promise<string[]> {
    return [...this.exceptions];
  }

  async addCrmException(entry: string): Promise<string> {
    const e = entry.trim().replace(/^@/, '').toLowerCase();
    if (!e.includes('.')) throw new BackendError({ code: 'config', message: `'${entry}' is not an address or a domain` });
    if (!this.exceptions.includes(e)) this.exceptions = [...this.exceptions, e].sort();
    return e;
  }

  async removeCrmException(entry: string): Promise<boolean> {
    const before = this.exceptions.length;
    this.exceptions = this.exceptions.filter((x) => x !== entry);
    return this.exceptions.length < before;
  }

  async openDemo(): Promise<AppInfo> {
    this.calls.push('openDemo');
    if (!this.demo) throw new BackendError({ code: 'internal', message: 'no demo profile in this test' });
    this.accounts = this.demo.accounts ?? [];
    this.folders = this.demo.folders ?? [];
    this.messages = [...(this.demo.messages ?? [])].sort((a, b) => b.timestamp - a.timestamp || b.id - a.id);
    this.profileDir = '/tmp/dealbox-demo';
    return this.appInfo();
  }

  /** A test "clicks a notification". */
  clickNotification(e: OpenMailDto): void {
    for (const l of this.openMailListeners) l(e);
  }

  async onOpenMail(handler: (e: OpenMailDto) => void): Promise<() => void> {
    this.openMailListeners.add(handler);
    return () => this.openMailListeners.delete(handler);
  }
}

export function emptyDraft(): DraftDto {
  return {
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    text: '',
    html: null,
    attachments: [],
    inReplyTo: null,
    references: [],
    replyToMessage: null,
  };
}

export function defaultCrmSettings(): CrmSettingsDto {
  return {
    linkEnabled: true,
    processDays: 30,
    newIncoming: 'lead',
    newOutgoing: 'contact',
    leadSource: 'Email',
    queue: [],
    routeToManager: true,
    alwaysNewLead: [],
    importVcards: false,
  };
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

/** Lower-case words without accents, split at anything that is not a letter or a digit (as SQLite FTS5 does). */
function wordsOf(s: string): string[] {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
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
