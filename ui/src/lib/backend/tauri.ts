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
    searchMessages: (query, accountId, limit, sort) => call('search_messages', { query, accountId, limit, sort }),
    listConversations: (q) => call('list_conversations', { ...q }),
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
  };
}
