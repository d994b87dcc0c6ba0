import type { Catalog } from '../index.svelte';

// Shared words and the app shell (App.svelte, format.ts).
const it: Catalog = {
  // Error titles and what to do (lib/errors.ts).
  'Server not found': 'Server non trovato',
  'Connection refused': 'Connessione rifiutata',
  'Secure connection failed': 'Connessione sicura non riuscita',
  'Login failed': 'Accesso non riuscito',
  'The server did not answer in time': 'Il server non ha risposto in tempo',
  'Network problem': 'Problema di rete',
  'Unexpected answer from the server': 'Risposta inattesa dal server',
  'Cannot do that': 'Impossibile',
  'Limit reached': 'Limite raggiunto',
  'Password store unavailable': 'Archivio delle password non disponibile',
  'Not found': 'Non trovato',
  'Local storage problem': 'Problema con l’archivio locale',
  'Not opened: this file could run code': 'Non aperto: questo file potrebbe eseguire codice',
  'Something went wrong': 'Qualcosa è andato storto',
  'Enter the password of {account} again in its settings.':
    'Inserisci di nuovo la password di {account} nelle sue impostazioni.',
  "Accept this exact certificate only if you trust the server, or add your company's certificate authority.":
    'Accetta questo certificato solo se ti fidi del server, oppure aggiungi l’autorità di certificazione della tua azienda.',
  'Your plan allows {limit}: remove one, or ask your admin to raise the limit.':
    'Il tuo piano ne consente {limit}: rimuovine una o chiedi all’amministratore di alzare il limite.',
  'Send or delete the unsent messages of {account} first, or remove it anyway.':
    'Prima invia o elimina i messaggi non inviati di {account}, oppure rimuovilo comunque.',
  'Pick one of your accounts.': 'Scegli uno dei tuoi account.',
  'Pick one of the folders of {account}.': 'Scegli una delle cartelle di {account}.',
  'The message may have been deleted or moved: refresh the list.':
    'Il messaggio potrebbe essere stato eliminato o spostato: aggiorna l’elenco.',
  'Pick one of the team’s users.': 'Scegli uno degli utenti del team.',
  'Trust this certificate': 'Accetta questo certificato',
  'This account trusts the server certificate with SHA-256 {sha256}':
    'Questo account accetta il certificato del server con SHA-256 {sha256}',
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
