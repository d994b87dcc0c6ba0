// The CRM sidebar's quick actions on the open message. Each calls the core through the backend, then
// refetches the sidebar (the core decides what changed; the UI never patches CRM data itself).
import type { CrmRecordDto, CrmSidebarDto } from '../backend/types';
import { explain } from '../errors';
import type { MailState } from './mail.svelte';

/** The records of a sidebar a note or task can go to: the message's links first, then its people and deals. */
export function targets(crm: CrmSidebarDto | null): CrmRecordDto[] {
  if (!crm) return [];
  const out: CrmRecordDto[] = [];
  const add = (r: CrmRecordDto) => {
    if (!out.some((o) => o.kind === r.kind && o.id === r.id)) out.push(r);
  };
  for (const l of crm.outcome?.kind === 'skipped' ? [] : (crm.outcome?.links ?? [])) add(l);
  for (const p of crm.people.filter((p) => !p.ours)) {
    if (p.contactId !== null) add({ kind: 'contact', id: p.contactId, name: p.contact ?? p.address });
    if (p.companyId !== null) add({ kind: 'company', id: p.companyId, name: p.company ?? '' });
    if (p.leadId !== null) add({ kind: 'lead', id: p.leadId, name: p.lead ?? '' });
  }
  for (const d of crm.openDeals) add({ kind: 'deal', id: d.id, name: d.title });
  return out;
}

export class CrmActions {
  readonly mail: MailState;
  busy = $state(false);
  error = $state<string | null>(null);
  /** What the last action did, in words ("Contact created"). */
  notice = $state<string | null>(null);
  stages = $state.raw<string[]>([]);
  results = $state.raw<CrmRecordDto[]>([]);
  #searchSeq = 0;

  constructor(mail: MailState) {
    this.mail = mail;
  }

  private get messageId(): number | null {
    return this.mail.reader.message?.summary.id ?? null;
  }

  /** Run one action on the open message; refetch the sidebar on success. */
  private async run(action: (messageId: number) => Promise<unknown>, done: string): Promise<boolean> {
    const id = this.messageId;
    if (id === null || this.busy) return false;
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await action(id);
      await this.mail.reader.reloadCrm();
      this.notice = done;
      return true;
    } catch (e) {
      this.error = explain(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Forget the last result when another message opens. */
  reset(): void {
    this.error = null;
    this.notice = null;
    this.results = [];
  }

  createFromSender(kind: 'contact' | 'lead', done: string): Promise<boolean> {
    return this.run((id) => this.mail.backend.crmCreateFromSender(id, kind), done);
  }

  async search(query: string): Promise<void> {
    const seq = ++this.#searchSeq;
    try {
      const r = await this.mail.backend.crmSearchRecords(query);
      if (seq === this.#searchSeq) this.results = r;
    } catch (e) {
      if (seq === this.#searchSeq) this.error = explain(e);
    }
  }

  async link(record: CrmRecordDto, done: string): Promise<boolean> {
    const ok = await this.run((id) => this.mail.backend.crmLinkRecord(id, record), done);
    if (ok) this.results = [];
    return ok;
  }

  chooseDeal(dealId: number, done: string): Promise<boolean> {
    return this.run((id) => this.mail.backend.crmChooseDeal(id, dealId), done);
  }

  async loadStages(): Promise<void> {
    if (this.stages.length) return;
    try {
      this.stages = await this.mail.backend.crmStages();
    } catch (e) {
      this.error = explain(e);
    }
  }

  setStage(dealId: number, stage: string, done: string): Promise<boolean> {
    return this.run(() => this.mail.backend.crmSetDealStage(dealId, stage), done);
  }

  exclude(wholeDomain: boolean, done: (entry: string) => string): Promise<boolean> {
    let entry = '';
    return this.run(async (id) => {
      entry = await this.mail.backend.crmExcludeSender(id, wholeDomain);
    }, '').then((ok) => {
      if (ok) this.notice = done(entry);
      return ok;
    });
  }

  addNote(record: CrmRecordDto, body: string, done: string): Promise<boolean> {
    return this.run(() => this.mail.backend.crmAddNote(record, body), done);
  }

  addTask(record: CrmRecordDto, title: string, dueAt: number | null, done: string): Promise<boolean> {
    return this.run(() => this.mail.backend.crmAddTask(record, title, dueAt), done);
  }

  /** "Save to CRM" / "Save anyway". */
  save(done: string): Promise<boolean> {
    return this.run((id) => this.mail.backend.crmSaveToCrm(id), done);
  }
}
