"""The contracts of the raw tables the publishers deliver already counted or summed: IS-24/8 FTEs,
Samdata costs, price index and activity, SSB population, drug-induced deaths, Kriminalomsorgen's
measures and Ungdata's answers, one row per period and unit.

Their measure columns are the totals that must move smoothly from year to year.
"""

from __future__ import annotations

from rusmonitor.contracts.schema import MUNICIPALITY, Column, Contract

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
