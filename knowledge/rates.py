"""Compute company-size dependent rates from the knowledge base's rate tables."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.schema import RateTable, SizeBand


@dataclass(frozen=True)
class RateResult:
    table: RateTable
    band: SizeBand
    employees: int

    @property
    def value(self) -> float:
        return self.band.value


def band_for(table: RateTable, employees: int) -> SizeBand:
    """The band that covers ``employees``; tables are validated to be contiguous and open."""
    if employees < 0:
        raise ValueError("employees must not be negative")
    for band in table.by_company_size:
        if band.max_employees is None or employees <= band.max_employees:
            return band
    raise ValueError(f"rate table {table.id} has no open last band")  # unreachable when valid


def rate_for(table: RateTable, employees: int) -> RateResult:
    return RateResult(table=table, band=band_for(table, employees), employees=employees)


def format_value(value: float, unit: str) -> str:
    number = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
    return {
        "percent": f"{number} %",
        "eur": f"{number} €",
        "eur_per_month": f"{number} € im Monat",
        "days_per_year": f"{number} Tage im Jahr",
    }.get(unit, number)


def format_band(band: SizeBand) -> str:
    if band.max_employees is None:
        return f"ab {band.min_employees} Beschäftigten"
    if band.min_employees == 0:
        return f"unter {band.max_employees + 1} Beschäftigten"
    return f"{band.min_employees} bis {band.max_employees} Beschäftigte"
