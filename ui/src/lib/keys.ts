// Keyboard shortcuts of the main window, as a pure function of the key event.

export type KeyAction = 'next' | 'prev' | 'open' | 'search' | 'sync' | 'archive' | 'delete' | 'flag' | null;

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The focused element's tag, e.g. "INPUT"; shortcuts are off while typing. */
  targetTag?: string;
  targetEditable?: boolean;
}

export function keyAction(e: KeyLike): KeyAction {
  if (e.key === 'F5') return 'sync';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const tag = (e.targetTag ?? '').toUpperCase();
  if (e.targetEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return null;
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
    default:
      return null;
  }
}
