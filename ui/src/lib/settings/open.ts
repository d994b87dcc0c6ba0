// A notification was clicked: show that account's Inbox and open the message (several messages: just the Inbox).
import type { OpenMailDto } from '../backend/types';
import type { MailState } from '../state/mail.svelte';

export async function openFromNotification(mail: MailState, e: OpenMailDto): Promise<boolean> {
  const inbox = mail.accounts.foldersOf(e.accountId).find((f) => f.role === 'inbox');
  mail.list.select({ kind: 'folder', accountId: e.accountId, folder: inbox?.name ?? 'inbox' });
  // Reload the folder counts and the first page now (the new mail is what the notification was about).
  await mail.list.refresh();
  if (e.messageId === null) return true;
  for (let i = 0; i < mail.list.total; i++) {
    const row = mail.list.rowAt(i);
    if (!row) break;
    if (row.id === e.messageId) {
      await mail.reader.open(i);
      return true;
    }
  }
  return false;
}
