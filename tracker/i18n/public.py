"""Texts of the public pages (home, registration, the student's page)."""

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
    "home.title": {"fr": "Ne manquez aucune échéance de votre titre de séjour",
                   "en": "Never miss a residence-permit deadline"},
    "home.lead": {
        "fr": "Indiquez votre titre et ses dates : nous calculons vos échéances et vous "
        "prévenons par e-mail avant qu'il ne soit trop tard.",
        "en": "Tell us your title and its dates: we work out your deadlines and warn you by "
        "e-mail before it is too late.",
    },
}
