"""Norwegian Correctional Service: drug programme with court control (ND) and § 12 transfers.

Its raw tables: kriminalomsorgen_measures. Its sample generator is
rusmonitor/generate/kriminalomsorgen.py; its staging models are in
dbt_project/models/staging/kriminalomsorgen/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

KRIMINALOMSORGEN_MEASURES = Contract(
    source="kriminalomsorgen",
    table="kriminalomsorgen_measures",
    description="Kriminalomsorgen: ND sentences per probation office and § 12 transfers to "
    "treatment institutions per correctional region.",
    grain="one row per year, unit and measure",
    key=("aar", "enhet_type", "enhet_kode", "tiltak"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "year", min=2000, max=2100),
        Column("enhet_type", "varchar", "kind of unit", allowed=("nd_kontor", "region")),
        Column("enhet_kode", "varchar", "unit code", pattern=r"[a-z_]+"),
        Column("enhet_navn", "varchar", "unit name"),
        Column(
            "tiltak", "varchar", "measure: ND sentence or § 12 transfer", allowed=("nd_dom", "paragraf_12")
        ),
        Column("antall", "integer", "count", min=0, max=100000),
    ),
    measures=("antall",),
    period_column="aar",
)


SOURCE = Source(
    id="kriminalomsorgen",
    number=7,
    name_no="Kriminalomsorgen: narkotikaprogram med domstolskontroll (ND) og overføringer etter § 12",
    name_en="Norwegian Correctional Service: drug programme with court control (ND) and § 12 transfers",
    kind="register",
    extracts=(Extract("*.csv", (KRIMINALOMSORGEN_MEASURES,)),),
    persons=True,
)
