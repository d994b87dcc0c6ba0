// Generated from the commands' types by `UPDATE_TYPES=1 cargo test -p dealbox typescript` (src-tauri/src/bindings.rs).
// Do not edit by hand: a test fails when this file is stale.

export type AccountDto = { id: number, name: string, email: string, displayName: string, username: string, imap: Endpoint, smtp: Endpoint, 
/**
 * "keyring" or "command".
 */
credential: string, fetchDays: number | null, notify: boolean, 
/**
 * Appended to new messages (plain text).
 */
signature: string, };

export type AccountInput = { name: string, email: string, displayName: string, username: string, imap: Endpoint, smtp: Endpoint, 
/**
 * Use this command's output as the password instead of the OS keyring.
 */
passwordCommand: string | null, fetchDays: number | null, 
/**
 * A PEM file with a company CA to trust for this account only.
 */
trustCaPath: string | null, 
/**
 * The SHA-256 of a server certificate the user accepted after the connection test showed it.
 */
trustCertSha256: string | null, };

export type AccountSettingsDto = { accountId: number, 
/**
 * Keep mail of the last N days offline; null: all mail.
 */
fetchDays: number | null, 
/**
 * Notify about new mail while the window is in the background.
 */
notify: boolean, signature: string, crm: CrmSettingsDto, };

export type AddressSuggestionDto = { name: string, address: string, company: string | null, 
/**
 * "contact" (CRM) or "recent".
 */
source: string, };

export type AppInfo = { version: string, profileDir: string, 
/**
 * Set when the profile could not be opened (e.g. written by a newer Dealbox).
 */
profileError: UiError | null, };

export type AttachmentDto = { id: number, filename: string | null, mimeType: string, size: number, inline: boolean, 
/**
 * A program or script: never opened directly, only saved after a warning.
 */
risky: boolean, };

export type ChangeDto = { "kind": "seen", value: boolean, } | { "kind": "flagged", value: boolean, } | { "kind": "delete" } | { "kind": "archive" } | { "kind": "spam" } | { "kind": "move", to: string, };

export type ComposeAttachmentDto = { 
/**
 * Where the file was staged (in the profile); the message is built from it when sent.
 */
path: string, filename: string, size: number, mimeType: string | null, contentId: string | null, };

export type ComposeDto = { accountId: number, draftId: number | null, draft: DraftDto, };

export type ConnectionReportDto = { ok: boolean, imap: ProbeResult, smtp: ProbeResult, };

export type ConversationDto = { threadId: number, 
/**
 * The thread's latest message in this view (the row shows it; opening the row opens it).
 */
latest: MessageSummaryDto, 
/**
 * Messages of the thread in this view.
 */
count: number, unread: number, flagged: boolean, hasAttachments: boolean, };

export type ConversationPageDto = { 
/**
 * Conversations in the whole view (the list's height); counted for the first page only (null after).
 */
total: number | null, rows: Array<ConversationDto>, };

export type CrmActivityDto = { timestamp: number, 
/**
 * "in" or "out".
 */
direction: string, subject: string, messageId: number | null, };

export type CrmDealDto = { id: number, title: string, stage: string, 
/**
 * "1200.00 EUR".
 */
amount: string, };

export type CrmHit = { 
/**
 * "contact" or "company".
 */
kind: string, id: number, name: string, 
/**
 * The contact's first address, or the company's first domain.
 */
detail: string, 
/**
 * The contact's company.
 */
company: string | null, };

export type CrmNoteDto = { id: number, body: string, createdAt: number, };

export type CrmOutcomeDto = { 
/**
 * linked, created or skipped.
 */
kind: string, what: string, reason: string, chooseDeal: boolean, 
/**
 * The records the message is bound to, named for the outcome line ("ACME Corp", "deal Renewal 2027").
 */
links: Array<CrmRecordDto>, 
/**
 * Saved by hand ("Save to CRM").
 */
forced: boolean, };

