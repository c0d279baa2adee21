"""Data contracts for the raw layer, kept as code.

One contract per raw table: its columns (name, type, nullability, allowed values, pattern, range),
key and grain. The loader checks incoming files against it before anything is written, the GX raw
suite is generated from it, and the docs render it. Column names are the publishers' own
(Norwegian) names; staging models rename them to English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rusmonitor.geography import RHF_CODES


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # varchar | integer | date | decimal(p,s)
    description: str = ""
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None  # regular expression the whole (trimmed) text must match
    min: float | None = None
    max: float | None = None
    # a municipality (or county) code must be one valid in the year given by this column
    valid_in_year_of: str | None = None
    geography: str = "municipality"  # or "county"

    @property
    def sql_type(self) -> str:
        return {"varchar": "VARCHAR", "integer": "BIGINT", "date": "DATE"}.get(self.dtype, self.dtype.upper())


@dataclass(frozen=True)
class Contract:
    source: str  # source id from the catalog's sources:
    table: str  # raw table name (schema raw)
    description: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    file_format: str  # how the landing file is laid out, for the docs
    metadata_columns: tuple[str, ...] = field(
        default=("_load_id", "_source_file", "_content_hash", "_row_number")
    )
    # columns whose total per period should move smoothly from year to year (a tenfold jump
    # is an error, not news); person-level tables are checked on their row counts instead
    measures: tuple[str, ...] = ()
    # how many years the newest period may lag the newest of any source (None: a one-off
    # survey, no freshness); the survey rounds of PasOpp come every three years
    freshness_lag_years: int | None = 0
    # (larger, smaller) column pairs: a part never exceeds its whole (yes-answers never exceed
    # answers), else a share above 100 % follows
    ordered_pairs: tuple[tuple[str, str], ...] = ()
    # the column whose year every row must share with the file's period folder <source>/<year>/
    # (a date column counts by its year); None: the contract does not tie rows to a period
    period_column: str | None = None
    # numbers as the publisher writes them: a decimal comma, thousands grouped by a space or a
    # no-break space ("2 803,3"); a "." is then ambiguous and quarantined, never guessed at
    decimal_comma: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


MUNICIPALITY = r"\d{4}"
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

SSB_POPULATION = Contract(
    source="ssb_population",
    table="ssb_population",
    description="SSB population 1 January by municipality, sex and single year of age "
    "(table 07459-like), from JSON-stat2.",
    grain="one row per municipality, sex, age and year",
    key=("region", "kjonn", "alder", "tid"),
    file_format="JSON-stat 2.0 dataset (SSB PxWebApi v2 'json-stat2' output)",
    columns=(
        Column(
            "region",
            "varchar",
            "municipality code of the year",
            pattern=MUNICIPALITY,
            valid_in_year_of="tid",
        ),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column("alder", "integer", "age in years (105 = 105 or older)", min=0, max=105),
        Column("tid", "integer", "year (population on 1 January)", min=1900, max=2100),
        Column("personer", "integer", "persons", nullable=True, min=0),
        Column(
            "status",
            "varchar",
            "SSB status symbol where the value is missing",
            nullable=True,
            allowed=(".", "..", "...", ":", "-"),
        ),
    ),
    measures=("personer",),
    period_column="tid",
)

LEVELS = ("gronn", "gul", "rod", "blodrod")

DODSARSAK_DRUG_DEATHS = Contract(
    source="dodsarsak",
    table="dodsarsak_drug_deaths",
    description="Cause-of-death register: drug-induced deaths (EMCDDA selection B) per year, "
    "county of residence, sex and age group.",
    grain="one row per year, county, sex and age group (zero counts included)",
    key=("aar", "fylkesnr", "kjonn", "aldersgruppe"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "year of death", min=1990, max=2100),
        Column(
            "fylkesnr",
            "varchar",
            "county code of the year",
            pattern=r"\d{2}",
            valid_in_year_of="aar",
            geography="county",
        ),
        Column("fylkesnavn", "varchar", "county name"),
        Column("kjonn", "integer", "sex: 1 male, 2 female", allowed=("1", "2")),
        Column(
            "aldersgruppe",
            "varchar",
            "age group",
            allowed=("15-24", "25-34", "35-44", "45-54", "55-64", "65+"),
        ),
        Column("antall", "integer", "deaths", min=0, max=2000),
    ),
    measures=("antall",),
    period_column="aar",
)

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

UNGDATA_RESPONSES = Contract(
    source="ungdata",
    table="ungdata_responses",
    description="Ungdata: respondents and answers per municipality, school grade and sex; for each "
    "item the number answering it and the number answering yes.",
    grain="one row per year, municipality, grade and sex",
    key=("aar", "kommunenr", "klassetrinn", "kjonn"),
    file_format="CSV, ';'-separated, UTF-8, header row",
    columns=(
        Column("aar", "integer", "survey year", min=2000, max=2100),
        Column(
            "kommunenr", "varchar", "municipality, code of the year", pattern=r"\d{4}", valid_in_year_of="aar"
        ),
        Column("klassetrinn", "varchar", "school grade", allowed=("8", "9", "10", "vg1", "vg2", "vg3")),
        Column("kjonn", "integer", "sex: 1 boys, 2 girls", allowed=("1", "2")),
        Column("respondenter", "integer", "respondents", min=0),
        Column("svar_beruset", "integer", "answered: drunk in the last 12 months", min=0),
        Column("beruset_12m", "integer", "drunk at least once in the last 12 months", min=0),
        Column("svar_cannabis", "integer", "answered: cannabis in the last 12 months", min=0),
        Column("cannabis_12m", "integer", "used cannabis in the last 12 months", min=0),
    ),
    measures=("respondenter",),
    ordered_pairs=(
        ("respondenter", "svar_beruset"),
        ("svar_beruset", "beruset_12m"),
        ("respondenter", "svar_cannabis"),
        ("svar_cannabis", "cannabis_12m"),
    ),
    period_column="aar",
)

CONTRACTS: dict[str, Contract] = {
    c.table: c
    for c in (
        NPR_TSB_EPISODES,
        NPR_DETOX_STAYS,
        NPR_OUTPATIENT_CONTACTS,
        IS_24_8_FTE,
        SAMDATA_OPERATING_COSTS,
        SAMDATA_PRICE_INDEX,
        SAMDATA_TSB_ACTIVITY,
        SSB_POPULATION,
        DODSARSAK_DRUG_DEATHS,
        BRUKERPLAN_USERS,
        KRIMINALOMSORGEN_MEASURES,
        KARTLEGGING_CLIENTS,
        PASOPP_RESPONDENTS,
        UNGDATA_RESPONSES,
    )
}


def contracts_for(source: str) -> list[Contract]:
    return [c for c in CONTRACTS.values() if c.source == source]
