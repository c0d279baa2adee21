"""Patient-experience survey, TSB inpatients (PasOpp).

Its raw tables: pasopp_respondents. Its sample generator is rusmonitor/generate/pasopp.py; its
staging models are in dbt_project/models/staging/pasopp/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.geography import RHF_CODES
from rusmonitor.sources.declaration import Extract, Source

PASOPP_RESPONDENTS = Contract(
    source="pasopp",
    table="pasopp_respondents",
    description="Patient-experience survey of TSB inpatients (PasOpp): one row per respondent.",
    grain="one row per respondent and survey round",
    key=("respondent_id",),
    file_format="CSV, ';'-separated, UTF-8, header row; items on a 1-5 scale, blank = no answer",
    columns=(
        Column("respondent_id", "varchar", "respondent key", pattern=r"PO\d{4}-\d{5}"),
        Column("aar", "integer", "survey year", min=2000, max=2100),
        Column(
            "rhf",
            "varchar",
            "regional health authority of the institution",
            allowed=RHF_CODES,
        ),
        Column(
            "innflytelse",
            "integer",
            "influence on the treatment, 1 not at all - 5 very much",
            nullable=True,
            min=1,
            max=5,
        ),
        Column(
            "individuell_plan",
            "varchar",
            "has an individual plan",
            nullable=True,
            allowed=("ja", "nei", "vet_ikke"),
        ),
        Column(
            "samarbeid_parorende", "integer", "cooperation with relatives, 1-5", nullable=True, min=1, max=5
        ),
        Column(
            "tilfreds_kommunale_tjenester",
            "integer",
            "satisfied with municipal services, 1-5",
            nullable=True,
            min=1,
            max=5,
        ),
    ),
    freshness_lag_years=3,
    period_column="aar",
)


SOURCE = Source(
    id="pasopp",
    number=9,
    name_no="Pasienterfaringsundersøkelsen, døgnpasienter i TSB (PasOpp)",
    name_en="Patient-experience survey, TSB inpatients (PasOpp)",
    kind="survey",
    extracts=(Extract("*.csv", (PASOPP_RESPONDENTS,)),),
    persons=True,
    # the patient-experience survey of TSB inpatients runs in rounds
    years=(2013, 2016, 2019, 2022),
)