export type CrmPersonDto = { 
/**
 * from, to or cc.
 */
role: string, name: string, address: string, contact: string | null, contactId: number | null, company: string | null, companyId: number | null, 
/**
 * "Renewal 2027 (in progress)".
 */
lead: string | null, leadId: number | null, 
/**
 * A team user or one of our mailboxes.
 */
ours: boolean, };

export type CrmRecordDto = { 
/**
 * contact, company, lead or deal.
 */
kind: string, id: number, name: string, };

export type CrmSettingsDto = { 
/**
 * Link this mailbox's mail to the CRM at all.
 */
linkEnabled: boolean, 
/**
 * Process messages of the last N days; 0: no age limit.
 */
processDays: number, newIncoming: NewSenderAction, newOutgoing: NewSenderAction, leadSource: string, 
/**
 * The responsible queue: CRM user ids, in order.
 */
queue: Array<number>, 
/**
 * Route mail from existing clients to their responsible manager.
 */
routeToManager: boolean, 
/**
 * Every email from these addresses creates a new lead.
 */
alwaysNewLead: Array<string>, importVcards: boolean, };

export type CrmSidebarDto = { messageId: number, people: Array<CrmPersonDto>, responsible: string | null, openDeals: Array<CrmDealDto>, recent: Array<CrmActivityDto>, 
/**
 * `null`: the message was not processed for the CRM yet.
 */
outcome: CrmOutcomeDto | null, 
/**
 * The deals to choose from when the outcome asks for one, best first (as the core ranks them).
 */
dealChoices: Array<CrmDealDto>, notes: Array<CrmNoteDto>, openTasks: Array<CrmTaskDto>, warnings: Array<string>, };

export type CrmTaskDto = { id: number, title: string, dueAt: number | null, };

export type CrmUserDto = { id: number, name: string, active: boolean, };

export type DraftDto = { to: Array<string>, cc: Array<string>, bcc: Array<string>, subject: string, text: string, 
/**
 * The rich-text body; `null` for plain text. Sent as multipart/alternative with `text`.
 */
html: string | null, attachments: Array<ComposeAttachmentDto>, inReplyTo: string | null, references: Array<string>, 
/**
 * The cached message this answers (marked \Answered once sent).
 */
replyToMessage: number | null, };

export type DraftSummaryDto = { id: number, accountId: number, subject: string, to: Array<string>, updatedAt: number, };

export type Endpoint = { host: string, port: number, security: Security, };

export type ErrorKind = "dns" | "refused" | "tls" | "auth" | "timeout" | "network" | "protocol" | "config" | "limit" | "keyring" | "not_found" | "storage" | "risky_attachment" | "internal";

export type FolderDto = { id: number, accountId: number, account: string, name: string, displayName: string, 
/**
 * inbox, sent, drafts, trash, junk, archive, or null.
 */
role: string | null, total: number, unread: number, };

export type Hint = { "action": "setPassword", account: string, } | { "action": "trustCertificate", account: string | null, sha256: string, } | { "action": "raiseLimit", limit: number, } | { "action": "removeAnyway", account: string, } | { "action": "listAccounts" } | { "action": "listFolders", account: string, } | { "action": "listMessages" } | { "action": "listCrmUsers" };

export type Mailbox = { name: string, addr: string, };

export type MessageQuery = { 
/**
 * null: all accounts.
 */
accountId: number | null, 
/**
 * A folder name or a role ("inbox"); null: every folder. No account and "inbox": the unified inbox.
 */
folder: string | null, offset: number, limit: number, 
/**
 * By date; newest first when absent.
 */
sort?: Sort, };

export type MessageSummaryDto = { id: number, accountId: number, folder: string, subject: string, from: string, fromName: string, 
/**
 * Unix seconds.
 */
timestamp: number, unread: boolean, flagged: boolean, hasAttachments: boolean, threadId: number | null, 
/**
 * What the CRM did with it: "linked", "created" or "skipped"; null when not processed.
 */
crm: string | null, };

