// The one interface the UI talks to. `tauri.ts` implements it over IPC; `src/test/memory.ts` in memory for tests.
// Components receive a Backend; none of them imports @tauri-apps/api.
// The commands' methods are generated from src-tauri/src/api/ (`commands.ts`); only events and raw-body
// commands are declared here by hand.
import type { Commands } from './commands';
import type { ComposeAttachmentDto, OpenMailDto, SyncEventDto, ErrorKind, Hint } from './types';

export type * from './types';

export interface Backend extends Commands {
  /** Subscribe to sync events; resolves to the unsubscribe function. */
  onSyncEvent(handler: (e: SyncEventDto) => void): Promise<() => void>;
  /** The outbox changed (queued, sent, parked); resolves to the unsubscribe function. */
  onOutboxChanged(handler: () => void): Promise<() => void>;
  /** A notification was clicked: open this message (or the account's Inbox). */
  onOpenMail(handler: (e: OpenMailDto) => void): Promise<() => void>;
  /** Keep a picked or dropped file for a draft (refused over 25 MB); the bytes travel as the raw body. */
  stageAttachment(name: string, bytes: Uint8Array): Promise<ComposeAttachmentDto>;
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
