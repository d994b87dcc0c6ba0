// The list's rows as data: what a page holds, what a display row shows, and a change applied to all of them.
import type { ConversationDto, MessageSummaryDto } from '../backend/types';
import type { Expansion } from '../virtual';

/** What a display row of the list shows. */
export type ListRow =
  | { kind: 'message'; key: string; msg: MessageSummaryDto; child: boolean }
  | { kind: 'conversation'; key: string; conv: ConversationDto; expanded: boolean };

/** One row of a fetched page. */
export type Item = { kind: 'message'; msg: MessageSummaryDto } | { kind: 'conversation'; conv: ConversationDto };

/** An expanded conversation and the messages shown below it. */
export interface OpenThread extends Expansion {
  threadId: number;
  children: MessageSummaryDto[];
}

export interface Rows {
  results: MessageSummaryDto[] | null;
  pages: Map<number, Item[]>;
  openThreads: OpenThread[];
}

/**
 * The rows with message `id` changed wherever they show it (row, conversation, expanded child, result).
 * Each part is the same object when nothing in it changed.
 */
export function patched(rows: Rows, id: number, patch: Partial<MessageSummaryDto>): Rows {
  const apply = (m: MessageSummaryDto) => (m.id === id ? { ...m, ...patch } : m);
  const { openThreads } = rows;
  const results = rows.results?.some((r) => r.id === id) ? rows.results.map(apply) : rows.results;
  let changed = false;
  const next = new Map<number, Item[]>();
  for (const [p, items] of rows.pages) {
    next.set(
      p,
      items.map((it) => {
        if (it.kind === 'message') {
          if (it.msg.id !== id) return it;
          changed = true;
          return { kind: 'message', msg: apply(it.msg) };
        }
        const inThread = it.conv.latest.id === id || openThreads.some((o) => o.threadId === it.conv.threadId && o.children.some((c) => c.id === id));
        if (!inThread) return it;
        changed = true;
        const conv = { ...it.conv, latest: apply(it.conv.latest) };
        if (patch.unread === false) conv.unread = Math.max(0, conv.unread - 1);
        if (patch.flagged === true) conv.flagged = true;
        return { kind: 'conversation', conv };
      }),
    );
  }
  const threadsChanged = openThreads.some((o) => o.children.some((c) => c.id === id));
  return {
    results,
    pages: changed ? next : rows.pages,
    openThreads: threadsChanged ? openThreads.map((o) => ({ ...o, children: o.children.map(apply) })) : openThreads,
  };
}
