// Keys of the message list that the main window's shortcuts leave alone: selecting several messages
// (Shift+j/k, Ctrl/Cmd+A), dropping the selection (Escape), opening and closing a
// conversation (→ / ←). A pure function of the key event, like keys.ts.

export type ListKeyAction = 'extendNext' | 'extendPrev' | 'selectAll' | 'clearSelection' | 'expand' | 'collapse' | null;

export interface ListKeyLike {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  targetTag?: string;
  targetEditable?: boolean;
}

export function listKeyAction(e: ListKeyLike): ListKeyAction {
  const tag = (e.targetTag ?? '').toUpperCase();
  if (e.targetEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return null;
  if (e.altKey) return null;
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'a') return 'selectAll';
  if (e.ctrlKey || e.metaKey) return null;
  if (e.shiftKey && (e.key === 'J' || e.key === 'j')) return 'extendNext';
  if (e.shiftKey && (e.key === 'K' || e.key === 'k')) return 'extendPrev';
  if (e.shiftKey) return null;
  if (e.key === 'Escape') return 'clearSelection';
  if (e.key === 'ArrowRight') return 'expand';
  if (e.key === 'ArrowLeft') return 'collapse';
  return null;
}
