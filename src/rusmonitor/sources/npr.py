"""Norwegian Patient Registry (NPR), TSB and mental-health care episodes.

Its raw tables: npr_tsb_episodes, npr_detox_stays, npr_outpatient_contacts. Its sample generator
is rusmonitor/generate/npr.py; its staging models are in dbt_project/models/staging/npr/.
"""

from __future__ import annotations

from rusmonitor.contracts import HHMM, MUNICIPALITY, Column, Contract
from rusmonitor.sources.declaration import Extract, Source


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


SOURCE = Source(
    id="npr",
    number=1,
    name_no="Norsk pasientregister (NPR), episoder i TSB og psykisk helsevern",
    name_en="Norwegian Patient Registry (NPR), TSB and mental-health care episodes",
    kind="register",
    extracts=(
        Extract("npr_tsb_episoder_*.csv", (NPR_TSB_EPISODES,)),
        Extract("npr_avrusning_*.csv", (NPR_DETOX_STAYS,)),
        Extract("npr_poliklinikk_*.csv", (NPR_OUTPATIENT_CONTACTS,)),
    ),
    persons=True,
)
