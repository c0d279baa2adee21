"""The report's own words in bokmål (default) and English. Indicator names, goals, definitions
and targets are not here: they come from the catalog (indicators.yml via dim_indicator)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

LANGUAGES = ("no", "en")
# the page's <html lang>: bokmål is `nb` (`no` is Norwegian of either written form)
HTML_LANG = {"no": "nb", "en": "en"}

TEXT = {
    "title": (
        "Opptrappingsplanen for rusfeltet 2016–2020",
        "Escalation plan for the substance-abuse field 2016–2020",
    ),
    "subtitle": (
        "Oppfølging av Prop. 15 S (2015–2016): hovedmål, indikatorer, mål og utvikling.",
        "Follow-up of Prop. 15 S (2015–2016): main goals, indicators, targets and trends.",
    ),
    "overview": ("Oversikt", "Overview"),
    "goal": ("Mål", "Goal"),
    "indicator": ("Indikator", "Indicator"),
    "my_municipality": ("Min kommune", "My municipality"),
    "english": ("English", "English"),
    "no_data_yet": (
        "Ingen publiserte data ennå ({path}). Kjør `uv run rusmonitor pipeline` først.",
        "No published data yet ({path}). Run `uv run rusmonitor pipeline` first.",
    ),
    "quality_failed": (
        "Den nyeste kjøringen feilet kvalitetskontrollen ({failures}). Rapporten viser fortsatt "
        "sist godkjente publisering.",
        "The newest run failed quality control ({failures}). The report still shows the last "
        "approved publication.",
    ),
    "quality_caption": (
        "Kvalitetskontroll (Great Expectations) sist kjørt {when} UTC; {warnings} advarsler i de "
        "siste kjøringene.",
        "Quality control (Great Expectations) last run {when} UTC; {warnings} warnings in the latest runs.",
    ),
    "data_docs": ("Kvalitetsrapport (Data Docs): `{docs}`", "Quality report (Data Docs): `{docs}`"),
    "published_short": ("Tall publisert {when} UTC.", "Figures published {when} UTC."),
    "published": (
        "Publisert {when} UTC fra {files} kildefiler (versjon {version}). Antall personer fra 1 til "
        "4 vises ikke (`:`). Kart: © Kartverket.",
        "Published {when} UTC from {files} source files (version {version}). Counts of 1 to 4 "
        "persons are not shown (`:`). Maps: © Kartverket.",
    ),
    "latest": ("Norge {year}", "Norway {year}"),
    "since_year": ("siden {year}", "since {year}"),
    "data_until": ("Data t.o.m. {year}", "Data up to {year}"),
    "status": ("Status", "Status"),
    "on_track": ("i rute", "on track"),
    "off_track": ("ikke i rute", "off track"),
    "no_target": ("uten tallfestet mål", "no numeric target"),
    "no_significant_change": ("ingen sikker endring", "no significant change"),
    "change_interval": (
        "95 % intervall for endringen {low} til {high}",
        "95 % interval of the change {low} to {high}",
    ),
    "goal_verdict": (
        "Siden planens utgangspunkt: {better} av {n} indikatorer sikkert bedre, {worse} sikkert "
        "dårligere, {same} uten sikker endring",
        "Since the plan's baseline: {better} of {n} indicators significantly better, {worse} "
        "significantly worse, {same} without significant change",
    ),
    "core_indicators": ("Kjerneindikatorer", "Core indicators"),
    "open_goal": ("Se alle indikatorer for mål {goal}", "See every indicator of goal {goal}"),
    "year": ("År", "Year"),
    "level": ("Geografisk nivå", "Geography level"),
    "unit": ("Område", "Area"),
    "all_units": ("Hele landet", "The whole country"),
    "sex": ("Kjønn", "Sex"),
    "age": ("Alder", "Age"),
    "national": ("Hele landet", "Norway"),
    "rhf": ("regionalt helseforetak", "regional health authority"),
    "hf": ("helseforetak", "health trust"),
    "county": ("fylke", "county"),
    "municipality": ("kommune", "municipality"),
    "nd_office": ("ND-kontor", "ND office"),
    "correctional_region": ("kriminalomsorgsregion", "correctional region"),
    "all": ("alle", "all"),
    "male": ("menn", "men"),
    "female": ("kvinner", "women"),
    "trend": ("Utvikling {first}–{last}", "Trend {first}–{last}"),
    "band": (
        "feltet rundt linjen: 95 % konfidensintervall",
        "band around the line: 95 % confidence interval",
    ),
    "target_line": ("stiplet linje: mål", "dashed line: target"),
    "comparison": ("Etter {level}, {year}", "By {level}, {year}"),
    "level_fallback": (
        "Indikatoren finnes ikke per {chosen}; vist per {level}.",
        "The indicator is not published by {chosen}; shown by {level}.",
    ),
    "national_marked": (
        "Den stiplede linjen er landstallet; strekene er 95 % intervaller.",
        "The dashed line is the national value; the whiskers are 95 % intervals.",
    ),
    "versus_title": ("Mot landet", "Against the country"),
    "versus_better": ("sikkert bedre enn landet", "significantly better than the country"),
    "versus_similar": ("ingen sikker forskjell", "no significant difference"),
    "versus_worse": ("sikkert dårligere enn landet", "significantly worse than the country"),
    "versus_higher": ("sikkert høyere enn landet", "significantly higher than the country"),
    "versus_lower": ("sikkert lavere enn landet", "significantly lower than the country"),
    "versus_plain": ("verdi", "value"),
    "versus_hidden": ("skjult", "withheld"),
    "interval": ("95 % intervall", "95 % interval"),
    "ci_low": ("95 % KI, nedre", "95 % CI, lower"),
    "ci_high": ("95 % KI, øvre", "95 % CI, upper"),
    "ranking_cut": (
        "Viser de {n} høyeste og de {n} laveste av {total} områder; velg et område for å se det.",
        "Showing the {n} highest and the {n} lowest of {total} areas; choose an area to see it.",
    ),
    "year_fallback": (
        "Siste år med tall for denne indikatoren: {year}.",
        "Latest year with data for this indicator: {year}.",
    ),
    "map": ("Kart etter {level}, {year}", "Map by {level}, {year}"),
    "map_legend": (
        "Fargen viser om området er sikkert bedre eller dårligere enn landet (95 % intervall). "
        "Mørkegrått: skjult fordi tallet kunne vise 1–{limit} personer (`:`). Lysegrått: ingen data. "
        "Grenser 2024, © Kartverket.",
        "The colour says whether the area is significantly better or worse than the country "
        "(95 % interval). Dark grey: withheld because the figure could reveal 1–{limit} persons (`:`). "
        "Light grey: no data. 2024 boundaries, © Kartverket.",
    ),
    "map_not_for_counts": (
        "Ingen kart for antall: områder av ulik størrelse kan ikke sammenlignes på antall. "
        "Se andelen eller raten for samme tema.",
        "No map for counts: areas of unequal size cannot be compared by counts. See the share "
        "or rate on the same topic.",
    ),
    "hidden": ("skjult", "withheld"),
    "no_rows": (
        "Ingen tall for dette utvalget (prøv et annet år, nivå, kjønn eller alder).",
        "No figures for this selection (try another year, level, sex or age).",
    ),
    "download": ("Last ned det som vises", "Download what is shown"),
    "definition": ("Definisjon", "Definition"),
    "numerator": ("Teller", "Numerator"),
    "denominator": ("Nevner", "Denominator"),
    "source": ("Kilde", "Source"),
    "target": ("Mål", "Target"),
    "direction": ("Ønsket retning", "Desired direction"),
    "up": ("opp", "up"),
    "down": ("ned", "down"),
    "none": ("ingen (kontekst)", "none (context)"),
    "series_break": ("Brudd i serien", "Break in series"),
    "source_ref": ("Dokumentgrunnlag", "Source documents"),
    "notes": ("Merknader", "Notes"),
    "dimensions": ("Inndelinger", "Dimensions"),
    "suppression": (
        "Personvern: antall personer under {limit} vises ikke.",
        "Privacy: counts of persons below {limit} are not shown.",
    ),
    "quality_of_indicator": ("Kvalitet (siste kontroll)", "Quality (latest check)"),
    "quality_ok": (
        "Alle {n} kontroller av denne indikatoren og kilden besto ({when} UTC).",
        "All {n} checks of this indicator and its source passed ({when} UTC).",
    ),
    "quality_issues": (
        "{n} kontroller feilet ved siste kjøring ({when} UTC):",
        "{n} checks failed in the latest run ({when} UTC):",
    ),
    "quality_none": ("Ingen kvalitetsresultater funnet.", "No quality results found."),
    "choose_indicator": ("Velg indikator", "Choose an indicator"),
    "choose_municipality": ("Velg kommune", "Choose a municipality"),
    "municipality_intro": (
        "Alle indikatorer med tall for {name}, siste år med tall, mot {county} og landet. "
        "Fargen og teksten sier om kommunen er sikkert bedre, uten sikker forskjell eller sikkert "
        "dårligere (95 % intervaller).",
        "Every indicator with figures for {name}, latest year with data, against {county} and the "
        "country. Colour and text say whether the municipality is significantly better, not "
        "significantly different or significantly worse (95 % intervals).",
    ),
    "municipality_none": (
        "Ingen indikatorer har tall for denne kommunen.",
        "No indicator has figures for this municipality.",
    ),
    "go": ("Vis", "Show"),
    "trend_short": ("Utvikling", "Trend"),
    "versus_county": ("Mot fylket", "Against the county"),
    "versus_better_short": ("bedre", "better"),
    "versus_similar_short": ("ingen sikker forskjell", "no significant difference"),
    "versus_worse_short": ("dårligere", "worse"),
    "versus_higher_short": ("høyere", "higher"),
    "versus_lower_short": ("lavere", "lower"),
    "versus_hidden_short": ("skjult", "withheld"),
    "reason_disclosure_control": ("skjult av personvernhensyn", "withheld for privacy"),
    "reason_missing": ("ingen tall", "no figure"),
    "barometer_legend": (
        "Grønn: sikkert bedre; gul: ingen sikker forskjell; rød: sikkert dårligere (95 % "
        "intervaller; blå: høyere eller lavere der planen ikke har en ønsket retning). "
        "Tall i parentes: 95 % intervall. `:` skjult, `..` ingen tall.",
        "Green: significantly better; yellow: no significant difference; red: significantly "
        "worse (95 % intervals; blue: higher or lower where the plan wants no direction). "
        "Figures in brackets: 95 % interval. `:` withheld, `..` no figure.",
    ),
    "print_view": ("Utskriftsvennlig profil (én side)", "Printable profile (one page)"),
    "figure_for": ("Tall for {year}", "Figure for {year}"),
    "national_only": (
        "Publisert for hele landet; siste år med tall: {year}.",
        "Published for the whole country; latest year with data: {year}.",
    ),
    "value": ("verdi", "value"),
    # the plan period's trend test (mart_indicator_trends) on tiles and goal pages
    "trend_marker": ("Trend {first}–{last}: {verdict}", "Trend {first}–{last}: {verdict}"),
    "trend_improving": ("bedring", "improving"),
    "trend_worsening": ("forverring", "worsening"),
    "trend_increasing": ("økning", "increasing"),
    "trend_decreasing": ("nedgang", "decreasing"),
    "trend_no_significant_change": ("ingen sikker trend", "no clear trend"),
    "trend_not_enough_points": ("for få år til å måle en trend", "too few years to measure a trend"),
    "trend_hidden_values": (
        "ingen trend (et år i perioden er skjult)",
        "no trend (a year in the period is hidden)",
    ),
    "trend_none": (
        "Ingen trendtest for denne serien i planperioden.",
        "No trend test for this series in the plan period.",
    ),
    "kind_share": ("andel", "share"),
    # under every chart: its figures as a table
    "show_table": ("Vis tallene som tabell", "Show the figures as a table"),
    "category": ("Kategori", "Category"),
    # the indicator page's definition: the kind of figure and its breakdowns, in words
    "kind_count": ("antall", "count"),
    "kind_rate": ("rate", "rate"),
    "kind_mean": ("gjennomsnitt", "mean"),
    "kind_median": ("median", "median"),
    "kind_difference": ("differanse", "difference"),
    "dim_year": ("år", "year"),
    "dim_municipality": ("kommune", "municipality"),
    "dim_county": ("fylke", "county"),
    "dim_rhf": ("regionalt helseforetak", "regional health authority"),
    "dim_hf": ("helseforetak", "health trust"),
    "dim_sex": ("kjønn", "sex"),
    "dim_age_group": ("aldersgruppe", "age group"),
    "dim_grade": ("klassetrinn", "school year"),
    "dim_level": ("funksjonsnivå", "level of functioning"),
    "dim_target_group": ("målgruppe", "target group"),
    "dim_work_category": ("type arbeid", "type of work"),
    "dim_nd_office": ("ND-kontor", "drug-court office"),
    "dim_correctional_region": ("kriminalomsorgsregion", "correctional region"),
    "dim_institution_type": ("institusjonstype", "type of institution"),
    "dim_measure": ("mål", "measure"),
    "dim_heavy_user": ("storforbruker", "heavy user"),
    "dim_main_substance": ("hovedrusmiddel", "main substance"),
    "dim_owner": ("eierskap", "ownership"),
    "dim_sector": ("sektor", "sector"),
    # goal pages: the first indicators are drawn at once, the others when opened
    "show_section": ("Vis figurer, kart og nedlasting", "Show charts, map and downloads"),
    "show_all_sections": ("Vis alle {n} indikatorene med figurer", "Show all {n} indicators with charts"),
    # the plan's measures (the measure register)
    "measures_heading": ("Tiltakene i planen", "The plan's measures"),
    "measures_caption": (
        "Tiltakseiernes status ved utgangen av hvert år (tiltaksregisteret), målt mot året planen "
        "gir tiltaket; forsinket betyr at året er omme og tiltaket ikke gjennomført. Grunnlaget for "
        "den årlige oppsummeringen av måloppnåelse og framdrift (Prop. 15 S (2015–2016), kap. 4).",
        "The owners' status at the end of each year (the measure register), against the year the "
        "plan gives the measure; late means that year has ended and it is not carried out. The basis "
        "of the annual summary of goal achievement and progress (Prop. 15 S (2015–2016), ch. 4).",
    ),
    "measures_verdict": (
        "Tiltak {year}: {done} av {n} gjennomført, {late} forsinket, {under_way} i gang, "
        "{not_started} ikke startet.",
        "Measures {year}: {done} of {n} carried out, {late} late, {under_way} under way, "
        "{not_started} not started.",
    ),
    "measures_table": (
        "Planens tiltak for mål {goal} ({year})",
        "The plan's measures for goal {goal} ({year})",
    ),
    "measures_download": ("Tiltakene, alle år", "The measures, every year"),
    "col_measure": ("Tiltak", "Measure"),
    "col_owner": ("Ansvarlig", "Owner"),
    "col_due": ("Frist", "Due"),
    "col_progress": ("Framdrift", "Progress"),
    "col_carried_out": ("Gjennomført år", "Carried out in"),
    "col_evidence": ("Dokumentasjon", "Evidence"),
    "col_source": ("Kilde i planen", "Where in the plan"),
}


def lang() -> str:
    """The language from the URL (?lang=en), bokmål otherwise."""
    value = st.query_params.get("lang", "no")
    return value if value in LANGUAGES else "no"


def t(key: str, **values) -> str:
    text = TEXT[key][LANGUAGES.index(lang())]
    return text.format(**values) if values else text


def catalog_text(meta, field: str) -> str | None:
    """A catalog field (name, goal, numerator_definition, target_text, …) in the reader's
    language where the catalog has both, else as the catalog gives it; None where the
    indicator has no such text."""
    localised = f"{field}_{lang()}"
    value = meta[localised] if localised in meta else meta[field]
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
