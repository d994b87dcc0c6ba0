// The manager's "Needs reply" view: client emails nobody answered for more than `hours`, grouped by
// responsible manager, oldest first (the core's triage decides all of that).
import { toBackendError, type Backend } from '../backend/backend';
import type { NeedsReplyGroupDto } from '../backend/types';

export const HOUR_CHOICES = [4, 8, 24, 48, 72];

export class NeedsReplyState {
  readonly backend: Backend;
  hours = $state(24);
  groups = $state.raw<NeedsReplyGroupDto[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  #seq = 0;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  get count(): number {
    return this.groups.reduce((n, g) => n + g.items.length, 0);
  }

  async load(hours: number = this.hours): Promise<void> {
    this.hours = hours;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const g = await this.backend.crmNeedsReply(hours);
      if (seq !== this.#seq) return;
      this.groups = g;
      this.error = null;
    } catch (e) {
      if (seq === this.#seq) this.error = toBackendError(e).message;
    } finally {
      if (seq === this.#seq) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }
}
