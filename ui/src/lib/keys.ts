// Keyboard shortcuts of the main window, as a pure function of the key event (and of a pending prefix key:
// "g" then "i" goes to the inbox).

export type KeyAction =
  | 'next'
  | 'prev'
  | 'open'
  | 'search'
  | 'sync'
  | 'archive'
  | 'delete'
  | 'flag'
  | 'reply'
  | 'replyAll'
  | 'forward'
  | 'compose'
  /** u: back to the list (close the message, or the compose pane). */
  | 'back'
  /** Escape: close the compose pane (works while typing in it). */
  | 'close'
  /** g: wait for the second key of a sequence. */
  | 'prefix'
  | 'goInbox'
  | null;

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The focused element's tag, e.g. "INPUT"; shortcuts are off while typing. */
  targetTag?: string;
  targetEditable?: boolean;
}

/** How long the second key of "g i" may wait. */
export const PREFIX_TIMEOUT_MS = 1500;

/** The action for `e`; `pending` is the prefix key pressed just before ("g"), if any. */
export function keyAction(e: KeyLike, pending: string | null = null): KeyAction {
  if (e.key === 'F5') return 'sync';
  if (e.key === 'Escape' && !e.ctrlKey && !e.metaKey && !e.altKey) return 'close';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const tag = (e.targetTag ?? '').toUpperCase();
  if (e.targetEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return null;
  if (pending === 'g') return e.key === 'i' ? 'goInbox' : null;
  switch (e.key) {
    case 'j':
    case 'ArrowDown':
      return 'next';
    case 'k':
    case 'ArrowUp':
      return 'prev';
    case 'Enter':
      return tag === 'BUTTON' || tag === 'A' ? null : 'open';
    case '/':
      return 'search';
    case 'e':
      return 'archive';
    case '#':
    case 'Delete':
      return 'delete';
    case 's':
      return 'flag';
    case 'r':
      return 'reply';
    case 'a':
      return 'replyAll';
    case 'f':
      return 'forward';
    case 'c':
      return 'compose';
    case 'u':
      return 'back';
    case 'g':
      return 'prefix';
    default:
      return null;
  }
}

/** While the compose pane is open only these act (the list under it must not change by a stray key). */
export function allowedWhileComposing(a: KeyAction): boolean {
  return a === 'close' || a === 'back' || a === 'sync' || a === 'prefix' || a === 'goInbox';
}
