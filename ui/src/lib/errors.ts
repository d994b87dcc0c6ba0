// What the UI says about a failed backend call: a translated title for the error's kind, the core's message
// (what happened, in English: it comes from the core), and, when the core knows, what to do about it.
// The kinds and hints are generated from the core (types.ts): a new kind fails the type check here until
// it has a title.

import { toBackendError } from './backend/backend';
import type { ErrorKind, Hint } from './backend/types';
import { t } from './i18n/index.svelte';

const TITLES: Record<ErrorKind, () => string> = {
  dns: () => t('Server not found'),
  refused: () => t('Connection refused'),
  tls: () => t('Secure connection failed'),
  auth: () => t('Login failed'),
  timeout: () => t('The server did not answer in time'),
  network: () => t('Network problem'),
  protocol: () => t('Unexpected answer from the server'),
  config: () => t('Cannot do that'),
  limit: () => t('Limit reached'),
  keyring: () => t('Password store unavailable'),
  not_found: () => t('Not found'),
  storage: () => t('Local storage problem'),
  risky_attachment: () => t('Not opened: this file could run code'),
  internal: () => t('Something went wrong'),
};

/** Every kind of error the core reports (the keys of the exhaustive table above). */
export const ERROR_KINDS = Object.keys(TITLES) as ErrorKind[];

/** The translated title for an error kind. */
export function errorTitle(code: ErrorKind): string {
  return (TITLES[code] ?? TITLES.internal)();
}

/** What to do about it, translated. */
export function hintText(hint: Hint): string {
  switch (hint.action) {
    case 'setPassword':
      return t('Enter the password of {account} again in its settings.', { account: hint.account });
    case 'trustCertificate':
      return t("Accept this exact certificate only if you trust the server, or add your company's certificate authority.");
    case 'raiseLimit':
      return t('Your plan allows {limit}: remove one, or ask your admin to raise the limit.', { limit: String(hint.limit) });
    case 'removeAnyway':
      return t('Send or delete the unsent messages of {account} first, or remove it anyway.', { account: hint.account });
    case 'listAccounts':
      return t('Pick one of your accounts.');
    case 'listFolders':
      return t('Pick one of the folders of {account}.', { account: hint.account });
    case 'listMessages':
      return t('The message may have been deleted or moved: refresh the list.');
    case 'listCrmUsers':
      return t('Pick one of the team’s users.');
  }
}

/** One line for a failed call: "Title: message", and what to do when known. */
export function explain(e: unknown): string {
  const err = toBackendError(e);
  const line = `${errorTitle(err.code)}: ${err.message}`;
  return err.hint ? `${line} ${hintText(err.hint)}` : line;
}
