// Accounts and their folders, and whether the profile opened at all. Read by every other store.
import type { AccountDto, AppInfo, FolderDto } from '../backend/types';

export class AccountsState {
  info = $state.raw<AppInfo | null>(null);
  loaded = $state(false);
  /** A failure that blocks the window (profile cannot be opened, store error). */
  fatal = $state<string | null>(null);
  accounts = $state.raw<AccountDto[]>([]);
  folders = $state.raw<FolderDto[]>([]);

  get hasAccounts(): boolean {
    return this.accounts.length > 0;
  }

  get inboxes(): FolderDto[] {
    return this.folders.filter((f) => f.role === 'inbox');
  }

  get unifiedUnread(): number {
    return this.inboxes.reduce((n, f) => n + f.unread, 0);
  }

  foldersOf(accountId: number): FolderDto[] {
    return this.folders.filter((f) => f.accountId === accountId);
  }

  folder(accountId: number, name: string): FolderDto | undefined {
    return this.folders.find((f) => f.accountId === accountId && f.name === name);
  }

  accountName(accountId: number): string {
    return this.accounts.find((a) => a.id === accountId)?.name ?? '';
  }
}
