import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBackend } from '../../test/memory';
import { message, twoAccounts } from '../../test/testdata';
import { ComposeState, MAX_ATTACHMENT_BYTES, OutboxState, SAVE_DELAY_MS } from './compose.svelte';

function setup() {
  const data = twoAccounts(0);
  data.messages = [
    message(1, 1, 'INBOX', {
      subject: 'Re: RE: Renewal 2027',
      from: 'jane@acme.test',
      fromName: 'Jane Roe',
      text: 'Can you send the <b>offer</b>?',
      to: [
        { name: 'Alice', addr: 'alice@example.test' },
        { name: 'Bob', addr: 'bob@acme.test' },
      ],
    }),
  ];
  const backend = new MemoryBackend(data);
  return { backend, compose: new ComposeState(backend), outbox: new OutboxState(backend) };
}

/** A File whose size is `size` without allocating it. */
function fakeFile(name: string, size: number): File {
  const f = new File(['x'], name);
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

describe('ComposeState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('replies from the receiving account with Re: once, the threading headers and the quote escaped', async () => {
    const { compose } = setup();
    await compose.reply(1);
    expect(compose.open).toBe(true);
    expect(compose.kind).toBe('reply');
    expect(compose.accountId).toBe(1);
    expect(compose.to).toEqual(['jane@acme.test']);
    expect(compose.subject).toBe('Re: Renewal 2027');
    expect(compose.toDraft().inReplyTo).toBe('1@test');
    expect(compose.toDraft().replyToMessage).toBe(1);
    expect(compose.html).toContain('&gt; Can you send the &lt;b&gt;offer&lt;/b&gt;?');
    expect(compose.html).not.toContain('<b>');
  });

  it('reply all copies the other recipients but never our own address', async () => {
    const { compose } = setup();
    await compose.reply(1, true);
    expect(compose.cc).toEqual(['bob@acme.test']);
    expect(compose.showCcBcc).toBe(true);
  });

  it('saves the draft once typing pauses, creating it once and then replacing it', async () => {
    const { backend, compose } = setup();
    await compose.newMessage();
    compose.subject = 'Offer';
    compose.changed();
    compose.subject = 'Offer 2027';
    compose.changed();
    expect(backend.calls.filter((c) => c.startsWith('saveDraft'))).toEqual([]);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS + 10);
    expect(backend.calls.filter((c) => c.startsWith('saveDraft'))).toEqual(['saveDraft null']);
    const id = compose.draftId!;
    expect(backend.drafts.get(id)?.draft.subject).toBe('Offer 2027');
    compose.html = 'Dear <b>Jane</b>';
    compose.changed();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS + 10);
    expect(backend.calls.filter((c) => c.startsWith('saveDraft'))).toEqual(['saveDraft null', `saveDraft ${id}`]);
    expect(backend.drafts.get(id)?.draft.html).toBe('Dear <b>Jane</b>');
    expect(backend.drafts.get(id)?.draft.text).toBe('Dear Jane');
    expect(backend.drafts.size).toBe(1);
  });

  it('closing keeps the draft and uploads it; reopening it brings the words back', async () => {
    const { backend, compose } = setup();
    await compose.newMessage();
    compose.to = ['jane@acme.test'];
    compose.subject = 'Kept';
    compose.changed();
    await compose.close();
    expect(compose.open).toBe(false);
    expect(backend.calls).toContain('uploadDrafts 1');
    const [d] = await backend.listDrafts();
    expect(d.subject).toBe('Kept');
    await compose.openDraft(d.id);
    expect(compose.to).toEqual(['jane@acme.test']);
    expect(compose.draftId).toBe(d.id);
  });

  it('closing an untouched message leaves no draft behind', async () => {
    const { backend, compose } = setup();
    await compose.newMessage();
    await compose.close();
    expect(backend.drafts.size).toBe(0);
    expect(backend.calls.some((c) => c.startsWith('uploadDrafts'))).toBe(false);
  });

  it('sends through the outbox, removing the draft; the outbox shows it queued, then sent', async () => {
    const { backend, compose, outbox } = setup();
    await compose.reply(1);
    compose.html = 'Here it is.' + compose.html;
    compose.changed();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS + 10);
    expect(backend.drafts.size).toBe(1);
    expect(await compose.send()).toBe(true);
    expect(compose.open).toBe(false);
    expect(backend.drafts.size).toBe(0);
    await outbox.refresh();
    expect(outbox.active.map((i) => [i.subject, i.state])).toEqual([['Re: Renewal 2027', 'queued']]);
    backend.deliverOutbox();
    await outbox.refresh();
    expect(outbox.active).toEqual([]);
    expect(outbox.sent.map((i) => i.subject)).toEqual(['Re: Renewal 2027']);
    outbox.stop();
  });

  it('refuses to send without recipients, and shows the core refusal, keeping the pane open', async () => {
    const { backend, compose } = setup();
    await compose.newMessage();
    expect(await compose.send()).toBe(false);
    expect(compose.error).toBe('Add at least one recipient.');
    compose.to = ['not an address'];
    expect(await compose.send()).toBe(false);
    expect(compose.error).toContain("'not an address' is not a valid address");
    expect(compose.open).toBe(true);
    expect(backend.outbox).toEqual([]);
  });

  it('refuses an attachment over 25 MB before reading it, and stages the others', async () => {
    vi.useRealTimers(); // jsdom's FileReader reports through timers
    const { backend, compose } = setup();
    await compose.newMessage();
    await compose.addFiles([fakeFile('video.mp4', MAX_ATTACHMENT_BYTES + 1), new File(['%PDF-1.4'], 'offer.pdf')]);
    expect(compose.error).toBe(
      'video.mp4 is 25.0 MB; the limit is 25 MB per attachment. Share it as a link or compress it.',
    );
    expect(backend.calls.filter((c) => c.startsWith('stageAttachment'))).toEqual(['stageAttachment offer.pdf 8']);
    expect(compose.attachments.map((a) => a.filename)).toEqual(['offer.pdf']);
    compose.removeAttachment(0);
    expect(compose.attachments).toEqual([]);
  });

  it('switching to plain text keeps the words', async () => {
    const { compose } = setup();
    await compose.newMessage();
    compose.html = 'Hello <b>Jane</b><br>Bye';
    compose.setRich(false);
    expect(compose.text).toBe('Hello Jane\nBye');
    expect(compose.toDraft().html).toBeNull();
    compose.setRich(true);
    expect(compose.html).toBe('Hello Jane<br>Bye');
  });

  it('a parked message shows the server reason; Retry queues it again, Edit brings it back as a draft', async () => {
    const { backend, compose, outbox } = setup();
    await compose.newMessage();
    compose.to = ['jane@acme.test'];
    compose.subject = 'Quote';
    await compose.send();
    backend.serverRejects = '552 5.3.4 Message size exceeds fixed limit';
    backend.deliverOutbox();
    await outbox.refresh();
    expect(outbox.parked.map((i) => i.lastError)).toEqual(['552 5.3.4 Message size exceeds fixed limit']);
    const id = outbox.parked[0].id;
    await outbox.retry(id);
    expect(outbox.active.map((i) => i.id)).toEqual([id]);
    backend.deliverOutbox();
    await outbox.refresh();
    await outbox.edit(id, compose);
    expect(compose.open).toBe(true);
    expect(compose.subject).toBe('Quote');
    expect(compose.to).toEqual(['jane@acme.test']);
    expect(outbox.items).toEqual([]);
    outbox.stop();
  });
});
