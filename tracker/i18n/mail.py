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
    # --- reminders fixes ---
    # A département we hold no contacts for: the student's own prefecture (RULES).
    "mail.where.own_prefecture": {
        "fr": "Où : auprès de la préfecture du département où vous habitez. Nous n'avons pas "
        "ses coordonnées : demandez au bureau des relations internationales ({office}) "
        "comment la contacter.",
        "en": "Where: with the prefecture of the département where you live. We do not hold "
        "its details: ask the international office ({office}) how to contact it.",
    },
    "mail.where.office": {
        "fr": "À qui écrire : le bureau des relations internationales, {office}",
        "en": "Whom to write to: the international office, {office}",
    },
    # After the date: "what it means now" replaces "if it is late".
    "mail.now": {"fr": "Ce que cela veut dire maintenant : {text}",
                 "en": "What this means now: {text}"},
    "mail.passed": {"fr": "date passée", "en": "passed"},
    "mail.welcome_passed": {
        "fr": "Certaines de ces dates sont déjà passées :",
        "en": "Some of these dates have already passed:",
    },
    "mail.welcome_passed_help": {
        "fr": "Pour une date déjà passée, écrivez sans tarder au bureau des relations "
        "internationales ({office}) : il vous aidera à voir ce qu'il reste à faire. Si la "
        "démarche est faite, indiquez-le sur votre page.",
        "en": "For a date that has passed, write to the international office ({office}) "
        "without delay: they will help you see what is left to do. If you have done it "
        "already, say so on your page.",
    },
    # "Title expires" by title (RULES R4, R5, R2/R3): only renewable titles go to ANEF late.
    "mail.todo.title_expires.concours": {
        "fr": "Votre visa « concours » prend fin à cette date. Si vous avez réussi le concours "
        "(ou attendez le résultat), votre première demande de titre de séjour doit être "
        "déposée avant : ce visa ne se prolonge pas.",
        "en": "Your entrance-exam visa ends on this date. If you passed the exam (or are "
        "waiting for the result), your first residence-permit application must be filed "
        "before then: this visa cannot be extended.",
    },
    "mail.late.title_expires.concours": {
        "fr": "Après la fin du visa, votre séjour devient irrégulier : écrivez aussitôt au "
        "bureau international.",
        "en": "Once the visa has ended your stay is irregular: write to the international "
        "office at once.",
    },
    "mail.todo.title_expires.minor": {
        "fr": "Votre visa prend fin à cette date. Votre demande de titre de séjour à 18 ans se "
        "fait hors ANEF : si elle n'est pas déposée, déposez-la avant. Un visa qui finit "
        "avant vos 18 ans ne se prolonge pas : parlez-en au bureau international.",
        "en": "Your visa ends on this date. Your residence-permit application at 18 is not "
        "made on ANEF: if it is not filed yet, file it before then. A visa that ends before "
        "your 18th birthday cannot be extended: talk to the international office.",
    },
    "mail.late.title_expires.minor": {
        "fr": "Sans demande déposée, votre séjour devient irrégulier après cette date.",
        "en": "Without an application on file, your stay becomes irregular after this date.",
    },
    "mail.todo.title_expires.visa": {
        "fr": "Votre visa prend fin à cette date. Si votre première demande de titre de séjour "
        "n'est pas encore déposée sur l'ANEF, faites-la tout de suite.",
        "en": "Your visa ends on this date. If your first residence-permit application is not "
        "on ANEF yet, file it straight away.",
    },
    "mail.late.title_expires.visa": {
        "fr": "Après la fin du visa, votre séjour est irrégulier : écrivez au bureau "
        "international.",
        "en": "Once the visa has ended your stay is irregular: write to the international "
        "office.",
    },
    # Past milestones (date before the day of the e-mail): what they mean now.
    "mail.todo_past.vls_ts_validation_deadline": {
        "fr": "La date limite pour valider votre visa était le {date}, et nous n'avons pas "
        "l'information qu'il a été validé. Déjà fait ? Indiquez-le sur votre page. Sinon, "
        "écrivez tout de suite au bureau international : il n'existe pas de procédure "
        "officielle de validation tardive.",
        "en": "The deadline to validate your visa was {date}, and we have no record that it "
        "was done. Done already? Say so on your page. If not, write to the international "
        "office straight away: there is no official procedure for a late validation.",
    },
    "mail.late_past.vls_ts_validation_deadline": {
        "fr": "Un visa non validé rend votre séjour irrégulier, et vous ne pourriez pas revenir "
        "dans l'espace Schengen après un voyage : ne quittez pas la France sans conseil.",
        "en": "A visa that was not validated makes your stay irregular, and you could not come "
        "back into the Schengen area after a trip: do not leave France without advice.",
    },
    "mail.todo_past.first_application_deadline": {
        "fr": "Le délai légal pour votre première demande de titre de séjour a pris fin le "
        "{date}. Si elle n'est pas déposée, déposez-la maintenant et prévenez le bureau "
        "international.",
        "en": "The legal time limit for your first residence-permit application ended on "
        "{date}. If it is not filed, file it now and tell the international office.",
    },
    "mail.late_past.first_application_deadline": {
        "fr": "Tant que la demande n'est pas déposée, votre séjour n'est plus régulier ; seule "
        "la préfecture peut régler votre situation.",
        "en": "Until the application is filed your stay is no longer regular; only the "
        "prefecture can settle your situation.",
    },
    "mail.todo_past.minor_window_opens": {
        "fr": "La période conseillée pour votre demande à 18 ans a commencé le {date}. Si "
        "votre dossier n'est pas déposé, déposez-le maintenant.",
        "en": "The recommended period for your application at 18 began on {date}. If your "
        "file is not in yet, file it now.",
    },
    "mail.late_past.minor_window_opens": {
        "fr": "La loi vous laisse jusqu'à deux mois après vos 18 ans, mais plus tôt vaut mieux.",
        "en": "The law gives you until two months after your 18th birthday, but sooner is "
        "better.",
    },
    "mail.todo_past.minor_window_closes": {
        "fr": "La période conseillée pour votre demande à 18 ans s'est terminée le {date}. "
        "Vous pouvez encore déposer jusqu'à la limite légale, deux mois après vos 18 ans : "
        "faites-le maintenant.",
        "en": "The recommended period for your application at 18 ended on {date}. You can "
        "still file until the legal limit, two months after your 18th birthday: do it now.",
    },
    "mail.late_past.minor_window_closes": {
        "fr": "Passé la limite légale, votre séjour deviendra irrégulier.",
        "en": "Once the legal limit has passed, your stay will become irregular.",
    },
    "mail.todo_past.minor_legal_deadline": {
        "fr": "La limite légale pour demander votre titre après vos 18 ans était le {date}. "
        "Si votre demande n'est pas déposée, écrivez tout de suite au bureau international.",
        "en": "The legal limit to apply for your permit after turning 18 was {date}. If your "
        "application is not filed, write to the international office straight away.",
    },
    "mail.late_past.minor_legal_deadline": {
        "fr": "Sans demande déposée, votre séjour en France est désormais irrégulier.",
        "en": "Without an application on file, your stay in France is now irregular.",
    },
    "mail.todo_past.renewal_window_opens": {
        "fr": "La période de renouvellement est ouverte depuis le {date}. Déposez votre "
        "demande maintenant : le dernier jour sans pénalité est le {fee_free_date}.",
        "en": "The renewal period has been open since {date}. File your application now: the "
        "last day without a penalty is {fee_free_date}.",
    },
    "mail.late_past.renewal_window_opens": {
        "fr": "Après le {fee_free_date}, la demande coûte {fee} € de plus.",
        "en": "After {fee_free_date} the application costs €{fee} more.",
    },
    "mail.todo_past.renewal_window_opens.fee_passed": {
        "fr": "La période de renouvellement est ouverte depuis le {date}, et le dernier jour "
        "sans pénalité ({fee_free_date}) est passé. Déposez votre demande maintenant.",
        "en": "The renewal period has been open since {date}, and the last day without a "
        "penalty ({fee_free_date}) has passed. File your application now.",
    },
    "mail.late_past.renewal_window_opens.fee_passed": {
        "fr": "Votre demande coûte désormais {fee} € de plus (droit de visa de régularisation).",
        "en": "Your application now costs €{fee} more (the regularisation visa fee).",
    },
    "mail.todo_past.renewal_fee_free_until": {
        "fr": "Le dernier jour pour renouveler sans pénalité était le {date}. Si votre demande "
        "n'est pas déposée, déposez-la maintenant, avant la fin de votre titre.",
        "en": "The last day to renew without a penalty was {date}. If your application is not "
        "filed, file it now, before your permit ends.",
    },
    "mail.late_past.renewal_fee_free_until": {
        "fr": "Votre demande coûte désormais {fee} € de plus (droit de visa de régularisation) "
        "et ne donne plus droit à l'attestation qui couvre votre séjour si la décision arrive "
        "après la fin du titre.",
        "en": "Your application now costs €{fee} more (the regularisation visa fee) and no "
        "longer gives you the certificate that covers your stay if the decision comes after "
        "your permit ends.",
    },
    "mail.todo_past.title_expires": {
        "fr": "Votre titre de séjour a pris fin le {date}. Si votre demande de renouvellement "
        "n'est pas déposée, déposez-la maintenant : l'ANEF l'accepte encore pendant six mois "
        "après cette date, avec la pénalité de {fee} €.",
        "en": "Your residence permit ended on {date}. If your renewal application is not "
        "filed, file it now: ANEF still takes it for six months after that date, with the "
        "€{fee} penalty.",
    },
    "mail.late_past.title_expires": {
        "fr": "Depuis cette date, votre séjour est irrégulier, sauf si une attestation le "
        "couvre. Écrivez au bureau international si vous avez un doute.",
        "en": "Since that date your stay is irregular unless a certificate covers it. Write to "
        "the international office if you are unsure.",
    },
    "mail.todo_past.title_expires.exam_failed": {
        "fr": "Votre visa « concours » a pris fin le {date}. Sans réussite au concours, aucun "
        "titre de séjour ne peut être demandé en France : écrivez au bureau international.",
        "en": "Your entrance-exam visa ended on {date}. Without passing the exam, no residence "
        "permit can be requested in France: write to the international office.",
    },
    "mail.late_past.title_expires.exam_failed": {
        "fr": "Rester en France après la fin du visa rend votre séjour irrégulier.",
        "en": "Staying in France after the visa has ended makes your stay irregular.",
    },
    "mail.todo_past.title_expires.concours": {
        "fr": "Votre visa « concours » a pris fin le {date}. Si vous avez réussi et que votre "
        "première demande n'est pas déposée, écrivez tout de suite au bureau international.",
        "en": "Your entrance-exam visa ended on {date}. If you passed and your first "
        "application is not filed, write to the international office straight away.",
    },
    "mail.late_past.title_expires.concours": {
        "fr": "Depuis la fin du visa, votre séjour est irrégulier.",
        "en": "Since the visa ended, your stay is irregular.",
    },
    "mail.todo_past.title_expires.minor": {
        "fr": "Votre visa a pris fin le {date}. Si votre demande de titre à 18 ans n'est pas "
        "déposée, écrivez tout de suite au bureau international.",
        "en": "Your visa ended on {date}. If your application at 18 is not filed, write to "
        "the international office straight away.",
    },
    "mail.late_past.title_expires.minor": {
        "fr": "Sans demande déposée, votre séjour est irrégulier depuis la fin du visa.",
        "en": "Without an application on file, your stay has been irregular since the visa "
        "ended.",
    },
    "mail.todo_past.title_expires.visa": {
        "fr": "Votre visa a pris fin le {date}. Si votre première demande de titre de séjour "
        "n'est pas déposée sur l'ANEF, déposez-la maintenant et prévenez le bureau "
        "international.",
        "en": "Your visa ended on {date}. If your first residence-permit application is not "
        "on ANEF, file it now and tell the international office.",
    },
    "mail.late_past.title_expires.visa": {
        "fr": "Depuis la fin du visa, votre séjour est irrégulier.",
        "en": "Since the visa ended, your stay is irregular.",
    },
    "mail.todo_past.anef_access_ends": {
        "fr": "Depuis le {date}, six mois après la fin de votre titre, l'ANEF ne prend plus "
        "votre demande : elle passe désormais par votre préfecture. Écrivez au bureau "
        "international, qui vous aidera.",
        "en": "Since {date}, six months after your permit ended, ANEF no longer takes your "
        "application: it now goes to your prefecture. Write to the international office, "
        "who will help you.",
    },
    "mail.late_past.anef_access_ends": {
        "fr": "Votre séjour reste irrégulier tant que la préfecture n'a pas accepté une "
        "demande.",
        "en": "Your stay stays irregular until the prefecture accepts an application.",
    },
    # The digest is a delta since the previous one (which may be days ago), plus a standing
    # total; the first one covers everything still relevant.
    "mail.digest.scope_since": {
        "fr": "Nouveautés depuis le dernier point, du {date}.",
        "en": "New since the last digest, of {date}.",
    },
    "mail.digest.scope_first": {
        "fr": "Premier point : tout ce qui reste à traiter à ce jour, quelle qu'en soit la "
        "date.",
        "en": "First digest: everything still to deal with so far, whatever its date.",
    },
    "mail.digest.overdue_since": {
        "fr": "Échéances impératives dépassées depuis le dernier point ({date}) : rappel J+1 "
        "envoyé à l'étudiant",
        "en": "Hard deadlines missed since the last digest ({date}): day-after reminder sent "
        "to the student",
    },
    "mail.digest.overdue_so_far": {
        "fr": "Échéances impératives dépassées jusqu'ici : rappel J+1 envoyé à l'étudiant",
        "en": "Hard deadlines missed so far: day-after reminder sent to the student",
    },
    "mail.digest.standing": {
        "fr": "Toujours à risque : {missed} dossier(s) au-delà d'une date limite, {fee} "
        "au-delà du seuil de la pénalité de {amount} € sans dépôt. Voir la liste de "
        "travail : {url}",
        "en": "Still at risk: {missed} past a deadline, {fee} past the €{amount} penalty "
        "threshold without filing. See the worklist: {url}",
    },
}
