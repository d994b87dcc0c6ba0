import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from './backend/backend';
import { ERROR_KINDS, errorTitle, explain, hintText } from './errors';
import { setLanguage } from './i18n/index.svelte';

const KINDS = ERROR_KINDS;

describe('errors', () => {
  afterEach(() => setLanguage('en'));

  it('gives every kind of error a title, translated in Italian', () => {
    const english = KINDS.map(errorTitle);
    setLanguage('it');
    const italian = KINDS.map(errorTitle);
    KINDS.forEach((k, i) => expect(italian[i], k).not.toBe(english[i]));
    expect(errorTitle('auth')).toBe('Accesso non riuscito');
    expect(new Set(italian).size).toBe(KINDS.length);
    expect(KINDS).toContain('risky_attachment');
  });

  it('says what to do, in the UI language, with no command line in it', () => {
    setLanguage('it');
    const e = new BackendError({
      code: 'tls',
      message: 'the TLS certificate of mail.acme.test is signed by an unknown certificate authority',
      hint: { action: 'trustCertificate', account: null, sha256: 'ab12' },
    });
    const line = explain(e);
    expect(line).toContain('Connessione sicura non riuscita: the TLS certificate');
    expect(line).toContain('Accetta questo certificato solo se ti fidi del server');
    expect(line).not.toContain('dealbox-cli');
    expect(hintText({ action: 'setPassword', account: 'work' })).toBe(
      'Inserisci di nuovo la password di work nelle sue impostazioni.',
    );
  });

  it('explains an unknown failure as internal', () => {
    expect(explain(new Error('boom'))).toBe('Something went wrong: boom');
  });
});
