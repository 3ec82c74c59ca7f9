"""Routing tables: which programs answer a topic intent or fit a Förder-Check situation,
and how intents are titled on disambiguation buttons. Ids are checked by the tests."""

from __future__ import annotations

# topic intent -> candidate programs, most generally relevant first
TOPIC_PROGRAMS: dict[str, tuple[str, ...]] = {
    "ask_weiterbildung_foerderung": (
        "weiterbildung-beschaeftigte",
        "qualifizierungsgeld",
        "esf-fachkurse-bw",
        "weiterbildungsscheck-thueringen",
        "anpassungsqualifizierung-thueringen",
    ),
    "ask_qualifizierungsgeld": ("qualifizierungsgeld", "weiterbildung-beschaeftigte"),
    "ask_kurzarbeit": (
        "kurzarbeit-weiterbildung",
        "transferkurzarbeitergeld",
        "weiterbildung-kurzarbeit-106a",
    ),
    "ask_bildungsgutschein": (
        "bildungsgutschein",
        "berufsabschluss-nachholen",
        "weiterbildungsgeld",
    ),
    "ask_berufsabschluss": (
        "berufsabschluss-nachholen",
        "weiterbildungspraemie",
        "weiterbildungsgeld",
    ),
    "ask_aufstieg": ("aufstiegs-bafoeg", "aufstiegsstipendium", "weiterbildungsstipendium"),
    "ask_bildungszeit": ("bildungszeit-bw", "bildungsfreistellung-th"),
    "ask_esf_land": (
        "esf-fachkurse-bw",
        "weiterbildungsscheck-thueringen",
        "anpassungsqualifizierung-thueringen",
        "qualifizierungsberatung-thueringen",
    ),
    "ask_ausbildung_suche": (
        "ausbildungsgarantie",
        "einstiegsqualifizierung",
        "berufsorientierungspraktikum",
    ),
    "ask_ausbildung_hilfe": ("asa-flex", "mobilitaetszuschuss-azubis"),
    "ask_ausbildung_insolvenz": ("ausbildung-bei-insolvenz", "azubi-transfer-bw"),
    "ask_ausland": (
        "anerkennung-auslaendischer-abschluesse",
        "berufssprachkurse",
        "visum-fachkraefte",
        "visum-ausbildung",
    ),
    "ask_digitalisierung": (
        "digitalbonus-thueringen",
        "digitalisierungsfinanzierung-bw",
        "inqa-coaching",
        "erp-foerderkredit-digitalisierung-innovation",
        "go-digital",
    ),
    "ask_finanzierung": (
        "erp-foerderkredit-digitalisierung-innovation",
        "digitalisierungsfinanzierung-bw",
        "innovationsfinanzierung-4-0",
        "thueringen-dynamik",
    ),
    "ask_netzwerk": (
        "transformationsnetzwerke-automobil",
        "zukunftszentren",
        "weiterbildungsmentoren",
        "weiterbildungsverbuende",
        "transformationslotsen",
    ),
}

# Förder-Check situation -> programs in order of fit
SITUATION_PROGRAMS: dict[str, tuple[str, ...]] = {
    "strukturwandel_employer": (
        "weiterbildung-beschaeftigte",
        "qualifizierungsgeld",
        "transformationsnetzwerke-automobil",
        "transferkurzarbeitergeld",
        "inqa-coaching",
    ),
    "strukturwandel": (
        "weiterbildung-beschaeftigte",
        "qualifizierungsgeld",
        "transferkurzarbeitergeld",
        "bildungsgutschein",
        "transformationsnetzwerke-automobil",
        "esf-fachkurse-bw",
        "weiterbildungsscheck-thueringen",
    ),
    "kurzarbeit": (
        "kurzarbeit-weiterbildung",
        "weiterbildung-beschaeftigte",
        "transferkurzarbeitergeld",
    ),
    "ohne_abschluss": (
        "berufsabschluss-nachholen",
        "weiterbildung-beschaeftigte",
        "weiterbildungspraemie",
        "weiterbildungsgeld",
        "bildungsgutschein",
    ),
    "arbeitslos": (
        "bildungsgutschein",
        "berufsabschluss-nachholen",
        "weiterbildungsgeld",
        "weiterbildungspraemie",
    ),
    "aufstieg": ("aufstiegs-bafoeg", "aufstiegsstipendium", "weiterbildungsstipendium"),
    "ausbildung": (
        "asa-flex",
        "ausbildungsgarantie",
        "mobilitaetszuschuss-azubis",
        "einstiegsqualifizierung",
    ),
    "insolvenz": ("ausbildung-bei-insolvenz", "transferkurzarbeitergeld", "azubi-transfer-bw"),
    "weiterbildung": (
        "weiterbildung-beschaeftigte",
        "esf-fachkurse-bw",
        "weiterbildungsscheck-thueringen",
        "bildungszeit-bw",
        "bildungsfreistellung-th",
        "aufstiegs-bafoeg",
        "anpassungsqualifizierung-thueringen",
    ),
}

