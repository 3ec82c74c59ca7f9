"""Rank programs for a topic or a Förder-Check profile. Pure functions over the index."""

from __future__ import annotations

from dataclasses import dataclass

from actions.topics import SITUATION_PROGRAMS, TOPIC_PROGRAMS
from knowledge.index import KnowledgeIndex
from knowledge.schema import Landkreis, Program, ProgramState

ROLE_PRIORITY = (
    "apprentice", "works_council", "unemployed", "school_leaver", "self_employed", "employer", "employee",
)  # fmt: skip


def pick_role(roles: list[str]) -> str | None:
    """The most specific of several role words ("Azubi" beats "mein Betrieb")."""
    for role in ROLE_PRIORITY:
        if role in roles:
            return role
    return None


def _region_score(program: Program, landkreis: Landkreis | None) -> int:
    """Federal and own-Land programs rank equal (the routing order decides); programs of
    the other Land step back; with the Land unknown, federal programs come first."""
    if program.scope.value == "DE":
        return 1
    if landkreis is None:
        return 0
    return 1 if program.scope.value == landkreis.state.value else -5


def rank(
    programs: list[Program],
    *,
    role: str | None = None,
    landkreis: Landkreis | None = None,
    keep_ended: bool = False,
    relevance: dict[str, float] | None = None,
    min_relevance: float = 3.0,
) -> list[Program]:
    """Stable ranking: programs of another Land than the user's last, then fitting audience,
    then clear relevance to the question's words, then the given order; ended programs go
    last (or out)."""
    relevance = relevance or {}

    def key(item: tuple[int, Program]) -> tuple[int, int, int, float, int]:
        pos, p = item
        ended = p.status.state == ProgramState.ended
        audience = 1 if role is None or role in {a.value for a in p.audiences} else 0
        score = relevance.get(p.id, 0.0)
        return (
            int(ended),
            -_region_score(p, landkreis),
            -audience,
            -(score if score >= min_relevance else 0.0),
            pos,
        )

    ranked = [p for _, p in sorted(enumerate(programs), key=key)]
    if not keep_ended:
        ranked = [p for p in ranked if p.status.state != ProgramState.ended] or ranked
    return ranked


def topic_programs(index: KnowledgeIndex, intent: str) -> list[Program]:
    return [p for i in TOPIC_PROGRAMS.get(intent, ()) if (p := index.program(i))]


@dataclass(frozen=True)
class Profile:
    role: str | None
    employees: int | None
    situation: str | None
    landkreis: Landkreis | None


def recommend(index: KnowledgeIndex, profile: Profile, limit: int = 3) -> list[Program]:
    """Programs that fit a Förder-Check profile, best first."""
    situation = profile.situation or "weiterbildung"
    if profile.role in ("apprentice", "school_leaver") and situation == "weiterbildung":
        situation = "ausbildung"
    if situation == "strukturwandel" and profile.role in ("employer", "works_council"):
        situation = "strukturwandel_employer"
    if situation not in SITUATION_PROGRAMS:
        situation = "weiterbildung"
    candidates = [p for i in SITUATION_PROGRAMS[situation] if (p := index.program(i))]
    if profile.role:
        fitting = [p for p in candidates if profile.role in {a.value for a in p.audiences}]
        candidates = fitting or candidates
    ranked = rank(candidates, role=profile.role, landkreis=profile.landkreis)
    if profile.landkreis is not None:
        ranked = [
            p for p in ranked if p.scope.value in ("DE", profile.landkreis.state.value)
        ] or ranked
    return ranked[:limit]
