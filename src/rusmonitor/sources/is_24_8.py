"""Norwegian Directorate of Health form IS-24/8, municipal FTEs in mental-health and substance
work.

Its raw tables: is_24_8_fte. Its sample generator is rusmonitor/generate/is_24_8.py; its staging
models are in dbt_project/models/staging/is_24_8/.
"""

from __future__ import annotations

from rusmonitor.contracts import MUNICIPALITY, Column, Contract
from rusmonitor.sources.declaration import Extract, Source

IS_24_8_FTE = Contract(
    source="is_24_8",
    table="is_24_8_fte",
    description="Helsedirektoratet form IS-24/8: municipal FTEs by work area and target group.",
    grain="one row per year, municipality, work area and target group",
    key=("aar", "kommunenr", "arbeidsomrade", "malgruppe"),
    file_format="CSV, ';'-separated, UTF-8, header row, decimal comma",
    columns=(
        Column("aar", "integer", "reporting year", min=2000, max=2100),
        Column(
            "kommunenr",
            "varchar",
            "municipality code of the year",
            pattern=MUNICIPALITY,
            valid_in_year_of="aar",
        ),
        Column("kommunenavn", "varchar", "municipality name"),
        Column("arbeidsomrade", "varchar", "work area", allowed=("rus", "psykisk_helse", "felles")),
        Column("malgruppe", "varchar", "target group", allowed=("voksne", "barn")),
        Column("arsverk", "decimal(10,1)", "full-time equivalents", min=0, max=10000),
    ),
    measures=("arsverk",),
    period_column="aar",
    decimal_comma=True,
)


SOURCE = Source(
    id="is_24_8",
    number=3,
    name_no="Helsedirektoratets skjema IS-24/8, kommunale årsverk i psykisk helse- og rusarbeid",
    name_en=(
        "Norwegian Directorate of Health form IS-24/8, municipal FTEs in mental-health and substance work"
    ),
    kind="survey",
    extracts=(Extract("*.csv", (IS_24_8_FTE,)),),
)
