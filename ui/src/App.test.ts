import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { MemoryBackend } from './test/memory';
import { BackendError } from './lib/backend/backend';
import { message, twoAccounts } from './test/testdata';

describe('App', () => {
  beforeEach(() => localStorage.clear());

  it('shows the first-run form when there is no account, and the inbox once one is added', async () => {
    const backend = new MemoryBackend();
    render(App, { props: { backend } });
    expect(await screen.findByText('Welcome to Dealbox')).toBeTruthy();

    await fireEvent.input(screen.getByLabelText(/Email address/), { target: { value: 'alice@example.test' } });
    await fireEvent.blur(screen.getByLabelText(/Email address/));
    await fireEvent.input(screen.getByLabelText(/^Password/), { target: { value: 'pw' } });
    await waitFor(() => expect((screen.getByLabelText(/IMAP server/) as HTMLInputElement).value).toBe('imap.example.test'));
    await fireEvent.click(screen.getByRole('button', { name: 'Add account' }));

    expect(await screen.findByText('All inboxes', { selector: 'h1' })).toBeTruthy();
    expect(backend.accounts.map((a) => a.email)).toEqual(['alice@example.test']);
  });

  it('shows the precise reason when the connection test fails, and saves nothing', async () => {
    const backend = new MemoryBackend();
    backend.connectionReport = {
      ok: false,
      imap: { ok: false, code: 'auth', message: 'IMAP login to imap.example.test failed: the server rejected the password', hint: null },
      smtp: { ok: true, code: null, message: 'SMTP ok', hint: null },
    };
    render(App, { props: { backend } });
    await fireEvent.input(await screen.findByLabelText(/Email address/), { target: { value: 'alice@example.test' } });
    await fireEvent.blur(screen.getByLabelText(/Email address/));
    await fireEvent.input(screen.getByLabelText(/^Password/), { target: { value: 'wrong' } });
    await waitFor(() => expect((screen.getByLabelText(/IMAP server/) as HTMLInputElement).value).not.toBe(''));
    await fireEvent.click(screen.getByRole('button', { name: 'Add account' }));

    expect(await screen.findByText(/the server rejected the password/)).toBeTruthy();
    expect(document.querySelector('[data-code="auth"]')).not.toBeNull();
    expect(backend.accounts).toHaveLength(0);
  });

  it('offers to trust the certificate the test showed, tests again with it, and adds the account trusting it', async () => {
    const backend = new MemoryBackend();
    const sha256 = 'ab'.repeat(32);
    const tls = {
      ok: false,
      code: 'tls',
      message: `the TLS certificate of mail.acme.test is signed by an unknown certificate authority (certificate subject CN=mail.acme.test, SHA-256 fingerprint ${sha256}).`,
      hint: { action: 'trustCertificate' as const, account: null, sha256 },
    };
    backend.connectionReport = { ok: false, imap: tls, smtp: tls };
    render(App, { props: { backend } });
    await fireEvent.input(await screen.findByLabelText(/Email address/), { target: { value: 'alice@acme.test' } });
    await fireEvent.blur(screen.getByLabelText(/Email address/));
    await fireEvent.input(screen.getByLabelText(/^Password/), { target: { value: 'pw' } });
    await waitFor(() => expect((screen.getByLabelText(/IMAP server/) as HTMLInputElement).value).not.toBe(''));
    await fireEvent.click(screen.getByRole('button', { name: 'Add account' }));

    const trust = await screen.findAllByRole('button', { name: 'Trust this certificate' });
    expect(trust).toHaveLength(2);
    expect(document.body.textContent).toContain(`SHA-256 fingerprint ${sha256}`);
    expect(document.body.textContent).toContain('Accept this exact certificate only if you trust the server');
    expect(backend.accounts).toHaveLength(0);
    await fireEvent.click(trust[0]);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Trust this certificate' })).toBeNull());
    expect(screen.getByTestId('trusted-cert').textContent).toContain(sha256);

    await fireEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect(await screen.findByText('All inboxes', { selector: 'h1' })).toBeTruthy();
    expect(backend.calls.filter((c) => c.startsWith('testConnection') || c.startsWith('addAccount'))).toEqual([
      'testConnection -',
      `testConnection ${sha256}`,
      `testConnection ${sha256}`,
      `addAccount ${sha256}`,
    ]);
  });

  it('shows a keyring failure as it is', async () => {
    const backend = new MemoryBackend();
    backend.addError = new BackendError({ code: 'keyring', message: 'cannot store the password: the keyring is locked' });
    render(App, { props: { backend } });
    await fireEvent.input(await screen.findByLabelText(/Email address/), { target: { value: 'a@example.test' } });
    await fireEvent.blur(screen.getByLabelText(/Email address/));
    await fireEvent.input(screen.getByLabelText(/^Password/), { target: { value: 'pw' } });
    await waitFor(() => expect((screen.getByLabelText(/IMAP server/) as HTMLInputElement).value).not.toBe(''));
    await fireEvent.click(screen.getByRole('button', { name: 'Add account' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the keyring is locked');
    expect(alert.getAttribute('data-code')).toBe('keyring');
  });

  it('lists accounts and folders with unread counts', async () => {
    render(App, { props: { backend: new MemoryBackend(twoAccounts(5)) } });
    const nav = await screen.findByRole('navigation');
    await waitFor(() => expect(nav.textContent).toContain('sales'));
    expect(nav.textContent).toContain('work');
    expect(nav.textContent).toMatch(/All inboxes\s*3/);
  });

  it('keeps only the visible rows of a long list in the DOM', async () => {
    render(App, { props: { backend: new MemoryBackend(twoAccounts(5000)) } });
    await screen.findByText('5001 conversations');
    await waitFor(() => expect(document.querySelectorAll('[role="option"]').length).toBeGreaterThan(0));
    expect(document.querySelectorAll('[role="option"]').length).toBeLessThan(40);
  });

  it('groups threads into conversations, expands one, and still renders only the visible rows', async () => {
    const data = twoAccounts(0);
    // 5000 messages in 1000 threads of 5.
    data.messages = Array.from({ length: 5000 }, (_, k) =>
      message(k + 1, 1, 'INBOX', { threadId: Math.floor(k / 5) + 1, subject: `Thread ${Math.floor(k / 5) + 1}` }),
    );
    render(App, { props: { backend: new MemoryBackend(data) } });
    await screen.findByText('1000 conversations');
    const first = await waitFor(() => {
      const b = document.querySelector('[data-index="0"] .thread-count') as HTMLButtonElement | null;
      expect(b).not.toBeNull();
      return b!;
    });
    expect(first.textContent).toBe('5');
    expect(document.querySelector('[data-index="0"] .subject')?.textContent).toBe('Thread 1000');
    await fireEvent.click(first);
    // Its five messages follow it; the list is five rows longer but the DOM stays small.
    await waitFor(() => expect(document.querySelectorAll('.row.child').length).toBe(5));
    expect(document.querySelector('[data-index="1"]')?.classList.contains('child')).toBe(true);
    expect(document.querySelector('[data-index="6"] .subject')?.textContent).toBe('Thread 999');
    expect(document.querySelectorAll('[role="option"]').length).toBeLessThan(40);
    await fireEvent.click(first);
    await waitFor(() => expect(document.querySelectorAll('.row.child').length).toBe(0));
  });

  it('selects with Ctrl-click and Shift-click and archives the selection in one call', async () => {
    const backend = new MemoryBackend({ ...twoAccounts(6), folders: [...twoAccounts(0).folders, { id: 9, accountId: 1, account: '', name: 'Archive', displayName: 'Archive', role: 'archive', total: 0, unread: 0 }] });
    render(App, { props: { backend } });
    await screen.findByText('Message 6');
    const row = (i: number) => document.querySelector(`[data-index="${i}"]`) as HTMLElement;
    await fireEvent.click(row(1));
    await fireEvent.click(row(3), { shiftKey: true });
    expect(await screen.findByText('3 messages selected')).toBeTruthy();
    await fireEvent.click(row(2), { ctrlKey: true });
    expect(await screen.findByText('2 messages selected')).toBeTruthy();
    expect([1, 2, 3].map((i) => row(i).classList.contains('selected'))).toEqual([true, false, true]);
    await fireEvent.click(document.querySelector('[data-action="archive"]') as HTMLElement);
    expect(backend.calls.filter((c) => c.startsWith('changeMessages'))).toEqual(['changeMessages 6,4 archive']);
    await waitFor(() => expect(screen.queryByText(/messages selected/)).toBeNull());
    expect(backend.messages.filter((m) => m.folder === 'Archive').map((m) => m.id).sort()).toEqual([4, 6]);
  });

  it('escapes subjects and names instead of running them', async () => {
    const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const data = twoAccounts(0);
    data.messages = [message(1, 1, 'INBOX', { subject: evil, fromName: '<b>Mallory</b>' })];
    render(App, { props: { backend: new MemoryBackend(data) } });
    const row = await screen.findByText(evil);
    expect(row.textContent).toBe(evil);
    expect(document.querySelector('.list script, .list img, .list b')).toBeNull();
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('opens with j, shows HTML only in a sandboxed frame, and says there is no CRM data yet', async () => {
    const data = twoAccounts(0);
    data.messages = [message(1, 1, 'INBOX', { subject: 'Newsletter', html: '<p>Hello <img src="https://t.test/x.png"></p>' })];
    render(App, { props: { backend: new MemoryBackend(data) } });
    await screen.findByText('Newsletter');
    await fireEvent.keyDown(window, { key: 'j' });
    const frame = (await screen.findByTitle('Message body')) as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('allow-popups'); // no scripts, no same origin
    expect(frame.getAttribute('srcdoc')).toContain('Hello');
    expect(screen.getByText(/remote image is hidden/)).toBeTruthy();
    expect(screen.getByText('No CRM data yet')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Load images' }));
    await waitFor(() => expect(screen.queryByText(/remote image is hidden/)).toBeNull());
  });

  it('searches from the box', async () => {
    render(App, { props: { backend: new MemoryBackend(twoAccounts(5)) } });
    const box = await screen.findByPlaceholderText(/Search mail/);
    await fireEvent.input(box, { target: { value: 'renewal' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(await screen.findByText('Search: renewal')).toBeTruthy();
    expect(await screen.findByText('1 message')).toBeTruthy();
  });

  it('checks for mail on the Sync button and shows the status per account', async () => {
    const backend = new MemoryBackend(twoAccounts(3));
    render(App, { props: { backend } });
    expect(await screen.findAllByText('Not checked yet')).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: /Sync/ }));
    await waitFor(() => expect(screen.getAllByText(/^Checked just now$/)).toHaveLength(2));
    backend.incoming = [message(30_000, 1, 'INBOX', { subject: 'Fresh lead', timestamp: 1_790_000_000 })];
    backend.syncError = { accountId: 2, code: 'auth', message: 'the server rejected the password' };
    await fireEvent.click(screen.getByRole('button', { name: /Sync/ }));
    expect(await screen.findByText('Fresh lead')).toBeTruthy();
    expect(await screen.findByText('Login failed — fix the password')).toBeTruthy();
  });

  it('shows what the CRM knows about the open message, escaped', async () => {
    const data = twoAccounts(0);
    data.messages = [message(1, 1, 'INBOX', { subject: 'Renewal', fromName: 'Jane Roe', from: 'jane@acme.test' })];
    const backend = new MemoryBackend(data);
    backend.crm.set(1, {
      messageId: 1,
      people: [
        { role: 'from', name: 'Jane Roe', address: 'jane@acme.test', contact: 'Jane Roe', contactId: 3, company: '<b>ACME</b> Corp', companyId: 4, lead: null, leadId: null, ours: false },
      ],
      responsible: 'Marco Rossi',
      openDeals: [{ id: 7, title: 'Renewal 2027', stage: 'Proposal', amount: '12000.00 EUR' }],
      recent: [{ timestamp: 1_780_000_000, direction: 'in', subject: 'Pricing question', messageId: null }],
      outcome: { kind: 'linked', what: 'contact Jane Roe · deal Renewal 2027', reason: '', chooseDeal: false, links: [], forced: false },
      dealChoices: [],
      notes: [],
      openTasks: [],
      warnings: [],
    });
    render(App, { props: { backend } });
    await screen.findByText('Renewal');
    await fireEvent.keyDown(window, { key: 'j' });
    const aside = await screen.findByRole('complementary', { name: 'CRM' });
    await waitFor(() => expect(aside.textContent).toContain('Renewal 2027'));
    // The outcome line sits in the reader, above the body.
    const article = screen.getByRole('article', { name: 'Message' });
    expect(article.textContent).toContain('Linked to contact Jane Roe · deal Renewal 2027');
    expect(aside.textContent).toContain('<b>ACME</b> Corp');
    expect(aside.querySelector('b')).toBeNull();
    expect(aside.textContent).toContain('Marco Rossi');
    expect(aside.textContent).toContain('12000.00 EUR');
    expect(aside.textContent).not.toContain('No CRM data yet');
  });
});
