"""The contracts of the raw tables whose rows are persons or what happened to one: NPR episodes,
detox stays and outpatient contacts, Brukerplan users, census clients and PasOpp respondents.

They have no measure columns: their row counts per period are what is checked from year to year.
"""

from __future__ import annotations

from rusmonitor.contracts.schema import MUNICIPALITY, Column, Contract
from rusmonitor.geography import RHF_CODES

# a time of day, HH:MM (a non-capturing group: GX warns on capturing ones)
HHMM = r"(?:[01]\d|2[0-3]):[0-5]\d"


def _npr_person_columns(year_of: str) -> tuple[Column, ...]:
    """Who the NPR row is about; every NPR extract starts with these (after its own key)."""
    return (
        Column("pasient_lopenr", "varchar", "pseudonymous person key", pattern=r"P\d{7}"),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column("fodselsar", "integer", "year of birth", min=1900, max=2024),
        Column(
            "bostedskommune",
            "varchar",
            f"municipality of residence, code valid at {year_of}",
            pattern=MUNICIPALITY,
            valid_in_year_of=year_of,
        ),
        Column("rapporteringsenhet", "varchar", "reporting health trust"),
    )


NPR_TSB_EPISODES = Contract(
    source="npr",
    table="npr_tsb_episodes",
    description="NPR: one row per TSB episode (henvisningsperiode with a treatment start), "
    "pseudonymous person key, residence municipality, referral, assessment and start dates.",
    grain="one row per episode",
    key=("episode_id",),
    file_format="CSV, ';'-separated, UTF-8, header row, ISO dates (YYYY-MM-DD)",
    columns=(
        Column("episode_id", "varchar", "episode key", pattern=r"E\d{4}-\d{7}"),
        *_npr_person_columns(year_of="behandling_start"),
        Column("henvisning_mottatt", "date", "referral received"),
        Column("vurdering_dato", "date", "referral assessed", nullable=True),
        Column("behandling_start", "date", "treatment start"),
        Column("episode_slutt", "date", "episode end", nullable=True),
        Column(
            "omsorgsniva",
            "integer",
            "level of care: 1 inpatient, 2 day, 3 outpatient",
            allowed=("1", "2", "3"),
        ),
        Column("hovedtilstand", "varchar", "main condition, ICD-10", pattern=r"F1\d\.\d"),
        Column(
            "fritt_behandlingsvalg", "integer", "treated under free choice (1) or not (0)", allowed=("0", "1")
        ),
        Column(
            "behandling_start_tid",
            "varchar",
            "time of treatment start (HH:MM)",
            nullable=True,
            pattern=HHMM,
        ),
        Column(
            "episode_slutt_tid",
            "varchar",
            "time of episode end (HH:MM)",
            nullable=True,
            pattern=HHMM,
        ),
        Column(
            "tidspresisjon", "varchar", "minutt: times recorded; dag: dates only", allowed=("minutt", "dag")
        ),
    ),
    period_column="behandling_start",
)

NPR_DETOX_STAYS = Contract(
    source="npr",
    table="npr_detox_stays",
    description="NPR: one row per detox (avrusning) stay, with admission and discharge date and "
    "time, and where the patient was discharged to.",
    grain="one row per detox stay, by year of discharge",
    key=("opphold_id",),
    file_format="CSV, ';'-separated, UTF-8, header row, ISO dates, times HH:MM",
    columns=(
        Column("opphold_id", "varchar", "stay key", pattern=r"A\d{4}-\d{7}"),
        *_npr_person_columns(year_of="utskrevet_dato"),
        Column("innskrevet_dato", "date", "admission date"),
        Column(
            "innskrevet_tid",
            "varchar",
            "admission time (HH:MM)",
            nullable=True,
            pattern=HHMM,
        ),
        Column("utskrevet_dato", "date", "discharge date"),
        Column(
            "utskrevet_tid",
            "varchar",
            "discharge time (HH:MM)",
            nullable=True,
            pattern=HHMM,
        ),
        Column(
            "tidspresisjon", "varchar", "minutt: times recorded; dag: dates only", allowed=("minutt", "dag")
        ),
        Column(
            "utskrevet_til",
            "varchar",
            "discharged to",
            allowed=("hjem", "annen_institusjon", "dod", "utland"),
        ),
    ),
    period_column="utskrevet_dato",
)

NPR_OUTPATIENT_CONTACTS = Contract(
    source="npr",
    table="npr_outpatient_contacts",
    description="NPR: one row per outpatient (poliklinisk) TSB contact, linked to its episode. "
    "Delivered at national scale only (`rusmonitor generate --national`, the benchmark): about "
    "600 000 contacts a year, per HF the number Samdata reports.",
    grain="one row per outpatient contact",
    key=("kontakt_id",),
    file_format="CSV, ';'-separated, UTF-8, header row, ISO dates (YYYY-MM-DD)",
    columns=(
        Column("kontakt_id", "varchar", "contact key", pattern=r"K\d{4}-\d{8}"),
        *_npr_person_columns(year_of="kontakt_dato"),
        Column("episode_id", "varchar", "the TSB episode of the contact", pattern=r"E\d{4}-\d{7}"),
        Column("kontakt_dato", "date", "date of the contact"),
        Column(
            "kontakttype",
            "varchar",
            "individual, group or remote (video/telephone) consultation",
            allowed=("individuell", "gruppe", "video_telefon"),
        ),
    ),
    # an optional extract: the default sample does not deliver it, so no freshness demand
    freshness_lag_years=None,
    period_column="kontakt_dato",
)

LEVELS = ("gronn", "gul", "rod", "blodrod")

BRUKERPLAN_USERS = Contract(
    source="brukerplan",
    table="brukerplan_users",
    description="Brukerplan: one row per user mapped by a municipality in a year, with function "
    "level overall and per domain (grønn/gul/rød/blodrød), housing and individual plan.",
    grain="one row per mapped user and year",
    key=("bruker_id",),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "mapping year", min=2000, max=2100),
        Column(
            "kommunenr",
            "varchar",
            "mapping municipality, code of the year",
            pattern=r"\d{4}",
            valid_in_year_of="aar",
        ),
        Column("bruker_id", "varchar", "pseudonymous user key", pattern=r"BP\d{4}-\d{4}-\d{5}"),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column("alder", "integer", "age", min=0, max=120),
        Column("funksjon_samlet", "varchar", "overall function level", nullable=True, allowed=LEVELS),
        Column("fysisk_helse", "varchar", "physical health score", nullable=True, allowed=LEVELS),
        Column("psykisk_helse", "varchar", "mental health score", nullable=True, allowed=LEVELS),
        Column("arbeid_aktivitet", "varchar", "work/education/activity score", nullable=True, allowed=LEVELS),
        Column("bolig", "varchar", "housing", nullable=True, allowed=("fast_bolig", "ikke_fast_bolig")),
        Column("individuell_plan", "varchar", "has an individual plan", nullable=True, allowed=("ja", "nei")),
    ),
    period_column="aar",
)


def _census_measures() -> tuple[str, ...]:
    """The 27 measures of the census form, in the catalog's order (Tabell 6-3)."""
    from rusmonitor.catalog import indicator

    return tuple(b["breakdown"]["measure"] for b in indicator("unmet_need_pct_clients")["baselines"])


CENSUS_MEASURES = _census_measures()

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
