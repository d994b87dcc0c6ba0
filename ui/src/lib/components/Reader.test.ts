import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Reader from './Reader.svelte';
import { MailState } from '../state/mail.svelte';
import { MemoryBackend } from '../../test/memory';
import type { CrmSidebarDto } from '../backend/types';
import { message, twoAccounts } from '../../test/testdata';

const newsletter = message(1, 1, 'INBOX', {
  subject: 'Spring sale',
  from: 'news@shop.test',
  html: '<p>Sale</p><img src="https://cdn.shop.test/a.png">',
});

async function openReader(backend: MemoryBackend, id = 1) {
  const mail = new MailState(backend);
  await mail.init();
  render(Reader, { props: { mail } });
  await mail.reader.openId(id);
  return mail;
}

function sidebar(messageId: number, over: Partial<CrmSidebarDto> = {}): CrmSidebarDto {
  return {
    messageId,
    people: [],
    responsible: null,
    openDeals: [],
    recent: [],
    outcome: null,
    dealChoices: [],
    notes: [],
    openTasks: [],
    warnings: [],
    ...over,
  };
}

describe('Reader', () => {
  it('keeps remote images blocked until Load images, for this message only', async () => {
    const backend = new MemoryBackend({ ...twoAccounts(0), messages: [newsletter] });
    const mail = await openReader(backend);
    const banner = await screen.findByTestId('remote-banner');
    expect(banner.textContent).toContain('1 remote image is hidden');
    await fireEvent.click(screen.getByRole('button', { name: 'Load images' }));
    await waitFor(() => expect(screen.queryByTestId('remote-banner')).toBeNull());
    expect(mail.reader.message?.remoteAllowed).toBe(true);
    expect(backend.remoteSenders.size).toBe(0);
    // Opening it again asks again.
    await mail.reader.openId(1);
    expect(await screen.findByTestId('remote-banner')).toBeTruthy();
  });

  it('remembers "Always for this sender" and can ask again', async () => {
    const backend = new MemoryBackend({ ...twoAccounts(0), messages: [newsletter] });
    const mail = await openReader(backend);
    await fireEvent.click(await screen.findByRole('button', { name: 'Always for this sender' }));
    expect(await screen.findByText(/Images from news@shop.test always load/)).toBeTruthy();
    expect(backend.calls).toContain('setRemoteSender 1 true');
    await mail.reader.openId(1);
    await waitFor(() => expect(mail.reader.message?.remoteAllowed).toBe(true));
    expect(screen.queryByTestId('remote-banner')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Ask again' }));
    expect(await screen.findByTestId('remote-banner')).toBeTruthy();
  });

  it('warns about links that lie about their target', async () => {
    const backend = new MemoryBackend({
      ...twoAccounts(0),
      messages: [message(1, 1, 'INBOX', { html: '<a href="https://evil.test">bank.test</a>', suspiciousLinks: 1 })],
    });
    await openReader(backend);
    const w = await screen.findByTestId('link-warning');
    expect(w.textContent).toContain('1 link in this message goes somewhere other than it shows');
  });

  it('lists attachments with name, type and size; opens documents, never programs, and saves without clobbering', async () => {
    const backend = new MemoryBackend({
      ...twoAccounts(0),
      messages: [
        message(1, 1, 'INBOX', {
          attachments: [
            { id: 11, filename: 'quote.pdf', mimeType: 'application/pdf', size: 2048, inline: false, risky: false },
            { id: 12, filename: 'invoice.pdf.exe', mimeType: 'application/octet-stream', size: 900, inline: false, risky: true },
          ],
        }),
      ],
    });
    await openReader(backend);
    const list = await screen.findByRole('contentinfo', { name: 'Attachments' });
    expect(list.textContent).toContain('quote.pdf');
    expect(list.textContent).toContain('PDF · 2 KB');
    await fireEvent.click(screen.getByRole('button', { name: 'Open quote.pdf' }));
    expect(await screen.findByText('Opened quote.pdf')).toBeTruthy();
    expect(backend.calls).toContain('openAttachment 11');

    expect(screen.queryByRole('button', { name: 'Open invoice.pdf.exe' })).toBeNull();
    expect(list.textContent).toContain('Program — not opened');

    await fireEvent.click(screen.getByRole('button', { name: 'Save quote.pdf' }));
    expect(await screen.findByText('Saved to /home/me/Downloads/quote.pdf')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Save quote.pdf' }));
    expect(await screen.findByText('Saved to /home/me/Downloads/quote (2).pdf')).toBeTruthy();
  });

  it('shows the CRM outcome line: linked records by name', async () => {
    const backend = new MemoryBackend({ ...twoAccounts(0), messages: [message(1, 1, 'INBOX')] });
    backend.crm.set(
      1,
      sidebar(1, {
        outcome: {
          kind: 'linked',
          what: 'company #4 ACME Corp; deal #7 "Renewal 2027"',
          reason: '',
          chooseDeal: false,
          forced: false,
          links: [
            { kind: 'company', id: 4, name: 'ACME Corp' },
            { kind: 'deal', id: 7, name: 'Renewal 2027' },
          ],
        },
      }),
    );
    await openReader(backend);
    const line = await screen.findByTestId('crm-outcome');
    expect(line.textContent).toContain('Linked to ACME Corp · deal Renewal 2027');
    expect(screen.queryByRole('button', { name: 'Save anyway' })).toBeNull();
  });

  it('offers Save anyway for mail outside the processing window, and shows a refusal as the rule says it', async () => {
    const backend = new MemoryBackend({ ...twoAccounts(0), messages: [message(1, 1, 'INBOX'), message(2, 1, 'INBOX')] });
    const skipped = (id: number, ours: boolean) =>
      sidebar(id, {
        people: [
          {
            role: 'from',
            name: 'Jane',
            address: `sender${id}@acme.test`,
            contact: null,
            contactId: null,
            company: null,
            companyId: null,
            lead: null,
            leadId: null,
            ours,
          },
        ],
        outcome: {
          kind: 'skipped',
          what: '',
          reason: 'older than the processing window: the email is 45 days old and this mailbox processes emails of the last 7 days',
          chooseDeal: false,
          forced: false,
          links: [],
        },
      });
    backend.crm.set(1, skipped(1, false));
    backend.crm.set(2, skipped(2, true));
    const mail = await openReader(backend);
    const line = await screen.findByTestId('crm-outcome');
    expect(line.textContent).toContain('Not saved to CRM: older than the processing window');
    await fireEvent.click(screen.getByRole('button', { name: 'Save anyway' }));
    await waitFor(() => expect(screen.getByTestId('crm-outcome').textContent).toContain('Linked to'));
    expect(backend.calls).toContain('crmSaveToCrm 1');

    await mail.reader.openId(2);
    await fireEvent.click(await screen.findByRole('button', { name: 'Save anyway' }));
    expect((await screen.findByRole('alert')).textContent).toContain('from one of our users');
  });
});
