"""The Streamlit report: AppTest on every page and filter, a publish under an open app, the
downloads, and the running app over HTTP and in headless Chromium."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import forbidden_citations, free_port, report_answers
from rusmonitor import publish, report_export
from rusmonitor.catalog import default_suppression_limit, published_indicators
from rusmonitor.settings import ROOT, STREAMLIT_APP

OUTPUT = ROOT / "test-output"
CHROMIUM = Path(os.environ.get("RUSMONITOR_CHROMIUM", "/usr/bin/chromium"))
GOAL_PAGES = [f"views/goal_{goal}.py" for goal in range(1, 6)]
PAGES = ["views/overview.py", *GOAL_PAGES, "views/indicator.py", "views/municipality.py"]


def _sql(serving: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _app(serving: Path, monkeypatch, page: str | None = None, **query) -> AppTest:
    """The app on a page (AppTest needs one run before it can switch to a url_path page)."""
    monkeypatch.setenv("RUSMONITOR_SERVING", str(serving))
    at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at: AppTest) -> int:
    """How many charts the page drew; each must be a valid Vega-Lite spec (the app skips
    Altair's validation on every rerun: charts.show)."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    drawn = at.get("vega_lite_chart")
    for chart in drawn:
        # the structure is what can be wrong: validate each shape of spec once (titles, labels
        # and rows change with the filters; the schema does not look at them)
        spec = _without_rows(json.loads(chart.proto.spec))
        key = json.dumps(_shape(spec), sort_keys=True)
        if key not in _VALID_SHAPES:
            error = validate_jsonschema(spec, load_schema(), raise_error=False)
            assert error is None, f"invalid Vega-Lite spec: {error}"
            _VALID_SHAPES.add(key)
    return len(drawn)


_VALID_SHAPES: set[str] = set()


def _without_rows(node):
    if isinstance(node, dict):
        return {
            k: {name: [] for name in v}
            if k == "datasets" and isinstance(v, dict)
            else []
            if k == "values" and isinstance(v, list)
            else _without_rows(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_without_rows(v) for v in node]
    return node


def _shape(node):
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return type(node).__name__


def _select(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def _norwegian(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


# ------------------------------------------------------------------ overview
def test_overview_shows_each_goal_with_its_core_indicators(pipeline, monkeypatch):
    serving = pipeline["serving"]
    at = _app(serving, monkeypatch)
    assert [s.value for s in at.subheader] == [f"Mål {g}" for g in range(1, 6)] + ["Tiltakene i planen"]
    core = _sql(
        serving,
        "SELECT name_no FROM dim_indicator WHERE priority = 'core' AND indicator_id IN "
        "(SELECT indicator_id FROM mart_indicator_values) ORDER BY goal, catalog_order",
    )
    labels = [m.label for m in at.metric]
    # one tile per headline series: the golden rule's TSB and PHV each against somatics
    assert len(labels) == len(core) + 1
    for (name,) in core:
        assert any(label.startswith(name) for label in labels), name
    # the TSB patients tile is the mart's national value of the latest year, formatted in bokmål
    (patients,) = _sql(
        serving,
        "SELECT value FROM mart_indicator_values WHERE indicator_id = 'tsb_patients' AND geo_level = "
        "'national' AND breakdown = 'total' AND sex = 'all' AND age_group = 'all' ORDER BY year DESC LIMIT 1",
    )[0]
    assert f"{_norwegian(patients)} personer" in [m.value for m in at.metric]
    captions = " ".join(c.value for c in at.caption)
    assert "Status: " in captions and "Data t.o.m. 2024" in captions
    assert any("siden 2015" in (m.delta or "") for m in at.metric)
    assert "95 % intervall for endringen" in captions
    # a verdict per goal, counted from the mart's status of each indicator's latest value
    verdicts = [m.value for m in at.markdown if m.value.startswith("**Siden planens utgangspunkt")]
    assert len(verdicts) == 5
    headlines = dict(_sql(serving, "SELECT indicator_id, headline_json FROM dim_indicator"))
    national = _sql(
        serving,
        "SELECT i.goal, m.indicator_id, m.breakdown, arg_max(m.target_status, m.year) "
        "FROM mart_indicator_values m JOIN dim_indicator i USING (indicator_id) "
        "WHERE m.geo_level = 'national' AND m.sex = 'all' AND m.age_group = 'all' "
        "AND m.breakdown NOT LIKE 'adjustment=%' AND m.value IS NOT NULL GROUP BY ALL",
    )
    statuses = []
    for goal, indicator_id in {(g, i) for g, i, _, _ in national}:
        series = {b: status for g, i, b, status in national if i == indicator_id}
        # the catalog's headline series (the worst of several), else the total, else the
        # first single category
        spec = json.loads(headlines[indicator_id] or "{}")
        named = [series[b] for b in spec.get("breakdowns", []) if b in series]
        if named:
            worst = ("off_track", "no_significant_change", "on_track", "no_target")
            status = next(s for s in worst if s in named[: None if spec.get("combine") else 1])
        else:
            status = series["total" if "total" in series else min(b for b in series if ";" not in b)]
        statuses.append((goal, status))
    goal_3 = [status for goal, status in statuses if goal == 3]
    judged = [s for s in goal_3 if s != "no_target"]
    assert verdicts[2] == (
        f"**Siden planens utgangspunkt: {judged.count('on_track')} av {len(judged)} indikatorer sikkert "
        f"bedre, {judged.count('off_track')} sikkert dårligere, "
        f"{judged.count('no_significant_change')} uten sikker endring**"
    )


TREND_WORDS = {
    "no": {
        "improving": "bedring",
        "worsening": "forverring",
        "increasing": "økning",
        "decreasing": "nedgang",
        "no_significant_change": "ingen sikker trend",
    },
    "en": {
        "improving": "improving",
        "worsening": "worsening",
        "increasing": "increasing",
        "decreasing": "decreasing",
        "no_significant_change": "no clear trend",
    },
}
TREND_ARROWS = {"increasing": "↗", "decreasing": "↘", "no_significant_change": "→"}


def test_tiles_and_goal_pages_mark_the_plan_period_trend(pipeline, monkeypatch):
    """Each overview tile, and each goal page's indicator, says how its national series moved
    over the plan period (mart_indicator_trends): an arrow, the verdict in words, the p value."""
    serving = pipeline["serving"]
    trends = {
        indicator_id: (trend, status, p, first, last)
        for indicator_id, trend, status, p, first, last in _sql(
            serving,
            "SELECT indicator_id, trend, trend_status, p_value, first_year, last_year "
            "FROM mart_indicator_trends WHERE period = 'plan_period' AND geo_level = 'national' "
            "AND sex = 'all' AND age_group = 'all' AND breakdown = 'total'",
        )
    }

    def expected(indicator_id: str, lang: str) -> str:
        trend, status, p, first, last = trends[indicator_id]
        judged = trend in ("increasing", "decreasing") and status in ("improving", "worsening")
        word = TREND_WORDS[lang][status if judged else trend]
        return f"Trend {first}–{last}: {TREND_ARROWS[trend]} {word} (p "

    for lang in ("no", "en"):
        names = dict(_sql(serving, f"SELECT name_{lang}, indicator_id FROM dim_indicator"))
        overview = _app(serving, monkeypatch, lang=lang)
        tiles = [m for m in overview.metric if m.value != ".."]
        markers = [
            c.value for c in overview.caption if c.value.startswith(("Trend ", "Ingen trendtest", "No trend"))
        ]
        assert len(markers) == len(tiles) > 5, (lang, markers)
        verdicts = set()
        for tile, marker in zip(tiles, markers, strict=True):
            indicator_id = names.get(tile.label)
            if indicator_id in trends:
                assert marker.startswith(expected(indicator_id, lang)), (lang, tile.label, marker)
                # p in the page's number format: 0,03 / 0.03, or below 0,001 / 0.001
                assert re.search(r"\(p [=<] 0[,.]\d+\)$", marker), marker
                assert ("," in marker) == (lang == "no"), marker
                verdicts.add(trends[indicator_id][:2])
        # better, worse, no clear trend and a plain rise (no direction) are all among them
        assert len(verdicts) >= 3, verdicts
        goal = _app(serving, monkeypatch, "views/goal_3.py", lang=lang)
        shown = [m.value for m in goal.markdown]
        assert any(m.startswith(expected("tsb_wait_mean_days", lang)) for m in shown), lang


def test_english_switch_takes_labels_from_the_catalog(pipeline, monkeypatch):
    at = _app(pipeline["serving"], monkeypatch)
    at.toggle(key="english").set_value(True).run()
    assert not at.exception
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    assert [s.value for s in at.subheader] == [f"Goal {g}" for g in range(1, 6)] + ["The plan's measures"]
    labels = " ".join(m.label for m in at.metric)
    (name_en,) = _sql(
        pipeline["serving"], "SELECT name_en FROM dim_indicator WHERE indicator_id = 'tsb_patients'"
    )[0]
    assert name_en in labels


@pytest.mark.parametrize("lang", ["no", "en"])
def test_overview_shows_the_plans_measures_per_goal_at_the_plans_end_and_now(pipeline, monkeypatch, lang):
    serving = pipeline["serving"]
    counts = _sql(
        serving,
        "SELECT goal, year, count(*), "
        + ", ".join(
            f"count(*) FILTER (WHERE progress = '{p}')"
            for p in ("carried_out", "late", "under_way", "not_started")
        )
        + " FROM mart_measure_progress WHERE year IN (2020, (SELECT max(year) FROM mart_measure_progress)) "
        "GROUP BY ALL ORDER BY ALL",
    )
    at = _app(serving, monkeypatch, lang=lang)
    key = "Tiltak" if lang == "no" else "Measures"
    lines = [m.value for m in at.markdown if m.value.startswith(f"{key} 20")]
    # a line per goal and year (the plan's last, the latest), with the mart's counts
    template = {
        "no": "Tiltak {y}: {d} av {n} gjennomført, {late} forsinket, {u} i gang, {ns} ikke startet.",
        "en": "Measures {y}: {d} of {n} carried out, {late} late, {u} under way, {ns} not started.",
    }[lang]
    assert lines == [
        template.format(y=year, d=done, n=n, late=late, u=under_way, ns=not_started)
        for _, year, n, done, late, under_way, not_started in counts
    ]
    assert len(lines) == 2 * 5
    # each goal's latest table: the measure's text in the page's language, first of goal 1 first
    (first,) = _sql(
        serving,
        f"SELECT measure_{lang} FROM mart_measure_progress WHERE goal = 1 "
        "AND year = (SELECT max(year) FROM mart_measure_progress) ORDER BY measure_order LIMIT 1",
    )
    assert len(at.dataframe) >= 5
    assert at.dataframe[0].value[{"no": "Tiltak", "en": "Measure"}[lang]].iloc[0] == first[0]
    assert [b.label for b in at.get("download_button")][-3:] == ["CSV", "Excel", "JSON-stat2"]


def test_the_measure_downloads_hold_every_measure_and_year(pipeline):
    with duckdb.connect(str(pipeline["serving"]), read_only=True) as con:
        rows = con.execute("SELECT * FROM mart_measure_progress").df()
    frame = report_export.measure_frame(rows, "en")
    assert len(frame) == rows.measure_id.nunique() * rows.year.nunique()
    parsed = list(csv.DictReader(io.StringIO(report_export.to_csv(frame).decode("utf-8-sig")), delimiter=";"))
    assert len(parsed) == len(frame) and set(parsed[0]) >= {"measure", "owner", "due_year", "progress"}
    dataset = json.loads(report_export.jsonstat_bytes(report_export.measure_jsonstat(frame, "measures", {})))
    assert dataset["id"] == ["goal", "progress", "year"]
    assert len(dataset["value"]) == dataset["size"][0] * dataset["size"][1] * dataset["size"][2]
    assert sum(dataset["value"]) == len(frame)  # each measure once a year, in one progress
    late = int((frame.progress == "late").sum())
    position = dataset["dimension"]["progress"]["category"]["index"].index("late")
    years = dataset["size"][2]
    assert (
        sum(v for i, v in enumerate(dataset["value"]) if (i // years) % dataset["size"][1] == position)
        == late
    )


def test_overview_without_published_data_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("RUSMONITOR_SERVING", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    at.run()
    assert not at.exception
    assert "rusmonitor pipeline" in at.warning[0].value


def _report_module(name: str):
    sys.path.insert(0, str(ROOT / "streamlit_app"))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def test_an_area_is_better_or_worse_than_the_country_only_when_its_interval_says_so():
    report_data = _report_module("report_data")
    rows = pd.DataFrame(
        {
            "geo_code": list("abcdef"),
            "value": [12.0, 10.5, 8.0, 9.0, None, 30.0],
            "ci_low": [11.0, 9.0, 7.0, None, None, None],
            "ci_high": [13.0, 12.0, 9.5, None, None, None],
            "suppressed": [False, False, False, False, True, False],
        }
    )
    up = report_data.versus_country(rows, 10.0, "up").tolist()
    assert up == ["better", "similar", "worse", "worse", "hidden", "better"]
    assert report_data.versus_country(rows, 10.0, "down").tolist()[:3] == ["worse", "similar", "better"]
    assert report_data.versus_country(rows, 10.0, None).tolist()[:3] == ["higher", "similar", "lower"]
    assert set(report_data.versus_country(rows, None, "up")) == {"plain", "hidden"}
    many = pd.DataFrame({"geo_code": [str(i) for i in range(100)], "value": range(100)})
    picked, cut = report_data.ranking(many, keep="50")
    assert cut and len(picked) == 31 and {"99", "0", "50"} <= set(picked.geo_code)
    assert report_data.ranking(many.head(40))[1] is False


def test_goal_pages_show_a_survey_at_its_latest_year_and_long_rankings_cut(pipeline, monkeypatch):
    at = _app(pipeline["serving"], monkeypatch, "views/goal_1.py", sections="all")
    assert not at.exception
    titles = [m.value for m in at.markdown]
    (pasopp_year,) = _sql(
        pipeline["serving"],
        "SELECT max(year) FROM mart_indicator_values WHERE indicator_id = 'pasopp_low_influence'",
    )[0]
    assert pasopp_year < 2024 and f"**Etter regionalt helseforetak, {pasopp_year}**" in titles
    captions = " ".join(c.value for c in at.caption)
    assert f"Siste år med tall for denne indikatoren: {pasopp_year}." in captions
    at = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", level="municipality", sections="all")
    assert not at.exception
    assert "Viser de 15 høyeste og de 15 laveste av" in " ".join(c.value for c in at.caption)


def test_maps_colour_areas_against_the_country_and_never_map_counts(pipeline, monkeypatch):
    """A map says better / no significant difference / worse than the country in words and
    colour (not a value scale stretched over a few tenths); a count gets no map."""
    import pyarrow

    at = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", level="county", sections="all")
    maps = [c for c in at.get("vega_lite_chart") if "projection" in json.loads(c.proto.spec)]
    assert maps
    words = {
        "sikkert bedre enn landet",
        "ingen sikker forskjell",
        "sikkert dårligere enn landet",
        "sikkert høyere enn landet",
        "sikkert lavere enn landet",
        "verdi",
    }
    for chart in maps:
        colour = json.loads(chart.proto.spec)["layer"][2]["encoding"]["color"]
        assert colour["field"] == "versus" and colour["type"] == "nominal", colour
        # Streamlit sends a spec's named datasets apart from it, as Arrow
        (areas,) = [pyarrow.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
        shown = areas[areas.shown]
        assert len(shown) and set(shown.versus) <= words
        assert set(colour["scale"]["domain"]) == set(shown.versus)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Ingen kart for antall") for c in captions)
    assert any(f"1–{default_suppression_limit()} personer" in c for c in captions)


def _map_codes(at: AppTest) -> list[set[str]]:
    """The areas each map on the page colours (its geo codes)."""
    import pyarrow

    out = []
    for chart in at.get("vega_lite_chart"):
        if "projection" in json.loads(chart.proto.spec):
            (areas,) = [pyarrow.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
            out.append(set(areas.geo_code))
    return out


def test_hf_and_rhf_maps_draw_on_the_published_catchments(pipeline, tmp_path, monkeypatch):
    """An HF's or RHF's value is drawn on the municipalities dim_municipality_catchment of the
    serving file gives it, not on those of the checkout's geography seed (absent here)."""
    import rusmonitor.settings

    monkeypatch.setattr(rusmonitor.settings, "GEOGRAPHY_SEED", tmp_path / "absent.csv")
    serving = tmp_path / "serving" / "warehouse.duckdb"
    serving.parent.mkdir()
    shutil.copy(pipeline["serving"], serving)
    ((hf, rhf, goal),) = _sql(
        serving,
        "SELECT c.hf_code, c.rhf_code, min(d.goal) FROM dim_municipality_catchment c "
        "JOIN mart_indicator_values m ON m.geo_level = 'hf' AND m.geo_code = c.hf_code "
        "JOIN dim_indicator d USING (indicator_id) WHERE d.kind IN ('share', 'rate', 'mean') "
        "GROUP BY ALL ORDER BY count(DISTINCT c.municipality_code) DESC LIMIT 1",
    )
    with duckdb.connect(str(serving)) as con:  # one HF's municipalities left
        con.execute("DELETE FROM dim_municipality_catchment WHERE hf_code <> ?", [hf])
    kept = {code for (code,) in _sql(serving, "SELECT municipality_code FROM dim_municipality_catchment")}
    assert 5 < len(kept) < 100

    report_data = _report_module("report_data")
    rows = pd.DataFrame({"geo_code": [hf, "other"], "value": [1.0, 2.0]})
    level, spread = report_data.map_rows(rows, "hf", str(serving), "copy")
    assert level == "municipality" and set(spread.geo_code) == kept and set(spread.value) == {1.0}
    level, spread = report_data.map_rows(rows.assign(geo_code=[rhf, "x"]), "rhf", str(serving), "copy")
    assert set(spread.geo_code) == kept

    at = _app(serving, monkeypatch, f"views/goal_{goal}.py", level="hf", sections="all")
    municipal = [codes for codes in _map_codes(at) if all(len(c) == 4 for c in codes)]
    assert any(codes and codes <= kept for codes in municipal), [len(c) for c in municipal]
    at = _app(serving, monkeypatch, "views/municipality.py", kommune=sorted(kept)[0])
    assert 'class="barometer"' in _barometer(at)


def test_the_report_reads_no_seed_or_contract_of_the_checkout():
    """The report takes its data from the published files: what it imports from the package
    says only where those files lie and how they are laid out (settings' paths, the quality
    file's place, the download formats, the catalog's units for number formats)."""
    import ast

    imported = set()
    for path in sorted((ROOT / "streamlit_app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("GEOGRAPHY_SEED", "ref_geography", "seeds", "contracts", "rusmonitor.geography"):
            assert needle not in text, (path.name, needle)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rusmonitor"):
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names if a.name.startswith("rusmonitor")}
    assert imported == {
        "rusmonitor.report_export",
        "rusmonitor.catalog.units",
        "rusmonitor.settings.data_docs_index",
        "rusmonitor.settings.quality_file",
        "rusmonitor.settings.serving_path",
    }


def test_the_report_compares_areas_at_the_mart_contracts_levels():
    from rusmonitor.geography import GEO_LEVELS

    report_data = _report_module("report_data")
    assert report_data.COMPARE_LEVELS == tuple(level for level in GEO_LEVELS if level != "national")


def test_the_function_level_headline_is_green_and_yellow_summed_in_the_mart(pipeline):
    """The catalog's headline `level=gronn+gul` is a row of the mart: green plus yellow with
    the Wilson interval of the summed count, through suppression like every row (the audit in
    test_disclosure covers what a shown sum beside a hidden part would give away)."""
    from statsmodels.stats.proportion import proportion_confint

    rows = _sql(
        pipeline["serving"],
        "SELECT s.year, s.geo_code, s.numerator, s.denominator, s.value, s.ci_low, s.ci_high, "
        "g.numerator + y.numerator, g.value + y.value, s.target_status "
        "FROM mart_indicator_values s "
        "JOIN mart_indicator_values g USING (indicator_id, year, geo_level, geo_code, sex, age_group) "
        "JOIN mart_indicator_values y USING (indicator_id, year, geo_level, geo_code, sex, age_group) "
        "WHERE s.indicator_id = 'brukerplan_function_level' AND s.breakdown = 'level=gronn+gul' "
        "AND g.breakdown = 'level=gronn' AND y.breakdown = 'level=gul' "
        "AND s.sex = 'all' AND s.age_group = 'all' AND s.geo_level IN ('national', 'county') "
        "AND s.numerator IS NOT NULL AND g.numerator IS NOT NULL AND y.numerator IS NOT NULL",
    )
    assert len(rows) > 50
    for year, geo, n, d, value, low, high, parts, part_values, status in rows:
        assert n == parts and value == pytest.approx(part_values), (year, geo)
        wilson = proportion_confint(n, d, alpha=0.05, method="wilson")
        assert (low, high) == pytest.approx((100 * wilson[0], 100 * wilson[1])), (year, geo)
        assert status in ("on_track", "off_track", "no_significant_change", "no_target"), (year, geo)


def test_headline_series_come_from_the_catalog(pipeline, monkeypatch):
    serving = pipeline["serving"]
    at = _app(serving, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    names = dict(_sql(serving, "SELECT indicator_id, name_no FROM dim_indicator"))
    # function level: green and yellow together, not the 100 % of all levels
    (value,) = _sql(
        serving,
        "SELECT value FROM mart_indicator_values WHERE indicator_id = 'brukerplan_function_level' "
        "AND geo_level = 'national' AND sex = 'all' AND age_group = 'all' "
        "AND breakdown = 'level=gronn+gul' AND value IS NOT NULL ORDER BY year DESC LIMIT 1",
    )[0]
    assert value < 100
    assert metrics[f"{names['brukerplan_function_level']} (grønn + gul)"] == f"{_norwegian(value, 1)} %"
    # the golden rule: TSB and PHV, each against somatics
    for sector, label in (("tsb", "TSB"), ("phv", "psykisk helsevern")):
        (gap,) = _sql(
            serving,
            "SELECT value FROM mart_indicator_values WHERE indicator_id = 'golden_rule_gap' "
            "AND geo_level = 'national' AND breakdown = ? AND value IS NOT NULL ORDER BY year DESC LIMIT 1",
            [f"sector={sector}"],
        )[0]
        shown = f"{_norwegian(gap, 1)} prosentpoeng".replace("-", "−")
        assert metrics[f"{names['golden_rule_gap']} ({label})"] in (shown, shown.replace("−", "-"))
    # no tile names a raw breakdown code
    assert not [label for label in metrics if "=" in label]


def test_a_census_opens_on_its_year_without_a_one_point_trend(pipeline, monkeypatch):
    at = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", sections="all")
    titles = [m.value for m in at.markdown]
    assert not [title for title in titles if "Utvikling 2003–2003" in title]
    assert "Tall for 2003" in [m.label for m in at.metric]
    at = _app(pipeline["serving"], monkeypatch, "views/indicator.py", indicator="unmet_need_pct_clients")
    assert "**Tall for 2003**" in [m.value for m in at.markdown]
    for page in ("views/goal_1.py", "views/goal_3.py"):
        at = _app(pipeline["serving"], monkeypatch, page, sections="all")
        assert not [i.value for i in at.info if i.value.startswith("Ingen tall")], page


# ------------------------------------------------------------------ goal pages
@pytest.mark.parametrize("page", GOAL_PAGES)
def test_goal_page_every_filter_value(pipeline, monkeypatch, page):
    """Every year, level, sex and age group the goal has (each with the others at their
    defaults), every level at the earliest year, and one area per level, with every section
    drawn: no exception, and the URL carries the filters."""
    at = _app(pipeline["serving"], monkeypatch, page, sections="all")
    goal = int(page.split("_")[1][0])
    indicators = _sql(
        pipeline["serving"],
        "SELECT count(DISTINCT indicator_id) FROM mart_indicator_values JOIN dim_indicator USING "
        "(indicator_id) WHERE goal = ?",
        [goal],
    )[0][0]
    assert len(at.subheader) == indicators
    assert _charts(at) >= indicators  # a trend (or comparison) for each
    runs = 0

    def each(label: str) -> None:
        nonlocal runs
        for i in range(len(_select(at, label).options)):
            _select(at, label).select_index(i).run()
            runs += 1
            assert not at.exception, (page, label, i, [e.value for e in at.exception])
            assert _charts(at) > 0, (page, label, i)

    each("År")
    years = [int(y) for y in _select(at, "År").options]
    assert at.query_params["year"] in ([str(years[-1])], str(years[-1]))
    _select(at, "År").select_index(0).run()  # latest
    levels = len(_select(at, "Geografisk nivå").options)
    each("Geografisk nivå")
    for i in range(levels):
        _select(at, "Geografisk nivå").select_index(i).run()
        _select(at, "År").set_value(years[-1]).run()  # the earliest year at this level
        assert not at.exception
        if len(_select(at, "Område").options) > 1:
            _select(at, "Område").select_index(1).run()  # one area: its series beside Norway's
            assert not at.exception, (page, i, [e.value for e in at.exception])
            _select(at, "Område").select_index(0).run()
        _select(at, "År").select_index(0).run()
    for label in ("Kjønn", "Alder"):
        each(label)
        _select(at, label).select_index(0).run()
    assert runs >= len(years) + levels


def test_goal_page_draws_the_first_sections_and_the_others_when_opened(pipeline, monkeypatch):
    """Goal 3's 22 indicators: every heading at once, the charts of the first sections only;
    opening a section draws its charts, and ?sections=all draws them all."""
    goal_view = _report_module("goal_view")
    at = _app(pipeline["serving"], monkeypatch, "views/goal_3.py")
    headings = len(at.subheader)
    assert headings > goal_view.OPEN_AT_ONCE
    closed = [s for s in at.toggle if s.label == "Vis figurer, kart og nedlasting"]
    assert len(closed) == headings - goal_view.OPEN_AT_ONCE
    first = _charts(at)
    assert 0 < first <= 4 * goal_view.OPEN_AT_ONCE
    closed[-1].set_value(True).run()
    assert not at.exception
    assert _charts(at) > first
    # the opened section is kept in the address, and a link with it opens the same section
    opened = at.query_params["open"]
    opened = opened[0] if isinstance(opened, list) else opened
    last_id = _sql(
        pipeline["serving"],
        "SELECT indicator_id FROM dim_indicator WHERE goal = 3 ORDER BY catalog_order DESC",
    )[0][0]
    assert opened == last_id
    again = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", open=opened)
    assert _charts(again) > first
    assert [s.value for s in again.toggle if s.label == "Vis figurer, kart og nedlasting"][-1] is True
    closed = [s for s in at.toggle if s.label == "Vis figurer, kart og nedlasting"]
    closed[-1].set_value(False).run()
    assert "open" not in at.query_params and _charts(at) == first
    at = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", sections="all")
    assert _charts(at) >= headings and not [s for s in at.toggle if s.label.startswith("Vis figurer")]
    assert at.query_params["sections"] in (["all"], "all")


def test_filters_are_read_from_the_url(pipeline, monkeypatch):
    at = _app(
        pipeline["serving"], monkeypatch, "views/goal_2.py", year="2019", level="municipality", sex="female"
    )
    assert _select(at, "År").value == 2019
    assert _select(at, "Geografisk nivå").value == "municipality"
    assert _select(at, "Kjønn").value == "female"
    # an unknown value falls back to the default instead of failing
    at = _app(pipeline["serving"], monkeypatch, "views/goal_2.py", year="1066", level="mars")
    assert _select(at, "År").value == max(int(y) for y in _select(at, "År").options)


# ------------------------------------------------------------------ indicator and municipality
def test_indicator_page_for_every_indicator(pipeline, monkeypatch):
    at = _app(pipeline["serving"], monkeypatch, "views/indicator.py")
    count = len(_select(at, "Velg indikator").options)
    assert count == len(published_indicators())
    ids = []
    catalog = {
        i: (name, definition, cited, source)
        for i, name, definition, cited, source in _sql(
            pipeline["serving"],
            "SELECT indicator_id, name_no, numerator_definition_no, source_ref_no, source_name_no "
            "FROM dim_indicator",
        )
    }
    for i in range(count):
        _select(at, "Velg indikator").select_index(i).run()
        indicator_id = _select(at, "Velg indikator").value
        ids.append(indicator_id)
        assert not at.exception, (indicator_id, [e.value for e in at.exception])
        name, definition, cited, source = catalog[indicator_id]
        assert at.title[0].value == name
        shown = " ".join(m.value for m in at.markdown)
        assert definition is None or definition in shown
        # the source named in bokmål; the kind of figure and its breakdowns in words, not the
        # catalog's codes (`share`, `age_group`)
        assert f"**Kilde.** {source}" in shown, indicator_id
        labels = ("**Definisjon.**", "**Inndelinger.**")
        block = next(m.value for m in at.markdown if labels[0] in m.value)
        facts = [line for line in block.split("\n") if line.startswith(labels)]
        assert len(facts) == 2, (indicator_id, facts)
        assert not re.findall(r"\b(?:[a-z]+_[a-z_]+|share|count|mean|difference)\b", " ".join(facts)), facts
        # the documents by title and chapter, in bokmål, never a file's line numbers
        assert f"**Dokumentgrunnlag.** {cited}" in shown, indicator_id
        assert not forbidden_citations(shown), (indicator_id, forbidden_citations(shown))
        # the latest GX run's status for this indicator and its source
        assert at.success or at.warning, indicator_id
        assert _charts(at) >= 1
    assert at.query_params["indicator"] in ([ids[-1]], ids[-1])


def test_indicator_page_counts_the_checks_of_its_indicator_and_its_source(pipeline, monkeypatch):
    """The quality section counts the latest mart run's expectations about this indicator or
    the whole mart and the latest runs of its source's raw suites: the number the serialised
    GX kwargs (a row condition on indicator_id or none) and the source's raw tables give."""
    from rusmonitor.settings import quality_file
    from rusmonitor.sources import contracts_for

    indicator, source = "tsb_patients", "npr"
    tables = [c.table for c in contracts_for(source)]
    suites = [f"raw.{t}" for t in tables] + [f"raw.{t}.periods" for t in tables]
    latest = (
        "WITH latest AS (SELECT suite, arg_max(run_id, validated_at) AS run_id FROM quality_runs "
        "GROUP BY suite) SELECT count(*) FROM quality_results JOIN latest USING (suite, run_id) WHERE "
    )
    mart = "suite = 'marts.mart_indicator_values'"
    on_indicator = '%"column": {"name": "indicator_id"}%'
    quality = quality_file(pipeline["serving"])
    (by_kwargs,) = _sql(
        quality,
        latest + f"({mart} AND (kwargs LIKE ? OR kwargs NOT LIKE ?)) OR suite IN (SELECT unnest(?))",
        [f'%"parameter": "{indicator}"%', on_indicator, suites],
    )[0]
    (by_columns,) = _sql(
        quality,
        latest + f"({mart} AND coalesce(indicator_id, ?) = ?) OR source = ?",
        [indicator, indicator, source],
    )[0]
    (own,) = _sql(quality, latest + "indicator_id = ?", [indicator])[0]
    # the report's earlier rule (kwargs naming "<id>" or not mentioning indicator_id at all)
    # left out the whole-mart column-order and key checks, whose column lists name the column
    (by_old_rule,) = _sql(
        quality,
        latest + f"({mart} AND (kwargs LIKE ? OR kwargs NOT LIKE '%indicator_id%')) "
        "OR suite IN (SELECT unnest(?))",
        [f'%"{indicator}"%', suites],
    )[0]
    assert by_columns == by_kwargs and own >= 2 and by_kwargs > 20
    assert by_kwargs - by_old_rule == 2
    assert _sql(
        pipeline["serving"], "SELECT source_id FROM dim_indicator WHERE indicator_id = ?", [indicator]
    ) == [(source,)]
    at = _app(pipeline["serving"], monkeypatch, "views/indicator.py", indicator=indicator)
    assert _select(at, "Velg indikator").value == indicator
    assert [s.value for s in at.success if "kontroller" in s.value][0].startswith(
        f"Alle {by_kwargs} kontroller"
    )


def test_every_chart_has_its_figures_as_a_table(pipeline, monkeypatch):
    """A reader who cannot use a chart switches it to a table of the same figures, named in
    the page's language; the table is built only when asked for."""
    pages = (
        ("views/indicator.py", {"indicator": "tsb_patients"}),
        ("views/goal_3.py", {}),
        ("views/indicator.py", {"indicator": "drug_induced_deaths"}),
    )
    for page, query in pages:
        at = _app(pipeline["serving"], monkeypatch, page, **query)
        switches = [s for s in at.toggle if s.label == "Vis tallene som tabell"]
        assert len(switches) == len(at.get("vega_lite_chart")) > 0, page
        assert not at.dataframe, page
        for switch in switches:
            # every column named in words (a category chart's too), not by its field
            switch.set_value(True).run()
            assert not at.exception, [e.value for e in at.exception]
            columns = {c for table in at.dataframe for c in table.value.columns}
            assert not columns & {"category", "year", "value", "geo_name", "label"}, (page, columns)
            switch.set_value(False).run()
    # the national trend of the indicator page: one row per year, the mart's values
    switches[0].set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = at.dataframe
    frame = table.value
    named = {"Område", "År", "95 % KI, nedre", "95 % KI, øvre"}
    assert named < set(frame.columns), list(frame.columns)
    national = dict(
        _sql(
            pipeline["serving"],
            "SELECT year, value FROM mart_indicator_values WHERE indicator_id = 'drug_induced_deaths' "
            "AND geo_level = 'national' AND breakdown = 'total' AND sex = 'all' AND age_group = 'all'",
        )
    )
    assert sorted(int(y) for y in frame["År"]) == sorted(national)
    (value_column,) = set(frame.columns) - named
    # written as the page writes numbers: no-break space between thousands, decimal comma
    shown = {int(y): _norwegian_number(v) for y, v in zip(frame["År"], frame[value_column], strict=True)}
    assert shown == pytest.approx(national, abs=0.5)
    assert not {v for v in frame.to_numpy().ravel()} & {"None", "nan", "NaN", ""}


def test_a_withheld_area_in_a_chart_table_says_why(pipeline, monkeypatch):
    """A municipality whose count is withheld reads ': (skjult av personvernhensyn)' in the
    comparison's table, not 'None' or an empty cell; the others keep their figures."""
    (indicator, year, withheld) = _sql(
        pipeline["serving"],
        "SELECT v.indicator_id, v.year, min(v.geo_name) FROM mart_indicator_values v "
        "JOIN dim_indicator d USING (indicator_id) WHERE d.headline_json IS NULL "
        "AND v.geo_level = 'municipality' AND v.breakdown = 'total' AND v.sex = 'all' "
        "AND v.age_group = 'all' AND v.suppressed GROUP BY ALL "
        "HAVING count(*) < 200 ORDER BY v.indicator_id, v.year DESC LIMIT 1",
    )[0]
    at = _app(
        pipeline["serving"],
        monkeypatch,
        "views/indicator.py",
        indicator=indicator,
        level="municipality",
        year=str(year),
    )
    (switch,) = [s for s in at.toggle if s.key == "table_comparison"]
    switch.set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = at.dataframe
    frame = table.value.set_index("Kommune")
    assert frame.loc[withheld, "Verdi"] == ": (skjult av personvernhensyn)", frame.loc[withheld].to_dict()
    shown = frame["Verdi"][frame["Verdi"] != ": (skjult av personvernhensyn)"]
    assert len(shown) > 0 and all(any(ch.isdigit() for ch in v) for v in shown), shown.head().to_dict()
    assert not {v for v in frame.to_numpy().ravel()} & {"None", "nan", "NaN"}


def _norwegian_number(text: str) -> float:
    assert "." not in text, text  # an English decimal point on a bokmål page
    return float(text.replace("\u00a0", "").replace(",", "."))


def test_indicator_page_cites_the_documents_in_the_readers_language(pipeline, monkeypatch):
    (cited_no, cited_en) = _sql(
        pipeline["serving"],
        "SELECT source_ref_no, source_ref_en FROM dim_indicator WHERE indicator_id = 'tsb_patients'",
    )[0]
    for lang, label, cited, other in (
        ("no", "Dokumentgrunnlag", cited_no, cited_en),
        ("en", "Source documents", cited_en, cited_no),
    ):
        at = _app(pipeline["serving"], monkeypatch, "views/indicator.py", indicator="tsb_patients", lang=lang)
        shown = " ".join(m.value for m in at.markdown)
        assert f"**{label}.** {cited}" in shown, lang
        assert other not in shown, lang
        # the source's name too
        (own_source, other_source) = _sql(
            pipeline["serving"],
            f"SELECT source_name_{lang}, source_name_{'en' if lang == 'no' else 'no'} FROM dim_indicator "
            "WHERE indicator_id = 'tsb_patients'",
        )[0]
        assert own_source in shown and other_source not in shown, lang


def test_catalog_texts_show_in_the_readers_language(pipeline, monkeypatch):
    """Definitions and targets on the overview tiles, a goal page and the indicator page come
    in the page's language, never the other one."""
    texts = {
        indicator_id: {"no": (num_no, target_no), "en": (num_en, target_en)}
        for indicator_id, num_no, num_en, target_no, target_en in _sql(
            pipeline["serving"],
            "SELECT indicator_id, numerator_definition_no, numerator_definition_en, target_text_no, "
            "target_text_en FROM dim_indicator "
            "WHERE indicator_id IN ('tsb_wait_mean_days', 'ip_share_brukerplan')",
        )
    }
    wait = texts["tsb_wait_mean_days"]
    for lang, other in (("no", "en"), ("en", "no")):
        overview = _app(pipeline["serving"], monkeypatch, lang=lang)
        helps = " ".join(m.proto.help for m in overview.metric)
        assert texts["ip_share_brukerplan"][lang][0] in helps, lang
        assert texts["ip_share_brukerplan"][other][0] not in helps, lang
        goal = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", lang=lang)
        captions = " ".join(c.value for c in goal.caption)
        indicator = _app(
            pipeline["serving"], monkeypatch, "views/indicator.py", indicator="tsb_wait_mean_days", lang=lang
        )
        shown = " ".join(m.value for m in indicator.markdown)
        for page, text in (("goal", captions), ("indicator", shown)):
            assert all(own in text for own in wait[lang]), (lang, page, wait[lang])
            assert not any(foreign in text for foreign in wait[other]), (lang, page, wait[other])


def _barometer(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'class="barometer"' in m.value)


def test_my_municipality_is_a_barometer_against_county_and_country(pipeline, monkeypatch):
    serving = pipeline["serving"]
    at = _app(serving, monkeypatch, "views/municipality.py", kommune="4601")
    assert _select(at, "Velg kommune").value == "4601"
    table = _barometer(at)
    assert "<th>Vestland (fylke)</th>" in table and "<th>Mot fylket</th>" in table
    # the headline series (substance-abuse FTEs), with the mart's latest value
    (value, suppressed) = _sql(
        serving,
        "SELECT value, suppressed FROM mart_indicator_values WHERE indicator_id = 'municipal_fte_rus' "
        "AND geo_level = 'municipality' AND geo_code = '4601' AND breakdown = 'work_category=rus' "
        "AND sex = 'all' AND age_group = 'all' ORDER BY year DESC LIMIT 1",
    )[0]
    row = next(
        r for r in table.split("<tr>") if r.startswith("<td>Årsverk i kommunalt rusarbeid (rusarbeid)")
    )
    assert (":" if suppressed else f"{_norwegian(value)} årsverk") in row
    # every comparison is coloured and worded; the trend is a sparkline
    cells = re.findall(r'<td class="versus (\w+)" style="background:(#\w+)">([^<]+)</td>', table)
    assert cells and {outcome for outcome, _, _ in cells} <= {
        "better",
        "similar",
        "worse",
        "higher",
        "lower",
        "hidden",
    }
    words = {"better": "bedre", "similar": "ingen sikker forskjell", "worse": "dårligere"}
    for outcome, colour, word in cells:
        assert word == words.get(outcome, word) and colour.startswith("#")
    assert "<polyline" in table
    # a small municipality: hidden cells say why
    at = _app(serving, monkeypatch, "views/municipality.py", kommune="1151")
    table = _barometer(at)
    assert "Rogaland (fylke)" in table
    assert ": (skjult av personvernhensyn)" in table
    assert [link for link in at.get("page_link") if "print" in str(link.proto)]


# ------------------------------------------------------------------ publish while open
def test_a_publish_while_the_app_is_open_shows_after_a_rerun(copied, monkeypatch):
    serving, warehouse = copied["serving"], copied["warehouse"]
    at = _app(serving, monkeypatch)
    before = [m.value for m in at.metric]
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "UPDATE marts.mart_indicator_values SET value = 123456 WHERE indicator_id = 'tsb_patients' "
            "AND geo_level = 'national' AND breakdown = 'total' AND sex = 'all' AND age_group = 'all' "
            "AND year = 2024"
        )
    inode = serving.stat().st_ino
    publish.publish(warehouse=warehouse, serving=serving, run_id="test-republish")
    assert serving.stat().st_ino != inode  # replaced by a rename, not rewritten in place
    at.run()
    assert not at.exception
    after = [m.value for m in at.metric]
    assert f"{_norwegian(123456)} personer" in after and after != before


# ------------------------------------------------------------------ downloads
def _shown(serving: Path) -> pd.DataFrame:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(
            "SELECT * FROM mart_indicator_values WHERE indicator_id = 'ip_share_brukerplan' AND "
            "geo_level IN ('national', 'municipality') AND sex = 'all' AND age_group = 'all' "
            "AND breakdown = 'total' AND year IN (2023, 2024)"
        ).df()


def test_downloads_keep_suppression_and_flag_it(pipeline):
    rows = _shown(pipeline["serving"])
    assert rows.suppressed.any() and (~rows.suppressed).any()
    frame = report_export.public_frame(
        rows, {"ip_share_brukerplan": "IP"}, {"ip_share_brukerplan": "percent"}
    )
    assert list(frame.columns) == list(report_export.COLUMNS)  # no numerator, denominator or person rows
    hidden = frame[frame.flag == ":"]
    assert len(hidden) == rows.suppressed.sum() and hidden[["value", "ci_low", "ci_high"]].isna().all().all()
    text = report_export.to_csv(frame).decode("utf-8-sig")
    parsed = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(parsed) == len(rows) and {r["flag"] for r in parsed} >= {":", ""}
    workbook = pd.read_excel(io.BytesIO(report_export.to_excel(frame, {"source": "test"})), sheet_name=None)
    assert set(workbook) == {"data", "forklaring"} and len(workbook["data"]) == len(rows)


def test_jsonstat2_has_null_cells_with_status_and_a_flag_legend(pipeline):
    rows = _shown(pipeline["serving"])
    frame = report_export.public_frame(
        rows, {"ip_share_brukerplan": "IP"}, {"ip_share_brukerplan": "percent"}
    )
    data = json.loads(
        report_export.jsonstat_bytes(report_export.to_jsonstat(frame, "IP", {"source": "rusmonitor"}))
    )
    assert data["version"] == "2.0" and data["class"] == "dataset"
    size = 1
    for n in data["size"]:
        size *= n
    assert len(data["value"]) == size and data["id"][-1] == "measure"
    assert set(data["extension"]["flags"]) == {":", ".."}
    # every hidden row's three cells are null with status ':'
    dims = data["id"]
    strides = [1] * len(dims)
    for i in range(len(dims) - 2, -1, -1):
        strides[i] = strides[i + 1] * data["size"][i + 1]
    index = {d: data["dimension"][d]["category"]["index"] for d in dims}
    for row in frame.itertuples():
        base = sum(index[d].index(str(getattr(row, d))) * strides[i] for i, d in enumerate(dims[:-1]))
        cell = base + index["measure"].index("value")
        if row.flag == ":":
            assert data["value"][cell] is None and data["status"][str(cell)] == ":"
        else:
            assert data["value"][cell] == pytest.approx(row.value)


# ------------------------------------------------------------------ the running app
@pytest.fixture()
def served_report(pipeline):
    """`rusmonitor report` as README runs it, on a free port; yields the URL."""
    port = free_port()
    env = {**os.environ, "RUSMONITOR_SERVING": str(pipeline["serving"])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rusmonitor.cli", "report", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://localhost:{port}"
    try:
        if not report_answers(url, proc, seconds=90):
            proc.terminate()
            raise AssertionError(f"report did not start: {proc.communicate(timeout=30)[0]}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _municipalities_2024() -> list[dict[str, str]]:
    with (ROOT / "dbt_project" / "seeds" / "ref_geography_2024.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_report_and_its_map_files_are_served_over_http(served_report):
    with urllib.request.urlopen(served_report, timeout=10) as r:
        assert r.status == 200
        assert b'<div id="root">' in r.read()
    with urllib.request.urlopen(
        f"{served_report}/app/static/boundaries/municipality_2024.geojson", timeout=10
    ) as r:
        # one boundary per municipality of the 2024 map (the geography seed)
        assert len(json.loads(r.read())["features"]) == len(_municipalities_2024())


def test_report_in_headless_chromium(served_report, tmp_path):
    """Every page, a filter change, a CSV download; screenshots under test-output/report/."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    shots = OUTPUT / "report"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    paths = ["", *[f"goal-{g}" for g in range(1, 6)], "indicator", "kommune"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 2200}, accept_downloads=True)
        for path in paths:
            page.goto(f"{served_report}/{path}", wait_until="domcontentloaded")
            # the overview draws metric tiles (with sparklines), my municipality a table
            # the overview draws metric tiles, my municipality its barometer table
            target = {"": "stMetric", "kommune": "stMarkdown"}.get(path, "stVegaLiteChart")
            page.locator(f"[data-testid='{target}']").first.wait_for(timeout=90_000)
            if path.startswith("goal") and path != "goal-5":
                # a map: its boundaries come from the static files
                page.locator("[data-testid='stVegaLiteChart']").nth(2).wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            assert page.locator("[data-testid='stException']").count() == 0, path
            page.screenshot(path=str(shots / f"{path or 'overview'}.png"), full_page=False)
        # change a filter on goal 3: the county level, then the URL carries it
        page.goto(f"{served_report}/goal-3", wait_until="domcontentloaded")
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=90_000)
        page.locator("[data-testid='stSelectbox']").nth(1).click()  # Geografisk nivå
        page.get_by_role("option", name="Fylke", exact=True).click()
        page.wait_for_url("**level=county**", timeout=60_000)
        page.wait_for_timeout(3000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(shots / "goal-3-county.png"), full_page=False)
        # download the first section's CSV
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="CSV").first.click()
        target = tmp_path / "download.csv"
        download.value.save_as(target)
        browser.close()
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows and set(rows[0]) == set(report_export.COLUMNS)
    assert {r["indicator_id"] for r in rows} == {"tsb_wait_mean_days"}
    for shot in shots.glob("*.png"):
        assert shot.stat().st_size > 20_000, shot


def test_my_municipality_prints_on_one_page(served_report, tmp_path):
    """The printable profile (?print=1) of a small and a large municipality, printed by
    Chromium to PDF, is one page holding the municipality, its county and the comparisons.
    Chromium's own `--print-to-pdf` prints before Streamlit's websocket has drawn the page
    (only the navigation comes out); printing through Playwright waits for the table."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    import pypdf
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        for code, name, county in (("1151", "Utsira", "Rogaland"), ("4601", "Bergen", "Vestland")):
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            page.goto(f"{served_report}/kommune?kommune={code}&print=1", wait_until="domcontentloaded")
            page.locator("table.barometer").wait_for(timeout=90_000)
            page.wait_for_timeout(1000)
            assert page.locator("[data-testid='stException']").count() == 0, code
            page.emulate_media(media="print")
            target = tmp_path / f"kommune_{code}.pdf"
            page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True)
            page.close()
            pdf = pypdf.PdfReader(target)
            text = " ".join(p.extract_text() for p in pdf.pages)
            assert len(pdf.pages) == 1, (code, len(pdf.pages))
            assert target.stat().st_size > 20_000, code
            assert f"Min kommune: {name}" in text and county in text, code
            assert "Mot fylket" in text and "ingen sikker" in text, code
            # the print layout has no navigation
            assert "Oversikt" not in text, code
        browser.close()


def test_bokmal_charts_format_numbers_with_a_decimal_comma(pipeline, monkeypatch):
    """Vega-Lite's own number formats (axes, legends, tooltips) follow the page's language."""
    for lang, decimal in (("no", ","), ("en", None)):
        at = _app(pipeline["serving"], monkeypatch, "views/goal_3.py", lang=lang)
        specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
        assert specs, lang
        locales = {json.dumps(spec.get("config", {}).get("locale")) for spec in specs}
        expected = {"decimal": ",", "thousands": "\u00a0"} if decimal else None
        assert all((json.loads(loc) or {}).get("number", {}).get("decimal") == decimal for loc in locales), (
            lang,
            locales,
            expected,
        )
        # a number in a tooltip is formatted by Vega (a `format`, in the locale above) or is
        # a text the report formatted (formatting.py); Chromium hovers one below
        tips = [tip for spec in specs for tip in _tooltips(spec)]
        assert tips, lang
        numbers = [tip for tip in tips if tip.get("type") == "quantitative"]
        assert numbers and all(tip.get("format") for tip in numbers), (lang, numbers)


def _tooltips(node):
    """The tooltip fields of a Vega-Lite spec, at any depth (layers, encodings)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip":
                yield from (
                    tip for tip in (value if isinstance(value, list) else [value]) if isinstance(tip, dict)
                )
            else:
                yield from _tooltips(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tooltips(value)


def test_first_screen_has_no_codes_paths_or_versions(served_report):
    """What a reader sees before scrolling, on every page in Chromium: no `key=value`
    breakdown codes, no file paths, no version strings, no chart label cut short; bokmål
    charts draw decimal commas."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    first_screen = """() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            const box = node.parentElement && node.parentElement.getBoundingClientRect();
            if (box && box.height > 0 && box.top < window.innerHeight && box.bottom > 0
                && node.textContent.trim()) out.push(node.textContent.trim());
        }
        return out.join("\\n");
    }"""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path in ["", *[f"goal-{g}" for g in range(1, 6)], "indicator", "kommune"]:
            page.goto(f"{served_report}/{path}", wait_until="domcontentloaded")
            target = {"": "stMetric", "kommune": "stMarkdown"}.get(path, "stVegaLiteChart")
            page.locator(f"[data-testid='{target}']").first.wait_for(timeout=90_000)
            page.wait_for_timeout(2000)
            shown = page.evaluate(first_screen)
            assert not re.findall(r"\b[a-z_]+=[a-z_0-9]+", shown), (path, shown)
            assert not re.findall(r"(/tmp/|/work/|\.duckdb|\.html\b|versjon \S+)", shown), (path, shown)
            labels = page.eval_on_selector_all(
                "[data-testid='stVegaLiteChart'] svg text", "els => els.map(e => e.textContent)"
            )
            # no label cut short with "…" (Vega-Lite's default label limits)
            assert not [x for x in labels if x.endswith("…")], (path, labels)
            if path.startswith("goal"):
                # the chart's axis labels are SVG text: a number with decimals has a comma
                assert labels, path
                # no decimal point, no thousands comma (bokmål: 1 234,5)
                english = [x for x in labels if re.search(r"\d\.\d|\d,\d{3}(?!\d)", x)]
                assert not english, (path, english)
        browser.close()


# each overview tile as Chromium draws it: its label, value, change and the caption under it
TILES = """() => [...document.querySelectorAll("[data-testid='stMetric']")].map((metric) => {
    const box = metric.closest("[data-testid='stElementContainer']");
    const caption = box && box.nextElementSibling;
    return {
        label: metric.querySelector("[data-testid='stMetricLabel']").innerText.trim(),
        value: metric.querySelector("[data-testid='stMetricValue']").innerText.trim(),
        caption: caption ? caption.innerText.trim() : "",
    };
})"""


def test_a_reader_sees_in_chromium_whether_the_plan_is_working(served_report, pipeline):
    """The overview in a browser, as a first-time reader sees it: a verdict per goal; each
    tile's status is the mart's plan status of its headline (drug-induced deaths, up from
    2015 within overlapping intervals, is not 'i rute'; none worse than its 2015 baseline with
    separate intervals is); the function level's headline is green + yellow, not 100 %; the
    golden rule shows TSB and psychiatric care; numbers with decimal commas; and a survey
    on a goal page opens on its latest survey year."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    serving = pipeline["serving"]
    words = {
        "on_track": "i rute",
        "off_track": "ikke i rute",
        "no_significant_change": "ingen sikker endring",
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 2200})
        page.goto(served_report, wait_until="domcontentloaded")
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=90_000)
        page.wait_for_timeout(2000)
        text = page.inner_text("body")
        tiles = {tile["label"]: tile for tile in page.evaluate(TILES)}
        page.goto(f"{served_report}/goal-1", wait_until="domcontentloaded")
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=90_000)
        page.wait_for_timeout(2000)
        goal_1 = page.inner_text("body")
        browser.close()
    assert text.count("Siden planens utgangspunkt:") == 5, text[:2000]
    names = dict(_sql(serving, "SELECT indicator_id, name_no FROM dim_indicator"))
    # status as the mart has it for the latest headline value (drug-induced deaths: total)
    (deaths_status,) = _sql(
        serving,
        "SELECT arg_max(target_status, year) FROM mart_indicator_values WHERE indicator_id = "
        "'drug_induced_deaths' AND geo_level = 'national' AND breakdown = 'total' AND sex = 'all' "
        "AND age_group = 'all' AND value IS NOT NULL",
    )[0]
    deaths = tiles[names["drug_induced_deaths"]]
    assert deaths_status != "on_track" and f"Status: {words.get(deaths_status, '')}" in deaths["caption"]
    # no tile of a headline series worse than its 2015 baseline (separate intervals) says on
    # track (a tile is the indicator's name, with its headline's label when it has one)
    worse = _sql(
        serving,
        "WITH s AS (SELECT m.*, i.direction, i.headline_json FROM mart_indicator_values m "
        "JOIN dim_indicator i USING (indicator_id) WHERE i.priority = 'core' AND geo_level = 'national' "
        "AND sex = 'all' AND age_group = 'all' AND value IS NOT NULL AND CASE WHEN headline_json IS NULL "
        "THEN breakdown = 'total' ELSE list_contains(CAST(json_extract(headline_json, '$.breakdowns') "
        "AS VARCHAR[]), breakdown) END), "
        "latest AS (SELECT * FROM s QUALIFY year = max(year) OVER (PARTITION BY indicator_id, breakdown)) "
        "SELECT DISTINCT latest.indicator_id, latest.headline_json IS NULL FROM latest "
        "JOIN s base USING (indicator_id, breakdown) "
        "WHERE base.year = 2015 AND ((latest.direction = 'up' AND latest.ci_high < base.ci_low) "
        "OR (latest.direction = 'down' AND latest.ci_low > base.ci_high))",
    )
    for indicator_id, plain in worse:
        for label, tile in tiles.items():
            if label == names[indicator_id] or (not plain and label.startswith(names[indicator_id] + " (")):
                assert "Status: i rute" not in tile["caption"], (label, tile)
    green_yellow = tiles[f"{names['brukerplan_function_level']} (grønn + gul)"]
    assert green_yellow["value"].endswith("%") and not green_yellow["value"].startswith("100")
    assert {f"{names['golden_rule_gap']} (TSB)", f"{names['golden_rule_gap']} (psykisk helsevern)"} <= set(
        tiles
    )
    # bokmål numbers: no decimal point, no thousands comma, in any tile value
    assert not [t["value"] for t in tiles.values() if re.search(r"\d\.\d|\d,\d{3}(?!\d)", t["value"])]
    assert any(re.search(r"\d,\d", t["value"]) for t in tiles.values())
    # a patient survey (PasOpp) on goal 1 opens on its own latest year, not the page's 2024
    (pasopp_year,) = _sql(
        serving, "SELECT max(year) FROM mart_indicator_values WHERE indicator_id = 'pasopp_low_influence'"
    )[0]
    assert pasopp_year < 2024 and f"Etter regionalt helseforetak, {pasopp_year}" in goal_1


# WCAG 2's contrast of every visible text (HTML and the charts' SVG) against the colour behind
# it: the element's own colour (an SVG text's fill) at the opacity of it and its ancestors,
# over the backgrounds of its ancestors; the texts below 4.5:1
TEXT_CONTRAST = r"""
    () => {
        // WCAG 2 contrast of every visible text against the colour behind it
        const parse = (css) => {
            const m = css && css.match(/rgba?\(([^)]+)\)/);
            if (!m) return null;
            const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
            return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
        };
        const over = (top, bottom) => {
            const a = top[3];
            return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
        };
        const luminance = (c) => {
            const [r, g, b] = c.slice(0, 3).map((v) => {
                v /= 255;
                return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const background = (el) => {
            const layers = [];
            for (let e = el; e; e = e.parentElement) {
                const c = parse(getComputedStyle(e).backgroundColor);
                if (c && c[3] > 0) {
                    layers.push(c);
                    if (c[3] >= 1) break;
                }
            }
            let bg = [255, 255, 255, 1];
            for (const layer of layers.reverse()) bg = over(layer, bg);
            return bg;
        };
        const opacity = (el) => {
            let o = 1;
            for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
            return o;
        };
        const failures = [];
        let checked = 0;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            const el = node.parentElement;
            const text = node.textContent.trim();
            if (!el || !text) continue;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            if (box.width === 0 || box.height === 0 || style.visibility !== "visible") continue;
            if (el.closest("script, style, noscript, [aria-hidden='true']")) continue;
            const svg = el instanceof SVGElement;
            const colour = parse(svg ? style.fill : style.color);
            if (!colour) continue;
            const alpha = opacity(el) * (svg ? Number(style.fillOpacity) : 1);
            if (alpha === 0) continue;
            const bg = background(el);
            const fg = over([colour[0], colour[1], colour[2], colour[3] * alpha], bg);
            const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
            const ratio = (hi + 0.05) / (lo + 0.05);
            checked += 1;
            if (ratio < 4.5) failures.push({
                text: text.slice(0, 60),
                ratio: Math.round(ratio * 100) / 100,
                colour: svg ? style.fill : style.color,
                background: `rgb(${bg.slice(0, 3).map(Math.round).join(",")})`,
                testid: (el.closest("[data-testid]") || {}).dataset?.testid,
            });
        }
        return {checked, failures};
    }
"""


def _chromium_page(pw, served_report: str, path: str, ready: str):
    """A page of the running report once everything on it is drawn (each chart's SVG)."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.goto(f"{served_report}/{path}", wait_until="domcontentloaded")
    page.locator(ready).first.wait_for(timeout=90_000)
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
            .every(chart => chart.querySelector('svg text'))""",
        timeout=90_000,
    )
    page.wait_for_timeout(1000)
    assert page.locator("[data-testid='stException']").count() == 0, path
    return browser, page


def test_pages_declare_their_language_and_every_text_has_contrast(served_report):
    """<html lang> is the reader's language (nb or en: Streamlit writes en on every page),
    and every visible text has at least 4.5:1 contrast with its background (WCAG AA)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    metric, chart = "[data-testid='stMetric']", "[data-testid='stVegaLiteChart']"
    with sync_playwright() as pw:
        for path, ready, html_lang in (
            ("", metric, "nb"),
            ("?lang=en", metric, "en"),
            ("goal-3", chart, "nb"),
            ("goal-1?lang=en", chart, "en"),
            ("kommune?kommune=1151&print=1", "table.barometer", "nb"),
        ):
            browser, page = _chromium_page(pw, served_report, path, ready)
            assert page.evaluate("document.documentElement.lang") == html_lang, path
            result = page.evaluate(TEXT_CONTRAST)
            browser.close()
            assert result["checked"] > 50, (path, result["checked"])
            assert not result["failures"], (path, result["failures"][:10])


def test_chart_tooltips_speak_the_pages_language_and_number_format(served_report):
    """Hovering a point of goal 3's trend chart: Vega's tooltip shows its numbers with a
    decimal comma in bokmål and a point in English, and its labels in the page's language."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    chart = "[data-testid='stVegaLiteChart']"
    with sync_playwright() as pw:
        for query, decimal, foreign, interval in (
            ("", r"\d,\d", r"\d\.\d", "95 % KI"),
            ("?lang=en", r"\d\.\d", r"\d,\d", "95 % CI"),
        ):
            browser, page = _chromium_page(pw, served_report, f"goal-3{query}", chart)
            point = page.locator(chart).first.locator("g.mark-symbol path").nth(5)
            point.scroll_into_view_if_needed()
            box = point.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.wait_for(state="visible", timeout=10_000)
            shown = tooltip.inner_text()
            browser.close()
            assert re.search(decimal, shown) and not re.search(foreign, shown), (query, shown)
            assert interval in shown, (query, shown)
