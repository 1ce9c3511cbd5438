"""Texts of the e-mails (welcome, reminder, office digest) and of the unsubscribe page.

Written for a student who has just arrived in France: what to do, where, by when, what
happens if it is late, whom to ask, and that only the prefecture decides.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Subjects.
    "mail.subject.reminder_one": {
        "fr": "Titre de séjour : {milestone}, {when}",
        "en": "Residence permit: {milestone}, {when}",
    },
    "mail.subject.reminder_many": {
        "fr": "Titre de séjour : {count} échéances à surveiller",
        "en": "Residence permit: {count} deadlines to watch",
    },
    "mail.subject.welcome": {
        "fr": "Vos échéances de titre de séjour",
        "en": "Your residence-permit deadlines",
    },
    "mail.subject.digest": {
        "fr": "Suivi des titres de séjour : point du {date}",
        "en": "Residence-permit tracker: digest for {date}",
    },
    # When a milestone falls, relative to the day of the e-mail.
    "mail.when.future": {"fr": "dans {days} jours, le {date}", "en": "in {days} days, on {date}"},
    "mail.when.tomorrow": {"fr": "demain, le {date}", "en": "tomorrow, {date}"},
    "mail.when.today": {"fr": "aujourd'hui, le {date}", "en": "today, {date}"},
    "mail.when.yesterday": {"fr": "passée depuis hier, le {date}",
                            "en": "passed yesterday, {date}"},
    "mail.when.past": {"fr": "passée depuis le {date} ({days} jours)",
                       "en": "passed on {date} ({days} days ago)"},
    # What to do for each milestone.
    "mail.todo.vls_ts_validation_deadline": {
        "fr": "Validez votre visa long séjour (VLS-TS) en ligne, sur le site de l'ANEF. "
        "Préparez votre adresse e-mail, les informations de votre visa, votre date d'entrée "
        "en France, votre adresse en France et une carte bancaire pour la taxe (le montant "
        "exact est affiché sur l'ANEF). Gardez l'attestation de validation (un PDF) : "
        "imprimez-la et rangez-la avec votre passeport.",
        "en": "Validate your long-stay visa (VLS-TS) online, on the ANEF website. Have ready "
        "your e-mail address, your visa details, the date you entered France, your address in "
        "France and a bank card for the tax (ANEF shows the exact amount). Keep the validation "
        "certificate (a PDF): print it and keep it with your passport.",
    },
    "mail.todo.first_application_deadline": {
        "fr": "Déposez dès maintenant votre première demande de titre de séjour. N'attendez "
        "pas la date limite : le délai légal court depuis votre arrivée en France.",
        "en": "File your first residence-permit application now. Do not wait for the last "
        "day: the legal time limit started when you arrived in France.",
    },
    "mail.todo.minor_window_opens": {
        "fr": "Vous aurez bientôt 18 ans. La période conseillée pour demander votre premier "
        "titre de séjour commence : préparez et déposez votre dossier.",
        "en": "You will soon be 18. The recommended period to apply for your first residence "
        "permit is starting: prepare and file your application.",
    },
    "mail.todo.minor_window_closes": {
        "fr": "La période conseillée pour votre demande à 18 ans se termine. Si votre dossier "
        "n'est pas encore déposé, faites-le maintenant.",
        "en": "The recommended period for your application at 18 is ending. If you have not "
        "filed yet, do it now.",
    },
    "mail.todo.minor_legal_deadline": {
        "fr": "C'est la date limite fixée par la loi pour demander votre titre de séjour "
        "après vos 18 ans (deux mois après votre anniversaire).",
        "en": "This is the legal deadline to apply for your residence permit after turning "
        "18 (two months after your birthday).",
    },
    "mail.todo.renewal_window_opens": {
        "fr": "Vous pouvez demander le renouvellement de votre titre de séjour. Déposez la "
        "demande tôt, et au plus tard le {safe_date}.",
        "en": "You can now apply to renew your residence permit. File early, and no later "
        "than {safe_date}.",
    },
    "mail.todo.renewal_fee_free_until": {
        "fr": "Déposez votre demande de renouvellement au plus tard le {safe_date} pour "
        "rester dans les délais (le dernier jour accepté sans pénalité est le {date}).",
        "en": "File your renewal application by {safe_date} at the latest to be on time (the "
        "last day without a penalty is {date}).",
    },
    "mail.todo.title_expires": {
        "fr": "Votre titre de séjour arrive à sa fin de validité. Si votre demande n'est pas "
        "encore déposée, déposez-la sans attendre.",
        "en": "Your residence permit is reaching its end date. If you have not filed your "
        "application yet, do it without delay.",
    },
    "mail.todo.title_expires.exam_failed": {
        "fr": "Votre visa « concours » se termine. Sans réussite au concours, aucun titre de "
        "séjour ne peut être demandé en France : pour étudier dans un autre établissement, "
        "demandez un visa étudiant au consulat de votre pays avant la fin de ce visa.",
        "en": "Your entrance-exam visa is ending. Without passing the exam, no residence "
        "permit can be requested in France: to study at another institution, apply for a "
        "student visa at the consulate in your home country before this visa ends.",
    },
    "mail.todo.anef_access_ends": {
        "fr": "Votre titre a expiré. L'ANEF accepte encore votre demande jusqu'à cette date, "
        "avec la pénalité de {fee} € : déposez-la maintenant.",
        "en": "Your permit has expired. ANEF still accepts your application until this date, "
        "with the €{fee} penalty: file it now.",
    },
    # What happens if it is late.
    "mail.late.vls_ts_validation_deadline": {
        "fr": "Si le visa n'est pas validé dans les trois mois qui suivent votre entrée en "
        "France, votre séjour devient irrégulier et vous ne pourrez plus revenir dans "
        "l'espace Schengen après un voyage. Date dépassée : écrivez tout de suite au bureau "
        "international.",
        "en": "If the visa is not validated within three months of your entry into France, "
        "your stay becomes irregular and you cannot come back into the Schengen area after a "
        "trip. Date passed: write to the international office straight away.",
    },
    "mail.late.first_application_deadline": {
        "fr": "Après cette date, votre séjour n'est plus régulier : vous risquez de perdre "
        "votre droit de rester en France.",
        "en": "After this date your stay is no longer regular: you risk losing your right to "
        "stay in France.",
    },
    "mail.late.minor_window_opens": {
        "fr": "La période conseillée dure un mois ; la loi laisse ensuite jusqu'à deux mois "
        "après vos 18 ans, mais mieux vaut ne pas attendre.",
        "en": "The recommended period lasts one month; the law then allows up to two months "
        "after your 18th birthday, but it is better not to wait.",
    },
    "mail.late.minor_window_closes": {
        "fr": "Après cette date, vous pouvez encore déposer jusqu'à la limite légale (deux "
        "mois après vos 18 ans), mais votre dossier sera traité plus près de la fin.",
        "en": "After this date you can still file until the legal limit (two months after "
        "your 18th birthday), but your file will be examined closer to the end.",
    },
    "mail.late.minor_legal_deadline": {
        "fr": "Au-delà de cette date, votre séjour en France devient irrégulier.",
        "en": "After this date, your stay in France becomes irregular.",
    },
    "mail.late.renewal_window_opens": {
        "fr": "Une demande déposée moins de 60 jours avant la fin de votre titre coûte "
        "{fee} € de plus.",
        "en": "An application filed less than 60 days before your permit ends costs €{fee} "
        "more.",
    },
    "mail.late.renewal_fee_free_until": {
        "fr": "Après cette date, la demande coûte {fee} € de plus (droit de visa de "
        "régularisation) et ne donne plus droit à l'attestation de prolongation "
        "d'instruction qui couvre votre séjour si la décision arrive après la fin du titre.",
        "en": "After this date the application costs €{fee} more (the regularisation visa "
        "fee) and no longer gives you the right to the certificate that extends your stay "
        "while the prefecture decides after your permit ends.",
    },
    "mail.late.title_expires": {
        "fr": "Après cette date, votre séjour est irrégulier, sauf si une attestation le "
        "couvre. L'ANEF accepte encore la demande pendant six mois, avec la pénalité de "
        "{fee} €.",
        "en": "After this date your stay is irregular unless a certificate covers it. ANEF "
        "still accepts the application for six months, with the €{fee} penalty.",
    },
    "mail.late.title_expires.exam_failed": {
        "fr": "Rester en France après la fin du visa rend votre séjour irrégulier.",
        "en": "Staying in France after the visa ends makes your stay irregular.",
    },
    "mail.late.anef_access_ends": {
        "fr": "Ensuite, l'ANEF ne prend plus votre demande : il faudra passer par votre "
        "préfecture, avec l'aide du bureau international.",
        "en": "After that, ANEF no longer takes your application: you will have to go through "
        "your prefecture, with the international office's help.",
    },
    # Where.
    "mail.where.anef": {"fr": "Où : sur l'ANEF, {url}", "en": "Where: on ANEF, {url}"},
    "mail.where.ds": {
        "fr": "Où : sur Démarches Simplifiées (procédure de la {prefecture}), {url}",
        "en": "Where: on Démarches Simplifiées (the {prefecture}'s procedure), {url}",
    },
    "mail.where.prefecture": {
        "fr": "Où : par e-mail à la {prefecture}, {email}",
        "en": "Where: by e-mail to the {prefecture}, {email}",
    },
    "mail.by_when": {"fr": "Quand : {when}", "en": "When: {when}"},
    "mail.if_late": {"fr": "Si c'est trop tard : {text}", "en": "If it is late: {text}"},
    # Common blocks.
    "mail.greeting": {"fr": "Bonjour {name},", "en": "Hello {name},"},
    "mail.greeting_anonymous": {"fr": "Bonjour,", "en": "Hello,"},
    "mail.reminder_intro": {
        "fr": "Voici ce qui vous attend pour votre titre de séjour en France :",
        "en": "Here is what is coming up for your residence permit in France:",
    },
    "mail.welcome_intro": {
        "fr": "Vous êtes bien inscrit(e) au suivi des titres de séjour de l'université. Nous "
        "vous écrirons avant chaque échéance importante. Voici vos dates :",
        "en": "You are now registered with the university's residence-permit tracker. We will "
        "write to you before each important deadline. Here are your dates:",
    },
    "mail.welcome_none": {
        "fr": "Nous n'avons aucune échéance à vous signaler pour l'instant.",
        "en": "There is no deadline to tell you about for now.",
    },
    "mail.welcome_next": {
        "fr": "Prochaine étape : {milestone}, {when}.",
        "en": "Next step: {milestone}, {when}.",
    },
    "mail.calendar_hint": {
        "fr": "Le fichier joint (.ics) ajoute ces dates à votre agenda.",
        "en": "The attached file (.ics) adds these dates to your calendar.",
    },
    "mail.done_hint": {
        "fr": "Démarche déjà faite ? Indiquez-le sur votre page pour ne plus recevoir ce "
        "rappel : {url}",
        "en": "Already done? Say so on your page and this reminder stops: {url}",
    },
    "mail.help": {
        "fr": "Une question ? Écrivez au bureau des relations internationales, {office}, "
        "depuis votre adresse universitaire, en indiquant votre NOM et votre prénom. Pour un "
        "problème sur le site de l'ANEF, appelez le {hotline}.",
        "en": "Any question? Write to the international office, {office}, from your "
        "university address, giving your SURNAME and given name. For a problem with the "
        "ANEF website, call {hotline}.",
    },
    "mail.disclaimer": {
        "fr": "L'université vous aide à comprendre les démarches ; seules la préfecture et "
        "l'ANEF examinent votre demande et décident. Ces dates sont calculées à partir des "
        "informations que nous avons : vérifiez-les sur votre titre.",
        "en": "The university helps you understand the procedures; only the prefecture and "
        "ANEF examine your application and decide. These dates are worked out from the "
        "information we hold: check them against your permit.",
    },
    "mail.unsubscribe": {
        "fr": "Ne plus recevoir ces rappels : {url}",
        "en": "Stop these reminders: {url}",
    },
    "mail.signature": {
        "fr": "Le bureau des relations internationales",
        "en": "The international office",
    },
    "mail.calendar_name": {"fr": "Échéances titre de séjour",
                           "en": "Residence-permit deadlines"},
    "mail.calendar_file": {"fr": "echeances-titre-de-sejour.ics",
                           "en": "residence-permit-deadlines.ics"},
    # Office digest.
    "mail.digest.intro": {
        "fr": "Voici ce qui demande votre attention aujourd'hui ({date}).",
        "en": "Here is what needs your attention today ({date}).",
    },
    "mail.digest.overdue_reminders": {
        "fr": "Échéances impératives dépassées hier (rappel J+1 envoyé à l'étudiant)",
        "en": "Hard deadlines missed yesterday (day-after reminder sent to the student)",
    },
    "mail.digest.missed_deadlines": {
        "fr": "Dates limites dépassées sans dépôt",
        "en": "Deadlines passed with nothing filed",
    },
    "mail.digest.fee_threshold": {
        "fr": "Étudiants passés au-delà du seuil de la pénalité de {fee} € sans avoir déposé",
        "en": "Students past the €{fee} penalty threshold who have not filed",
    },
    "mail.digest.failed": {
        "fr": "E-mails non délivrés (adresse refusée ou erreur durable)",
        "en": "E-mails not delivered (address refused or lasting error)",
    },
    "mail.digest.more": {"fr": "… et {count} de plus.", "en": "… and {count} more."},
    "mail.digest.totals": {
        "fr": "En tout : {overdue} rappel(s) J+1, {missed} date(s) limite(s) dépassée(s), "
        "{fee} seuil(s) de pénalité franchi(s), {failed} e-mail(s) non délivré(s).",
        "en": "In all: {overdue} day-after reminder(s), {missed} missed deadline(s), {fee} "
        "penalty threshold(s) crossed, {failed} undelivered e-mail(s).",
    },
    # The unsubscribe page.
    "unsubscribe.title": {"fr": "Arrêter les rappels", "en": "Stop reminders"},
    "unsubscribe.confirm": {
        "fr": "Vous ne recevrez plus les rappels d'échéance par e-mail pour l'adresse "
        "{email}. Les liens de connexion à votre page continueront de fonctionner.",
        "en": "You will no longer receive deadline reminders by e-mail at {email}. Sign-in "
        "links to your page will keep working.",
    },
    "unsubscribe.button": {"fr": "Arrêter les rappels", "en": "Stop reminders"},
    "unsubscribe.done": {
        "fr": "C'est fait : vous ne recevrez plus de rappels. Vos échéances restent visibles "
        "sur votre page ; pensez à les surveiller vous-même.",
        "en": "Done: you will receive no more reminders. Your deadlines stay visible on your "
        "page; remember to keep an eye on them yourself.",
    },
    "unsubscribe.already": {
        "fr": "Les rappels sont déjà arrêtés pour cette adresse.",
        "en": "Reminders are already stopped for this address.",
    },
    "unsubscribe.invalid": {
        "fr": "Ce lien n'est pas valide. Utilisez le lien du dernier e-mail reçu, ou écrivez "
        "au bureau international.",
        "en": "This link is not valid. Use the link in the latest e-mail you received, or "
        "write to the international office.",
    },
}
