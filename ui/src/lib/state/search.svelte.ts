// The search box: results as you type (messages, and CRM contacts and companies), stale answers dropped.
// While results are shown the list shows them instead of the view.
import { toBackendError } from '../backend/backend';
import type { CrmHitDto, MessageSummaryDto } from '../backend/types';
import type { MailState } from './mail.svelte';

export const SEARCH_LIMIT = 300;
export const CRM_LIMIT = 6;

export class SearchState {
  readonly #mail: MailState;

  query = $state('');
  results = $state.raw<MessageSummaryDto[] | null>(null);
  /** The query whose results are shown. */
  resultsFor = $state('');
  /** CRM contacts and companies matching the query. */
  crmHits = $state.raw<CrmHitDto[]>([]);
  #busy = false;
  #pending: string | null = null;
  #seq = 0;

  constructor(mail: MailState) {
    this.#mail = mail;
  }

  get searching(): boolean {
    return this.results !== null;
  }

  /** Back to the view: no query, no results (an answer still on its way is dropped). */
  clear(): void {
    this.results = null;
    this.resultsFor = '';
    this.crmHits = [];
    this.query = '';
    this.#seq++;
  }

  /**
   * Results as you type: called on every keystroke. At most one search runs at a time; text typed
   * meanwhile runs next (only the latest), and an answer for text that is no longer in the box is
   * dropped. An empty query goes back to the folder.
   */
  async search(q: string, force = false): Promise<void> {
    this.query = q;
    const seq = ++this.#seq;
    if (!q.trim()) {
      this.#pending = null;
      this.crmHits = [];
      if (this.results) {
        this.results = null;
        this.resultsFor = '';
        await this.#mail.list.reset();
      }
      return;
    }
    if (!force && this.results && q === this.resultsFor) return;
    if (this.#busy) {
      this.#pending = q;
      return;
    }
    this.#busy = true;
    try {
      let next: string | null = q;
      let nextSeq = seq;
      while (next !== null) {
        await this.run(next, nextSeq);
        next = this.#pending;
        this.#pending = null;
        nextSeq = this.#seq;
      }
    } finally {
      this.#busy = false;
    }
  }

  private async run(q: string, seq: number): Promise<void> {
    const { backend, list, selection } = this.#mail;
    const v = list.view;
    const fresh = () => seq === this.#seq && q === this.query;
    try {
      const [rows, crm] = await Promise.all([
        backend.searchMessages(q, v.kind === 'folder' ? v.accountId : null, SEARCH_LIMIT, list.sort),
        backend.searchCrm(q, CRM_LIMIT).catch(() => [] as CrmHitDto[]),
      ]);
      if (!fresh()) return;
      list.invalidate();
      this.results = rows;
      this.resultsFor = q;
      this.crmHits = crm;
      list.error = null;
      list.cursor = -1;
      selection.clear();
    } catch (e) {
      if (fresh()) list.error = toBackendError(e).message;
    }
  }
}
