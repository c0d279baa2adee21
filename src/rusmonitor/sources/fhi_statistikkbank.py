"""Folkehelseinstituttet's statistikkbank (Kommunehelsa, Norgeshelsa): published figures by place
name, year, sex and age, one table per file as its open API exports them to CSV (Ungdata's
shares, the cause-of-death register's rates).

Its raw tables: fhi_statistikkbank_values. Its sample is real: rusmonitor/generate/
fhi_statistikkbank.py writes tables exported from the statistikkbank in 2025 (reference/
SOURCES.md says where they come from); its staging models are in
dbt_project/models/staging/fhi_statistikkbank/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

# each exported table: the name its file is delivered under -> what it holds. The columns
# between Alder and Måltall are the table's own dimensions.
FHI_TABLES: dict[str, str] = {
    "alkohol_rus": "Ungdata: pupils in grades 8-10 who have been drunk once or more (share, standardised)",
    "psykiske_plager_ungdom": "Ungdata: pupils in grades 8-10 with many mental-health complaints (share)",
    "Dødsårsaker, ettårig": "Cause-of-death register, one-year figures: deaths per 100 000 (standardised)",
}
FHI_SYMBOLS = (":", "..", ".")  # anonymised (too few), missing, cannot be calculated

FHI_STATISTIKKBANK_VALUES = Contract(
    source="fhi_statistikkbank",
    table="fhi_statistikkbank_values",
    description="Figures exported from FHI's statistikkbank, one table per file: place, year, sex, "
    "age, the table's own dimensions and the measure, or FHI's symbol where there is no figure.",
    grain="one row per table, place, year, sex, age, dimensions and measure",
    key=("tabell", "geografi", "aar", "kjonn", "alder", "dimensjoner", "maltall"),
    file_format="CSV, ','-separated, UTF-8, header Geografi, År, Kjønn, Alder, the table's "
    "dimensions, Måltall, value; text quoted where it holds a comma",
    columns=(
        Column("tabell", "varchar", "the exported table (its file's name)", allowed=tuple(FHI_TABLES)),
        Column("geografi", "varchar", "place, by name (Hele landet, a county, a municipality)"),
        Column("aar", "integer", "year", min=1990, max=2100),
        Column(
            "kjonn",
            "varchar",
            "sex, as FHI labels it",
            allowed=("kjønn samlet", "gutter", "jenter", "menn", "kvinner"),
        ),
        Column("alder", "varchar", "age group, as FHI labels it"),
        Column("dimensjoner", "varchar", "the table's own dimensions, 'name=value' joined by '; '"),
        Column("maltall", "varchar", "the measure (share in percent, rate per 100 000, ...)"),
        # a share or a rate per 100 000: above 100 000 is an export error, not a figure
        Column("verdi", "decimal(38,20)", "the figure", nullable=True, min=0, max=100_000),
        Column(
            "status", "varchar", "FHI's symbol where there is no figure", nullable=True, allowed=FHI_SYMBOLS
        ),
    ),
    measures=("verdi",),
    # exported tables span years: the folder is the year they were exported, not their figures'
    freshness_lag_years=None,
)


SOURCE = Source(
    id="fhi_statistikkbank",
    number=12,
    name_no="Folkehelseinstituttet, statistikkbanken (Kommunehelsa): Ungdata og dødsårsaker",
    name_en=(
        "Norwegian Institute of Public Health, statistics bank (Kommunehelsa): Ungdata and causes of death"
    ),
    kind="reference",
    extracts=tuple(
        Extract(f"{name}*.csv", (FHI_STATISTIKKBANK_VALUES,), reader="fhi_csv") for name in FHI_TABLES
    ),
    years=(2025,),
)