# readable titles for disambiguation buttons
INTENT_TITLES: dict[str, tuple[str, str]] = {
    "ask_foerder_check": ("Welche Förderung passt zu mir?", "Which funding fits me?"),
    "ask_job_at_risk": ("Arbeitsplatz im Wandel oder gefährdet", "Job changing or at risk"),
    "ask_weiterbildung_foerderung": ("Weiterbildung von Beschäftigten (§ 82)", "Training for employees (Section 82)"),
    "ask_qualifizierungsgeld": ("Qualifizierungsgeld", "Qualifizierungsgeld"),
    "ask_kurzarbeit": ("Kurzarbeit und Weiterbildung", "Short-time work and training"),
    "ask_bildungsgutschein": ("Bildungsgutschein, Umschulung", "Education voucher, retraining"),
    "ask_berufsabschluss": ("Berufsabschluss nachholen", "Get a vocational qualification"),
    "ask_aufstieg": ("Meister, Techniker: Aufstiegs-BAföG", "Master craftsman: Aufstiegs-BAföG"),
    "ask_bildungszeit": ("Bildungszeit / Bildungsurlaub", "Educational leave"),
    "ask_esf_land": ("Landesprogramme BW und Thüringen", "State programs BW and Thuringia"),
    "ask_ausbildung_suche": ("Ausbildungsplatz finden", "Find an apprenticeship"),
    "ask_ausbildung_hilfe": ("Hilfe während der Ausbildung", "Support during an apprenticeship"),
    "ask_ausbildung_insolvenz": ("Ausbildungsbetrieb insolvent", "Training company insolvent"),
    "ask_ausland": ("Aus dem Ausland: Anerkennung, Visum, Deutschkurs", "From abroad: recognition, visa, German course"),
    "ask_digitalisierung": ("Digitalisierung im Betrieb", "Digitalisation for companies"),
    "ask_finanzierung": ("Finanzierung für Betriebe", "Financing for companies"),
    "ask_contact": ("Ansprechpartner finden", "Find a contact"),
    "ask_netzwerk": ("Netzwerke und Bündnisse", "Networks and alliances"),
    "ask_events": ("Veranstaltungen und Messen", "Events and job fairs"),
    "register_training_need": ("Weiterbildungsbedarf melden", "Report a training need"),
    "request_human": ("Mit einem Menschen sprechen", "Talk to a person"),
    "ask_privacy": ("Datenschutz", "Privacy"),
    "request_deletion": ("Meine Daten löschen", "Delete my data"),
    "ask_capabilities": ("Was kann der Förderlotse?", "What can you do?"),
    "greet": ("Begrüßung", "Greeting"),
    "goodbye": ("Verabschiedung", "Goodbye"),
    "thanks": ("Danke", "Thanks"),
    "bot_challenge": ("Bist du ein Bot?", "Are you a bot?"),
    "feedback": ("Rückmeldung geben", "Give feedback"),
    "out_of_scope": ("Etwas anderes", "Something else"),
}  # fmt: skip


def intent_title(intent: str, lang: str) -> str:
    de, en = INTENT_TITLES.get(intent, (intent, intent))
    return en if lang == "en" else de
