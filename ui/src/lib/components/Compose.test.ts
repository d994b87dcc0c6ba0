import { describe, expect, it } from 'vitest';
import { tick } from 'svelte';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../App.svelte';
import { MemoryBackend } from '../../test/memory';
import { message, twoAccounts } from '../../test/testdata';

function backendWithMail() {
  const data = twoAccounts(0);
  data.messages = [
    message(1, 1, 'INBOX', {
      subject: 'Renewal 2027',
      from: 'jane@acme.test',
      fromName: 'Jane Roe',
      text: 'Please send <script>window.pwned=1</script> the offer.',
    }),
    message(3, 1, 'Sent', { subject: 'Re: pricing' }),
    message(2, 1, 'INBOX', { subject: 'Lunch?', from: 'bob@acme.test', fromName: 'Bob', timestamp: 1_700_000_000 }),
  ];
  const backend = new MemoryBackend(data);
  backend.contacts = [{ name: 'Jane Roe', address: 'jane.roe@acme.test', company: 'ACME Corp' }];
  return backend;
}

async function openFirst() {
  await screen.findByText('Renewal 2027');
  await fireEvent.keyDown(window, { key: 'j' });
  await screen.findByRole('heading', { name: 'Renewal 2027' });
}

describe('Compose', () => {
  it('r replies to the open message: Re: subject, recipient, quote as text; Escape closes and keeps the draft', async () => {
    const backend = backendWithMail();
    render(App, { props: { backend } });
    await openFirst();
    await fireEvent.keyDown(window, { key: 'r' });
    const pane = await screen.findByRole('region', { name: 'Compose' });
    expect(within(pane).getByRole('heading').textContent).toBe('Reply');
    expect((within(pane).getByLabelText('Subject') as HTMLInputElement).value).toBe('Re: Renewal 2027');
    expect(pane.textContent).toContain('jane@acme.test');
    const body = within(pane).getByLabelText('Message body');
    expect(body.textContent).toContain('> Please send <script>window.pwned=1</script> the offer.');
    expect(body.querySelector('script')).toBeNull();
    // The list under the pane ignores list keys while composing.
    await fireEvent.keyDown(window, { key: 'e' });
    expect(backend.calls.some((c) => c.startsWith('changeMessage'))).toBe(false);

    body.innerHTML = 'Offer attached.' + body.innerHTML;
    const first = body.firstChild;
    await fireEvent.input(body);
    await tick();
    // Typing never re-renders the editor (the caret would jump to the top).
    expect(body.firstChild).toBe(first);
    await fireEvent.keyDown(within(pane).getByLabelText('Subject'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Compose' })).toBeNull());
    await waitFor(() => expect(backend.drafts.size).toBe(1));
    expect([...backend.drafts.values()][0].draft.text).toMatch(/^Offer attached\./);
    // The strip offers the draft back.
    const strip = await screen.findByRole('region', { name: 'Outbox' });
    await waitFor(() => expect(strip.textContent).toContain('Drafts: 1'));
  });

  it('suggests CRM contacts in To, sends, and shows the message in the outbox until it is sent', async () => {
    const backend = backendWithMail();
    render(App, { props: { backend } });
    await screen.findByText('Renewal 2027');
    await fireEvent.keyDown(window, { key: 'c' });
    const pane = await screen.findByRole('region', { name: 'Compose' });
    const to = within(pane).getByRole('combobox', { name: 'To' });
    await fireEvent.input(to, { target: { value: 'jane' } });
    const option = await within(pane).findByRole('option', { name: /jane\.roe@acme\.test/ });
    expect(option.textContent).toContain('ACME Corp');
    await fireEvent.keyDown(to, { key: 'Enter' });
    expect(pane.textContent).toContain('Jane Roe <jane.roe@acme.test>');
    await fireEvent.input(within(pane).getByLabelText('Subject'), { target: { value: 'Offer' } });
    await fireEvent.click(within(pane).getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Compose' })).toBeNull());
    const strip = await screen.findByRole('region', { name: 'Outbox' });
    await waitFor(() => expect(strip.textContent).toContain('1 sending'));
    expect(backend.outbox[0].recipients).toEqual(['Jane Roe <jane.roe@acme.test>']);
    backend.deliverOutbox();
    await waitFor(() => expect(strip.textContent).toContain('1 sent'));
  });

  it('shows a parked message with the server reason, and Retry puts it back in the queue', async () => {
    const backend = backendWithMail();
    render(App, { props: { backend } });
    await openFirst();
    await fireEvent.click(screen.getByRole('button', { name: /^Forward/ }));
    const pane = await screen.findByRole('region', { name: 'Compose' });
    expect((within(pane).getByLabelText('Subject') as HTMLInputElement).value).toBe('Fwd: Renewal 2027');
    const to = within(pane).getByRole('combobox', { name: 'To' });
    await fireEvent.input(to, { target: { value: 'carol@example.test,' } });
    await fireEvent.click(within(pane).getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(backend.outbox).toHaveLength(1));
    backend.serverRejects = '550 5.7.1 Relaying denied';
    backend.deliverOutbox();
    const strip = await screen.findByRole('region', { name: 'Outbox' });
    await waitFor(() => expect(strip.textContent).toContain('Server said: 550 5.7.1 Relaying denied'));
    await fireEvent.click(within(strip).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(backend.outbox[0].state).toBe('queued'));
    expect(backend.calls).toContain(`retryOutbox ${backend.outbox[0].id}`);
  });

  it('u goes back to the list and g i to the inbox', async () => {
    const backend = backendWithMail();
    render(App, { props: { backend } });
    await openFirst();
    await fireEvent.keyDown(window, { key: 'u' });
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Renewal 2027' })).toBeNull());
    const work = await screen.findByRole('region', { name: 'work' });
    await fireEvent.click(within(work).getByRole('button', { name: /Sent/ }));
    await screen.findByText('Re: pricing');
    await fireEvent.keyDown(window, { key: 'g' });
    await fireEvent.keyDown(window, { key: 'i' });
    expect(await screen.findByText('All inboxes', { selector: 'h1' })).toBeTruthy();
  });

  it('opening another message closes the pane and keeps the draft', async () => {
    const backend = backendWithMail();
    render(App, { props: { backend } });
    await openFirst();
    await fireEvent.keyDown(window, { key: 'r' });
    const pane = await screen.findByRole('region', { name: 'Compose' });
    await fireEvent.input(within(pane).getByLabelText('Subject'), { target: { value: 'Re: Renewal 2027 (draft)' } });
    await fireEvent.click(screen.getByText('Lunch?'));
    expect(await screen.findByRole('heading', { name: 'Lunch?' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Compose' })).toBeNull();
    await waitFor(() => expect([...backend.drafts.values()].map((d) => d.draft.subject)).toEqual(['Re: Renewal 2027 (draft)']));
  });
});
