"""Texts shared by every area: field names, input errors, and the names of title types,
procedures, statuses, milestones, urgencies and flags."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Field names, keyed by the CSV column / form field name.
    "field.student_number": {"fr": "Numéro d'étudiant", "en": "Student number"},
    "field.family_name": {"fr": "Nom de famille", "en": "Family name"},
    "field.given_name": {"fr": "Prénom", "en": "Given name"},
    "field.email": {"fr": "Adresse e-mail", "en": "E-mail address"},
    "field.date_of_birth": {"fr": "Date de naissance", "en": "Date of birth"},
    "field.nationality": {"fr": "Nationalité", "en": "Nationality"},
    "field.department": {"fr": "Département de résidence", "en": "Département of residence"},
    "field.language": {"fr": "Langue", "en": "Language"},
    "field.title_type": {"fr": "Type de titre", "en": "Type of title"},
    "field.title_valid_from": {"fr": "Valable à partir du", "en": "Valid from"},
    "field.title_expires_on": {"fr": "Valable jusqu'au", "en": "Valid until"},
    "field.entry_date": {"fr": "Date d'entrée en France", "en": "Date of entry into France"},
    "field.validated_on": {"fr": "Visa validé le", "en": "Visa validated on"},
    "field.application_submitted_on": {"fr": "Demande déposée le",
                                       "en": "Application filed on"},
    "field.concours_result": {"fr": "Résultat du concours", "en": "Entrance exam result"},
    "field.file": {"fr": "Fichier", "en": "File"},
    # Input errors. Each names what is wrong and what is expected.
    "error.required": {"fr": "Ce champ est obligatoire.", "en": "This field is required."},
    "error.step_case_closed": {
        "fr": "Ce dossier est terminé (carte retirée, refus ou clôture) : aucune étape ne peut "
              "plus y être ajoutée. Un nouveau titre ouvre un nouveau dossier.",
        "en": "This case is over (card collected, refused or closed): no step can be added to "
              "it any more. A new title opens a new case.",
    },
    "error.step_backwards": {
        "fr": "Cette étape précède celle déjà enregistrée pour ce dossier ; corrigez plutôt la "
              "date de l'étape en cours.",
        "en": "This step comes before the one already recorded for this case; correct the date "
              "of the current step instead.",
    },
    "error.date_invalid": {
        "fr": "« {value} » n'est pas une date qui existe (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
        "en": "“{value}” is not a date that exists (expected YYYY-MM-DD or DD/MM/YYYY).",
    },
    "error.email_invalid": {
        "fr": "« {value} » n'est pas une adresse e-mail valide.",
        "en": "“{value}” is not a valid e-mail address.",
    },
    "error.nationality_invalid": {
        "fr": "« {value} » n'est pas un code de pays ISO 3166-1 à deux lettres (par ex. DZ, CN).",
        "en": "“{value}” is not a two-letter ISO 3166-1 country code (e.g. DZ, CN).",
    },
    "error.department_invalid": {
        "fr": "« {value} » n'est pas un code de département INSEE (par ex. 14, 50, 61).",
        "en": "“{value}” is not an INSEE département code (e.g. 14, 50, 61).",
    },
    "error.language_invalid": {
        "fr": "« {value} » n'est pas une langue proposée (fr ou en).",
        "en": "“{value}” is not an offered language (fr or en).",
    },
    "error.title_type_invalid": {
        "fr": "« {value} » n'est pas un type de titre connu ({choices}).",
        "en": "“{value}” is not a known title type ({choices}).",
    },
    "error.concours_result_invalid": {
        "fr": "« {value} » n'est pas un résultat possible (passed, failed ou pending).",
        "en": "“{value}” is not a possible result (passed, failed or pending).",
    },
    "error.expiry_before_start": {
        "fr": "La date de fin de validité est antérieure au début de validité ({start}).",
        "en": "The expiry date is before the start of validity ({start}).",
    },
    "error.entry_after_expiry": {
        "fr": "La date d'entrée est postérieure à la fin de validité du titre ({end}).",
        "en": "The entry date is after the title's expiry ({end}).",
    },
    "error.entry_before_start": {
        "fr": "La date d'entrée est antérieure au début de validité du visa ({start}).",
        "en": "The entry date is before the visa's start of validity ({start}).",
    },
    "error.algerian_title": {
        "fr": "Un ressortissant algérien ne peut pas détenir ce titre ({title_type}) : "
        "l'accord franco-algérien de 1968 s'applique.",
        "en": "An Algerian national cannot hold this title ({title_type}): the 1968 "
        "Franco-Algerian agreement applies.",
    },
    "error.born_after_entry": {
        "fr": "La date de naissance est postérieure à la date d'entrée en France.",
        "en": "The date of birth is after the date of entry into France.",
    },
    "error.certificate_not_algerian": {
        "fr": "Le certificat de résidence algérien est réservé aux ressortissants algériens "
              "(nationalité indiquée : {nationality}).",
        "en": "The Algerian residence certificate is only for Algerian nationals (nationality "
              "given: {nationality}).",
    },
    "error.minor_visa_adult": {
        "fr": "Un visa de mineur suppose d'avoir moins de 18 ans à l'arrivée ; cette date de "
              "naissance donne 18 ans ou plus au {date}.",
        "en": "A minor's visa means being under 18 on arrival; this date of birth makes the "
              "student 18 or older on {date}.",
    },
    "error.validated_before_arrival": {
        "fr": "Le visa ne peut pas avoir été validé avant l'arrivée en France ({date}).",
        "en": "The visa cannot have been validated before the arrival in France ({date}).",
    },
    "error.date_after_today": {
        "fr": "Cette date est postérieure à aujourd'hui ({today}).",
        "en": "This date is after today ({today}).",
    },
    "error.title_dates_without_title": {
        "fr": "Ces dates décrivent un titre de séjour : indiquez aussi son type (title_type) et "
              "sa date de fin (title_expires_on).",
        "en": "These dates describe a residence title: also give its type (title_type) and its "
              "end date (title_expires_on).",
    },
    "error.step_without_title": {
        "fr": "Aucun titre de séjour n'est enregistré pour cet étudiant : indiquez le titre "
              "(title_type, title_expires_on) avant cette étape.",
        "en": "No residence title is on record for this student: give the title (title_type, "
              "title_expires_on) before this step.",
    },
    "error.required_for_minor": {
        "fr": "La date de naissance est nécessaire pour un visa de mineur.",
        "en": "The date of birth is needed for a minor's visa.",
    },
    "error.too_long": {
        "fr": "Ce champ ne doit pas dépasser {max} caractères.",
        "en": "This field must not exceed {max} characters.",
    },
    "error.duplicate_student_number": {
        "fr": "Le numéro d'étudiant {value} apparaît déjà à la ligne {line}.",
        "en": "Student number {value} already appears on line {line}.",
    },
    "error.email_taken": {
        "fr": "L'adresse {value} appartient déjà à un autre étudiant ({other}).",
        "en": "The address {value} already belongs to another student ({other}).",
    },
    "error.unknown_columns": {
        "fr": "Colonnes inconnues : {columns}.",
        "en": "Unknown columns: {columns}.",
    },
    "error.missing_columns": {
        "fr": "Colonnes obligatoires absentes : {columns}.",
        "en": "Required columns missing: {columns}.",
    },
    "error.not_utf8": {
        "fr": "Le fichier n'est pas encodé en UTF-8 (octet invalide à la position {position}).",
        "en": "The file is not UTF-8 encoded (invalid byte at position {position}).",
    },
    "error.not_csv": {
        "fr": "Le fichier n'est pas un CSV lisible : {reason}.",
        "en": "The file is not a readable CSV: {reason}.",
    },
    "error.csv_binary": {
        "fr": "Le fichier n'est pas un CSV : il contient des données binaires "
              "(tableur ou image ?). Enregistrez-le au format « CSV UTF-8 ».",
        "en": "The file is not a CSV: it contains binary data (a spreadsheet or an image?). "
              "Save it as “CSV UTF-8”.",
    },
    "error.csv_empty": {
        "fr": "Le fichier est vide : il faut au moins une ligne d'en-tête.",
        "en": "The file is empty: a header line is needed at least.",
    },
    "error.duplicate_columns": {
        "fr": "Colonnes en double dans l'en-tête : {columns}.",
        "en": "Columns repeated in the header: {columns}.",
    },
    "error.wrong_field_count": {
        "fr": "La ligne a {found} valeurs alors que l'en-tête a {expected} colonnes.",
        "en": "The row has {found} values while the header has {expected} columns.",
    },
    # Title types: what the student sees printed on the visa or card.
    "title.vls-ts": {"fr": "Visa long séjour valant titre de séjour (VLS-TS)",
                     "en": "Long-stay visa equivalent to a residence permit (VLS-TS)"},
    "title.visa-csa": {"fr": "Visa long séjour « carte de séjour à solliciter »",
                       "en": "Long-stay visa “carte de séjour à solliciter”"},
    "title.visa-concours": {"fr": "Visa court séjour « étudiant concours »",
                            "en": "Short-stay entrance-exam visa (“étudiant concours”)"},
    "title.visa-minor": {"fr": "Visa de mineur scolarisé", "en": "Visa for a minor in education"},
    "title.student-card": {"fr": "Carte de séjour temporaire « étudiant »",
                           "en": "Temporary residence card “étudiant”"},
    "title.multi-year-card": {"fr": "Carte de séjour pluriannuelle",
                              "en": "Multi-year residence card"},
    "title.algerian-certificate": {"fr": "Certificat de résidence algérien",
                                   "en": "Algerian residence certificate"},
    "title.talent": {"fr": "Carte « passeport talent »", "en": "“Passeport talent” card"},
    "title.rece": {"fr": "Carte « recherche d'emploi / création d'entreprise » (RECE)",
                   "en": "Job-seeking / business-creation card (RECE)"},
    # Procedures.
    "procedure.vls_ts_validation": {"fr": "Validation du VLS-TS", "en": "VLS-TS validation"},
    "procedure.first_application": {"fr": "Première demande de titre de séjour",
                                    "en": "First residence-permit application"},
    "procedure.minor_at_18": {"fr": "Demande à 18 ans", "en": "Application at 18"},
    "procedure.renewal": {"fr": "Renouvellement", "en": "Renewal"},
    "procedure.exam_failed": {"fr": "Concours non obtenu", "en": "Entrance exam failed"},
    # Case statuses (R10 pipeline).
    "status.todo": {"fr": "À faire", "en": "To do"},
    "status.submitted": {"fr": "Déposée", "en": "Filed"},
    "status.adf_received": {"fr": "Attestation de décision favorable reçue",
                            "en": "Favourable decision (ADF) received"},
    "status.card_collected": {"fr": "Carte retirée", "en": "Card collected"},
    "status.refused": {"fr": "Refusée", "en": "Refused"},
    "status.closed": {"fr": "Clôturée", "en": "Closed"},
    # Milestones.
    "milestone.vls_ts_validation_deadline": {"fr": "Date limite de validation du visa",
                                             "en": "Deadline to validate the visa"},
    "milestone.first_application_deadline": {"fr": "Date limite de la première demande",
                                             "en": "Deadline for the first application"},
    "milestone.minor_window_opens": {"fr": "Ouverture de la période de demande (18 ans)",
                                     "en": "Application period opens (18th birthday)"},
    "milestone.minor_window_closes": {"fr": "Fin de la période recommandée (18 ans)",
                                      "en": "Recommended period ends (18th birthday)"},
    "milestone.minor_legal_deadline": {"fr": "Date limite légale (18 ans + 2 mois)",
                                       "en": "Legal deadline (18th birthday + 2 months)"},
    "milestone.renewal_window_opens": {"fr": "Ouverture du renouvellement",
                                       "en": "Renewal can be filed from"},
    "milestone.renewal_fee_free_until": {"fr": "Dernier jour sans pénalité de 180 €",
                                         "en": "Last day without the €180 late fee"},
    "milestone.title_expires": {"fr": "Fin de validité du titre", "en": "Title expires"},
    "milestone.anef_access_ends": {"fr": "Fin de l'accès à l'ANEF",
                                   "en": "ANEF no longer reachable"},
    # Urgency (office worklist).
    "urgency.overdue": {"fr": "En retard", "en": "Overdue"},
    "urgency.past_fee_threshold": {"fr": "Pénalité de 180 € due", "en": "€180 fee now due"},
    "urgency.act_now": {"fr": "À faire maintenant", "en": "Act now"},
    "urgency.due_soon": {"fr": "Sous 30 jours", "en": "Within 30 days"},
    "urgency.fine": {"fr": "Rien d'urgent", "en": "Nothing urgent"},
    "urgency.done": {"fr": "Déposé ou terminé", "en": "Filed or done"},
    # Flags.
    "flag.entry_date_missing": {"fr": "Date d'entrée inconnue", "en": "Entry date missing"},
    "flag.visa_ends_before_majority": {"fr": "Visa expirant avant la majorité",
                                       "en": "Visa ends before 18th birthday"},
    "flag.born_29_february": {"fr": "Né(e) un 29 février : à vérifier",
                              "en": "Born on 29 February: check by hand"},
    "flag.not_renewable": {"fr": "Titre non renouvelable", "en": "Not renewable"},
    "flag.anef_closed": {"fr": "Accès ANEF fermé", "en": "ANEF access closed"},
    "flag.title_expired": {"fr": "Titre expiré", "en": "Title expired"},
    "flag.late_fee_applies": {"fr": "Pénalité de 180 €", "en": "€180 late fee"},
    "flag.escalate_to_office": {"fr": "À traiter par le bureau", "en": "Office to act"},
    "flag.concours_result_pending": {"fr": "Résultat du concours attendu",
                                     "en": "Exam result pending"},
    "flag.date_of_birth_missing": {"fr": "Date de naissance inconnue",
                                   "en": "Date of birth missing"},
    "language.fr": {"fr": "Français", "en": "French"},
    "language.en": {"fr": "Anglais", "en": "English"},
}
