import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../App.svelte';
import Settings from './Settings.svelte';
import { MemoryBackend } from '../../test/memory';
import { message, twoAccounts } from '../../test/testdata';
import { setLanguage } from '../i18n/index.svelte';
import { setTheme, theme } from '../settings/theme.svelte';

afterEach(() => {
  setLanguage('en');
  setTheme('system');
});

function field<T extends HTMLElement>(name: string): T {
  const el = document.querySelector(`[name="${name}"]`);
  if (!el) throw new Error(`no field ${name}`);
  return el as T;
}

describe('Settings', () => {
  it('saves an account’s fetch window, notifications, signature and CRM settings', async () => {
    const backend = new MemoryBackend(twoAccounts(2));
    backend.crmUserList = [
      { id: 1, name: 'Marco', active: true },
      { id: 2, name: 'Giulia', active: true },
    ];
    let saved = 0;
    render(Settings, { props: { backend, accounts: backend.accounts, initial: 1, onClose: () => {}, onSaved: () => saved++ } });
    await waitFor(() => expect(field<HTMLTextAreaElement>('signature')).toBeTruthy());

    await fireEvent.change(field<HTMLSelectElement>('fetchDays'), { target: { value: '90' } });
    await fireEvent.click(field<HTMLInputElement>('notify'));
    await fireEvent.input(field<HTMLTextAreaElement>('signature'), { target: { value: 'Alice\nACME sales' } });
    await fireEvent.input(field<HTMLInputElement>('processDays'), { target: { value: '7' } });
    await fireEvent.change(field<HTMLSelectElement>('newIncoming'), { target: { value: 'contact' } });
    await fireEvent.change(field<HTMLSelectElement>('newOutgoing'), { target: { value: 'nothing' } });
    await fireEvent.input(field<HTMLInputElement>('leadSource'), { target: { value: ' Website ' } });
    await fireEvent.click(field<HTMLInputElement>('routeToManager'));
    await fireEvent.input(field<HTMLTextAreaElement>('alwaysNewLead'), {
      target: { value: 'forms@web.example\nshop@market.example' },
    });
    // The queue: Giulia first, then Marco (order matters for the round-robin).
    await fireEvent.click(screen.getByLabelText('Giulia'));
    await fireEvent.click(screen.getByLabelText('Marco'));
    const queue = screen.getByRole('list', { name: 'Responsible queue' });
    expect(within(queue).getAllByRole('listitem').map((li) => li.textContent?.replace(/[↑↓]/g, '').trim())).toEqual([
      'Giulia',
      'Marco',
    ]);
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved');
    const a = backend.accounts.find((a) => a.id === 1)!;
    expect([a.fetchDays, a.notify, a.signature]).toEqual([90, false, 'Alice\nACME sales']);
    expect(backend.crmSettings.get(1)).toEqual({
      linkEnabled: true,
      processDays: 7,
      newIncoming: 'contact',
      newOutgoing: 'nothing',
      leadSource: 'Website',
      queue: [2, 1],
      routeToManager: false,
      alwaysNewLead: ['forms@web.example', 'shop@market.example'],
      importVcards: false,
    });
    expect(saved).toBe(1);
    // The other account is untouched.
    expect(backend.accounts.find((a) => a.id === 2)!.notify).toBe(true);
  });

  it('shows why saving failed and keeps the form as typed', async () => {
    const backend = new MemoryBackend(twoAccounts(1));
    backend.saveAccountSettings = async () => {
      throw { code: 'config', message: 'the signature is too long (at most 10000 characters)' };
    };
    render(Settings, { props: { backend, accounts: backend.accounts, initial: 1, onClose: () => {} } });
    await waitFor(() => expect(field<HTMLTextAreaElement>('signature')).toBeTruthy());
    await fireEvent.input(field<HTMLTextAreaElement>('signature'), { target: { value: 'x'.repeat(20) } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the signature is too long');
    expect(alert.getAttribute('data-code')).toBe('config');
    expect(field<HTMLTextAreaElement>('signature').value).toBe('x'.repeat(20));
  });

  it('switches language and theme, and edits the team’s exception list', async () => {
    const backend = new MemoryBackend(twoAccounts(1));
    render(Settings, { props: { backend, accounts: backend.accounts, initial: null, onClose: () => {} } });
    await fireEvent.change(field<HTMLSelectElement>('theme'), { target: { value: 'dark' } });
    expect(theme()).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('dealbox.theme')).toBe('dark');

    await fireEvent.input(screen.getByLabelText('Address or domain'), { target: { value: '@Bank.Example' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('bank.example')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove bank.example' }));
    await waitFor(() => expect(screen.queryByText('bank.example')).toBeNull());
    expect(backend.exceptions).toEqual([]);

    await fireEvent.change(field<HTMLSelectElement>('language'), { target: { value: 'it' } });
    expect(await screen.findByRole('heading', { name: 'Impostazioni' })).toBeTruthy();
    expect(localStorage.getItem('dealbox.lang')).toBe('it');
    await fireEvent.change(field<HTMLSelectElement>('language'), { target: { value: 'system' } });
    expect(localStorage.getItem('dealbox.lang')).toBeNull();
  });

  it('opens from the gear in the top bar and closes with Escape', async () => {
    const backend = new MemoryBackend(twoAccounts(1));
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    expect(within(dialog).getByText('alice@example.test')).toBeTruthy();
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});

describe('First run', () => {
  it('offers "Explore with sample data", which opens the demo mailbox', async () => {
    const backend = new MemoryBackend();
    backend.demo = twoAccounts(3);
    backend.demo.messages = [message(1, 1, 'INBOX', { subject: 'Renewal 2027 — ACME Corp' })];
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Explore with sample data' }));
    expect(await screen.findByText('Renewal 2027 — ACME Corp')).toBeTruthy();
    expect(backend.calls).toContain('openDemo');
  });

  it('says why the sample data could not be opened', async () => {
    const backend = new MemoryBackend();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Explore with sample data' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no demo profile');
    expect(screen.getByText('Welcome to Dealbox')).toBeTruthy();
  });

  it('is translated', async () => {
    setLanguage('it');
    render(App, { props: { backend: new MemoryBackend() } });
    expect(await screen.findByText('Benvenuto in Dealbox')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Esplora con dati di esempio' })).toBeTruthy();
  });
});

describe('A clicked notification', () => {
  it('opens that message in its account’s Inbox', async () => {
    const backend = new MemoryBackend(twoAccounts(3));
    render(App, { props: { backend } });
    await screen.findByText('Renewal 2027');
    backend.clickNotification({ accountId: 2, messageId: 10_001 });
    expect(await screen.findByRole('heading', { level: 1, name: 'Renewal 2027' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: /INBOX|Inbox/ })).toBeTruthy();
  });

  it('with several messages, opens the Inbox', async () => {
    const backend = new MemoryBackend(twoAccounts(3));
    render(App, { props: { backend } });
    await screen.findByText('Renewal 2027');
    backend.clickNotification({ accountId: 1, messageId: null });
    await waitFor(() => expect(screen.queryByText('Re: pricing')).toBeNull());
    expect(await screen.findByText('Message 3')).toBeTruthy();
    expect(screen.queryByText('Renewal 2027')).toBeNull();
  });
});
