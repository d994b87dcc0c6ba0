// The only module that reaches Tauri. Command names and argument names match src-tauri/src/commands.rs
// (Tauri maps camelCase arguments to the Rust snake_case parameters).
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toBackendError, type Backend } from './backend';
import type { OpenMailDto, SyncEventDto } from './types';

/** Must match SYNC_EVENT in src-tauri/src/sync_cmds.rs. */
const SYNC_EVENT = 'sync-event';
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
    accountSettings: (accountId) => call('account_settings', { accountId }),
    saveAccountSettings: (settings) => call('save_account_settings', { settings }),
    crmUsers: () => call('crm_users'),
    crmExceptions: () => call('crm_exceptions'),
    addCrmException: (entry) => call('add_crm_exception', { entry }),
    removeCrmException: (entry) => call('remove_crm_exception', { entry }),
    openDemo: () => call('open_demo'),
    onOpenMail: (handler) => listen<OpenMailDto>(OPEN_MAIL_EVENT, (e) => handler(e.payload)),
  };
}
