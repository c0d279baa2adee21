"""Samdata specialist health services.

Its raw tables: samdata_operating_costs, samdata_price_index, samdata_tsb_activity. Its sample
generator is rusmonitor/generate/samdata.py; its staging models are in
dbt_project/models/staging/samdata/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

SAMDATA_OPERATING_COSTS = Contract(
    source="samdata",
    table="samdata_operating_costs",
    description="Samdata spesialisthelsetjenesten: operating costs per health trust and sector, "
    "million NOK in current prices (sheet 'Driftskostnader').",
    grain="one row per year, health trust and sector",
    key=("aar", "helseforetak", "sektor"),
    file_format="XLSX workbook, one sheet per measure, title row, sectors as columns",
    columns=(
        Column("aar", "integer", "year", min=2000, max=2100),
        Column("rhf", "varchar", "regional health authority (name)"),
        Column("helseforetak", "varchar", "health trust (name)"),
        Column("sektor", "varchar", "sector", allowed=("Somatikk", "PHV voksne", "PHV barn og unge", "TSB")),
        Column(
            "driftskostnader_mnok",
            "decimal(12,1)",
            "operating costs, MNOK current prices",
            min=0,
            max=1_000_000,
        ),
    ),
    measures=("driftskostnader_mnok",),
    period_column="aar",
)


SAMDATA_PRICE_INDEX = Contract(
    source="samdata",
    table="samdata_price_index",
    description="Samdata: the price index used for fixed-price comparisons (sheet 'Prisindeks').",
    grain="one row per year",
    key=("aar",),
    file_format="XLSX sheet 'Prisindeks'",
    columns=(
        Column("aar", "integer", "year", min=2000, max=2100),
        Column("prisindeks", "decimal(8,2)", "price index, 2024 = 100", min=1, max=1000),
    ),
    period_column="aar",
)


SAMDATA_TSB_ACTIVITY = Contract(
    source="samdata",
    table="samdata_tsb_activity",
    description="Samdata: TSB activity and capacity per health trust (sheet 'TSB aktivitet').",
    grain="one row per year and health trust",
    key=("aar", "helseforetak"),
    file_format="XLSX sheet 'TSB aktivitet'",
    columns=(
        Column("aar", "integer", "year", min=2000, max=2100),
        Column("rhf", "varchar", "regional health authority (name)"),
        Column("helseforetak", "varchar", "health trust (name)"),
        Column("oppholdsdogn", "integer", "inpatient bed-days", min=0),
        Column("innleggelser", "integer", "admissions", min=0),
        Column("polikliniske_konsultasjoner", "integer", "outpatient consultations", min=0),
        Column("dognplasser_offentlig", "integer", "residential places, public", min=0),
        Column("dognplasser_privat", "integer", "residential places, private", min=0),
    ),
    measures=("oppholdsdogn", "innleggelser", "polikliniske_konsultasjoner"),
    period_column="aar",
)


SOURCE = Source(
    id="samdata",
    number=2,
    name_no="Samdata spesialisthelsetjenesten",
    name_en="Samdata specialist health services",
    kind="samdata",
    extracts=(
        Extract(
            "*.xlsx",
            (
                SAMDATA_OPERATING_COSTS,
                SAMDATA_PRICE_INDEX,
                SAMDATA_TSB_ACTIVITY,
            ),
            reader="samdata_workbook",
        ),
    ),
)
