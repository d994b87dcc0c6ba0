// The one interface the UI talks to. `tauri.ts` implements it over IPC; `src/test/memory.ts` in memory for tests.
// Components receive a Backend; none of them imports @tauri-apps/api.
import type {
  AccountDto,
  AddressSuggestionDto,
  ComposeAttachmentDto,
  ComposeDto,
  DraftDto,
  DraftSummaryDto,
  OutboxItemDto,
  AccountSettingsDto,
  CrmUserDto,
  OpenMailDto,
  AccountInput,
  AppInfo,
  ChangeDto,
  ConnectionReportDto,
  CrmRecordDto,
  ConversationPageDto,
  CrmHitDto,
  CrmSidebarDto,
  FolderDto,
  MessageQuery,
  MessageSummaryDto,
  MessageViewDto,
  NeedsReplyGroupDto,
  ProviderDto,
  SavedFileDto,
  SortDto,
  SyncEventDto,
  SyncStatusDto,
  ErrorKind,
  Hint,
} from './types';

export type * from './types';

export interface Backend {
  appInfo(): Promise<AppInfo>;
  listAccounts(): Promise<AccountDto[]>;
  listFolders(accountId: number | null): Promise<FolderDto[]>;
  listMessages(q: MessageQuery): Promise<MessageSummaryDto[]>;
  getMessage(id: number, allowRemote: boolean): Promise<MessageViewDto>;
  /** Read/unread, flag, delete, archive, spam; the next sync sends it to the server. */
  changeMessage(id: number, change: ChangeDto): Promise<void>;
  /** What the CRM knows about a cached message and its people. */
  crmSidebar(messageId: number): Promise<CrmSidebarDto>;
  searchMessages(query: string, accountId: number | null, limit: number, sort?: SortDto): Promise<MessageSummaryDto[]>;
  /** The view grouped by thread (in the core's SQL), a page at a time, with the number of conversations. */
  listConversations(q: MessageQuery): Promise<ConversationPageDto>;
  /** The messages of one conversation in the view (an expanded row). */
  conversationMessages(
    accountId: number | null,
    folder: string | null,
    threadId: number,
    sort?: SortDto,
  ): Promise<MessageSummaryDto[]>;
  /** One change to many messages in one call; resolves to how many changed. */
  changeMessages(ids: number[], change: ChangeDto): Promise<number>;
  /** CRM contacts and companies matching the search box. */
  searchCrm(query: string, limit: number): Promise<CrmHitDto[]>;
  /** The window went offline or came back online: the sync policy waits for the network. */
  networkChanged(online: boolean): Promise<void>;
  discoverSettings(email: string): Promise<ProviderDto>;
  testConnection(input: AccountInput, password: string | null): Promise<ConnectionReportDto>;
  addAccount(input: AccountInput, password: string | null): Promise<AccountDto>;
  /** Ask the scheduler to check all accounts (or one) now. Resolves at once; progress comes as events. */
  syncNow(accountId: number | null): Promise<void>;
  syncStatus(): Promise<SyncStatusDto[]>;
  /** Subscribe to sync events; resolves to the unsubscribe function. */
  onSyncEvent(handler: (e: SyncEventDto) => void): Promise<() => void>;

