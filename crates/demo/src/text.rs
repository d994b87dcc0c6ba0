//! What the sample people write, in English, Italian and German. Placeholders: `{qty}`, `{num}`, `{year}`,
//! `{company}`.

use super::data::Lang;

/// A conversation a client starts: (subject, first paragraph).
pub fn client_topics(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => &[
            (
                "Quote request: {qty} licences for our sales team",
                "we are evaluating tools for our sales team ({qty} people) and would like a quote with annual \
                 billing. Could you also tell us how long the setup usually takes?",
            ),
            (
                "Follow-up on yesterday's call",
                "thanks again for your time yesterday. As promised, here is what we need: shared inboxes for sales \
                 and support, CRM sync, and reporting per rep. When could you send a proposal?",
            ),
            (
                "Contract renewal {year}",
                "our contract is up for renewal at the end of the quarter. Before we sign we'd like to review the \
                 pricing: we have grown to {qty} users since last year.",
            ),
            (
                "Invoice {num}: question about payment terms",
                "our accounts team noticed that invoice {num} shows 14 days payment terms, while our agreement says \
                 30. Could you check and send a corrected copy?",
            ),
            (
                "Delivery schedule for order {num}",
                "could you confirm the delivery schedule for order {num}? Our warehouse needs to plan next week.",
            ),
            (
                "Can we move our meeting?",
                "something came up on our side. Could we move Tuesday's meeting to later in the week?",
            ),
        ],
        Lang::It => &[
            (
                "Richiesta di preventivo per {qty} postazioni",
                "stiamo valutando una soluzione per il nostro ufficio commerciale ({qty} persone). Potrebbe \
                 inviarci un preventivo con fatturazione annuale? Ci interessano anche i tempi di attivazione.",
            ),
            (
                "Ordine n. {num}: conferma e modalità di pagamento",
                "le confermo l'ordine n. {num}. Possiamo pagare con bonifico a 60 giorni data fattura, come l'anno \
                 scorso?",
            ),
            (
                "Rinnovo contratto {year}",
                "il nostro contratto scade a fine trimestre. Prima di rinnovare vorremmo rivedere le condizioni: \
                 nel frattempo siamo passati a {qty} utenti.",
            ),
            (
                "Consegna entro venerdì? È urgente",
                "ci servirebbe la consegna entro venerdì per l'inaugurazione. È fattibile? In caso contrario, ci \
                 dica la prima data utile.",
            ),
            (
                "Campionatura ricevuta — qualche osservazione",
                "abbiamo ricevuto la campionatura, grazie. Qualità ottima; solo il colore del secondo campione non \
                 corrisponde al catalogo. Possiamo sentirci al telefono?",
            ),
        ],
        Lang::De => &[
            (
                "Angebot für die Wartung – Rückfrage zu den Preisen",
                "vielen Dank für Ihr Angebot. Bevor wir intern freigeben: Sind die Preise für die Wartung pro Jahr \
                 oder pro Quartal angegeben?",
            ),
            (
                "Lieferverzögerung: Bestellung Nr. {num}",
                "leider ist die Lieferung zu Bestellung Nr. {num} noch nicht bei uns eingetroffen. Können Sie uns \
                 einen neuen Liefertermin nennen?",
            ),
            (
                "Vertragsverlängerung {year}",
                "unser Vertrag läuft zum Quartalsende aus. Wir möchten verlängern, würden aber gern über die \
                 Konditionen sprechen – wir sind inzwischen {qty} Nutzer.",
            ),
            (
                "Termin nächste Woche möglich?",
                "hätten Sie nächste Woche Zeit für einen kurzen Termin? Wir würden Ihnen gern unsere \
                 Anforderungen für die Einführung vorstellen.",
            ),
            (
                "Rechnung {num} – Zahlungsziel",
                "auf Rechnung {num} ist ein Zahlungsziel von 14 Tagen angegeben, vereinbart waren 30 Tage. Können \
                 Sie das bitte prüfen und korrigieren?",
            ),
        ],
    }
}

/// A conversation we start: (subject, first paragraph).
pub fn our_topics(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => &[
            (
                "Proposal for {company}",
                "as discussed, I have put together a proposal for {company}: {qty} seats, onboarding included, \
                 annual billing. Happy to walk you through it this week.",
            ),
            (
                "Checking in on our proposal",
                "I wanted to check in on the proposal I sent last week. Are there any questions I can help with?",
            ),
        ],
        Lang::It => &[
            (
                "Proposta per {company}",
                "come concordato, le invio la nostra proposta per {company}: {qty} postazioni, formazione \
                 inclusa, fatturazione annuale. Quando possiamo sentirci per vederla insieme?",
            ),
            (
                "Aggiornamento sulla nostra offerta",
                "volevo sapere se ha avuto modo di guardare l'offerta che le ho mandato la settimana scorsa. Resto \
                 a disposizione per qualsiasi domanda.",
            ),
        ],
        Lang::De => &[
            (
                "Unser Angebot für {company}",
                "wie besprochen sende ich Ihnen unser Angebot für {company}: {qty} Arbeitsplätze, Einführung \
                 inklusive, jährliche Abrechnung. Wann passt Ihnen ein kurzer Termin zur Durchsprache?",
            ),
            (
                "Nachfrage zu unserem Angebot",
                "ich wollte kurz nachfragen, ob Sie schon Gelegenheit hatten, sich unser Angebot von letzter Woche \
                 anzusehen. Bei Fragen melden Sie sich gern.",
            ),
        ],
    }
}

