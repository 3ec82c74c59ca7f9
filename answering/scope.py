"""Words that put a message inside the assistant's field (training, apprenticeships,
funding, structural change), whatever the NLU's off-topic guess.

The NLU calls some long questions off-topic that are plainly about an apprenticeship
("Ausbildung mit 30 – gibt es ein Höchstalter?"), while the fact scores alone do not tell
them from questions that only share a word with a fact ("Wie mache ich meine
Steuererklärung?"). A message with one of these words may be answered by a fact at the
normal threshold; without one, only a clear match about an entry it names overrules the
NLU. Whole words and compound parts count ("Ausbildungsbetrieb" → "Ausbildung").
"""

from __future__ import annotations

SCOPE_WORDS: tuple[str, ...] = (
    # German
    "Ausbildung", "Azubi", "Azubis", "Auszubildende", "Auszubildenden", "Lehrstelle", "Lehre", "Lehrling", "Ausbilder",
    "Berufsschule", "Weiterbildung", "Fortbildung", "Umschulung", "Qualifizierung",
    "Lehrgang", "Kurs", "Schulung", "Seminar", "Meister", "Techniker", "Förderung",
    "Zuschuss", "Bildungsgutschein", "Bildungszeit", "Bildungsurlaub", "Bildungsfreistellung",
    "Betriebsrat", "Kurzarbeit", "Transfergesellschaft", "Insolvenzgeld", "Arbeitsagentur",
    "Jobcenter", "Berufsabschluss", "Anerkennung", "Sprachkurs", "Transformation",
    "Visum", "Aufenthaltserlaubnis", "Fachkraft", "Fachkräfte", "Chancenkarte", "Deutschkurs",
    "fördern", "gefördert", "Prüfung", "IHK", "Handwerkskammer", "BAFA", "Agentur", "Arbeitsamt",
    "Betriebsvereinbarung", "Arbeitslosengeld", "Bürgergeld", "Grundsicherungsgeld", "Sperrzeit",
    # English
    "apprenticeship", "apprentice", "trainee", "training", "retraining", "course", "funding",
    "grant", "voucher", "council", "recognition", "qualification", "visa",
)  # fmt: skip
