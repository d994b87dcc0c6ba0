// The in-memory backend against the real one: fixtures/contract.json holds what the real core answers,
// through the shell's DTOs, for a set of Backend calls on the demo profile, and the data to seed this
// backend with (written by tests/tests/ui_contract.rs; `UPDATE_GOLDEN=1 cargo test -p dealbox-tests
// --test ui_contract` rewrites it). Seeded with the same data, the in-memory backend must answer the same.
import { describe, expect, it } from 'vitest';
import raw from './fixtures/contract.json?raw';
import type { AccountDto, CrmSidebarDto, FolderDto } from '../lib/backend/types';
import { MemoryBackend, type MemoryMessage } from './memory';

interface Contract {
  seed: {
    accounts: AccountDto[];
    folders: FolderDto[];
    messages: MemoryMessage[];
    /** CRM sidebars by message id. */
    crm: Record<string, CrmSidebarDto>;
  };
  calls: { method: string; args: unknown[]; answer: unknown }[];
}

const contract = JSON.parse(raw) as Contract;

function seeded(): MemoryBackend {
  const { accounts, folders, messages, crm } = structuredClone(contract.seed);
  const backend = new MemoryBackend({ accounts, folders, messages });
  backend.crm = new Map(Object.entries(crm).map(([id, s]) => [Number(id), s]));
  return backend;
}

type Method = (...args: unknown[]) => Promise<unknown>;

describe('the in-memory backend answers like the real one', () => {
  it('is checked on the calls the window makes most', () => {
    const methods = new Set(contract.calls.map((c) => c.method));
    for (const m of ['listAccounts', 'listFolders', 'listMessages', 'listConversations', 'conversationMessages', 'getMessage', 'searchMessages', 'crmSidebar']) {
      expect(methods).toContain(m);
    }
    expect(contract.seed.messages.length).toBeGreaterThan(50);
  });

  for (const c of contract.calls) {
    it(`${c.method}(${JSON.stringify(c.args)})`, async () => {
      const backend = seeded();
      const method = (backend as unknown as Record<string, Method>)[c.method];
      expect(await method.apply(backend, c.args)).toEqual(c.answer);
    });
  }
});
