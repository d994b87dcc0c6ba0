import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import CrmPanel from './CrmPanel.svelte';
import { MailState } from '../state/mail.svelte';
import { MemoryBackend } from '../../test/memory';
import { BackendError } from '../backend/backend';
import type { CrmPersonDto, CrmSidebarDto } from '../backend/types';
import { message, twoAccounts } from '../../test/testdata';

function person(over: Partial<CrmPersonDto> = {}): CrmPersonDto {
  return {
    role: 'from',
    name: 'Jane Roe',
    address: 'jane@acme.test',
    contact: null,
    contactId: null,
    company: null,
    companyId: null,
    lead: null,
    leadId: null,
    ours: false,
    ...over,
  };
}

function known(messageId: number, over: Partial<CrmSidebarDto> = {}): CrmSidebarDto {
  return {
    messageId,
    people: [person({ contact: 'Jane Roe', contactId: 3, company: 'ACME Corp', companyId: 4 })],
    responsible: 'Marco Rossi',
    openDeals: [{ id: 7, title: 'Renewal 2027', stage: 'Proposal', amount: '12000.00 EUR' }],
    recent: [],
    outcome: null,
    dealChoices: [],
    notes: [],
    openTasks: [],
    warnings: [],
    ...over,
  };
}

async function panel(backend: MemoryBackend) {
  const mail = new MailState(backend);
  await mail.init();
  render(CrmPanel, { props: { mail } });
  await mail.reader.openId(1);
  const aside = await screen.findByRole('complementary', { name: 'CRM' });
  return { mail, aside };
}

const data = () => ({
  ...twoAccounts(0),
  messages: [message(1, 1, 'INBOX', { subject: 'Renewal', fromName: 'Jane Roe', from: 'jane@acme.test' })],
});

