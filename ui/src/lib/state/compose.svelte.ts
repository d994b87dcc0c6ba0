// The compose pane and the outbox strip: what is being written (saved as a draft as the user types),
// sending through the durable outbox, and the outbox's state. Pure logic over a Backend, tested with the
// in-memory one.
import { getContext, setContext } from 'svelte';
import type { Backend } from '../backend/backend';
import { explain } from '../errors';
import type {
  ComposeAttachmentDto,
  ComposeDto,
  DraftDto,
  DraftSummaryDto,
  OutboxItemDto,
} from '../backend/types';
import { t } from '../i18n/index.svelte';
import { htmlToText, textToHtml } from '../richtext';

export type ComposeKind = 'new' | 'reply' | 'replyAll' | 'forward' | 'draft';

/** The core refuses bigger attachments (crates/core/src/send/compose.rs MAX_ATTACHMENT_BYTES). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** Drafts are saved this long after the last keystroke. */
export const SAVE_DELAY_MS = 800;

export function megabytes(n: number): string {
  return (n / (1024 * 1024)).toFixed(1);
}

export class ComposeState {
  readonly backend: Backend;

  /** A compose pane is open. */
  open = $state(false);
  kind = $state<ComposeKind>('new');
  accountId = $state(0);
  draftId = $state<number | null>(null);

  to = $state<string[]>([]);
  cc = $state<string[]>([]);
  bcc = $state<string[]>([]);
  showCcBcc = $state(false);
  subject = $state('');
  /** Rich text (editor HTML) or plain text. */
  rich = $state(true);
  /** The body: plain text when `rich` is off, else derived from `html` when saving. */
  text = $state('');
  html = $state('');
  attachments = $state<ComposeAttachmentDto[]>([]);
  inReplyTo: string | null = null;
  references: string[] = [];
  replyToMessage: number | null = null;

  /** Changed since the last save. */
  dirty = $state(false);
  saving = $state(false);
  savedAt = $state<number | null>(null);
  sending = $state(false);
  /** Why the last action failed (shown in the pane). */
  error = $state<string | null>(null);
  /** Files being read and staged. */
  attaching = $state(0);
  /** Bumped when a pane opens, so the component can focus the right field. */
  opened = $state(0);

  /** Called when a message was sent, kept as a draft or discarded (the outbox strip refetches). */
  onDone: () => void = () => {};

  #timer: ReturnType<typeof setTimeout> | undefined;
  #saveChain: Promise<void> = Promise.resolve();

  constructor(backend: Backend) {
    this.backend = backend;
  }

  get title(): string {
    switch (this.kind) {
      case 'reply':
        return t('Reply');
      case 'replyAll':
        return t('Reply all');
      case 'forward':
        return t('Forward');
      case 'draft':
        return t('Draft');
      default:
        return t('New message');
    }
  }

  /** The draft as the core wants it: the HTML body goes with its plain-text alternative. */
  toDraft(): DraftDto {
    return {
      to: [...this.to],
      cc: [...this.cc],
      bcc: [...this.bcc],
      subject: this.subject,
      text: this.rich ? htmlToText(this.html) : this.text,
      html: this.rich ? this.html : null,
      attachments: this.attachments.map((a) => ({ ...a })),
      inReplyTo: this.inReplyTo,
      references: [...this.references],
      replyToMessage: this.replyToMessage,
    };
  }

