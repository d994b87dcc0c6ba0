// The Tauri backend over a mocked IPC: the generated wrappers send each command's name and its arguments by
// name (as the Rust commands in src-tauri/src/api/ declare them), and failures come back as BackendError.
import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { BackendError } from './backend';
import { createTauriBackend } from './tauri';

afterEach(() => clearMocks());

function recording(answer: (cmd: string, args: unknown) => unknown = () => null) {
  const sent: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    sent.push({ cmd, args });
    return answer(cmd, args);
  });
  return sent;
}

describe('the Tauri backend', () => {
  it('sends a command with its arguments by name', async () => {
    const sent = recording((cmd) => (cmd === 'change_messages' ? 3 : []));
    const backend = createTauriBackend();
    const query = { accountId: null, folder: 'inbox', offset: 0, limit: 50 };
    await backend.listMessages(query);
    await backend.searchMessages('renewal', 7, 300, 'oldestFirst');
    expect(await backend.changeMessages([1, 2, 3], { kind: 'seen', value: true })).toBe(3);
    await backend.syncNow(null);
    expect(sent).toEqual([
      { cmd: 'list_messages', args: { query } },
      { cmd: 'search_messages', args: { query: 'renewal', accountId: 7, limit: 300, sort: 'oldestFirst' } },
      { cmd: 'change_messages', args: { ids: [1, 2, 3], change: { kind: 'seen', value: true } } },
      { cmd: 'sync_now', args: { accountId: null } },
    ]);
  });

  it('turns a command error into a BackendError with its code and hint', async () => {
    recording(() => {
      throw { code: 'not_found', message: 'no message with id 7', hint: { action: 'listMessages' } };
    });
    const err = await createTauriBackend()
      .getMessage(7, false)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: 'not_found', message: 'no message with id 7', hint: { action: 'listMessages' } });
  });
});
