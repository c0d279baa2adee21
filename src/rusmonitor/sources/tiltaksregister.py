"""The measure register: each measure owner's yearly status of the plan's concrete measures
(catalog/measures.yml), the basis of the plan's "annual summary of goal achievement and
progress" (Prop. 15 S (2015–2016), ch. 4).

Its raw tables: tiltaksregister_status. Its sample generator is rusmonitor/generate/
tiltaksregister.py; its staging models are in dbt_project/models/staging/tiltaksregister/.
"""

from __future__ import annotations

import yaml

from rusmonitor.contracts import Column, Contract
from rusmonitor.settings import MEASURES_PATH
from rusmonitor.sources.declaration import Extract, Source

# the measures' ids, read from the catalog file itself (rusmonitor.catalog reads the sources,
# so it cannot be imported here)
with MEASURES_PATH.open(encoding="utf-8") as _f:
    MEASURE_IDS: tuple[str, ...] = tuple(m["id"] for m in yaml.safe_load(_f)["measures"])

# not started, under way, carried out
STATUSES = ("ikke_startet", "igangsatt", "gjennomfort")

TILTAKSREGISTER_STATUS = Contract(
    source="tiltaksregister",
    table="tiltaksregister_status",
    description="The status of each of the plan's measures at the end of a year, as its owner "
    "reports it, with where the status is documented.",
    grain="one row per measure and year",
    key=("aar", "tiltak_id"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "year reported on", min=2015, max=2100),
        Column("tiltak_id", "varchar", "the measure (catalog/measures.yml)", allowed=MEASURE_IDS),
        Column("status", "varchar", "ikke_startet, igangsatt or gjennomfort", allowed=STATUSES),
        Column("dokumentasjon", "varchar", "where the owner documents the status", nullable=True),
    ),
    period_column="aar",
)


SOURCE = Source(
    id="tiltaksregister",
    number=13,
    name_no="Tiltaksregisteret: tiltakseiernes årlige status for planens tiltak",
    name_en="The measure register: the owners' yearly status of the plan's measures",
    kind="follow_up",
    extracts=(Extract("tiltaksregister_*.csv", (TILTAKSREGISTER_STATUS,)),),
    years=tuple(range(2016, 2025)),
)