  private load(kind: ComposeKind, c: ComposeDto): void {
    clearTimeout(this.#timer);
    const d = c.draft;
    this.kind = kind;
    this.accountId = c.accountId;
    this.draftId = c.draftId;
    this.to = [...d.to];
    this.cc = [...d.cc];
    this.bcc = [...d.bcc];
    this.showCcBcc = d.cc.length > 0 || d.bcc.length > 0;
    this.subject = d.subject;
    this.rich = d.html !== null || kind !== 'draft';
    // Text from mail (a quoted reply or forward) enters the editor escaped. A saved draft's HTML is
    // sanitised by the editor when it is shown (richtext.sanitizeRich).
    //
    // SIGNATURE: the account's signature is not inserted here: the core appends it below the body when it
    // builds the message (crates/core/src/send/compose.rs, `build_unchecked`). To show it while typing,
    // insert it into the new body at this one place (and stop the core from appending it twice).
    this.html = d.html ?? textToHtml(d.text);
    this.text = d.text;
    this.attachments = d.attachments.map((a) => ({ ...a }));
    this.inReplyTo = d.inReplyTo;
    this.references = [...d.references];
    this.replyToMessage = d.replyToMessage;
    this.dirty = false;
    this.saving = false;
    this.savedAt = null;
    this.sending = false;
    this.error = null;
    this.open = true;
    this.opened++;
  }

  private async begin(kind: ComposeKind, get: () => Promise<ComposeDto>): Promise<void> {
    if (this.open) await this.close();
    try {
      this.load(kind, await get());
    } catch (e) {
      this.error = explain(e);
    }
  }

  newMessage(accountId: number | null = null): Promise<void> {
    return this.begin('new', () => this.backend.composeNew(accountId));
  }

  reply(messageId: number, all = false): Promise<void> {
    return this.begin(all ? 'replyAll' : 'reply', () => this.backend.composeReply(messageId, all));
  }

  forward(messageId: number): Promise<void> {
    return this.begin('forward', () => this.backend.composeForward(messageId));
  }

  openDraft(draftId: number): Promise<void> {
    return this.begin('draft', () => this.backend.openDraft(draftId));
  }

  /** Load a compose result already fetched (e.g. a parked message taken back from the outbox). */
  async show(kind: ComposeKind, c: ComposeDto): Promise<void> {
    if (this.open) await this.close();
    this.load(kind, c);
  }

  /** Something was typed: save a little later (debounced). */
  changed(): void {
    if (!this.open) return;
    this.dirty = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Save now. Saves run one after another, so a new draft is created once. */
  save(): Promise<void> {
    clearTimeout(this.#timer);
    this.#saveChain = this.#saveChain.then(async () => {
      if (!this.open || !this.dirty) return;
      this.dirty = false;
      this.saving = true;
      try {
        this.draftId = await this.backend.saveDraft(this.accountId, this.draftId, this.toDraft());
        this.savedAt = Date.now();
      } catch (e) {
        this.dirty = true;
        this.error = t('The draft could not be saved: {why}', { why: explain(e) });
      } finally {
        this.saving = false;
      }
    });
    return this.#saveChain;
  }

  /** Send from another account: the draft moves with it. */
  async setAccount(accountId: number): Promise<void> {
    if (accountId === this.accountId) return;
    await this.save();
    const old = this.draftId;
    this.accountId = accountId;
    this.draftId = null;
    if (old !== null) {
      try {
        await this.backend.discardDraft(old);
      } catch {
        // Already gone: nothing to move.
      }
    }
    this.changed();
  }

  /** The pane closes; the draft is kept (saved now, and uploaded to the server's Drafts folder). */
  async close(): Promise<void> {
    if (!this.open) return;
    await this.save();
    const { draftId, accountId } = this;
    this.reset();
    if (draftId !== null) {
      this.onDone();
      try {
        await this.backend.uploadDrafts(accountId);
      } catch {
        // The draft is saved locally; the upload is retried with the next one.
      }
    }
  }

  /** Throw the message away, draft included. */
  async discard(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#saveChain;
    const id = this.draftId;
    this.reset();
    if (id !== null) {
      try {
        await this.backend.discardDraft(id);
      } catch (e) {
        this.error = explain(e);
      }
      this.onDone();
    }
  }

  private reset(): void {
    clearTimeout(this.#timer);
    this.open = false;
    this.draftId = null;
    this.dirty = false;
    this.error = null;
    this.sending = false;
  }

  /** Put the message in the outbox (the shell starts sending at once). Stays open with the reason if refused. */
  async send(): Promise<boolean> {
    if (!this.open || this.sending) return false;
    if (this.to.length + this.cc.length + this.bcc.length === 0) {
      this.error = t('Add at least one recipient.');
      return false;
    }
    const big = this.attachments.find((a) => a.size > MAX_ATTACHMENT_BYTES);
    if (big) {
      this.error = tooBig(big.filename, big.size);
      return false;
    }
    clearTimeout(this.#timer);
    await this.#saveChain;
    this.sending = true;
    this.error = null;
    try {
      await this.backend.sendDraft(this.accountId, this.draftId, this.toDraft());
      this.reset();
      this.onDone();
      return true;
    } catch (e) {
      this.error = explain(e);
      this.sending = false;
      return false;
    }
  }

  /** Attach picked or dropped files; anything over 25 MB is refused before it is read. */
  async addFiles(files: Iterable<File>): Promise<void> {
    const refused: string[] = [];
    for (const f of files) {
      if (f.size > MAX_ATTACHMENT_BYTES) {
        refused.push(tooBig(f.name, f.size));
        continue;
      }
      this.attaching++;
      try {
        const bytes = await readBytes(f);
        const a = await this.backend.stageAttachment(f.name, bytes);
        if (!this.open) return;
        this.attachments = [...this.attachments, a];
        this.changed();
      } catch (e) {
        refused.push(explain(e));
      } finally {
        this.attaching--;
      }
    }
    this.error = refused.length ? refused.join(' ') : null;
  }

  removeAttachment(i: number): void {
    this.attachments = this.attachments.filter((_, j) => j !== i);
    this.changed();
  }

  /** Switch between rich text and plain text, keeping the words. */
  setRich(on: boolean): void {
    if (on === this.rich) return;
    if (on) this.html = textToHtml(this.text);
    else this.text = htmlToText(this.html);
    this.rich = on;
    this.changed();
  }
}

/** The file's bytes (FileReader where Blob.arrayBuffer is missing, as in older WebKit and jsdom). */
function readBytes(f: File): Promise<Uint8Array> {
  if (typeof f.arrayBuffer === 'function') return f.arrayBuffer().then((b) => new Uint8Array(b));
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error ?? new Error(`cannot read ${f.name}`));
    r.readAsArrayBuffer(f);
  });
}

