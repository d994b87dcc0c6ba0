import type { Catalog } from '../index.svelte';

// Shared words and the app shell (App.svelte, format.ts).
const it: Catalog = {
  'Opening your mail…': 'Apertura della posta…',
  'Dealbox cannot open this profile': 'Dealbox non riesce ad aprire questo profilo',
  'Profile: {dir}': 'Profilo: {dir}',
  'Check for new mail (F5)': 'Controlla la nuova posta (F5)',
  'Syncing…': 'Sincronizzazione…',
  Sync: 'Sincronizza',
  '(unknown sender)': '(mittente sconosciuto)',
  '(no subject)': '(nessun oggetto)',
  'just now': 'adesso',
  '{n} min ago': '{n} min fa',
  '{n} h ago': '{n} h fa',
  yesterday: 'ieri',
  '{n} days ago': '{n} giorni fa',
  'Checking for mail…': 'Controllo della posta…',
  'Not checked yet': 'Non ancora controllata',
  'Login failed — fix the password': 'Accesso non riuscito — correggi la password',
  'Password not available — check the keyring': 'Password non disponibile — controlla il portachiavi',
  'Offline — will check again': 'Offline — riproverà più tardi',
  'Certificate problem — check the server': 'Problema di certificato — controlla il server',
  'Sync failed': 'Sincronizzazione non riuscita',
  'Next check {when}': 'Prossimo controllo {when}',
  'Checked {ago}': 'Controllata {ago}',
  Cancel: 'Annulla',
  Save: 'Salva',
  Close: 'Chiudi',
};
export default it;
