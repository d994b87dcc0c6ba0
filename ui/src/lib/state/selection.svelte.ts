// The multi-selection of the list (Ctrl/Shift-click, Shift+j/k, Ctrl+A) and the bulk actions on it.
import { toBackendError } from '../backend/backend';
import { rangeBetween } from '../virtual';
import type { ChangeDto } from '../backend/types';
import { scopeOf, type ListRow } from './list.svelte';
import type { MailState } from './mail.svelte';

/** Pages fetched at once when a bulk action covers the whole view (Ctrl+A). */
const BULK_PAGE = 500;

/** One selected row: a message, or a whole conversation (its messages are looked up when acted on). */
export interface Selected {
  ids: number[];
  threadId: number | null;
  /** Messages it stands for. */
  count: number;
}

function selectedOf(row: ListRow): Selected {
  if (row.kind === 'message') return { ids: [row.msg.id], threadId: null, count: 1 };
  const c = row.conv;
  return c.count > 1 ? { ids: [], threadId: c.threadId, count: c.count } : { ids: [c.latest.id], threadId: null, count: 1 };
}

export class SelectionState {
  readonly #mail: MailState;

  /** Selected rows by key ("m:12", "t:40"). */
  rows = $state.raw<Map<string, Selected>>(new Map());
  /** Every row of the view (Ctrl+A). */
  all = $state(false);
  /** The display row a Shift-click or Shift+j/k selects from (the last row clicked or opened). */
  anchor = -1;

  constructor(mail: MailState) {
    this.#mail = mail;
  }

  /** Messages the selection stands for. */
  get count(): number {
    if (this.all) return this.#mail.list.messageTotal;
    let n = 0;
    for (const s of this.rows.values()) n += s.count;
    return n;
  }

  get any(): boolean {
    return this.all || this.rows.size > 0;
  }

  has(key: string): boolean {
    return this.all || this.rows.has(key);
  }

  clear(): void {
    if (this.rows.size) this.rows = new Map();
    this.all = false;
  }

  /** Ctrl/Cmd-click: add or remove one row. */
  toggle(i: number): void {
    const list = this.#mail.list;
    const row = list.listRow(i);
    if (!row) return;
    const next = new Map(this.rows);
    if (this.all) {
      // Leaving "all" keeps what is loaded, minus this row.
      for (let k = 0; k < list.total; k++) {
        const r = list.listRow(k);
        if (r) next.set(r.key, selectedOf(r));
      }
      this.all = false;
    }
    // Opening a message and then Ctrl-clicking another selects both.
    if (next.size === 0 && list.cursor >= 0 && list.cursor !== i) {
      const cur = list.listRow(list.cursor);
      if (cur) next.set(cur.key, selectedOf(cur));
    }
    if (next.has(row.key)) next.delete(row.key);
    else next.set(row.key, selectedOf(row));
    this.rows = next;
    list.cursor = i;
    this.anchor = i;
  }

  /** Shift-click: select every row from the anchor (the last row clicked) to `i`. */
  async range(i: number): Promise<void> {
    const list = this.#mail.list;
    const from = this.anchor >= 0 ? this.anchor : Math.max(0, list.cursor);
    const range = rangeBetween(from, i);
    await list.ensureRows(range[0], range[range.length - 1] + 1);
    const next = new Map<string, Selected>();
    for (const k of range) {
      const r = list.listRow(k);
      if (r) next.set(r.key, selectedOf(r));
    }
    this.all = false;
    this.rows = next;
    list.cursor = i;
  }

  /** Shift+j / Shift+k: grow or shrink the selection from the anchor by one row. */
  async extend(delta: number): Promise<void> {
    const list = this.#mail.list;
    const n = list.total;
    if (n === 0) return;
    if (list.cursor < 0) list.cursor = 0;
    if (this.anchor < 0 || !this.any) this.anchor = list.cursor;
    const anchor = this.anchor;
    const next = Math.min(n - 1, Math.max(0, list.cursor + delta));
    await this.range(next);
    this.anchor = anchor;
  }

  /** Ctrl/Cmd+A: every row of the view. */
  selectAll(): void {
    if (this.#mail.list.total === 0) return;
    this.rows = new Map();
    this.all = true;
  }

  /** The message ids the selection stands for (conversations and "all" are looked up). */
  async ids(): Promise<number[]> {
    const { backend, list, search } = this.#mail;
    const { accountId, folder } = scopeOf(list.view);
    if (this.all) {
      if (search.results) return search.results.map((r) => r.id);
      const total = list.messageTotal;
      const pages = await Promise.all(
        Array.from({ length: Math.ceil(total / BULK_PAGE) }, (_, p) =>
          backend.listMessages({ accountId, folder, offset: p * BULK_PAGE, limit: BULK_PAGE }),
        ),
      );
      return [...new Set(pages.flat().map((m) => m.id))];
    }
    const ids: number[] = [];
    const threads: number[] = [];
    for (const s of this.rows.values()) {
      ids.push(...s.ids);
      if (s.threadId !== null) threads.push(s.threadId);
    }
    const inThreads = await Promise.all(threads.map((t) => backend.conversationMessages(accountId, folder, t, list.sort)));
    return [...new Set([...ids, ...inThreads.flat().map((m) => m.id)])];
  }

  /** Apply one change to every selected message in one call, then show the list as it is now. */
  async bulk(change: ChangeDto): Promise<boolean> {
    if (!this.any) return false;
    const { accounts, backend, list, reader, search } = this.#mail;
    let ok = true;
    try {
      const ids = await this.ids();
      if (ids.length) await backend.changeMessages(ids, change);
    } catch (e) {
      ok = false;
      list.error = toBackendError(e).message;
    }
    const leaves = !['seen', 'flagged'].includes(change.kind);
    this.clear();
    if (leaves) {
      reader.message = null;
      list.cursor = -1;
    }
    if (search.results) {
      await search.search(search.query, true);
      accounts.folders = await backend.listFolders(null);
    } else {
      await list.refresh();
    }
    return ok;
  }

  /** Folders a selection can move to: the open account's, or (in the unified inbox) the roles. */
  get moveTargets(): { to: string; label: string }[] {
    const { accounts, list } = this.#mail;
    const v = list.view;
    if (v.kind === 'folder') {
      return accounts
        .foldersOf(v.accountId)
        .filter((f) => f.name !== v.folder)
        .map((f) => ({ to: f.name, label: f.displayName || f.name }));
    }
    const roles = [...new Set(accounts.folders.map((f) => f.role).filter((r): r is string => !!r && r !== 'inbox'))];
    return roles.map((r) => ({ to: r, label: accounts.folders.find((f) => f.role === r)?.displayName ?? r }));
  }
}
