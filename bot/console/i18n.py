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
    "throttled": ("Trop d'essais. Réessayez dans {seconds} s.", "Too many attempts. Try again in {seconds} s."),
    "signin_busy": ("Trop de connexions en cours. Réessayez dans {seconds} s.",
                    "Too many sign-ins at once. Try again in {seconds} s."),
    "totp_required": ("Un second facteur est obligatoire : demandez à la personne qui administre Relais de lancer "
                      "« relais cm totp {name} », puis connectez-vous avec un code.",
                      "A second factor is required: ask whoever runs Relais to run `relais cm totp {name}`, "
                      "then sign in with a code."),
    "totp_admin": ("Un compte admin a toujours un second facteur : lancez « relais cm totp {name} » sur le "
                   "serveur, puis connectez-vous avec un code.",
                   "An admin account always has a second factor: run `relais cm totp {name}` on the server, "
                   "then sign in with a code."),
    "empty": ("Rien en attente.", "Nothing waiting."),
    "waited": ("attend depuis", "waiting for"),
    "window_left": ("réponse automatique : encore {left}", "automated reply: {left} left"),
    "window_closed": ("fenêtre de 24 h fermée", "24-hour window closed"),
    "person_left": ("réponse d'une personne : encore {left}", "a person's reply: {left} left"),
    "person_closed": ("plus de réponse possible", "can no longer be answered"),
    "window_tagged": ("Plus de 24 h depuis le dernier message du fan : votre réponse partira comme réponse "
                      "d'une personne (étiquette HUMAN_AGENT), possible jusqu'au {until}.",
                      "More than 24 hours since the fan's last message: your reply goes out as a person's reply "
                      "(HUMAN_AGENT tag), possible until {until}."),
    "cannot_send": ("Impossible de répondre sur {platform} : le fan a écrit pour la dernière fois le {last}, une "
                    "personne peut répondre pendant {days} jours et la fenêtre s'est fermée le {closed}. Le fan "
                    "doit écrire à nouveau pour qu'on puisse lui répondre ; il reste à résoudre la conversation.",
                    "This fan can no longer be answered on {platform}: they last wrote on {last}, a person may "
                    "reply for {days} days and the window closed on {closed}. The fan has to write again before "
                    "anyone can answer; what is left is to resolve the conversation."),
    "window_refused": ("Envoi refusé : la fenêtre de réponse de la plateforme s'est fermée le {closed}.",
                       "Not sent: the platform's reply window closed on {closed}."),
    "away": ("Pendant votre absence", "While you were away"),
    "away_since": ("Depuis le départ de l'équipe, le {since}", "Since the team left, on {since}"),
    "away_last_day": ("Ces dernières 24 heures", "The last 24 hours"),
    "by_route": ("Messages par issue", "Messages by route"),
    "route_sent": ("envoyés par le bot", "sent by the bot"),
    "route_held": ("brouillons retenus", "drafts held"),
    "route_escalated": ("confiés à une personne", "handed to a person"),
    "route_failed": ("échecs d'envoi", "failed to send"),
    "away_escalations": ("Escalades, la plus ancienne d'abord ({n})", "Escalations, oldest first ({n})"),
    "away_drafts": ("Brouillons en attente : {waiting} sur {n}", "Drafts waiting: {waiting} of {n}"),
    "away_elsewhere": ("Conversations traitées dans Business Suite : {n}",
                       "Conversations answered in Business Suite: {n}"),
    "away_empty": ("Rien pendant ce temps.", "Nothing in that time."),
    "to_inbox": ("Aller à « À traiter par une personne »", "Go to \u201cNeeds a person\u201d"),
    "handled_short": ("traité", "handled"),
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
    "overflow_title": ("{count} messages au-delà de la limite d'envoi", "{count} messages over the sending limit"),
    "overflow_note": ("Ce fan a écrit plus que la limite par minute : ces messages n'ont reçu aucune réponse du "
                      "bot et sont gardés ici, du plus ancien au plus récent.",
                      "This fan wrote more than the limit per minute: the bot answered none of these messages; "
                      "they are kept here, oldest first."),
    "overflow_more": ("… et {count} autres, plus récents.", "… and {count} more, newer ones."),
    "fan": ("Fan", "Fan"),
    "bot": ("Relais", "Relais"),
    "cm": ("Équipe", "Team"),
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
