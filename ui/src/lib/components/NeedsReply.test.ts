import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../App.svelte';
import { MemoryBackend } from '../../test/memory';
import { message, twoAccounts } from '../../test/testdata';

function backendWithTriage() {
  const data = twoAccounts(3);
  data.messages.push(message(50, 1, 'INBOX', { subject: 'Where is my <i>quote</i>?', from: 'jane@acme.test' }));
  const backend = new MemoryBackend(data);
  const item = (id: number, messageId: number | null, subject: string, waitingHours: number, client: string) => ({
    activityId: id,
    messageId,
    subject,
    timestamp: 1_780_000_000 - waitingHours * 3600,
    waitingHours,
    client: [client],
  });
  backend.needsReply = [
    {
      responsible: 'Marco Rossi',
      items: [
        item(1, 50, 'Where is my <i>quote</i>?', 70, 'ACME Corp'),
        item(2, null, 'Invoice question', 30, 'Beta Srl'),
      ],
    },
    { responsible: 'Giulia Bianchi', items: [item(3, 2, 'Pricing', 26, 'Gamma SpA')] },
    { responsible: null, items: [item(4, 3, 'Hello?', 10, 'Delta')] },
  ];
  return backend;
}

describe('Needs reply', () => {
  it('is reachable from the sidebar and lists waiting client email by manager, oldest first, escaped', async () => {
    const backend = backendWithTriage();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Needs reply' }));
    const view = await screen.findByRole('region', { name: 'Needs reply' });
    await waitFor(() => expect(view.textContent).toContain('Marco Rossi'));
    expect(backend.calls).toContain('crmNeedsReply 24');
    const groups = within(view).getAllByRole('region').map((g) => g.getAttribute('aria-label'));
    expect(groups).toEqual(['Marco Rossi', 'Giulia Bianchi']); // 10 h is under the 24 h threshold
    const marco = within(view).getByRole('region', { name: 'Marco Rossi' });
    expect(within(marco).getAllByRole('button').map((b) => b.querySelector('.subject')?.textContent)).toEqual([
      'Where is my <i>quote</i>?',
      'Invoice question',
    ]);
    expect(marco.querySelector('i')).toBeNull();
    expect(marco.textContent).toContain('waiting 2 days');
    expect(marco.textContent).toContain('ACME Corp');

    // A lower threshold shows more.
    await fireEvent.change(within(view).getByLabelText('Hours without reply'), { target: { value: '8' } });
    await waitFor(() => expect(within(view).getByRole('region', { name: 'Nobody responsible' })).toBeTruthy());
  });

  it('opens a message from the list in the reader; one not cached here cannot be opened', async () => {
    const backend = backendWithTriage();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Needs reply' }));
    const view = await screen.findByRole('region', { name: 'Needs reply' });
    const first = await within(view).findByRole('button', { name: /Where is my/ });
    await fireEvent.click(first);
    const reader = await screen.findByRole('article', { name: 'Message' });
    await waitFor(() => expect(within(reader).getByRole('heading', { level: 1 }).textContent).toBe('Where is my <i>quote</i>?'));
    expect((within(view).getByRole('button', { name: /Invoice question/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('refetches after a check finishes (a reply was sent, or new client mail came in)', async () => {
    const backend = backendWithTriage();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Needs reply' }));
    const view = await screen.findByRole('region', { name: 'Needs reply' });
    await waitFor(() => expect(view.textContent).toContain('Marco Rossi'));
    backend.needsReply = [];
    backend.emit({ type: 'checkFinished', accountId: 1, error: null });
    expect(await screen.findByText('Every client email has an answer within 24 hours.')).toBeTruthy();
  });

  it('says so when every client email has an answer', async () => {
    const backend = new MemoryBackend(twoAccounts(1));
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Needs reply' }));
    expect(await screen.findByText('Every client email has an answer within 24 hours.')).toBeTruthy();
  });
});
