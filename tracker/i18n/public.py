"""Texts of the public pages (home, registration, sign-in links, the student's page) and of
the verification and sign-in e-mails' subjects."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "app.name": {"fr": "Suivi titre de séjour", "en": "Residence permit tracker"},
    "app.skip_to_content": {"fr": "Aller au contenu", "en": "Skip to content"},
    "app.nav_label": {"fr": "Navigation principale", "en": "Main navigation"},
    "app.footer_disclaimer": {
        "fr": "L'université vous aide à comprendre les démarches ; seuls la préfecture et "
        "l'ANEF instruisent et décident de votre titre de séjour.",
        "en": "The university helps you understand the procedures; only the prefecture and "
        "ANEF examine and decide on your residence permit.",
    },
    "nav.my_page": {"fr": "Ma page", "en": "My page"},
    "nav.sign_out": {"fr": "Se déconnecter", "en": "Sign out"},
    "nav.register": {"fr": "S'inscrire", "en": "Register"},
    "nav.access": {"fr": "Recevoir un lien de connexion", "en": "Get a sign-in link"},
    # Home.
    "home.title": {"fr": "Ne manquez aucune échéance de votre titre de séjour",
                   "en": "Never miss a residence-permit deadline"},
    "home.lead": {
        "fr": "Indiquez votre titre et ses dates : nous calculons vos échéances et vous "
        "prévenons par e-mail avant qu'il ne soit trop tard.",
        "en": "Tell us your title and its dates: we work out your deadlines and warn you by "
        "e-mail before it is too late.",
    },
    "home.what_title": {"fr": "Ce que le service fait pour vous",
                        "en": "What this service does for you"},
    "home.what_1": {
        "fr": "Il calcule, à partir de votre visa ou de votre carte, les dates qui comptent : "
        "validation du visa, première demande, renouvellement, fin de validité.",
        "en": "From your visa or card, it works out the dates that matter: validating the "
        "visa, the first application, the renewal, the end of validity.",
    },
    "home.what_2": {
        "fr": "Il vous écrit quand une démarche approche, en français ou en anglais, avec le "
        "site où la faire et la date limite.",
        "en": "It writes to you when a step is coming up, in French or English, with the "
        "website to use and the deadline.",
    },
    "home.what_3": {
        "fr": "Il vous montre sur votre page ce qui est fait et ce qui reste à faire ; vous "
        "indiquez vous-même quand vous avez déposé votre demande ou reçu votre carte.",
        "en": "Your page shows what is done and what is left; you tell it yourself when you "
        "have filed your application or collected your card.",
    },
    "home.new_title": {"fr": "Première visite ?", "en": "First time here?"},
    "home.new_text": {
        "fr": "Inscrivez-vous en quelques minutes. Gardez votre visa ou votre carte sous la "
        "main : les dates imprimées dessus suffisent.",
        "en": "Register in a few minutes. Keep your visa or card at hand: the dates printed "
        "on it are all you need.",
    },
    "home.back_title": {"fr": "Déjà inscrit ?", "en": "Already registered?"},
    "home.back_text": {
        "fr": "Pas de mot de passe : recevez par e-mail un lien personnel pour ouvrir votre "
        "page.",
        "en": "No password: receive a personal link by e-mail to open your page.",
    },
    "home.free_note": {
        "fr": "Service gratuit de l'université, facultatif. Il ne remplace pas les "
        "démarches : c'est toujours à vous de déposer votre demande.",
        "en": "A free, optional university service. It does not file anything for you: you "
        "still make the application yourself.",
    },
    # Registration form.
    "register.title": {"fr": "S'inscrire", "en": "Register"},
    "register.lead": {
        "fr": "Tous les champs sont obligatoires sauf mention contraire.",
        "en": "Every field is required unless marked optional.",
    },
    "register.about_you": {"fr": "Vous", "en": "About you"},
    "register.your_title": {"fr": "Votre visa ou votre carte de séjour",
                            "en": "Your visa or residence card"},
    "register.title_type_hint": {
        "fr": "Choisissez le document que vous avez aujourd'hui. Le texte sous chaque choix "
        "dit ce qui est imprimé dessus.",
        "en": "Choose the document you hold today. The text under each choice says what is "
        "printed on it.",
    },
    "register.dates": {"fr": "Les dates de ce document", "en": "The dates on this document"},
    "register.optional": {"fr": "(facultatif)", "en": "(optional)"},
    "register.choose": {"fr": "— Choisir —", "en": "— Choose —"},
    "register.other_departments": {"fr": "Autres départements", "en": "Other départements"},
    "register.local_departments": {"fr": "Normandie occidentale", "en": "Western Normandy"},
    "register.hint.student_number": {
        "fr": "Sur votre carte d'étudiant. Laissez vide si vous ne l'avez pas encore.",
        "en": "On your student card. Leave empty if you do not have it yet.",
    },
    "register.hint.email": {
        "fr": "Nous y envoyons un lien de confirmation puis les rappels.",
        "en": "We send a confirmation link there, then the reminders.",
    },
    "register.hint.date": {"fr": "Format : JJ/MM/AAAA.", "en": "Format: DD/MM/YYYY."},
    "register.hint.department": {
        "fr": "Le département où vous habitez : les deux premiers chiffres de votre code "
        "postal (14 Calvados, 50 Manche, 61 Orne).",
        "en": "The département where you live: the first two digits of your postcode "
        "(14 Calvados, 50 Manche, 61 Orne).",
    },
    "register.hint.language": {"fr": "La langue de nos e-mails.",
                               "en": "The language of our e-mails."},
    "register.hint.valid_from": {
        "fr": "Premier jour de validité imprimé sur le document (« du », « valable à partir "
        "du »).",
        "en": "First day of validity printed on the document (“du”, “valable à partir du”).",
    },
    "register.hint.expires_on": {
        "fr": "Dernier jour de validité imprimé sur le document (« au », « valable "
        "jusqu'au »).",
        "en": "Last day of validity printed on the document (“au”, “valable jusqu'au”).",
    },
    "register.hint.entry_date": {
        "fr": "Le jour de votre arrivée en France (tampon d'entrée dans le passeport). "
        "Demandé pour les visas seulement.",
        "en": "The day you arrived in France (entry stamp in your passport). Asked for visas "
        "only.",
    },
    "register.hint.validated_on": {
        "fr": "Seulement pour un VLS-TS déjà validé en ligne (date de l'attestation).",
        "en": "Only for a VLS-TS you have already validated online (date on the certificate).",
    },
    "register.hint.concours_result": {
        "fr": "Seulement pour un visa « étudiant concours ».",
        "en": "Only for an entrance-exam (“étudiant concours”) visa.",
    },
    "concours.pending": {"fr": "Pas encore connu", "en": "Not known yet"},
    "concours.passed": {"fr": "Admis", "en": "Passed"},
    "concours.failed": {"fr": "Non admis", "en": "Failed"},
    "printed.vls-ts": {
        "fr": "Vignette dans le passeport, visa de type D, avec la mention « VLS-TS » ou "
        "« valant titre de séjour » et « étudiant ». À valider en ligne dans les 3 mois.",
        "en": "Sticker in the passport, type D visa, marked “VLS-TS” or “valant titre de "
        "séjour” and “étudiant”. Must be validated online within 3 months.",
    },
    "printed.visa-csa": {
        "fr": "Vignette dans le passeport, visa de type D, avec la mention « carte de séjour "
        "à solliciter » (dans les 2 mois après l'arrivée).",
        "en": "Sticker in the passport, type D visa, marked “carte de séjour à solliciter” "
        "(to apply for a card within 2 months of arrival).",
    },
    "printed.visa-concours": {
        "fr": "Vignette dans le passeport, visa court séjour de type C, avec la mention "
        "« étudiant concours » : pour passer un concours ou un entretien d'admission.",
        "en": "Sticker in the passport, short-stay type C visa, marked “étudiant concours”: "
        "to sit an entrance exam or admission interview.",
    },
    "printed.visa-minor": {
        "fr": "Visa délivré avant vos 18 ans (par exemple « mineur scolarisé »). Vous aurez "
        "une demande à faire autour de vos 18 ans.",
        "en": "A visa issued before you turned 18 (for example “mineur scolarisé”). You will "
        "have an application to make around your 18th birthday.",
    },
    "printed.student-card": {
        "fr": "Carte plastique « titre de séjour », mention « étudiant », en général valable "
        "un an.",
        "en": "Plastic card “titre de séjour” with “étudiant” as the type, usually valid for "
        "one year.",
    },
    "printed.multi-year-card": {
        "fr": "Carte plastique « carte de séjour pluriannuelle », mention « étudiant », "
        "valable plusieurs années.",
        "en": "Plastic card “carte de séjour pluriannuelle” with “étudiant”, valid for several "
        "years.",
    },
    "printed.algerian-certificate": {
        "fr": "Carte « certificat de résidence » délivrée aux ressortissants algériens, "
        "mention « étudiant ».",
        "en": "Card “certificat de résidence” issued to Algerian nationals, marked "
        "“étudiant”.",
    },
    "printed.talent": {
        "fr": "Carte « passeport talent » (par exemple « chercheur »).",
        "en": "Card “passeport talent” (for example “chercheur”, researcher).",
    },
    "printed.rece": {
        "fr": "Carte « recherche d'emploi / création d'entreprise » (RECE), obtenue après un "
        "diplôme ; valable un an, non renouvelable.",
        "en": "Card “recherche d'emploi / création d'entreprise” (RECE), obtained after a "
        "degree; valid for one year, not renewable.",
    },
    "privacy.title": {"fr": "Vos données", "en": "Your data"},
    "privacy.purpose": {
        "fr": "Pourquoi : calculer les échéances de votre titre de séjour et vous les "
        "rappeler par e-mail.",
        "en": "Why: to work out your residence-permit deadlines and remind you of them by "
        "e-mail.",
    },
    "privacy.kept": {
        "fr": "Ce qui est conservé : ce formulaire, les étapes que vous indiquez et les "
        "e-mails envoyés. Rien d'autre : ni passeport, ni document.",
        "en": "What is kept: this form, the steps you record and the e-mails sent. Nothing "
        "else: no passport, no document.",
    },
    "privacy.duration": {
        "fr": "Combien de temps : tant que vous utilisez le service. Une inscription non "
        "confirmée est effacée au bout de 7 jours.",
        "en": "How long: as long as you use the service. A registration that is not "
        "confirmed is erased after 7 days.",
    },
    "privacy.who": {
        "fr": "Qui les voit : vous et le bureau des relations internationales de "
        "l'université. Elles ne sont transmises ni à la préfecture ni à personne d'autre.",
        "en": "Who sees it: you and the university's international office. It is not passed "
        "on to the prefecture or anyone else.",
    },
    "privacy.delete": {
        "fr": "Effacement : à tout moment depuis votre page, bouton « Supprimer mes "
        "données ». Vous pouvez aussi les télécharger.",
        "en": "Erasure: at any time from your page, with “Delete my data”. You can also "
        "download it.",
    },
    "field.on": {"fr": "Date", "en": "Date"},
    "field.event": {"fr": "Étape", "en": "Step"},
    "field.confirm": {"fr": "Confirmation", "en": "Confirmation"},
    "field.consent": {"fr": "Consentement", "en": "Consent"},
    "register.consent_label": {
        "fr": "J'accepte que mes données soient utilisées comme décrit ci-dessus.",
        "en": "I agree that my data is used as described above.",
    },
    "register.submit": {"fr": "M'inscrire", "en": "Register"},
    "errors.summary_title": {"fr": "Le formulaire contient des erreurs",
                             "en": "There is a problem with the form"},
    "errors.summary_lead": {"fr": "Corrigez les champs suivants :",
                            "en": "Please correct these fields:"},
    "error.consent_required": {
        "fr": "Cochez la case pour accepter l'utilisation de vos données.",
        "en": "Tick the box to agree to the use of your data.",
    },
    "error.date_in_future": {"fr": "Cette date est dans le futur.",
                             "en": "This date is in the future."},
    "error.date_of_birth_implausible": {
        "fr": "Vérifiez la date de naissance : elle ne correspond pas à un âge d'étudiant.",
        "en": "Check the date of birth: it does not match a student's age.",
    },
    "error.validated_before_entry": {
        "fr": "La validation ne peut pas précéder votre entrée en France.",
        "en": "The validation cannot be before your entry into France.",
    },
    "error.no_current_case": {
        "fr": "Aucun titre n'est enregistré pour vous.",
        "en": "No title is on record for you.",
    },
    "error.card_already_expired": {
        "fr": "La nouvelle carte doit rester valable après le jour où vous l'avez retirée.",
        "en": "The new card must still be valid after the day you collected it.",
    },
    "error.choose_card_type": {
        "fr": "Choisissez le type de la nouvelle carte.",
        "en": "Choose the type of the new card.",
    },
    "error.confirm_delete": {
        "fr": "Cochez la case pour confirmer la suppression.",
        "en": "Tick the box to confirm the deletion.",
    },
    # After registering / asking for a link.
    "sent.title": {"fr": "Regardez votre boîte mail", "en": "Check your inbox"},
    "sent.register_text": {
        "fr": "Si l'adresse {email} peut recevoir nos messages, un e-mail vient de partir. "
        "Ouvrez le lien qu'il contient dans les 48 heures pour activer votre inscription.",
        "en": "If the address {email} can receive our messages, an e-mail is on its way. "
        "Open the link it contains within 48 hours to activate your registration.",
    },
    "sent.register_known": {
        "fr": "Si vous étiez déjà connu du service (inscrit, ou ajouté par le bureau), vous "
        "recevez à la place un lien de connexion, à l'adresse que nous avons pour vous.",
        "en": "If you were already known to the service (registered, or added by the "
        "office), you receive a sign-in link instead, at the address we have for you.",
    },
    "sent.access_text": {
        "fr": "Si l'adresse {email} est inscrite, un lien de connexion vient de lui être "
        "envoyé. Il est valable 30 minutes et ne sert qu'une fois.",
        "en": "If {email} is registered, a sign-in link has just been sent to it. It is valid "
        "for 30 minutes and works once.",
    },
    "sent.spam_hint": {
        "fr": "Rien reçu au bout de quelques minutes ? Regardez dans les courriers "
        "indésirables, puis demandez un nouveau lien.",
        "en": "Nothing after a few minutes? Look in your spam folder, then ask for a new "
        "link.",
    },
    # Links from e-mails.
    "confirm.title": {"fr": "Confirmer votre adresse", "en": "Confirm your address"},
    "confirm.text": {
        "fr": "Un dernier clic pour activer votre inscription et ouvrir votre page.",
        "en": "One last click to activate your registration and open your page.",
    },
    "confirm.button": {"fr": "Confirmer mon adresse", "en": "Confirm my address"},
    "confirm.done": {"fr": "Adresse confirmée : votre inscription est active.",
                     "en": "Address confirmed: your registration is active."},
    "signin.title": {"fr": "Ouvrir votre page", "en": "Open your page"},
    "signin.text": {"fr": "Votre lien est valable. Continuez pour ouvrir votre page.",
                    "en": "Your link is valid. Continue to open your page."},
    "signin.button": {"fr": "Ouvrir ma page", "en": "Open my page"},
    "link.title": {"fr": "Ce lien ne fonctionne plus", "en": "This link no longer works"},
    "link.expired": {
        "fr": "Ce lien a expiré : par sécurité, il n'est valable que peu de temps.",
        "en": "This link has expired: for your safety, it is only valid for a short time.",
    },
    "link.used": {
        "fr": "Ce lien a déjà servi : chaque lien ne fonctionne qu'une fois.",
        "en": "This link has already been used: each link works only once.",
    },
    "link.invalid": {
        "fr": "Ce lien est incomplet ou incorrect. Copiez-le en entier depuis l'e-mail.",
        "en": "This link is incomplete or incorrect. Copy all of it from the e-mail.",
    },
    "link.missing": {
        "fr": "Ouvrez d'abord le lien reçu par e-mail.",
        "en": "Open the link you received by e-mail first.",
    },
    "link.gone": {
        "fr": "Cette inscription n'existe plus (non confirmée à temps ou supprimée).",
        "en": "This registration no longer exists (not confirmed in time, or deleted).",
    },
    "link.what_now": {
        "fr": "Demandez un nouveau lien : il arrive en quelques instants.",
        "en": "Ask for a new link: it arrives within moments.",
    },
    "link.register_again": {
        "fr": "Si votre inscription a été effacée, inscrivez-vous à nouveau.",
        "en": "If your registration was erased, register again.",
    },
    # Access (sign-in link).
    "access.title": {"fr": "Recevoir un lien de connexion", "en": "Get a sign-in link"},
    "access.lead": {
        "fr": "Indiquez l'adresse e-mail de votre inscription. Nous y envoyons un lien "
        "valable 30 minutes, utilisable une seule fois.",
        "en": "Enter the e-mail address you registered with. We send it a link that is valid "
        "for 30 minutes and works once.",
    },
    "access.submit": {"fr": "Envoyer le lien", "en": "Send the link"},
    "access.not_registered": {"fr": "Pas encore inscrit ?", "en": "Not registered yet?"},
    # Errors pages.
    "error.rate_limited_title": {"fr": "Trop de demandes", "en": "Too many requests"},
    "error.rate_limited": {
        "fr": "Vous avez fait beaucoup de demandes en peu de temps. Attendez un moment "
        "avant de réessayer.",
        "en": "You have made many requests in a short time. Please wait a while before "
        "trying again.",
    },
    "error.csrf_title": {"fr": "Le formulaire a expiré", "en": "The form has expired"},
    "error.csrf": {
        "fr": "Par sécurité, ce formulaire n'a pas été accepté. Rechargez la page et "
        "renvoyez-le.",
        "en": "For your safety, this form was not accepted. Reload the page and send it "
        "again.",
    },
    "error.back_home": {"fr": "Retour à l'accueil", "en": "Back to the home page"},
    # The student's page.
    "me.title": {"fr": "Vos échéances", "en": "Your deadlines"},
    "me.hello": {"fr": "Bonjour {name}.", "en": "Hello {name}."},
    "me.your_title": {"fr": "Votre titre : {title}, valable jusqu'au {date}.",
                      "en": "Your title: {title}, valid until {date}."},
    "me.status": {"fr": "Démarche en cours : {procedure} — {status}.",
                  "en": "Current procedure: {procedure} — {status}."},
    "me.next_title": {"fr": "Prochaine étape", "en": "Next step"},
    "me.where": {"fr": "Où :", "en": "Where:"},
    "me.timeline_title": {"fr": "Calendrier de votre démarche",
                          "en": "Timeline of your procedure"},
    "me.timeline_empty": {"fr": "Aucune échéance à venir.", "en": "No deadline ahead."},
    "me.done": {"fr": "Fait", "en": "Done"},
    "me.to_do": {"fr": "À faire", "en": "To do"},
    "me.missed": {"fr": "Date passée", "en": "Date passed"},
    "me.hard": {"fr": "date limite", "en": "deadline"},
    "me.rule": {"fr": "règle {rule}", "en": "rule {rule}"},
    "days.today": {"fr": "aujourd'hui", "en": "today"},
    "days.tomorrow": {"fr": "demain", "en": "tomorrow"},
    "days.in": {"fr": "dans {n} jours", "en": "in {n} days"},
    "days.yesterday": {"fr": "hier", "en": "yesterday"},
    "days.ago": {"fr": "il y a {n} jours", "en": "{n} days ago"},
    "place.anef": {"fr": "Site ANEF « Étrangers en France »",
                   "en": "ANEF website (“Étrangers en France”)"},
    "place.demarches": {"fr": "Démarches Simplifiées ({name})",
                        "en": "Démarches Simplifiées ({name})"},
    "place.prefecture": {"fr": "{name}, par e-mail", "en": "{name}, by e-mail"},
    "place.consulate": {"fr": "Consulat de France dans votre pays",
                        "en": "French consulate in your home country"},
    "place.office": {"fr": "Bureau des relations internationales",
                     "en": "University international office"},
    "contacts.title": {"fr": "Contacts", "en": "Contacts"},
    "contacts.anef_hotline": {"fr": "Assistance ANEF : {phone}", "en": "ANEF helpline: {phone}"},
    "contacts.office": {
        "fr": "Bureau des relations internationales (écrivez depuis votre messagerie "
        "universitaire, avec votre NOM et votre prénom)",
        "en": "International office (write from your university mailbox, giving your "
        "SURNAME and given name)",
    },
    "contacts.decides": {
        "fr": "L'université vous aide ; seuls la préfecture et l'ANEF décident.",
        "en": "The university helps you; only the prefecture and ANEF decide.",
    },
    # Next steps (tracker.cases.guidance).
    "next.no_title": {
        "fr": "Aucun titre n'est enregistré. Écrivez au bureau des relations "
        "internationales.",
        "en": "No title is on record. Write to the international office.",
    },
    "next.left_france": {
        "fr": "Vous avez indiqué avoir quitté la France le {date}. Plus aucun rappel ne "
        "vous est envoyé.",
        "en": "You told us you left France on {date}. No more reminders are sent to you.",
    },
    "next.refused": {
        "fr": "Votre demande a été refusée le {date}. Contactez sans attendre le bureau des "
        "relations internationales ; vous pouvez aussi vous faire conseiller au Point "
        "d'accès au droit du tribunal judiciaire de Caen.",
        "en": "Your application was refused on {date}. Contact the international office "
        "without delay; you can also get advice from the Point d'accès au droit at the Caen "
        "court (tribunal judiciaire).",
    },
    "next.closed": {"fr": "Cette démarche est terminée.", "en": "This procedure is complete."},
    "next.adf_received": {
        "fr": "Décision favorable reçue le {date}. Prenez rendez-vous à la préfecture pour "
        "retirer votre carte, puis indiquez ici les dates de la nouvelle carte.",
        "en": "Favourable decision received on {date}. Book an appointment at the prefecture "
        "to collect your card, then enter the new card's dates here.",
    },
    "next.submitted": {
        "fr": "Demande déposée le {date} : la préfecture l'instruit. Gardez l'attestation de "
        "dépôt. Si la décision arrive après le {expires}, une demande complète déposée à "
        "temps vous donne droit à une attestation de prolongation d'instruction.",
        "en": "Application filed on {date}: the prefecture is examining it. Keep the filing "
        "receipt (attestation de dépôt). If the decision comes after {expires}, a complete "
        "application filed in time entitles you to an extension certificate (attestation "
        "de prolongation d'instruction).",
    },
    "next.vls_ts_validate": {
        "fr": "Validez votre VLS-TS en ligne sur l'ANEF avant le {date}. Il vous faut : une "
        "adresse e-mail, les informations du visa, votre date d'entrée, votre adresse en "
        "France et une carte bancaire pour la taxe (vérifiez le montant sur l'ANEF). "
        "Gardez et imprimez l'attestation de validation. Sans validation à temps, votre "
        "séjour devient irrégulier et vous ne pourrez pas revenir dans l'espace Schengen.",
        "en": "Validate your VLS-TS online on ANEF before {date}. You need: an e-mail "
        "address, the visa details, your date of entry, your address in France and a bank "
        "card for the tax (check the amount on ANEF). Keep and print the validation "
        "certificate. Without validation in time your stay becomes irregular and you cannot "
        "come back into the Schengen area.",
    },
    "next.vls_ts_late": {
        "fr": "Le délai de validation de votre VLS-TS ({date}) est dépassé et il n'existe pas "
        "de procédure officielle de rattrapage : écrivez tout de suite au bureau des "
        "relations internationales.",
        "en": "The deadline to validate your VLS-TS ({date}) has passed and there is no "
        "official late procedure: write to the international office straight away.",
    },
    "next.first_application": {
        "fr": "Déposez dès maintenant votre première demande de titre de séjour sur l'ANEF. "
        "Date limite légale : {date}.",
        "en": "File your first residence-permit application on ANEF now. Legal deadline: "
        "{date}.",
    },
    "next.concours_apply": {
        "fr": "Concours réussi : demandez un titre de séjour étudiant avant le {date}.",
        "en": "Exam passed: apply for a student residence permit before {date}.",
    },
    "next.exam_failed": {
        "fr": "Concours non obtenu : aucun titre de séjour ne peut être demandé en France. "
        "Pour étudier ailleurs, demandez un visa d'études au consulat de votre pays avant "
        "la fin de votre visa, le {date}.",
        "en": "Exam not passed: no residence permit can be requested in France. To study "
        "elsewhere, apply for a study visa at the consulate in your home country before "
        "your visa ends on {date}.",
    },
    "next.minor": {
        "fr": "Vous aurez 18 ans : déposez votre demande entre le {opens} et le {closes} "
        "(période conseillée). La limite légale est le {legal}.",
        "en": "You are turning 18: file your application between {opens} and {closes} (the "
        "recommended period). The legal limit is {legal}.",
    },
    "next.minor_no_birth_date": {
        "fr": "Votre date de naissance manque : écrivez au bureau des relations "
        "internationales.",
        "en": "Your date of birth is missing: write to the international office.",
    },
    "next.renewal_wait": {
        "fr": "Rien à faire pour l'instant. Le renouvellement s'ouvre le {opens} : déposez "
        "votre demande sur l'ANEF entre cette date et le {safe} pour éviter la pénalité de "
        "180 €.",
        "en": "Nothing to do yet. The renewal opens on {opens}: file on ANEF between that "
        "date and {safe} to avoid the €180 late fee.",
    },
    "next.renewal_now": {
        "fr": "Déposez maintenant votre demande de renouvellement sur l'ANEF, au plus tard "
        "le {safe} : après, une pénalité de 180 € s'ajoute. Votre titre expire le {expires}.",
        "en": "File your renewal on ANEF now, by {safe} at the latest: after that a €180 late "
        "fee is added. Your title expires on {expires}.",
    },
    "next.renewal_late": {
        "fr": "Déposez votre demande de renouvellement sur l'ANEF immédiatement : le délai "
        "sans pénalité est passé, la pénalité de 180 € s'applique et vous n'aurez pas "
        "d'attestation couvrant la période après le {date}.",
        "en": "File your renewal on ANEF immediately: the fee-free period is over, the €180 "
        "late fee applies and you will get no certificate covering the time after {date}.",
    },
    "next.renewal_expired": {
        "fr": "Votre titre a expiré le {date} : votre séjour est irrégulier. Déposez votre "
        "demande sur l'ANEF (avec la pénalité de 180 €) avant le {until}, et prévenez le "
        "bureau des relations internationales.",
        "en": "Your title expired on {date}: your stay is irregular. File on ANEF (with the "
        "€180 late fee) before {until}, and tell the international office.",
    },
    "next.renewal_anef_closed": {
        "fr": "Votre titre a expiré le {date}, il y a plus de 6 mois : l'ANEF n'est plus "
        "accessible. Écrivez tout de suite au bureau des relations internationales.",
        "en": "Your title expired on {date}, more than 6 months ago: ANEF is no longer "
        "available. Write to the international office straight away.",
    },
    "note.escalate": {
        "fr": "Le bureau des relations internationales doit examiner votre situation : "
        "écrivez-lui.",
        "en": "The international office needs to look at your situation: write to it.",
    },
    "note.entry_date_missing": {
        "fr": "Votre date d'entrée en France manque : les dates sont calculées à partir du "
        "début de validité du visa.",
        "en": "Your date of entry into France is missing: dates are counted from the visa's "
        "start date.",
    },
    "note.visa_ends_before_majority": {
        "fr": "Votre visa se termine avant vos 18 ans et ne peut pas être prolongé : il "
        "faut un nouveau visa du consulat.",
        "en": "Your visa ends before your 18th birthday and cannot be extended: you need a "
        "new visa from the consulate.",
    },
    "note.born_29_february": {
        "fr": "Né(e) un 29 février : le bureau vérifie vos dates.",
        "en": "Born on 29 February: the office checks your dates.",
    },
    "note.rece_not_renewable": {
        "fr": "La carte RECE n'est pas renouvelable : changez de statut avant sa fin.",
        "en": "The RECE card is not renewable: change your status before it ends.",
    },
    "note.concours_pending": {
        "fr": "Indiquez-nous le résultat de votre concours dès que vous le connaissez.",
        "en": "Tell us your exam result as soon as you know it.",
    },
    # Recording steps.
    "steps.title": {"fr": "Indiquez ce qui s'est passé", "en": "Tell us what happened"},
    "steps.lead": {
        "fr": "Vos échéances et vos rappels sont mis à jour aussitôt.",
        "en": "Your deadlines and reminders are updated at once.",
    },
    "steps.validated": {"fr": "J'ai validé mon visa (VLS-TS)",
                        "en": "I validated my visa (VLS-TS)"},
    "steps.submitted": {"fr": "J'ai déposé ma demande", "en": "I filed my application"},
    "steps.adf_received": {"fr": "J'ai reçu l'attestation de décision favorable",
                           "en": "I received the favourable decision (ADF)"},
    "steps.card_collected": {"fr": "J'ai retiré ma nouvelle carte",
                             "en": "I collected my new card"},
    "steps.refused": {"fr": "Ma demande a été refusée", "en": "My application was refused"},
    "steps.left_france": {"fr": "J'ai quitté la France", "en": "I left France"},
    "steps.concours": {"fr": "Résultat de mon concours", "en": "My exam result"},
    "steps.on": {"fr": "Date", "en": "Date"},
    "steps.new_card_type": {"fr": "Type de la nouvelle carte", "en": "Type of the new card"},
    "steps.save": {"fr": "Enregistrer", "en": "Save"},
    "steps.saved": {"fr": "C'est enregistré.", "en": "Saved."},
    "steps.left_france_hint": {
        "fr": "Vos rappels s'arrêtent. Vos données restent jusqu'à ce que vous les supprimiez.",
        "en": "Your reminders stop. Your data stays until you delete it.",
    },
    # Settings on the page.
    "settings.title": {"fr": "Vos préférences", "en": "Your settings"},
    "settings.language": {"fr": "Langue des e-mails et de la page",
                          "en": "Language of e-mails and of this page"},
    "settings.language_saved": {"fr": "Langue enregistrée.", "en": "Language saved."},
    "settings.reminders_on": {"fr": "Les rappels par e-mail sont activés.",
                              "en": "E-mail reminders are on."},
    "settings.reminders_off": {"fr": "Les rappels par e-mail sont arrêtés.",
                               "en": "E-mail reminders are off."},
    "settings.stop_reminders": {"fr": "Arrêter les rappels", "en": "Stop reminders"},
    "settings.restart_reminders": {"fr": "Reprendre les rappels", "en": "Restart reminders"},
    "calendar.title": {"fr": "Dans votre agenda", "en": "In your calendar"},
    "calendar.download": {"fr": "Télécharger le fichier agenda (.ics)",
                          "en": "Download the calendar file (.ics)"},
    "calendar.feed_label": {"fr": "Adresse d'abonnement privée",
                            "en": "Private subscription address"},
    "calendar.feed_hint": {
        "fr": "Ajoutez-la à votre agenda (« s'abonner par URL ») : il suit vos dates à jour. "
        "Ne la partagez pas ; si elle a circulé, créez-en une nouvelle.",
        "en": "Add it to your calendar app (“subscribe from URL”): it follows your dates as "
        "they change. Do not share it; if it got out, make a new one.",
    },
    "calendar.copy": {"fr": "Copier l'adresse", "en": "Copy the address"},
    "calendar.copied": {"fr": "Adresse copiée.", "en": "Address copied."},
    "calendar.rotate": {"fr": "Créer une nouvelle adresse (l'ancienne cesse de marcher)",
                        "en": "Make a new address (the old one stops working)"},
    "calendar.rotated": {"fr": "Nouvelle adresse créée.", "en": "New address made."},
    "ics.calendar_name": {"fr": "Titre de séjour : échéances",
                          "en": "Residence permit deadlines"},
    "ics.description": {
        "fr": "Échéance du {date} (règle {rule}). Détails et démarches sur votre page.",
        "en": "Deadline on {date} (rule {rule}). Details and steps on your page.",
    },
    "data.title": {"fr": "Vos données", "en": "Your data"},
    "data.download": {"fr": "Télécharger mes données (JSON)", "en": "Download my data (JSON)"},
    "data.delete": {"fr": "Supprimer mes données", "en": "Delete my data"},
    "delete.title": {"fr": "Supprimer vos données", "en": "Delete your data"},
    "delete.text": {
        "fr": "Tout ce qui vous concerne est effacé : identité, titres, étapes, rappels et "
        "e-mails en attente. Vous ne recevrez plus rien. Le journal du service garde "
        "seulement le fait qu'une suppression a eu lieu, sans rien sur vous.",
        "en": "Everything about you is erased: identity, titles, steps, reminders and "
        "pending e-mails. You will receive nothing more. The service's log keeps only the "
        "fact that a deletion happened, with nothing about you.",
    },
    "delete.irreversible": {"fr": "C'est définitif.", "en": "This cannot be undone."},
    "delete.confirm": {"fr": "Je veux supprimer définitivement mes données.",
                       "en": "I want to delete my data for good."},
    "delete.button": {"fr": "Supprimer définitivement", "en": "Delete for good"},
    "delete.cancel": {"fr": "Annuler et revenir à ma page", "en": "Cancel and go back"},
    "deleted.title": {"fr": "Vos données ont été supprimées",
                      "en": "Your data has been deleted"},
    "deleted.text": {
        "fr": "Merci d'avoir utilisé le service. Vous pouvez vous réinscrire à tout moment.",
        "en": "Thank you for using the service. You can register again at any time.",
    },
    # Correcting one's own data (/me/details).
    "details.hint.student_number": {
        "fr": "Sur votre carte d'étudiant. Une fois enregistré, il peut être corrigé mais pas "
              "effacé.",
        "en": "On your student card. Once on file, it can be corrected but not erased.",
    },
    "details.link": {"fr": "Corriger mes informations", "en": "Correct my details"},
    "details.title": {"fr": "Corriger vos informations", "en": "Correct your details"},
    "details.lead": {
        "fr": "Une erreur dans votre nom, votre date de naissance ou les dates de votre "
        "titre ? Corrigez-la ici : vos échéances et vos rappels suivent aussitôt.",
        "en": "A mistake in your name, your date of birth or your title's dates? Correct it "
        "here: your deadlines and reminders follow at once.",
    },
    "details.email_hint": {
        "fr": "Votre adresse sert à vous connecter : pour la changer, écrivez au bureau des "
        "relations internationales :",
        "en": "Your address is how you sign in: to change it, write to the international "
        "office:",
    },
    "details.new_card_hint": {
        "fr": "Vous avez reçu une nouvelle carte ? Ne la saisissez pas ici : sur votre page, "
        "choisissez « J'ai retiré ma nouvelle carte » et donnez ses dates.",
        "en": "You have received a new card? Do not enter it here: on your page, choose "
        "“I collected my new card” and give its dates.",
    },
    "details.submit": {"fr": "Enregistrer les corrections", "en": "Save the corrections"},
    "details.cancel": {"fr": "Annuler et revenir à ma page", "en": "Cancel and go back"},
    "details.saved": {"fr": "Vos informations sont corrigées ; vos échéances sont à jour.",
                      "en": "Your details are corrected; your deadlines are up to date."},
    "error.student_number_keep": {
        "fr": "Le bureau a enregistré votre numéro d'étudiant : corrigez-le si besoin, mais "
        "ne l'effacez pas.",
        "en": "The office has your student number on file: correct it if needed, but do not "
        "erase it.",
    },
    "error.student_number_taken": {
        "fr": "Le numéro {value} est celui d'un autre dossier. Vérifiez-le sur votre carte "
        "d'étudiant.",
        "en": "The number {value} belongs to another record. Check it on your student card.",
    },
    "signed_out": {"fr": "Vous êtes déconnecté.", "en": "You are signed out."},
    "session.expired": {
        "fr": "Par sécurité, vous avez été déconnecté (30 minutes sans activité ou 12 heures "
        "depuis la connexion). Demandez un nouveau lien pour revenir sur votre page.",
        "en": "For your safety you were signed out (30 minutes without activity, or 12 hours "
        "since you signed in). Ask for a new link to get back to your page.",
    },
    # E-mails (subjects; the bodies are templates/emails/*.{fr,en}.*).
    "email.verification_subject": {"fr": "Confirmez votre inscription",
                                   "en": "Confirm your registration"},
    "email.access_link_subject": {"fr": "Votre lien de connexion",
                                  "en": "Your sign-in link"},
    # --- reminders fixes ---
    # A département we hold no contacts for (RULES: the student's own prefecture decides).
    "place.own_prefecture": {"fr": "La préfecture de votre département de résidence",
                             "en": "The prefecture of the département where you live"},
    "place.own_prefecture_ask": {
        "fr": "le bureau des relations internationales peut vous dire comment la joindre :",
        "en": "the international office can tell you how to reach it:",
    },
    "contacts.own_prefecture": {
        "fr": "Préfecture : celle du département où vous habitez (nous n'avons pas ses "
        "coordonnées ; demandez-les au bureau des relations internationales).",
        "en": "Prefecture: the one of the département where you live (we do not hold its "
        "details; ask the international office for them).",
    },
}