describe('CrmPanel quick actions', () => {
  it('creates a contact from an unknown sender and shows it after refetching the sidebar', async () => {
    const backend = new MemoryBackend(data());
    const { aside } = await panel(backend);
    await waitFor(() => expect(aside.textContent).toContain('No CRM data yet'));
    await fireEvent.click(within(aside).getByRole('button', { name: 'Create contact' }));
    await waitFor(() => expect(aside.textContent).toContain('Contact created'));
    expect(aside.textContent).not.toContain('No CRM data yet');
    expect(within(aside).queryByRole('button', { name: 'Create contact' })).toBeNull();
    expect(backend.calls.filter((c) => c === 'crmSidebar 1').length).toBe(2);
  });

  it('shows the core’s refusal under a title for its kind', async () => {
    const backend = new MemoryBackend(data());
    backend.crmActionError = new BackendError({ code: 'config', message: 'jane@acme.test is already contact #3' });
    const { aside } = await panel(backend);
    await fireEvent.click(await within(aside).findByRole('button', { name: 'Create lead' }));
    expect((await within(aside).findByRole('alert')).textContent).toBe('Cannot do that: jane@acme.test is already contact #3');
  });

  it('offers the deal picker, best first, when several deals are open', async () => {
    const backend = new MemoryBackend(data());
    backend.crm.set(
      1,
      known(1, {
        outcome: {
          kind: 'linked',
          what: 'contact #3',
          reason: 'several open deals: choose a deal',
          chooseDeal: true,
          forced: false,
          links: [{ kind: 'contact', id: 3, name: 'Jane Roe' }],
        },
        dealChoices: [
          { id: 7, title: 'Renewal 2027', stage: 'Proposal', amount: '12000.00 EUR' },
          { id: 8, title: 'Extra seats', stage: 'New', amount: '900.00 EUR' },
        ],
      }),
    );
    const { aside } = await panel(backend);
    const picker = await within(aside).findByRole('region', { name: 'Choose the deal' });
    const choices = within(picker).getAllByRole('button');
    expect(choices.map((b) => b.querySelector('.deal')?.textContent)).toEqual(['Renewal 2027', 'Extra seats']);
    expect(choices[0].textContent).toContain('best match');
    await fireEvent.click(choices[1]);
    await waitFor(() => expect(within(aside).queryByRole('region', { name: 'Choose the deal' })).toBeNull());
    expect(backend.calls).toContain('crmChooseDeal 1 8');
    await waitFor(() => expect(aside.textContent).toContain('Linked to deal Extra seats'));
  });

  it('links to an existing record found by search', async () => {
    const backend = new MemoryBackend(data());
    backend.records = [
      { kind: 'company', id: 4, name: 'ACME Corp' },
      { kind: 'contact', id: 9, name: 'Bob <bob@other.test>' },
    ];
    const { aside } = await panel(backend);
    await fireEvent.click(await within(aside).findByRole('button', { name: 'Link to…' }));
    await fireEvent.input(within(aside).getByLabelText('Search CRM records'), { target: { value: 'acme' } });
    const hit = await within(aside).findByRole('button', { name: /ACME Corp/ });
    await fireEvent.click(hit);
    await waitFor(() => expect(aside.textContent).toContain('Linked to ACME Corp'));
    expect(backend.calls).toContain('crmLinkRecord 1 company:4');
    expect(within(aside).getByText('ACME Corp', { selector: '.company' })).toBeTruthy();
  });

  it('adds a note and a task to the chosen record and shows them', async () => {
    const backend = new MemoryBackend(data());
    backend.crm.set(1, known(1));
    const { aside } = await panel(backend);
    await fireEvent.click(await within(aside).findByRole('button', { name: 'Add note' }));
    await fireEvent.change(within(aside).getByRole('combobox', { name: /For/ }), { target: { value: 'deal:7' } });
    await fireEvent.input(within(aside).getByLabelText('Note'), { target: { value: 'Wants <b>3</b> more seats' } });
    await fireEvent.submit(within(aside).getByLabelText('Note').closest('form')!);
    await waitFor(() => expect(aside.textContent).toContain('Wants <b>3</b> more seats'));
    expect(backend.calls).toContain('crmAddNote deal:7');
    expect(aside.querySelector('.note b')).toBeNull();
    await waitFor(() => expect(within(aside).queryByLabelText('Note')).toBeNull());

    await fireEvent.click(within(aside).getByRole('button', { name: 'Add task' }));
    await fireEvent.input(within(aside).getByLabelText('Task'), { target: { value: 'Send the quote' } });
    const form = within(aside).getByLabelText('Task').closest('form')!;
    await fireEvent.submit(form);
    await waitFor(() => expect(aside.textContent).toContain('Send the quote'));
    expect(backend.calls).toContain('crmAddTask deal:7'); // the record chosen for the note stays chosen
  });

  it("changes a deal's stage", async () => {
    const backend = new MemoryBackend(data());
    backend.crm.set(1, known(1));
    const { aside } = await panel(backend);
    const select = (await within(aside).findByRole('combobox', { name: 'Stage of Renewal 2027' })) as HTMLSelectElement;
    await fireEvent.focus(select);
    await waitFor(() => expect(select.options.length).toBe(6));
    await fireEvent.change(select, { target: { value: 'Negotiation' } });
    await waitFor(() => expect(aside.textContent).toContain('Deal moved to Negotiation'));
    expect(backend.calls).toContain('crmSetDealStage 7 Negotiation');
    expect((within(aside).getByRole('combobox', { name: 'Stage of Renewal 2027' }) as HTMLSelectElement).value).toBe(
      'Negotiation',
    );
  });

  it('puts the sender or the domain on the exception list', async () => {
    const backend = new MemoryBackend(data());
    const { aside } = await panel(backend);
    await fireEvent.click(await within(aside).findByRole('button', { name: 'Exclude domain' }));
    await waitFor(() => expect(aside.textContent).toContain('acme.test is on the exception list'));
    expect(backend.exceptions).toEqual(['acme.test']);
  });

  it('offers no quick actions on mail from our own users', async () => {
    const backend = new MemoryBackend(data());
    backend.crm.set(1, known(1, { people: [person({ ours: true })] }));
    const { aside } = await panel(backend);
    await waitFor(() => expect(backend.calls).toContain('crmSidebar 1'));
    expect(within(aside).queryByRole('region', { name: 'Quick actions' })).toBeNull();
  });
});
