// Sample data for unit tests (not shipped: nothing in the app imports it).
import type { AccountDto, FolderDto } from '../lib/backend/types';
import type { MemoryMessage } from './memory';

export function account(id: number, name: string, email: string): AccountDto {
  return {
    id,
    name,
    email,
    displayName: '',
    username: email,
    imap: { host: 'imap.example.test', port: 993, security: 'tls' },
    smtp: { host: 'smtp.example.test', port: 465, security: 'tls' },
    credential: 'keyring',
    fetchDays: 30,
    notify: true,
    signature: '',
  };
}

export function folder(id: number, accountId: number, name: string, role: string | null): FolderDto {
  return { id, accountId, account: '', name, displayName: name, role, total: 0, unread: 0 };
}

export function message(id: number, accountId: number, folder: string, over: Partial<MemoryMessage> = {}): MemoryMessage {
  return {
    id,
    accountId,
    folder,
    subject: `Message ${id}`,
    from: `sender${id}@acme.test`,
    fromName: `Sender ${id}`,
    timestamp: 1_780_000_000 + id * 60,
    unread: false,
    flagged: false,
    hasAttachments: false,
    threadId: id,
    text: `Body of message ${id}`,
    html: null,
    ...over,
  };
}

/** Two accounts (work, sales), each with an Inbox and Sent; `n` messages in work's Inbox. */
export function twoAccounts(n = 5) {
  const messages: MemoryMessage[] = [];
  for (let i = 1; i <= n; i++) messages.push(message(i, 1, 'INBOX', { unread: i % 2 === 0 }));
  messages.push(message(10_001, 2, 'INBOX', { subject: 'Renewal 2027', fromName: 'Jane Roe', unread: true }));
  messages.push(message(10_002, 1, 'Sent', { subject: 'Re: pricing' }));
  return {
    accounts: [account(1, 'work', 'alice@example.test'), account(2, 'sales', 'sales@example.test')],
    folders: [folder(1, 1, 'INBOX', 'inbox'), folder(2, 1, 'Sent', 'sent'), folder(3, 2, 'INBOX', 'inbox')],
    messages,
  };
}
