"""Cause of Death Registry, drug-induced deaths (EMCDDA selection B).

Its raw tables: dodsarsak_drug_deaths. Its sample generator is rusmonitor/generate/dodsarsak.py;
its staging models are in dbt_project/models/staging/dodsarsak/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

DODSARSAK_DRUG_DEATHS = Contract(
    source="dodsarsak",
    table="dodsarsak_drug_deaths",
    description="Cause-of-death register: drug-induced deaths (EMCDDA selection B) per year, "
    "county of residence, sex and age group.",
    grain="one row per year, county, sex and age group (zero counts included)",
    key=("aar", "fylkesnr", "kjonn", "aldersgruppe"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "year of death", min=1990, max=2100),
        Column(
            "fylkesnr",
            "varchar",
            "county code of the year",
            pattern=r"\d{2}",
            valid_in_year_of="aar",
            geography="county",
        ),
        Column("fylkesnavn", "varchar", "county name"),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column(
            "aldersgruppe",
            "varchar",
            "age group",
            allowed=("15-24", "25-34", "35-44", "45-54", "55-64", "65+"),
        ),
        Column("antall", "integer", "deaths", min=0, max=2000),
    ),
    measures=("antall",),
    period_column="aar",
)


SOURCE = Source(
    id="dodsarsak",
    number=5,
    name_no="Dødsårsaksregisteret, narkotikautløste dødsfall (EMCDDAs utvalg B)",
    name_en="Cause of Death Registry, drug-induced deaths (EMCDDA selection B)",
    kind="register",
    extracts=(Extract("*.csv", (DODSARSAK_DRUG_DEATHS,)),),
    persons=True,
    # the series starts in 2002 (the plan quotes a mean over 2002-2013)
    years=tuple(range(2002, 2025)),
)
