"""Typed records of the knowledge base and their validation rules (pydantic v1 API).

Rasa 3.6 pins pydantic 1.10, so the models use the v1 API. Every record that states a
fact carries ``sources`` (URL and title), a ``stand`` date (when the fact was last checked
as current) and a ``review_by`` date (when a person must check it again).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

from pydantic import BaseModel, Extra, Field, HttpUrl, root_validator, validator

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PLZ_PATTERN = re.compile(r"^\d{5}$")


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        allow_mutation = False


class Audience(str, Enum):
    employee = "employee"
    employer = "employer"
    apprentice = "apprentice"
    unemployed = "unemployed"
    works_council = "works_council"
    self_employed = "self_employed"
    school_leaver = "school_leaver"


class Scope(str, Enum):
    """Where a program applies: the federal level or one Land."""

    DE = "DE"
    BW = "BW"
    TH = "TH"


class Topic(str, Enum):
    weiterbildung = "weiterbildung"
    qualifizierungsgeld = "qualifizierungsgeld"
    kurzarbeit = "kurzarbeit"
    bildungsgutschein = "bildungsgutschein"
    berufsabschluss = "berufsabschluss"
    aufstieg = "aufstieg"
    bildungszeit = "bildungszeit"
    esf = "esf"
    ausbildung = "ausbildung"
    insolvenz = "insolvenz"
    digitalisierung = "digitalisierung"
    innovation = "innovation"
    finanzierung = "finanzierung"
    transformation = "transformation"
    beratung = "beratung"
    netzwerk = "netzwerk"
    fachkraefte = "fachkraefte"
    veranstaltung = "veranstaltung"


class Reliability(str, Enum):
    """A: official (law, ministry, BA, state bank); B: chamber, association, commentary;
    C: provider, press, blog."""

    A = "A"
    B = "B"
    C = "C"


class Source(Strict):
    url: HttpUrl
    title: str = Field(..., min_length=3)
    reliability: Reliability = Reliability.B


class Sourced(Strict):
    """Fields shared by every fact-bearing record."""

    sources: list[Source] = Field(..., min_items=1)
    stand: dt.date
    review_by: dt.date
    uncertain: str | None = None  # curator/advisor note on what is not verified; not chat text

    @root_validator(skip_on_failure=True)
    def _review_after_stand(cls, values: dict) -> dict:
        if values["review_by"] < values["stand"]:
            raise ValueError("review_by must not be before stand")
        return values

    def __eq__(self, other: object) -> bool:
        """pydantic compares ``.dict()`` of both sides, every nested field, which made
        ``record not in found`` the action server's hottest line; records of different ids
        (or the same object) are decided at once, the rest as pydantic does."""
        if self is other:
            return True
        mine, theirs = getattr(self, "id", None), getattr(other, "id", None)
        if mine is not None and theirs is not None and mine != theirs:
            return False
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-by-validation models stay unhashable


# --- programs -----------------------------------------------------------------------------


class SizeBand(Strict):
    """A rate that applies to companies with ``min_employees <= n <= max_employees``."""

    min_employees: int = Field(0, ge=0)
    max_employees: int | None = Field(None, ge=0)
    value: float = Field(..., ge=0)

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        hi = values.get("max_employees")
        if hi is not None and hi < values["min_employees"]:
            raise ValueError("max_employees must be >= min_employees")
        return values


class RateTable(Strict):
    """A computable rate, e.g. the § 82 SGB III course-cost share by company size."""

    id: str = Field(..., regex=ID_PATTERN)
    label: str
    label_en: str | None = None
    unit: str = Field(..., regex=r"^(percent|eur|eur_per_month|days_per_year)$")
    qualifier: str = ""  # e.g. "bis zu" when the value is a maximum
    by_company_size: list[SizeBand] = Field(..., min_items=1)
    note: str | None = None

    @validator("by_company_size")
    def _contiguous(cls, bands: list[SizeBand]) -> list[SizeBand]:
        """Bands must start at 0, not overlap, leave no gap and end open."""
        expected = 0
        for i, band in enumerate(bands):
            if band.min_employees != expected:
                raise ValueError(f"band {i} starts at {band.min_employees}, expected {expected}")
            if band.max_employees is None:
                if i != len(bands) - 1:
                    raise ValueError("only the last band may be open-ended")
                return bands
            expected = band.max_employees + 1
        raise ValueError("the last band must be open-ended (no max_employees)")


class Amount(Strict):
    """A figure stated as text (not computable), e.g. "bis zu 15.000 €"."""

    label: str
    value: str
    label_en: str | None = None
    value_en: str | None = None


class ProgramState(str, Enum):
    active = "active"
    ended = "ended"
    changed = "changed"
    planned = "planned"


class Status(Strict):
    state: ProgramState
    date: dt.date | None = None  # date of ending / change / start
    note: str | None = None
    successor: str | None = None  # program id that replaces an ended one

    @root_validator(skip_on_failure=True)
    def _date_when_needed(cls, values: dict) -> dict:
        if values["state"] in (ProgramState.ended, ProgramState.changed) and not values["date"]:
            raise ValueError(f"status {values['state'].value} needs a date")
        return values


class EntryKind(str, Enum):
    """A funding ``program``, or an advice ``topic`` that is no program of its own (repayment
    clauses, recognition of foreign qualifications, the works council's rights …)."""

    program = "program"
    topic = "topic"


class Program(Sourced):
    """An entry the bot answers about: a funding program or an advice topic (``kind``)."""

    id: str = Field(..., regex=ID_PATTERN)
    kind: EntryKind = EntryKind.program
    name: str = Field(..., min_length=3)
    name_en: str | None = None
    aliases: list[str] = []
    summary: str = Field(..., min_length=20, max_length=600)
    summary_en: str | None = Field(None, max_length=600)
    key_figure: str = Field(..., min_length=5, max_length=300)
    key_figure_en: str | None = Field(None, max_length=300)
    audiences: list[Audience] = Field(..., min_items=1)
    scope: Scope
    topics: list[Topic] = Field(..., min_items=1)
    conditions: list[str] = []
    amounts: list[Amount] = []
    rates: list[RateTable] = []
    how_to_apply: str = Field(..., min_length=10)
    how_to_apply_en: str | None = None
    contacts: list[str] = []  # contact ids, resolved and checked by the validator
    contact_kinds: list[str] = []  # regional routing, e.g. "agentur_fuer_arbeit"
    legal_basis: str | None = None
    status: Status


# --- contacts ------------------------------------------------------------------------------


class ContactKind(str, Enum):
    agentur_fuer_arbeit = "agentur_fuer_arbeit"
    arbeitgeber_service = "arbeitgeber_service"
    jobcenter = "jobcenter"
    hotline = "hotline"
    ihk = "ihk"
    hwk = "hwk"
    union = "union"
    employer_association = "employer_association"
    network = "network"
    alliance = "alliance"
    weiterbildungsberatung = "weiterbildungsberatung"
    funding_agency = "funding_agency"
    economic_development = "economic_development"
    ministry = "ministry"
    education_provider = "education_provider"
    other = "other"


class Address(Strict):
    street: str | None = None
    postcode: str | None = None
    city: str

    @validator("postcode")
    def _plz(cls, v: str | None) -> str | None:
        if v is not None and not PLZ_PATTERN.match(v):
            raise ValueError(f"postcode {v!r} is not five digits")
        return v


class Contact(Sourced):
    id: str = Field(..., regex=ID_PATTERN)
    name: str = Field(..., min_length=3)
    kind: ContactKind
    role: str = Field(..., min_length=10, max_length=400)
    role_en: str | None = None
    topics: list[Topic] = []
    audiences: list[Audience] = []
    scope: Scope | None = None  # set when the contact serves a whole Land or the federation
    landkreise: list[str] = []  # landkreis ids it covers, checked by the validator
    address: Address | None = None
    phone: str | None = Field(None, regex=r"^\+?[0-9 ()/-]{6,25}$")
    email: str | None = Field(None, regex=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    web: HttpUrl | None = None
    parent: str | None = None  # e.g. an Arbeitgeber-Service belongs to its Agentur

    @root_validator(skip_on_failure=True)
    def _reachable(cls, values: dict) -> dict:
        if not (values.get("phone") or values.get("email") or values.get("web")):
            raise ValueError("a contact needs at least one of phone, email, web")
        return values


# --- regions ------------------------------------------------------------------------------


class Town(Strict):
    name: str
    postcodes: list[str] = []

    @validator("postcodes", each_item=True)
    def _plz(cls, v: str) -> str:
        if not PLZ_PATTERN.match(v):
            raise ValueError(f"postcode {v!r} is not five digits")
        return v


class Landkreis(Sourced):
    id: str = Field(..., regex=ID_PATTERN)
    name: str
    aliases: list[str] = []
    state: Scope
    region: str = Field(..., regex=ID_PATTERN)  # e.g. heilbronn-franken, suedwestthueringen
    seat: str
    towns: list[Town] = []
    postcodes: list[str] = []  # every postcode of the district
    # responsible contacts by kind, e.g. {"agentur_fuer_arbeit": ["aa-heilbronn"]}
    contacts: dict[ContactKind, list[str]] = {}

    @validator("postcodes", each_item=True)
    def _plz(cls, v: str) -> str:
        if not PLZ_PATTERN.match(v.rstrip("*")):
            raise ValueError(f"postcode {v!r} is not five digits")
        return v


# --- events -------------------------------------------------------------------------------


class EventKind(str, Enum):
    webinar = "webinar"
    job_fair = "job_fair"
    training = "training"
    info_event = "info_event"
    network_meeting = "network_meeting"


class Event(Sourced):
    id: str = Field(..., regex=ID_PATTERN)
    title: str
    kind: EventKind
    summary: str = Field(..., min_length=10, max_length=600)
    organizer: str | None = None  # contact id
    starts: dt.date | None = None  # None for recurring or on-demand offers
    ends: dt.date | None = None
    expires: dt.date  # after this date the bot no longer offers it
    location: str | None = None
    online: bool = False
    url: HttpUrl | None = None
    landkreise: list[str] = []
    topics: list[Topic] = []
    audiences: list[Audience] = []


# --- question-level facts -----------------------------------------------------------------


class QuestionKind(str, Enum):
    """What a question asks about a program: the question types the retrieval matches."""

    what = "what"  # what is it, what is it for
    who = "who"  # who qualifies, who does not, conditions
    amount = "amount"  # what is paid, how much
    duration = "duration"  # how long it lasts, how long it is valid
    apply = "apply"  # how, where and when to apply
    deadline = "deadline"  # by when (before the course starts, closing dates)
    decision = "decision"  # who decides, how long a decision takes
    obligation = "obligation"  # duties and consequences: Sperrzeit, repayment, lock-in
    combine = "combine"  # combinations with other benefits and programs
    right = "right"  # legal right or discretion, appeal
    courses = "courses"  # where to find approved courses and providers
    dropout = "dropout"  # a course dropped, failed or interrupted
    contact = "contact"  # whom to ask


FACT_ANSWER_MAX = 320


class Fact(Sourced):
    """One short answer to the questions people ask about a program or topic.

    ``source_text`` holds what the source says (quoted or closely paraphrased): every figure
    of ``answer``, ``answer_en``, ``figures`` and ``figures_en`` must occur in it, which the
    loader checks."""

    id: str = Field(..., regex=ID_PATTERN)
    about: str = Field(..., regex=ID_PATTERN)  # program or topic id
    kind: QuestionKind
    answer: str = Field(..., min_length=20, max_length=FACT_ANSWER_MAX)
    answer_en: str = Field(..., min_length=20, max_length=FACT_ANSWER_MAX)
    questions: list[str] = Field(..., min_items=3)  # German phrasings, as people write
    questions_en: list[str] = Field(..., min_items=1)
    roles: list[Audience] = []  # the answer holds for these askers only
    land: Scope | None = None  # the answer holds in this Land only
    figures: list[str] = Field([], max_items=3)  # key-figure lines shown under the answer
    figures_en: list[str] = Field([], max_items=3)
    next_step: str | None = None  # else the entry's how_to_apply
    next_step_en: str | None = None
    source_text: str = Field(..., min_length=20)

    @validator("questions", "questions_en", each_item=True)
    def _question(cls, v: str) -> str:
        if len(v) < 4 or len(v) > 300:
            raise ValueError("a question phrasing has 4 to 300 characters")
        return v

    @root_validator(skip_on_failure=True)
    def _figure_lines(cls, values: dict) -> dict:
        if len(values["figures_en"]) != len(values["figures"]):
            raise ValueError("figures_en needs one line for each line of figures")
        if values["land"] == Scope.DE:
            raise ValueError("land is BW or TH (leave it out for the whole of Germany)")
        return values


class SynonymGroup(Strict):
    """Words people use for the same thing; the first is the one the index keeps."""

    terms: list[str] = Field(..., min_items=2)
