"""EUDA (the EU Drugs Agency, formerly EMCDDA), drug-induced deaths by country, year, sex and
age group: the Statistical Bulletin's tables DRD-31, DRD-32 and DRD-36 to DRD-46, one workbook
each, as the agency publishes them (a row per country, a column per year, newest first).

Its raw tables: euda_drug_deaths. Its sample is the real 2019 bulletin (rusmonitor/generate/
euda_drug_deaths.py writes the published workbooks, reference/SOURCES.md says where they come
from); its staging models are in dbt_project/models/staging/euda_drug_deaths/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

# each bulletin table: the name its workbook is delivered under, the sex and the age group it
# counts (the tables split deaths by sex over all ages, or by age group over both sexes)
EUDA_TABLES: dict[str, tuple[str, str, str]] = {
    "DRD-31": ("maleDeaths", "M", "all"),
    "DRD-32": ("femaleDeaths", "F", "all"),
    "DRD-36": ("deaths15-19", "T", "15-19"),
    "DRD-37": ("deaths20-24", "T", "20-24"),
    "DRD-38": ("deaths25-29", "T", "25-29"),
    "DRD-39": ("deaths30-34", "T", "30-34"),
    "DRD-40": ("deaths35-39", "T", "35-39"),
    "DRD-41": ("deaths40-44", "T", "40-44"),
    "DRD-42": ("deaths45-49", "T", "45-49"),
    "DRD-43": ("deaths50-54", "T", "50-54"),
    "DRD-44": ("deaths55-59", "T", "55-59"),
    "DRD-45": ("deaths60-64", "T", "60-64"),
    "DRD-46": ("deaths65-inf", "T", "65+"),
}

EUDA_DRUG_DEATHS = Contract(
    source="euda_drug_deaths",
    table="euda_drug_deaths",
    description="Drug-induced deaths by country and year, in the EUDA Statistical Bulletin's tables "
    "by sex (DRD-31, DRD-32) and by age group (DRD-36 to DRD-46).",
    grain="one row per bulletin table, country and year",
    key=("tabell", "land", "aar"),
    file_format="XLSX, one sheet named by its table (DRD-31): a header row Country, years newest "
    "first; a row per country, a footnote asterisk after some names; an empty string where no "
    "figure was reported",
    columns=(
        Column("tabell", "varchar", "the bulletin's table", allowed=tuple(EUDA_TABLES)),
        Column("kjonn", "varchar", "sex the table counts: M men, F women, T both", allowed=("M", "F", "T")),
        Column(
            "aldersgruppe",
            "varchar",
            "age group the table counts",
            allowed=tuple(dict.fromkeys(age for _, _, age in EUDA_TABLES.values())),
        ),
        Column("land", "varchar", "country, as the bulletin names it (without its footnote mark)"),
        Column(
            "fotnote",
            "varchar",
            "'*' where the bulletin footnotes the country",
            nullable=True,
            allowed=("*",),
        ),
        Column("aar", "integer", "year of death", min=1985, max=2100),
        Column("dodsfall", "integer", "drug-induced deaths (none: not reported)", nullable=True, min=0),
    ),
    measures=("dodsfall",),
    # one bulletin edition: its folder is the edition's year, its newest figures years older
    freshness_lag_years=None,
)


SOURCE = Source(
    id="euda_drug_deaths",
    number=11,
    name_no=(
        "EUs narkotikabyrå (EUDA, tidligere EMCDDA), narkotikautløste dødsfall etter land "
        "(Statistical Bulletin)"
    ),
    name_en="EU Drugs Agency (EUDA, formerly EMCDDA), drug-induced deaths by country (Statistical Bulletin)",
    kind="reference",
    extracts=tuple(
        Extract(f"{name}*.xlsx", (EUDA_DRUG_DEATHS,), reader="euda_workbook")
        for name, _, _ in EUDA_TABLES.values()
    ),
    years=(2019,),
)
