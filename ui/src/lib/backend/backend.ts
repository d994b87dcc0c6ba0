// The one interface the UI talks to. `tauri.ts` implements it over IPC; `memory.ts` in memory for tests.
// Components receive a Backend; none of them imports @tauri-apps/api.
import type {
  AccountDto,
  AccountInput,
  AppInfo,
  ChangeDto,
  ConnectionReportDto,
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
  UiError,
} from './types';

export type * from './types';

export interface MessageQuery {
  /** null: all accounts. */
  accountId: number | null;
  /** A folder name or a role ("inbox"); null: every folder. */
  folder: string | null;
  offset: number;
  limit: number;
  /** By date; newest first when absent. */
  sort?: SortDto;
}

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
}

/** A failed backend call: branch on `code` (the core's ErrorKind code), show `message`. */
export class BackendError extends Error {
  readonly code: string;
  constructor(e: UiError) {
    super(e.message);
    this.name = 'BackendError';
    this.code = e.code;
  }
}

export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    return new BackendError({ code: String(e.code), message: String(e.message) });
  }
  return new BackendError({ code: 'internal', message: e instanceof Error ? e.message : String(e) });
}
