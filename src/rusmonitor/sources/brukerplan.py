"""Brukerplan, municipal mapping of users with substance problems.

Its raw tables: brukerplan_users. Its sample generator is rusmonitor/generate/brukerplan.py; its
staging models are in dbt_project/models/staging/brukerplan/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

LEVELS = ("gronn", "gul", "rod", "blodrod")


BRUKERPLAN_USERS = Contract(
    source="brukerplan",
    table="brukerplan_users",
    description="Brukerplan: one row per user mapped by a municipality in a year, with function "
    "level overall and per domain (grønn/gul/rød/blodrød), housing and individual plan.",
    grain="one row per mapped user and year",
    key=("bruker_id",),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "mapping year", min=2000, max=2100),
        Column(
            "kommunenr",
            "varchar",
            "mapping municipality, code of the year",
            pattern=r"\d{4}",
            valid_in_year_of="aar",
        ),
        Column("bruker_id", "varchar", "pseudonymous user key", pattern=r"BP\d{4}-\d{4}-\d{5}"),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column("alder", "integer", "age", min=0, max=120),
        Column("funksjon_samlet", "varchar", "overall function level", nullable=True, allowed=LEVELS),
        Column("fysisk_helse", "varchar", "physical health score", nullable=True, allowed=LEVELS),
        Column("psykisk_helse", "varchar", "mental health score", nullable=True, allowed=LEVELS),
        Column("arbeid_aktivitet", "varchar", "work/education/activity score", nullable=True, allowed=LEVELS),
        Column("bolig", "varchar", "housing", nullable=True, allowed=("fast_bolig", "ikke_fast_bolig")),
        Column("individuell_plan", "varchar", "has an individual plan", nullable=True, allowed=("ja", "nei")),
    ),
    period_column="aar",
)


SOURCE = Source(
    id="brukerplan",
    number=6,
    name_no="Brukerplan, kommunenes kartlegging av brukere med rusproblemer",
    name_en="Brukerplan, municipal mapping of users with substance problems",
    kind="survey",
    extracts=(Extract("*.csv", (BRUKERPLAN_USERS,)),),
    persons=True,
    # Brukerplan was taken into use from 2012
    years=tuple(range(2012, 2025)),
)
