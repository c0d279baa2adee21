"""Statistics Norway, population by municipality, sex and age (as table 07459).

Its raw tables: ssb_population. Its sample generator is rusmonitor/generate/ssb_population.py;
its staging models are in dbt_project/models/staging/ssb_population/.
"""

from __future__ import annotations

from rusmonitor.contracts import MUNICIPALITY, Column, Contract
from rusmonitor.sources.declaration import Extract, Source

SSB_POPULATION = Contract(
    source="ssb_population",
    table="ssb_population",
    description="SSB population 1 January by municipality, sex and single year of age "
    "(table 07459-like), from JSON-stat2 or the statbank's CSV download.",
    grain="one row per municipality, sex, age and year",
    key=("region", "kjonn", "alder", "tid"),
    file_format="JSON-stat 2.0 dataset (SSB PxWebApi v2 'json-stat2' output), or the statbank's "
    "CSV download (region; age; Persons <year> [Males|Females], Latin-1 or UTF-8, ';' or tab)",
    columns=(
        Column(
            "region",
            "varchar",
            "municipality code of the year",
            pattern=MUNICIPALITY,
            valid_in_year_of="tid",
        ),
        Column("kjonn", "integer", "sex: 1 male, 2 female, 0 both sexes", allowed=("0", "1", "2")),
        Column("alder", "integer", "age in years (105 = 105 or older)", min=0, max=105),
        Column("tid", "integer", "year (population on 1 January)", min=1900, max=2100),
        Column("personer", "integer", "persons", nullable=True, min=0),
        Column(
            "status",
            "varchar",
            "SSB status symbol where the value is missing",
            nullable=True,
            allowed=(".", "..", "...", ":", "-"),
        ),
    ),
    measures=("personer",),
    period_column="tid",
)


SOURCE = Source(
    id="ssb_population",
    number=4,
    name_no="SSB, befolkning etter kommune, kjønn og alder (som tabell 07459)",
    name_en="Statistics Norway, population by municipality, sex and age (as table 07459)",
    kind="reference",
    extracts=(
        Extract("*.json", (SSB_POPULATION,), reader="jsonstat2"),
        Extract("*.csv", (SSB_POPULATION,), reader="statbank_csv"),
    ),
)
