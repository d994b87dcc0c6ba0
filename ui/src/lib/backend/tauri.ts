// The only module that reaches Tauri. Command names and argument names match src-tauri/src/commands.rs
// (Tauri maps camelCase arguments to the Rust snake_case parameters).
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toBackendError, type Backend } from './backend';
import type { SyncEventDto } from './types';

/** Must match SYNC_EVENT in src-tauri/src/sync_cmds.rs. */
const SYNC_EVENT = 'sync-event';

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
    listMessages: (q) => call('list_messages', { ...q }),
    getMessage: (id, allowRemote) => call('get_message', { id, allowRemote }),
    changeMessage: (id, change) => call('change_message', { id, change }),
    crmSidebar: (messageId) => call('crm_sidebar', { messageId }),
    searchMessages: (query, accountId, limit) => call('search_messages', { query, accountId, limit }),
    discoverSettings: (email) => call('discover_settings', { email }),
    testConnection: (input, password) => call('test_connection', { input, password }),
    addAccount: (input, password) => call('add_account', { input, password }),
    syncNow: (accountId) => call('sync_now', { accountId }),
    syncStatus: () => call('sync_status'),
    onSyncEvent: (handler) => listen<SyncEventDto>(SYNC_EVENT, (e) => handler(e.payload)),
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
