// The main window's state, one store per concern, all over one Backend (tested with the in-memory one):
//   accounts   accounts, folders, whether the profile opened      (accounts.svelte.ts)
//   sync       running checks, progress, each account's status    (sync.svelte.ts)
//   list       the view, its rows (messages or conversations), the cursor (list.svelte.ts)
//   search     the search box and its results                     (search.svelte.ts)
//   selection  the multi-selection and bulk actions               (selection.svelte.ts)
//   reader     the open message and its CRM sidebar               (reader.svelte.ts)
// The stores reach each other through this one; what spans them (first load, keyboard actions on the
// message under the cursor) is here.
import { toBackendError, type Backend } from '../backend/backend';
import type { ChangeDto } from '../backend/types';
import { AccountsState } from './accounts.svelte';
import { ListState } from './list.svelte';
import { ReaderState } from './reader.svelte';
import { SearchState } from './search.svelte';
import { SelectionState } from './selection.svelte';
import { SyncState } from './sync.svelte';

export { PAGE_SIZE, type ListMode, type ListRow, type View } from './list.svelte';
export type { Selected } from './selection.svelte';

/** For the benchmark (tests/bench/ui-bench): a performance mark when a first-load call has answered. */
function marked<T>(name: string, p: Promise<T>): Promise<T> {
  return p.then((v) => {
    performance.mark(`dealbox:${name}`);
    return v;
  });
}

export class MailState {
  readonly backend: Backend;
  readonly accounts = new AccountsState();
  readonly sync: SyncState;
  readonly list: ListState;
  readonly search: SearchState;
  readonly selection: SelectionState;
  readonly reader: ReaderState;

  constructor(backend: Backend) {
    this.backend = backend;
    this.sync = new SyncState(this);
    this.list = new ListState(this);
    this.search = new SearchState(this);
    this.selection = new SelectionState(this);
    this.reader = new ReaderState(this);
  }

  async init(): Promise<void> {
    const accounts = this.accounts;
    try {
      // Asked together, not one after the other: a round trip saved before the first rows. When the profile
      // could not be opened the other calls fail with that same error; the profile error is what is shown.
      const loading = this.reloadAccounts();
      loading.catch(() => {});
      accounts.info = await this.backend.appInfo();
      performance.mark('dealbox:first-ipc');
      if (accounts.info.profileError) {
        accounts.fatal = accounts.info.profileError.message;
        return;
      }
      await loading;
      performance.mark('dealbox:data');
    } catch (e) {
      accounts.fatal = toBackendError(e).message;
    } finally {
      accounts.loaded = true;
    }
  }

  async reloadAccounts(): Promise<void> {
    // All at once, the list's first page too: the window is painted as soon as the first rows are here.
    const [accounts, folders, statuses] = await Promise.all([
      marked('accounts', this.backend.listAccounts()),
      marked('folders', this.backend.listFolders(null)),
      marked('status', this.backend.syncStatus()),
      marked('page', this.list.select(this.list.view)),
    ]);
    this.accounts.accounts = accounts;
    this.accounts.folders = folders;
    this.sync.statuses = statuses;
  }

  /** s: flag or unflag the message under the cursor (or the selection). */
  async toggleFlag(): Promise<void> {
    if (this.selection.any) {
      await this.selection.bulk({ kind: 'flagged', value: true });
      return;
    }
    const row = this.list.rowAt(this.list.cursor);
    if (!row) return;
    if (await this.apply(row.id, { kind: 'flagged', value: !row.flagged })) this.list.patchMessage(row.id, { flagged: !row.flagged });
  }

  /** e / #: archive or delete the message under the cursor (or the selection), then show the next one. */
  async remove(kind: 'archive' | 'delete'): Promise<void> {
    if (this.selection.any) {
      await this.selection.bulk({ kind });
      return;
    }
    const { list, reader, search } = this;
    const i = list.cursor;
    const row = list.rowAt(i);
    if (!row) return;
    if (!(await this.apply(row.id, { kind }))) return;
    reader.message = null;
    if (search.results) {
      search.results = search.results.filter((r) => r.id !== row.id);
    } else {
      await list.refresh();
    }
    if (list.total > 0) await reader.open(Math.min(i, list.total - 1));
    else list.cursor = -1;
  }

  private async apply(id: number, change: ChangeDto): Promise<boolean> {
    try {
      await this.backend.changeMessage(id, change);
      return true;
    } catch (e) {
      this.list.error = toBackendError(e).message;
      return false;
    }
  }
}