  // Compose, drafts and the outbox (src-tauri/src/api/compose.rs).
  /** A blank message from this account (null: the first one that can send). */
  composeNew(accountId: number | null): Promise<ComposeDto>;
  /** Reply (or reply all) to a cached message, from the account that received it. */
  composeReply(messageId: number, all: boolean): Promise<ComposeDto>;
  composeForward(messageId: number): Promise<ComposeDto>;
  openDraft(draftId: number): Promise<ComposeDto>;
  listDrafts(): Promise<DraftSummaryDto[]>;
  /** Save as the user types; creates the draft when draftId is null. Resolves to its id. */
  saveDraft(accountId: number, draftId: number | null, draft: DraftDto): Promise<number>;
  discardDraft(draftId: number): Promise<void>;
  /** Bring the server's Drafts folder up to date (in the background). */
  uploadDrafts(accountId: number): Promise<void>;
  /** Validate, queue in the outbox and start sending at once. Resolves to the outbox id. */
  sendDraft(accountId: number, draftId: number | null, draft: DraftDto): Promise<number>;
  listOutbox(): Promise<OutboxItemDto[]>;
  retryOutbox(id: number): Promise<void>;
  deleteOutbox(id: number): Promise<void>;
  /** Take a parked message out of the outbox as a draft. */
  editOutbox(id: number): Promise<ComposeDto>;
  /** To/Cc/Bcc autocomplete: CRM contacts, then recent correspondents. */
  suggestAddresses(text: string, limit: number): Promise<AddressSuggestionDto[]>;
  /** Keep a picked or dropped file for a draft (refused over 25 MB). */
  stageAttachment(name: string, bytes: Uint8Array): Promise<ComposeAttachmentDto>;
  /** The outbox changed (queued, sent, parked); resolves to the unsubscribe function. */
  onOutboxChanged(handler: () => void): Promise<() => void>;
  /** An account's settings: fetch window, notifications, signature, CRM. */
  accountSettings(accountId: number): Promise<AccountSettingsDto>;
  /** Save them all (nothing is saved if any part is invalid); resolves to what is stored now. */
  saveAccountSettings(settings: AccountSettingsDto): Promise<AccountSettingsDto>;
  /** The team's CRM users (for the responsible queue). */
  crmUsers(): Promise<CrmUserDto[]>;
  /** The team's exception list: addresses and domains never saved to the CRM. */
  crmExceptions(): Promise<string[]>;
  addCrmException(entry: string): Promise<string>;
  removeCrmException(entry: string): Promise<boolean>;
  /** "Explore with sample data": this window switches to the demo profile (works offline). */
  openDemo(): Promise<AppInfo>;
  /** A notification was clicked: open this message (or the account's Inbox). */
  onOpenMail(handler: (e: OpenMailDto) => void): Promise<() => void>;
  // The reader (api/reader.rs).
  /** Load remote content from this message's sender without asking (`allow`), or ask again. */
  setRemoteSender(messageId: number, allow: boolean): Promise<void>;
  /** Open with the system handler (programs are refused with code `risky_attachment`). */
  openAttachment(id: number): Promise<SavedFileDto>;
  /** Save to the Downloads folder under a name that replaces nothing. */
  saveAttachment(id: number): Promise<SavedFileDto>;

  // The CRM sidebar's quick actions and Needs reply (api/crm.rs); refetch the sidebar after each.
  crmCreateFromSender(messageId: number, kind: 'contact' | 'lead'): Promise<void>;
  crmSearchRecords(query: string): Promise<CrmRecordDto[]>;
  crmLinkRecord(messageId: number, record: CrmRecordDto): Promise<void>;
  crmChooseDeal(messageId: number, dealId: number): Promise<void>;
  crmStages(): Promise<string[]>;
  crmSetDealStage(dealId: number, stage: string): Promise<void>;
  /** Returns the entry added to the exception list. */
  crmExcludeSender(messageId: number, wholeDomain: boolean): Promise<string>;
  crmAddNote(record: CrmRecordDto, body: string): Promise<void>;
  crmAddTask(record: CrmRecordDto, title: string, dueAt: number | null): Promise<void>;
  /** "Save to CRM" / "Save anyway". */
  crmSaveToCrm(messageId: number): Promise<void>;
  /** Client emails unanswered for more than `hours`, grouped by responsible manager, oldest first. */
  crmNeedsReply(hours: number): Promise<NeedsReplyGroupDto[]>;
}

/** A failed backend call: branch on `code` (the core's ErrorKind), show `message` (see `errors.ts` for its
 *  translated title), offer `hint`. */
export class BackendError extends Error {
  readonly code: ErrorKind;
  readonly hint: Hint | null;
  constructor(e: { code: ErrorKind; message: string; hint?: Hint | null }) {
    super(e.message);
    this.name = 'BackendError';
    this.code = e.code;
    this.hint = e.hint ?? null;
  }
}

export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const hint = 'hint' in e ? (e.hint as Hint | null) : null;
    return new BackendError({ code: String(e.code) as ErrorKind, message: String(e.message), hint });
  }
  return new BackendError({ code: 'internal', message: e instanceof Error ? e.message : String(e) });
}