export type MessageViewDto = { summary: MessageSummaryDto, to: Array<Mailbox>, cc: Array<Mailbox>, messageId: string | null, text: string | null, html: string | null, 
/**
 * Remote images removed from `html`; "Load images" re-fetches with `allowRemote`.
 */
remoteBlocked: number, remoteAllowed: boolean, 
/**
 * Remote content loads for this sender without asking ("always for this sender").
 */
remoteSenderAllowed: boolean, 
/**
 * Links whose text shows another address than their target, or that go to a bare IP address.
 */
suspiciousLinks: number, attachments: Array<AttachmentDto>, parseWarning: string | null, };

export type NeedsReplyGroupDto = { 
/**
 * `null`: nobody is responsible.
 */
responsible: string | null, items: Array<NeedsReplyItemDto>, };

export type NeedsReplyItemDto = { activityId: number, 
/**
 * The cached message, when this profile has it (opens in the reader).
 */
messageId: number | null, subject: string, timestamp: number, waitingHours: number, 
/**
 * The client records the email is bound to.
 */
client: Array<string>, };

export type NewSenderAction = "lead" | "contact" | "nothing";

export type OpenMailDto = { accountId: number, 
/**
 * `None`: several messages, open the account's Inbox.
 */
messageId: number | null, };

export type OutboxItemDto = { id: number, accountId: number, subject: string, recipients: Array<string>, 
/**
 * queued | sending | committing | parked | sent | done
 */
state: string, attempts: number, 
/**
 * The server's words for a parked message (or why it waits).
 */
lastError: string | null, 
/**
 * Unix seconds.
 */
nextAttemptAt: number, createdAt: number, };

export type ProbeResult = { ok: boolean, 
/**
 * `ErrorKind::code()` when it failed.
 */
code: string | null, message: string, 
/**
 * What the person can do about the failure.
 */
hint: Hint | null, };

export type ProviderDto = { source: string, displayName: string, imap: Endpoint, smtp: Endpoint, usernameIsEmail: boolean, note: string | null, };

export type SavedFileDto = { path: string, fileName: string, };

export type Security = "tls" | "starttls" | "none";

export type Sort = "newestFirst" | "oldestFirst";

export type SyncEventDto = { "type": "progress", accountId: number, folder: string, done: number, total: number, } | { "type": "messagesChanged", accountId: number, folderId: number, } | { "type": "foldersChanged", accountId: number, } | { "type": "checkStarted", accountId: number, } | { "type": "checkFinished", accountId: number, error: string | null, } | { "type": "idle", accountId: number, connected: boolean, };

export type SyncStatusDto = { accountId: number, 
/**
 * A check is running now.
 */
checking: boolean, 
/**
 * The Inbox is watched with IMAP IDLE (new mail shows up at once).
 */
idle: boolean, 
/**
 * Unix seconds.
 */
lastCheck: number | null, lastSuccess: number | null, lastError: string | null, lastErrorCode: string | null, failures: number, 
/**
 * Set after several failed checks in a row: what is wrong and what to do.
 */
problem: string | null, 
/**
 * "in 8 min: owner online", "not scheduled: waiting for the network".
 */
nextCheck: string | null, 
/**
 * When the next check is due (unix seconds); null when none is scheduled.
 */
nextCheckAt: number | null, 
/**
 * Why (the policy's reason): "owner_online", "network_down", "nobody_online", "retry_after_error", …
 */
nextReason: string | null, };

export type UiError = { code: ErrorKind, message: string, hint: Hint | null, };

export type SecurityDto = Security;
export type ServerDto = Endpoint;
export type ProbeDto = ProbeResult;
export type AddressDto = Mailbox;
export type SortDto = Sort;
export type CrmHitDto = CrmHit;
export type NewSenderDto = NewSenderAction;
