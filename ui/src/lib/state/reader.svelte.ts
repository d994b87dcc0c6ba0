// The open message and its CRM sidebar: opening a row (or a message by id), j/k, marking read on open,
// remote content. Answers for a message that is no longer the one asked for last are dropped.
import { toBackendError } from '../backend/backend';
import type { CrmSidebarDto, MessageViewDto } from '../backend/types';
import type { MailState } from './mail.svelte';

export class ReaderState {
  readonly #mail: MailState;

  message = $state.raw<MessageViewDto | null>(null);
  error = $state<string | null>(null);
  /** The CRM sidebar of the open message. */
  crm = $state.raw<CrmSidebarDto | null>(null);
  crmError = $state<string | null>(null);
  #seq = 0;

  constructor(mail: MailState) {
    this.#mail = mail;
  }

  /** Escape: close the message and its sidebar. */
  close(): void {
    this.message = null;
    this.crm = null;
  }

  /** Open the row at `index` in the reader (a conversation opens its latest message). */
  async open(index: number, allowRemote = false): Promise<void> {
    const { list, selection } = this.#mail;
    if (index < 0 || index >= list.total) return;
    list.cursor = index;
    selection.anchor = index;
    if (!list.listRow(index)) await list.ensureRows(index, index + 1);
    const target = list.rowAt(index);
    if (!target) return;
    await this.openId(target.id, allowRemote);
  }

  /** Open a message by id (from the list, the Needs-reply view, a notification…). */
  async openId(id: number, allowRemote = false): Promise<void> {
    const seq = ++this.#seq;
    // The CRM sidebar is asked for at once, beside the message (not after it).
    const crm = this.loadCrm(id, seq);
    try {
      const m = await this.#mail.backend.getMessage(id, allowRemote);
      if (seq !== this.#seq) return;
      this.message = m;
      this.error = null;
      if (m.summary.unread) void this.markRead(m.summary.id);
      await crm;
    } catch (e) {
      if (seq === this.#seq) {
        this.message = null;
        this.error = toBackendError(e).message;
      }
    }
  }

  /** Refetch the open message's CRM sidebar (after a quick action). */
  async reloadCrm(): Promise<void> {
    const m = this.message;
    if (m) await this.loadCrm(m.summary.id, this.#seq);
  }

  /** j/k: move the cursor and show that message (dropping a selection). */
  async move(delta: number): Promise<void> {
    const { list, selection } = this.#mail;
    const n = list.total;
    if (n === 0) return;
    selection.clear();
    const next = list.cursor < 0 ? 0 : Math.min(n - 1, Math.max(0, list.cursor + delta));
    if (next !== list.cursor || !this.message) await this.open(next);
  }

  private async loadCrm(messageId: number, seq: number): Promise<void> {
    try {
      const c = await this.#mail.backend.crmSidebar(messageId);
      if (seq !== this.#seq) return;
      this.crm = c;
      this.crmError = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.crm = null;
      this.crmError = toBackendError(e).message;
    }
  }

  private async markRead(id: number): Promise<void> {
    const { accounts, backend, list } = this.#mail;
    try {
      await backend.changeMessage(id, { kind: 'seen', value: true });
      list.patchMessage(id, { unread: false });
      accounts.folders = await backend.listFolders(null);
    } catch (e) {
      list.error = toBackendError(e).message;
    }
  }

  /** "Always for this sender" (or back to asking): remembered in the profile, then the message is shown again. */
  async setRemoteSender(allow: boolean): Promise<void> {
    const m = this.message;
    if (!m) return;
    try {
      await this.#mail.backend.setRemoteSender(m.summary.id, allow);
    } catch (e) {
      this.error = toBackendError(e).message;
      return;
    }
    await this.loadImages(allow);
  }

  /** "Load images" for the open message. */
  async loadImages(allowRemote = true): Promise<void> {
    const m = this.message;
    if (!m) return;
    const seq = ++this.#seq;
    try {
      const again = await this.#mail.backend.getMessage(m.summary.id, allowRemote);
      if (seq === this.#seq) this.message = again;
    } catch (e) {
      if (seq === this.#seq) this.error = toBackendError(e).message;
    }
  }
}
