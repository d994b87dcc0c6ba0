// The only module that reaches Tauri. Command names and argument names match src-tauri/src/api/
// (Tauri maps camelCase arguments to the Rust snake_case parameters).
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toBackendError, type Backend } from './backend';
import type { OpenMailDto, SyncEventDto } from './types';

/** Must match SYNC_EVENT in src-tauri/src/wire/sync.rs. */
const SYNC_EVENT = 'sync-event';
/** Must match OUTBOX_EVENT in src-tauri/src/wire/compose.rs. */
const OUTBOX_EVENT = 'outbox-changed';
/** Must match OPEN_MAIL_EVENT in src-tauri/src/notifications.rs. */
const OPEN_MAIL_EVENT = 'open-mail';

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

export function createTauriBackend(): Backend {
  return {
    appInfo: () => call('app_info'),
    listAccounts: () => call('list_accounts'),
    listFolders: (accountId) => call('list_folders', { accountId }),
    listMessages: (query) => call('list_messages', { query }),
    getMessage: (id, allowRemote) => call('get_message', { id, allowRemote }),
    changeMessage: (id, change) => call('change_message', { id, change }),
    crmSidebar: (messageId) => call('crm_sidebar', { messageId }),
    searchMessages: (query, accountId, limit, sort) => call('search_messages', { query, accountId, limit, sort }),
    listConversations: (query) => call('list_conversations', { query }),
    conversationMessages: (accountId, folder, threadId, sort) =>
      call('conversation_messages', { accountId, folder, threadId, sort }),
    changeMessages: (ids, change) => call('change_messages', { ids, change }),
    searchCrm: (query, limit) => call('search_crm', { query, limit }),
    networkChanged: (online) => call('network_changed', { online }),
    discoverSettings: (email) => call('discover_settings', { email }),
    testConnection: (input, password) => call('test_connection', { input, password }),
    addAccount: (input, password) => call('add_account', { input, password }),
    syncNow: (accountId) => call('sync_now', { accountId }),
    syncStatus: () => call('sync_status'),
    onSyncEvent: (handler) => listen<SyncEventDto>(SYNC_EVENT, (e) => handler(e.payload)),
    composeNew: (accountId) => call('compose_new', { accountId }),
    composeReply: (messageId, all) => call('compose_reply', { messageId, all }),
    composeForward: (messageId) => call('compose_forward', { messageId }),
    openDraft: (draftId) => call('open_draft', { draftId }),
    listDrafts: () => call('list_drafts'),
    saveDraft: (accountId, draftId, draft) => call('save_draft', { accountId, draftId, draft }),
    discardDraft: (draftId) => call('discard_draft', { draftId }),
    uploadDrafts: (accountId) => call('upload_drafts', { accountId }),
    sendDraft: (accountId, draftId, draft) => call('send_draft', { accountId, draftId, draft }),
    listOutbox: () => call('list_outbox'),
    retryOutbox: (id) => call('retry_outbox', { id }),
    deleteOutbox: (id) => call('delete_outbox', { id }),
    editOutbox: (id) => call('edit_outbox', { id }),
    suggestAddresses: (text, limit) => call('suggest_addresses', { text, limit }),
    // The bytes travel as the raw request body (no JSON array of numbers for a 20 MB file).
    stageAttachment: async (name, bytes) => {
      try {
        return await invoke('stage_attachment', bytes, { headers: { 'x-filename': encodeURIComponent(name) } });
      } catch (e) {
        throw toBackendError(e);
      }
    },
    onOutboxChanged: (handler) => listen(OUTBOX_EVENT, () => handler()),
    accountSettings: (accountId) => call('account_settings', { accountId }),
    saveAccountSettings: (settings) => call('save_account_settings', { settings }),
    crmUsers: () => call('crm_users'),
    crmExceptions: () => call('crm_exceptions'),
    addCrmException: (entry) => call('add_crm_exception', { entry }),
    removeCrmException: (entry) => call('remove_crm_exception', { entry }),
    openDemo: () => call('open_demo'),
    onOpenMail: (handler) => listen<OpenMailDto>(OPEN_MAIL_EVENT, (e) => handler(e.payload)),
    // The reader and the CRM sidebar's actions.
    setRemoteSender: (messageId, allow) => call('set_remote_sender', { messageId, allow }),
    openAttachment: (id) => call('open_attachment', { id }),
    saveAttachment: (id) => call('save_attachment', { id }),
    crmCreateFromSender: (messageId, kind) => call('crm_create_from_sender', { messageId, kind }),
    crmSearchRecords: (query) => call('crm_search_records', { query }),
    crmLinkRecord: (messageId, record) => call('crm_link_record', { messageId, record }),
    crmChooseDeal: (messageId, dealId) => call('crm_choose_deal', { messageId, dealId }),
    crmStages: () => call('crm_stages'),
    crmSetDealStage: (dealId, stage) => call('crm_set_deal_stage', { dealId, stage }),
    crmExcludeSender: (messageId, wholeDomain) => call('crm_exclude_sender', { messageId, wholeDomain }),
    crmAddNote: (record, body) => call('crm_add_note', { record, body }),
    crmAddTask: (record, title, dueAt) => call('crm_add_task', { record, title, dueAt }),
    crmSaveToCrm: (messageId) => call('crm_save_to_crm', { messageId }),
    crmNeedsReply: (hours) => call('crm_needs_reply', { hours }),
  };
}