/// What clients answer.
pub fn client_replies(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "thanks for the quick answer. That works for us in principle. Could you send the updated figures so I \
             can share them with our CFO?",
            "we discussed it internally this morning. Two questions: is onboarding included, and can we pay \
             quarterly?",
            "perfect, thank you. Let's aim for Thursday at 3 pm our time.",
            "sorry for the slow reply, it has been a busy week. We are still interested; the budget should be \
             confirmed by the end of the month.",
            "I have looped in my colleague who handles procurement. Please keep them in copy from now on.",
        ],
        Lang::It => &[
            "grazie per la risposta veloce. In linea di massima va bene: potrebbe mandarmi le cifre aggiornate da \
             girare al nostro direttore amministrativo?",
            "ne abbiamo parlato internamente stamattina. Due domande: la formazione è inclusa? Possiamo pagare a \
             trimestre?",
            "perfetto, grazie. Facciamo giovedì alle 15?",
            "mi scusi per il ritardo, è stata una settimana intensa. Siamo ancora interessati; il budget dovrebbe \
             essere confermato entro fine mese.",
            "ho messo in copia il collega che segue gli acquisti: da ora in poi lo tenga in copia, per favore.",
        ],
        Lang::De => &[
            "danke für die schnelle Antwort. Grundsätzlich passt das – könnten Sie mir die aktualisierten Zahlen \
             schicken, damit ich sie an unseren Geschäftsführer weitergeben kann?",
            "wir haben heute Morgen intern darüber gesprochen. Zwei Fragen: Ist die Einführung inklusive, und \
             können wir quartalsweise zahlen?",
            "prima, danke. Passt Ihnen Donnerstag um 15 Uhr?",
            "entschuldigen Sie die späte Rückmeldung, die Woche war voll. Wir sind weiterhin interessiert; das \
             Budget sollte bis Monatsende freigegeben sein.",
            "ich habe meinen Kollegen aus dem Einkauf in Kopie genommen. Bitte halten Sie ihn ab jetzt auf dem \
             Laufenden.",
        ],
    }
}

/// What we answer.
pub fn our_replies(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "thanks for getting back to me. I will send the revised quote by tomorrow noon, including the \
             onboarding package.",
            "good question: onboarding is included for the first 30 days, and quarterly billing is no problem.",
            "Thursday at 3 pm works. I will send a calendar invitation with the video link.",
            "understood. I will check in again at the end of the month; let me know if anything changes in the \
             meantime.",
        ],
        Lang::It => &[
            "grazie del riscontro. Le mando il preventivo aggiornato entro domani a mezzogiorno, compresa la \
             formazione.",
            "ottima domanda: la formazione è inclusa per i primi 30 giorni e la fatturazione trimestrale non è un \
             problema.",
            "giovedì alle 15 va benissimo. Le mando l'invito con il link della videochiamata.",
            "capito, la ricontatto a fine mese. Mi faccia sapere se nel frattempo cambia qualcosa.",
        ],
        Lang::De => &[
            "vielen Dank für Ihre Rückmeldung. Das überarbeitete Angebot schicke ich Ihnen bis morgen Mittag, \
             inklusive Einführungspaket.",
            "gute Frage: Die Einführung ist in den ersten 30 Tagen inklusive, und quartalsweise Abrechnung ist \
             kein Problem.",
            "Donnerstag um 15 Uhr passt. Ich schicke Ihnen eine Einladung mit dem Videolink.",
            "verstanden – ich melde mich Ende des Monats wieder. Sagen Sie gern Bescheid, falls sich vorher etwas \
             ändert.",
        ],
    }
}

pub fn greeting(lang: Lang, first: &str) -> String {
    match lang {
        Lang::En => format!("Hi {first},"),
        Lang::It => format!("Buongiorno {first},"),
        Lang::De => format!("Hallo {first},"),
    }
}

/// A paragraph after a greeting starts lower-case in the templates; English and German want it capitalised.
pub fn paragraph(lang: Lang, text: &str) -> String {
    match lang {
        Lang::It => text.to_string(),
        Lang::En | Lang::De => {
            let mut c = text.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        }
    }
}

pub fn client_signoff(lang: Lang, name: &str, company: &str) -> String {
    match lang {
        Lang::En => format!("Best,\n{name}\n{company}"),
        Lang::It => format!("Un saluto,\n{name}\n{company}"),
        Lang::De => format!("Viele Grüße\n{name}\n{company}"),
    }
}

pub fn our_signoff(lang: Lang, name: &str) -> String {
    let close = match lang {
        Lang::En => "Best regards,",
        Lang::It => "Cordiali saluti,",
        Lang::De => "Mit freundlichen Grüßen",
    };
    format!("{close}\n{name}\nDemo Sales · Dealbox sample data\n+49 30 555 0100")
}

/// The line above a quoted message.
pub fn quote_intro(lang: Lang, when: &str, who: &str) -> String {
    match lang {
        Lang::En => format!("On {when}, {who} wrote:"),
        Lang::It => format!("Il giorno {when} {who} ha scritto:"),
        Lang::De => format!("Am {when} schrieb {who}:"),
    }
}

/// The reply prefix a client's mail program uses.
pub fn reply_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::De => "AW: ",
        _ => "Re: ",
    }
}

/// Fill the placeholders.
pub fn fill(template: &str, qty: u32, num: u32, year: i32, company: &str) -> String {
    template
        .replace("{qty}", &qty.to_string())
        .replace("{num}", &num.to_string())
        .replace("{year}", &year.to_string())
        .replace("{company}", company)
}
