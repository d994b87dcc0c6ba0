// Sync status: which checks run, their progress, each account's last result; Sync pressed; the network.
import { toBackendError } from '../backend/backend';
import type { SyncEventDto, SyncStatusDto } from '../backend/types';
import type { MailState } from './mail.svelte';

export class SyncState {
  readonly #mail: MailState;

  /** Accounts whose check is running. */
  checking = $state.raw<number[]>([]);
  /** Counts finished checks: views that are not the list (Needs reply) refetch when it moves. */
  checksFinished = $state(0);
  #pressed = $state(false);
  /** "work: INBOX 120/400" while a check fetches. */
  progress = $state<string | null>(null);
  statuses = $state.raw<SyncStatusDto[]>([]);

  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(mail: MailState) {
    this.#mail = mail;
  }

  /** A check is running (or Sync was just pressed). */
  get syncing(): boolean {
    return this.#pressed || this.checking.length > 0;
  }

  statusOf(accountId: number): SyncStatusDto | undefined {
    return this.statuses.find((s) => s.accountId === accountId);
  }

  /** Sync pressed: the scheduler checks every account now; events report progress and changes. */
  async syncNow(): Promise<void> {
    if (!this.#mail.accounts.hasAccounts) return;
    this.#pressed = true;
    try {
      await this.#mail.backend.syncNow(null);
    } catch (e) {
      this.#pressed = false;
      this.#mail.list.error = toBackendError(e).message;
    }
  }

  /** React to a sync event: track running checks, show progress, refetch what changed (batched). */
  onSyncEvent(e: SyncEventDto): void {
    switch (e.type) {
      case 'checkStarted':
        this.#pressed = false;
        if (!this.checking.includes(e.accountId)) this.checking = [...this.checking, e.accountId];
        break;
      case 'progress':
        this.progress = `${this.#mail.accounts.accountName(e.accountId)}: ${e.folder} ${e.done}/${e.total}`;
        break;
      case 'messagesChanged':
      case 'foldersChanged':
        this.cancelRefresh();
        this.#refreshTimer = setTimeout(() => void this.#mail.list.refresh(), 250);
        break;
      case 'checkFinished':
        this.#pressed = false;
        this.checking = this.checking.filter((id) => id !== e.accountId);
        if (this.checking.length === 0) this.progress = null;
        this.checksFinished++;
        void this.reloadStatuses().then(() => this.#mail.list.refresh());
        break;
      default:
        break;
    }
  }

  /** A refetch is starting anyway: the batched one is not needed. */
  cancelRefresh(): void {
    clearTimeout(this.#refreshTimer);
  }

  async reloadStatuses(): Promise<void> {
    try {
      this.statuses = await this.#mail.backend.syncStatus();
    } catch (e) {
      this.#mail.list.error = toBackendError(e).message;
    }
  }

  /** The window went offline or online: the sync policy waits for the network. */
  async networkChanged(online: boolean): Promise<void> {
    try {
      await this.#mail.backend.networkChanged(online);
      await this.reloadStatuses();
    } catch (e) {
      this.#mail.list.error = toBackendError(e).message;
    }
  }
}
