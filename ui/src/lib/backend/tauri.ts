// The only module that reaches Tauri. The commands' wrappers are generated (`commands.ts`, from
// src-tauri/src/api/); events and the raw-body upload are wired here.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toBackendError, type Backend } from './backend';
import { commands } from './commands';
import type { OpenMailDto, SyncEventDto } from './types';

/** Must match SYNC_EVENT in src-tauri/src/wire/sync.rs. */
const SYNC_EVENT = 'sync-event';
/** Must match OUTBOX_EVENT in src-tauri/src/wire/compose.rs. */
const OUTBOX_EVENT = 'outbox-changed';
/** Must match OPEN_MAIL_EVENT in src-tauri/src/notifications.rs. */
const OPEN_MAIL_EVENT = 'open-mail';

async function call<R>(cmd: string, args?: Record<string, unknown>): Promise<R> {
  try {
    return await invoke<R>(cmd, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

export function createTauriBackend(): Backend {
  return {
    ...commands(call),
    onSyncEvent: (handler) => listen<SyncEventDto>(SYNC_EVENT, (e) => handler(e.payload)),
    onOutboxChanged: (handler) => listen(OUTBOX_EVENT, () => handler()),
    onOpenMail: (handler) => listen<OpenMailDto>(OPEN_MAIL_EVENT, (e) => handler(e.payload)),
    // The bytes travel as the raw request body (no JSON array of numbers for a 20 MB file).
    stageAttachment: async (name, bytes) => {
      try {
        return await invoke('stage_attachment', bytes, { headers: { 'x-filename': encodeURIComponent(name) } });
      } catch (e) {
        throw toBackendError(e);
      }
    },
  };
}
