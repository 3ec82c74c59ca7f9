"""The privacy notice, in German and English: what is stored, why, for how long, who sees it,
and how to erase it. One source for the bot's answer to "Datenschutz?" and the web page.

The retention period comes from ``RETENTION_DAYS`` (the same setting the deletion job uses),
so the notice can never promise something else than what happens.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    title: str
    text: str


def sections(lang: str, retention_days: int) -> list[Section]:
    days = f"{retention_days:,}".replace(",", ".")
    if lang == "en":
        return [
            Section(
                "What is stored",
                "Your messages and my answers, the time, the channel (website or Telegram) "
                "and your rating of an answer if you give one. Names, phone numbers, e-mail "
                "addresses, IBANs, tax and social-insurance numbers, street addresses and dates "
                "of birth are masked before a message is stored, as far as they are "
                "recognised. You appear only under a random session number (website) or a "
                "pseudonym (Telegram); no Telegram names are stored. An e-mail address is kept "
                "only if you give it for a reply.",
            ),
            Section(
                "Why",
                "So that the conversation works, an advisor can take over when you ask for "
                "it, and the assistant can be improved from questions it could not answer.",
            ),
            Section(
                "For how long",
                f"{days} days after your last message; then the conversation is deleted "
                "automatically. Counts of training needs (topic, region, number of people) are "
                "kept without personal data.",
            ),
            Section(
                "Who sees it",
                "Advisors of the participating networks (further-training advice, "
                "transformation guides, employer services) who are logged in to the advisor "
                "console. If you ask for a personal advisor in Telegram, your chat number is "
                "kept so that the reply can reach you.",
            ),
            Section(
                "How to erase it",
                'Any time: type "delete my data" (Telegram: /loeschen, website chat: '
                '"Delete history"). Everything about your conversation is then deleted from '
                "every store.",
            ),
        ]
    return [
        Section(
            "Was gespeichert wird",
            "Ihre Nachrichten und meine Antworten, die Uhrzeit, der Kanal (Website oder "
            "Telegram) und Ihre Bewertung einer Antwort, wenn Sie eine abgeben. Namen, "
            "Telefonnummern, E-Mail-Adressen, IBAN, Steuer- und Sozialversicherungsnummern, "
            "Anschriften und Geburtsdaten werden vor dem Speichern unkenntlich gemacht, soweit "
            "sie erkannt werden. Sie erscheinen nur unter einer zufälligen Sitzungsnummer "
            "(Website) oder einem Pseudonym (Telegram); Namen aus Telegram speichern wir nicht. "
            "Eine E-Mail-Adresse bleibt nur, wenn Sie sie für eine Antwort angeben.",
        ),
        Section(
            "Wozu",
            "Damit das Gespräch funktioniert, eine Beraterin oder ein Berater übernehmen "
            "kann, wenn Sie das wünschen, und damit der Förderlotse an Fragen besser wird, "
            "die er nicht beantworten konnte.",
        ),
        Section(
            "Wie lange",
            f"{days} Tage nach Ihrer letzten Nachricht; dann wird das Gespräch automatisch "
            "gelöscht. Zahlen zum Weiterbildungsbedarf (Thema, Region, Anzahl Personen) "
            "bleiben ohne persönliche Daten erhalten.",
        ),
        Section(
            "Wer es sieht",
            "Beraterinnen und Berater der beteiligten Netzwerke (Weiterbildungsberatung, "
            "Transformationslotsen, Arbeitgeber-Service), die in der Beratungskonsole "
            "angemeldet sind. Wenn Sie in Telegram eine persönliche Beratung wünschen, wird "
            "Ihre Chat-Nummer gespeichert, damit die Antwort Sie erreicht.",
        ),
        Section(
            "Wie Sie löschen",
            "Jederzeit: Schreiben Sie „Daten löschen“ (Telegram: /loeschen, Website-Chat: "
            "„Verlauf löschen“). Dann wird alles zu Ihrem Gespräch in allen Speichern gelöscht.",
        ),
    ]


def chat_text(lang: str, retention_days: int) -> str:
    """The notice as one short chat message; the web page has the long form."""
    days = f"{retention_days:,}".replace(",", ".")
    if lang == "en":
        lines = [
            "**Privacy**",
            "**Stored:** your messages (names, numbers and addresses masked) and my answers, "
            "under a pseudonym.",
            "**Why:** for the conversation, for an advisor if you ask for one, and to "
            "improve Förderlotse.",
            f"**For how long:** {days} days after your last message, then deleted automatically.",
            "**Who sees it:** logged-in advisors of the participating networks.",
            '**Erase:** any time with "delete my data" (Telegram: /loeschen).',
        ]
    else:
        lines = [
            "**Datenschutz**",
            "**Gespeichert:** Ihre Nachrichten (Namen, Nummern und Adressen unkenntlich "
            "gemacht) und meine Antworten, unter einem Pseudonym.",
            "**Wozu:** für das Gespräch, für eine Beratung auf Wunsch und um den Förderlotsen "
            "zu verbessern.",
            f"**Wie lange:** {days} Tage nach Ihrer letzten Nachricht, dann automatisch gelöscht.",
            "**Wer es sieht:** angemeldete Beraterinnen und Berater der beteiligten Netzwerke.",
            "**Löschen:** jederzeit mit „Daten löschen“ (Telegram: /loeschen).",
        ]
    return "\n".join(lines)