function tooBig(name: string, size: number): string {
  return t('{name} is {size} MB; the limit is 25 MB per attachment. Share it as a link or compress it.', {
    name,
    size: megabytes(size),
  });
}

/** Outbox states that are still on their way. */
const ACTIVE = new Set(['queued', 'sending', 'committing', 'sent']);

/** The outbox strip: what is queued, sending, parked (with the server's reason) or just sent, and drafts. */
export class OutboxState {
  readonly backend: Backend;
  items = $state.raw<OutboxItemDto[]>([]);
  drafts = $state.raw<DraftSummaryDto[]>([]);
  error = $state<string | null>(null);
  #poll: ReturnType<typeof setTimeout> | undefined;

  constructor(backend: Backend) {
    this.backend = backend;
  }

  get active(): OutboxItemDto[] {
    return this.items.filter((i) => ACTIVE.has(i.state));
  }

  get parked(): OutboxItemDto[] {
    return this.items.filter((i) => i.state === 'parked' || (i.state === 'done' && i.lastError));
  }

  get sent(): OutboxItemDto[] {
    return this.items.filter((i) => i.state === 'done' && !i.lastError);
  }

  async refresh(): Promise<void> {
    clearTimeout(this.#poll);
    try {
      [this.items, this.drafts] = await Promise.all([this.backend.listOutbox(), this.backend.listDrafts()]);
      this.error = null;
    } catch (e) {
      this.error = explain(e);
    }
    // While something is on its way, look again shortly (the flush runs in the background).
    if (this.active.length) this.#poll = setTimeout(() => void this.refresh(), 1000);
  }

  stop(): void {
    clearTimeout(this.#poll);
  }

  async retry(id: number): Promise<void> {
    try {
      await this.backend.retryOutbox(id);
    } catch (e) {
      this.error = explain(e);
    }
    await this.refresh();
  }

  async remove(id: number): Promise<void> {
    try {
      await this.backend.deleteOutbox(id);
    } catch (e) {
      this.error = explain(e);
    }
    await this.refresh();
  }

  /** Take a parked message back into the compose pane. */
  async edit(id: number, compose: ComposeState): Promise<void> {
    try {
      await compose.show('draft', await this.backend.editOutbox(id));
    } catch (e) {
      this.error = explain(e);
    }
    await this.refresh();
  }
}

const KEY = Symbol('compose');

export function setComposeContext(c: { compose: ComposeState; outbox: OutboxState }): void {
  setContext(KEY, c);
}

export function composeContext(): { compose: ComposeState; outbox: OutboxState } {
  return getContext(KEY);
}

/** The compose context if the app provides one (a component rendered alone, as in a unit test, has none). */
export function maybeComposeContext(): { compose: ComposeState; outbox: OutboxState } | undefined {
  return getContext(KEY);
}
