"""Ungdata youth survey.

Its raw tables: ungdata_responses. Its sample generator is rusmonitor/generate/ungdata.py; its
staging models are in dbt_project/models/staging/ungdata/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

UNGDATA_RESPONSES = Contract(
    source="ungdata",
    table="ungdata_responses",
    description="Ungdata: respondents and answers per municipality, school grade and sex; for each "
    "item the number answering it and the number answering yes.",
    grain="one row per year, municipality, grade and sex",
    key=("aar", "kommunenr", "klassetrinn", "kjonn"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "survey year", min=2000, max=2100),
        Column(
            "kommunenr", "varchar", "municipality, code of the year", pattern=r"\d{4}", valid_in_year_of="aar"
        ),
        Column("klassetrinn", "varchar", "school grade", allowed=("8", "9", "10", "vg1", "vg2", "vg3")),
        Column("kjonn", "integer", "sex: 1 boys, 2 girls", allowed=("1", "2")),
        Column("respondenter", "integer", "respondents", min=0),
        Column("svar_beruset", "integer", "answered: drunk in the last 12 months", min=0),
        Column("beruset_12m", "integer", "drunk at least once in the last 12 months", min=0),
        Column("svar_cannabis", "integer", "answered: cannabis in the last 12 months", min=0),
        Column("cannabis_12m", "integer", "used cannabis in the last 12 months", min=0),
    ),
    measures=("respondenter",),
    ordered_pairs=(
        ("respondenter", "svar_beruset"),
        ("svar_beruset", "beruset_12m"),
        ("respondenter", "svar_cannabis"),
        ("svar_cannabis", "cannabis_12m"),
    ),
    period_column="aar",
)


SOURCE = Source(
    id="ungdata",
    number=10,
    name_no="Ungdata-undersøkelsen",
    name_en="Ungdata youth survey",
    kind="survey",
    extracts=(Extract("*.csv", (UNGDATA_RESPONSES,)),),
    persons=True,
)
