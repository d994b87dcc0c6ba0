import type { Catalog } from '../index.svelte';

// Settings, the first-run screen (Setup.svelte) and "Explore with sample data".
const it: Catalog = {
  // Setup
  'None (local only)': 'Nessuna (solo locale)',
  'Add an account': 'Aggiungi un account',
  'Welcome to Dealbox': 'Benvenuto in Dealbox',
  'Add your work mailbox to start. Your password is kept in the system keyring.':
    'Aggiungi la tua casella di lavoro per iniziare. La password resta nel portachiavi di sistema.',
  'Your name': 'Il tuo nome',
  'Email address': 'Indirizzo email',
  Password: 'Password',
  'Password command': 'Comando per la password',
  "A command that prints the password (like mbsync's PassCmd).":
    'Un comando che stampa la password (come PassCmd di mbsync).',
  'Use a password command instead of the system keyring': 'Usa un comando per la password invece del portachiavi di sistema',
  'Looking up server settings…': 'Ricerca delle impostazioni del server…',
  'No settings are published for {domain}: these are guesses, check them under Server settings.':
    'Nessuna impostazione pubblicata per {domain}: questi valori sono ipotesi, controllali in Impostazioni del server.',
  'Settings for {provider}: IMAP {imap}, SMTP {smtp}.': 'Impostazioni per {provider}: IMAP {imap}, SMTP {smtp}.',
  'Settings published by {provider}: IMAP {imap}, SMTP {smtp}.':
    'Impostazioni pubblicate da {provider}: IMAP {imap}, SMTP {smtp}.',
  'Server settings': 'Impostazioni del server',
  'Account name': "Nome dell'account",
  'User name': 'Nome utente',
  'IMAP server': 'Server IMAP',
  Port: 'Porta',
  Security: 'Sicurezza',
  'SMTP server': 'Server SMTP',
  'Company CA certificate (optional)': 'Certificato CA aziendale (facoltativo)',
  'Keep mail offline for': 'Conserva la posta offline per',
  '7 days': '7 giorni',
  '30 days': '30 giorni',
  '90 days': '90 giorni',
  '1 year': '1 anno',
  'All mail': 'Tutta la posta',
  'Connection test': 'Prova della connessione',
  'Testing…': 'Prova in corso…',
  'Test connection': 'Prova la connessione',
  'Save anyway': 'Salva comunque',
  'Adding…': 'Aggiunta in corso…',
  'Add account': 'Aggiungi account',
  Cancel: 'Annulla',
  'Explore with sample data': 'Esplora con dati di esempio',
  'Just looking?': 'Vuoi solo dare un’occhiata?',
  'Explore Dealbox with a sample mailbox and CRM: a few hundred messages, clients, leads and deals. No account needed, works offline.':
    'Esplora Dealbox con una casella e un CRM di esempio: qualche centinaio di messaggi, clienti, lead e trattative. Nessun account necessario, funziona offline.',
  'Opening the sample data…': 'Apertura dei dati di esempio…',

  // Settings
  Settings: 'Impostazioni',
  'Settings sections': 'Sezioni delle impostazioni',
  App: 'App',
  Close: 'Chiudi',
  Language: 'Lingua',
  Theme: 'Tema',
  'Follow the system': 'Segui il sistema',
  Light: 'Chiaro',
  Dark: 'Scuro',
  'CRM exception list': 'Elenco delle eccezioni CRM',
  'Mail from and to these addresses and domains is never saved to the CRM (colleagues, suppliers, banks). For the whole team.':
    'La posta da e verso questi indirizzi e domini non viene mai salvata nel CRM (colleghi, fornitori, banche). Vale per tutto il team.',
  'Remove {entry}': 'Rimuovi {entry}',
  Remove: 'Rimuovi',
  'No exceptions yet.': 'Ancora nessuna eccezione.',
  'Address or domain': 'Indirizzo o dominio',
  Add: 'Aggiungi',
  'Account settings': "Impostazioni dell'account",
  Mail: 'Posta',
  'Notify me about new mail while Dealbox is in the background':
    'Avvisami della nuova posta quando Dealbox è in secondo piano',
  Signature: 'Firma',
  'Jane Roe · Sales, ACME Corp': 'Mario Rossi · Vendite, ACME Srl',
  'Added below new messages and replies (plain text).': 'Aggiunta in fondo ai nuovi messaggi e alle risposte (testo semplice).',
  CRM: 'CRM',
  'Link this mailbox to the CRM': 'Collega questa casella al CRM',
  'Process messages of the last (days, 0 = no limit)': 'Elabora i messaggi degli ultimi (giorni, 0 = nessun limite)',
  'A new sender writes to me': 'Mi scrive un nuovo mittente',
  'I write to a new address': 'Scrivo a un nuovo indirizzo',
  'Create a lead': 'Crea un lead',
  'Create a contact': 'Crea un contatto',
  'Do nothing': 'Non fare nulla',
  'Lead source': 'Origine del lead',
  'Responsible queue (new leads go to these people in turn)':
    'Coda dei responsabili (i nuovi lead vanno a queste persone a turno)',
  'No CRM users yet: add them with dealbox-cli crm users add.':
    'Ancora nessun utente CRM: aggiungili con dealbox-cli crm users add.',
  'Responsible queue': 'Coda dei responsabili',
  'Move up': 'Sposta su',
  'Move down': 'Sposta giù',
  inactive: 'inattivo',
  'Route emails from existing clients to their assigned CRM managers':
    'Inoltra le email dei clienti esistenti ai loro responsabili nel CRM',
  'Always create a new lead for mail from': 'Crea sempre un nuovo lead per la posta da',
  'One address per line: web forms, marketplaces.': 'Un indirizzo per riga: moduli web, marketplace.',
  'Import contacts from attached vCards': 'Importa i contatti dalle vCard allegate',
  Save: 'Salva',
  Saved: 'Salvato',
  'Saving…': 'Salvataggio…',
  'Loading…': 'Caricamento…',
};

export default it;
