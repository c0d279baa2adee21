"""Client census of services and needs (as the 2003 mapping survey by SINTEF Helse and
Rogalandsforskning).

Its raw tables: kartlegging_clients. Its sample generator is rusmonitor/generate/kartlegging.py;
its staging models are in dbt_project/models/staging/kartlegging/.
"""

from __future__ import annotations

from rusmonitor.contracts import Column, Contract
from rusmonitor.sources.declaration import Extract, Source

# the 27 measures of the census form, in the form's order (the census report's table 6-3);
# the catalog's baselines of unmet_need_pct_clients name the same measures
CENSUS_MEASURES: tuple[str, ...] = (
    "fastlege_kontakt",
    "pleie_omsorg",
    "lavterskel",
    "bolig_hjelp",
    "okonomi_hjelp",
    "sosialkontor_kontakt",
    "hjemmetjenester",
    "stottekontakt",
    "ansvarsgruppe",
    "individuell_plan",
    "barnevern",
    "aetat_tiltak",
    "aktivisering_dagtilbud",
    "trygdeytelser",
    "skole_kurs",
    "rus_poliklinikk",
    "rus_dagtilbud",
    "avrusning",
    "rus_dogn",
    "lar",
    "somatisk_utredning",
    "somatisk_behandling",
    "psyk_ungdomsteam",
    "dobbeltdiagnoseteam",
    "annet_rusteam",
    "psyk_dagtilbud",
    "psyk_dogn",
)


KARTLEGGING_CLIENTS = Contract(
    source="kartlegging",
    table="kartlegging_clients",
    description="Client census at specialised institutions (as the 2003 mapping survey by SINTEF "
    "Helse and Rogalandsforskning): one row per registered client, with institution type, "
    "demographics, heavy use, and per measure 0 not relevant, 1 receives it, 2 unmet need.",
    grain="one row per registered client (each client registered once)",
    key=("klient_nr",),
    file_format="CSV, ';'-separated, UTF-8, header row; one column t_<measure> per measure",
    columns=(
        Column("klient_nr", "varchar", "registration number", pattern=r"K\d{4}-\d{5}"),
        Column("aar", "integer", "census year", min=1990, max=2100),
        Column(
            "institusjonstype",
            "varchar",
            "institution type",
            allowed=("korttids_poliklinisk", "langtids", "omsorg"),
        ),
        Column(
            "fylkesnr",
            "varchar",
            "county of the institution, code of the year",
            pattern=r"\d{2}",
            valid_in_year_of="aar",
            geography="county",
        ),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column("alder", "integer", "age", min=10, max=100),
        Column("tungt_belastet", "varchar", "heavy user (tungt belastet)", allowed=("ja", "nei")),
        *(
            Column(
                f"t_{m}",
                "integer",
                f"measure {m}: 0 not relevant, 1 receives, 2 unmet need",
                nullable=True,
                allowed=("0", "1", "2"),
            )
            for m in CENSUS_MEASURES
        ),
    ),
    freshness_lag_years=None,
    period_column="aar",
)


SOURCE = Source(
    id="kartlegging",
    number=8,
    name_no=(
        "Kartlegging av klienter, tjenester og behov (som kartleggingen i 2003 ved SINTEF Helse og "
        "Rogalandsforskning)"
    ),
    name_en=(
        "Client census of services and needs (as the 2003 mapping survey by SINTEF Helse and "
        "Rogalandsforskning)"
    ),
    kind="survey",
    extracts=(Extract("*.csv", (KARTLEGGING_CLIENTS,)),),
    persons=True,
    # the census was taken once, in November 2003 (SINTEF Helse and Rogalandsforskning)
    years=(2003,),
)
