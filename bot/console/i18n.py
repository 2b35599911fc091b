"""The console's words in French and English; each CM's choice is remembered with their account."""

from __future__ import annotations

LANGUAGES = ("fr", "en")

STRINGS: dict[str, tuple[str, str]] = {  # key → (fr, en)
    "escalations": ("À traiter par une personne", "Needs a person"),
    "drafts": ("Brouillons à approuver", "Drafts to approve"),
    "handled": ("Traités (7 jours)", "Handled (7 days)"),
    "stats": ("Statistiques", "Stats"),
    "sign_in": ("Se connecter", "Sign in"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "name": ("Nom", "Name"),
    "password": ("Mot de passe", "Password"),
    "totp": ("Code à usage unique (si activé)", "One-time code (if enabled)"),
    "wrong_login": ("Nom, mot de passe ou code incorrect.", "Wrong name, password or code."),
    "throttled": ("Trop d'essais. Réessayez dans {minutes} min.", "Too many attempts. Try again in {minutes} min."),
    "totp_required": ("Un second facteur est obligatoire : demandez à un admin de l'activer.",
                      "A second factor is required: ask an admin to enable it."),
    "empty": ("Rien en attente.", "Nothing waiting."),
    "waited": ("attend depuis", "waiting for"),
    "window_left": ("fenêtre de réponse : {left} restantes", "reply window: {left} left"),
    "window_closed": ("fenêtre de réponse fermée", "reply window closed"),
    "being_handled": ("en cours par {names}", "being handled by {names}"),
    "assigned_to": ("assigné à", "assigned to"),
    "filters": ("Filtres", "Filters"),
    "platform": ("Plateforme", "Platform"),
    "language": ("Langue", "Language"),
    "tone": ("Ton", "Tone"),
    "reason": ("Raison", "Reason"),
    "assignee": ("Assigné", "Assignee"),
    "search": ("Recherche", "Search"),
    "apply": ("Filtrer", "Filter"),
    "any": ("tous", "any"),
    "me": ("moi", "me"),
    "nobody": ("personne", "nobody"),
    "thread": ("Fil de la conversation", "Conversation"),
    "fan": ("Fan", "Fan"),
    "bot": ("Relais", "Relais"),
    "note": ("Note privée", "Private note"),
    "intent": ("Intention", "Intent"),
    "scores": ("Scores", "Scores"),
    "flags": ("Signaux", "Flags"),
    "reasons": ("Raisons", "Reasons"),
    "draft": ("Brouillon", "Draft"),
    "no_draft": ("Pas de brouillon.", "No draft."),
    "reply": ("Réponse", "Reply"),
    "approve": ("Approuver et envoyer", "Approve and send"),
    "send": ("Envoyer", "Send"),
    "send_anyway": ("Envoyer quand même", "Send anyway"),
    "open_problems": ("{n} problème(s) à corriger avant d'envoyer.", "{n} problem(s) to fix before sending."),
    "canned": ("Réponses types", "Canned replies"),
    "use": ("Utiliser", "Use"),
    "reject": ("Rejeter", "Reject"),
    "reject_reason": ("Raison du rejet", "Reason for rejecting"),
    "assign_me": ("M'assigner", "Assign to me"),
    "assign_to": ("Assigner à", "Assign to"),
    "add_note": ("Ajouter la note", "Add note"),
    "resolve": ("Résoudre et rendre au bot", "Resolve and hand back to the bot"),
    "already_sent": ("Déjà envoyé par {name}.", "Already sent by {name}."),
    "done_sent": ("Envoyé.", "Sent."),
    "done_pending": ("Envoi en cours : le moteur d'envoi le termine.", "Sending: the send engine finishes it."),
    "done_rejected": ("Brouillon rejeté.", "Draft rejected."),
    "done_assigned": ("Assigné.", "Assigned."),
    "done_noted": ("Note ajoutée.", "Note added."),
    "done_resolved": ("Conversation rendue au bot.", "Conversation handed back to the bot."),
    "send_failed": ("Échec de l'envoi : {reason}", "Send failed: {reason}"),
    "busy": ("Le bot traite un message de ce fan ; réessayez.", "The bot is handling a message of this fan; try again."),
    "handled_by": ("traité par {name} ({outcome})", "handled by {name} ({outcome})"),
    "audit": ("Journal", "Audit log"),
    "keys_help": ("j/k : suivant/précédent · Entrée : ouvrir · e : éditer · a : approuver · r : résoudre",
                  "j/k: next/previous · Enter: open · e: edit · a: approve · r: resolve"),
    "new_items": ("Nouveaux éléments", "New items"),
    "messages_today": ("Messages aujourd'hui", "Messages today"),
    "first_answer": ("Délai médian de première réponse humaine", "Median time to first human answer"),
    "precision": ("Brouillons : approuvés tels quels / modifiés / rejetés",
                  "Drafts: approved as is / edited / rejected"),
    "back": ("Retour", "Back"),
    "not_found": ("Élément introuvable.", "No such item."),
    "proofreading": ("Relecture", "Proofreading"),
    "clean": ("Aucun problème.", "No problem found."),
    "masked": ("masqué", "masked"),
    "empty_reply": ("La réponse est vide.", "The reply is empty."),
    "reply_too_long": ("La réponse est trop longue.", "The reply is too long."),
    "bad_form": ("Formulaire incomplet : rechargez la page.", "Incomplete form: reload the page."),
    "no_draft": ("Pas de brouillon à approuver ici.", "No draft to approve here."),
    "no_such_cm": ("Pas de compte {name}.", "No account {name}."),
    "empty_note": ("La note est vide.", "The note is empty."),
}


def pick_language(stored: str, accept_language: str) -> str:
    if stored in LANGUAGES:
        return stored
    for part in accept_language.split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "fr"


def translator(language: str):
    index = 0 if language == "fr" else 1

    def t(key: str, **values) -> str:
        text = STRINGS.get(key, (key, key))[index]
        return text.format(**values) if values else text
    return t
