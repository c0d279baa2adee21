"""Each class of defect, injected into the sample extracts (rusmonitor.defects), run through
the real DAG: the right suite fails with the right expectation, the results are stored, and the
published report data does not change."""

import json
import os

import duckdb
import pytest

from conftest import file_digest, pipeline_paths, run_dag, table_fingerprints
from rusmonitor import load, quality, settings
from rusmonitor.defects import CAUGHT_BY, inject
from rusmonitor.orchestrate import load_dags
from rusmonitor.quality import checks, gx_runtime


def _failed(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT r.suite, r.expectation, r.column_name, r.severity FROM quality.quality_results r "
            "WHERE NOT r.success ORDER BY ALL"
        ).fetchall()


def _assert_caught(defect: str, warehouse) -> None:
    _, suite, expectation, column = CAUGHT_BY[defect]
    failed = _failed(warehouse)
    assert any(
        s == suite and e == expectation and (column is None or c == column) and sev == "critical"
        for s, e, c, sev in failed
    ), f"{defect}: {suite} {expectation}({column}) did not fail; failures: {failed}"


def _verdicts(result) -> list[tuple]:
    # (not the outcome's suite: validate_marts renames that of the column-set check afterwards)
    return [
        (
            o.expectation,
            json.dumps(o.kwargs, sort_keys=True, default=str),
            o.success,
            o.severity,
            json.dumps(o.observed, sort_keys=True, default=str),
            o.unexpected_count,
        )
        for o in result.outcomes
    ]


def _assert_gx_own_path_agrees(defect: str, paths: dict, run_checks, monkeypatch) -> None:
    """The checks of this defect, run again with every validation recorded: each validation
    replayed with GX's own row-condition filtering (gx_runtime's remembered filters off) has the
    same outcomes, expectation by expectation (success, observed value, unexpected count), and
    the defect's expectation is among the failures compared."""
    plain_validate = gx_runtime.validate_frame
    recorded = []

    def recording(suite_name, frame, expectations, docs=False):
        result = plain_validate(suite_name, frame, expectations, docs)
        recorded.append((suite_name, frame.copy(), expectations, result))
        return result

    monkeypatch.setattr(checks, "validate_frame", recording)
    with pipeline_paths(**paths):
        try:
            run_checks()
        except (load.LoadError, quality.QualityGateFailed):
            pass  # the defect stops the load; its validations are recorded all the same
        monkeypatch.setitem(gx_runtime.RUN_CACHE, "on", False)
        replayed = [plain_validate(name, frame, expectations) for name, frame, expectations, _ in recorded]
    monkeypatch.setitem(gx_runtime.RUN_CACHE, "on", True)
    assert recorded, f"{defect}: no validation ran"
    for (name, _frame, _expectations, fast), plain in zip(recorded, replayed, strict=True):
        assert _verdicts(fast) == _verdicts(plain), name
    _, suite, expectation, column = CAUGHT_BY[defect]
    failed = [o for _n, _f, _e, r in recorded for o in r.outcomes if not o.success]
    assert any(
        o.suite == suite and o.expectation == expectation and (column is None or o.column == column)
        for o in failed
    ), (defect, [(o.suite, o.expectation, o.column) for o in failed])


def _run_ingest(source: str, paths: dict) -> dict[str, str]:
    dags = load_dags()
    with pipeline_paths(**paths):
        run = dags[f"ingest_{source}"].test()
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


@pytest.mark.parametrize(
    "defect, source",
    [
        ("null_keys", "npr"),
        ("out_of_range_share", "ungdata"),
        ("duplicated_period", "ungdata"),
        ("tenfold_jump", "is_24_8"),
    ],
)
def test_raw_defect_fails_its_checkpoint_and_keeps_the_last_good_data(copied, defect, source, monkeypatch):
    raw = table_fingerprints(copied["warehouse"], ("raw",))
    served = file_digest(copied["serving"])
    inject(copied["landing"], [defect])

    states = _run_ingest(source, copied)

    assert states["load"] == "failed" and states["validate_raw"] == "upstream_failed"
    _assert_caught(defect, copied["warehouse"])
    assert table_fingerprints(copied["warehouse"], ("raw",)) == raw  # rolled back
    assert file_digest(copied["serving"]) == served
    # the report's copy of the results says so
    with duckdb.connect(str(settings.quality_file(copied["serving"])), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quality_runs WHERE NOT success").fetchall()[0][0] >= 1
    # the same verdicts on GX's own (slower) filtering path: the load again, in this process
    _assert_gx_own_path_agrees(defect, copied, lambda: load.load_source(source), monkeypatch)


def test_stale_source_stops_the_pipeline_before_the_marts(copied, monkeypatch):
    # the newest cause-of-death extract never arrived: not in the landing, not in raw
    inject(copied["landing"], ["stale_file"])
    with duckdb.connect(str(copied["warehouse"])) as con:
        con.execute("DELETE FROM raw.dodsarsak_drug_deaths WHERE _source_file LIKE 'dodsarsak/2024/%'")
        con.execute("DELETE FROM raw._loads WHERE source_file LIKE 'dodsarsak/2024/%'")
    served = file_digest(copied["serving"])

    state, tasks = run_dag(**copied)

    assert state == "failed" and tasks["validate_raw"] == "failed"
    assert tasks["dbt_build"] == "upstream_failed" and tasks["publish"] == "upstream_failed"
    _assert_caught("stale_file", copied["warehouse"])
    assert file_digest(copied["serving"]) == served
    _assert_gx_own_path_agrees("stale_file", copied, quality.validate_freshness, monkeypatch)


def test_missing_region_passes_raw_but_stops_publication_and_the_report_says_so(copied, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rusmonitor.settings import STREAMLIT_APP

    inject(copied["landing"], ["missing_region"])
    served = file_digest(copied["serving"])

    state, tasks = run_dag(**copied)

    assert state == "failed"
    assert tasks["load_npr"] == "success" and tasks["dbt_build"] == "success"
    assert tasks["validate_marts"] == "failed" and tasks["publish"] == "upstream_failed"
    _assert_caught("missing_region", copied["warehouse"])
    assert file_digest(copied["serving"]) == served
    _assert_gx_own_path_agrees("missing_region", copied, quality.validate_marts, monkeypatch)

    # the report keeps serving the last good data and says the newest run failed quality
    monkeypatch.setenv("RUSMONITOR_SERVING", str(copied["serving"]))
    at = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    at.run()
    assert not at.exception
    assert any("feilet kvalitetskontrollen" in e.value and "year_geo" in e.value for e in at.error)


def test_a_clean_run_passes_every_suite_with_one_row_per_expectation(pipeline):
    with duckdb.connect(str(pipeline["warehouse"]), read_only=True) as con:
        runs = con.execute(
            "SELECT layer, count(*), count(*) FILTER (WHERE NOT success) FROM quality.quality_runs "
            "GROUP BY layer ORDER BY layer"
        ).fetchall()
        mismatched = con.execute(
            "SELECT r.run_id, r.suite, r.expectations, count(x.expectation) FROM quality.quality_runs r "
            "LEFT JOIN quality.quality_results x USING (run_id, suite) "
            "GROUP BY ALL HAVING r.expectations <> count(x.expectation)"
        ).fetchall()
        critical = con.execute(
            "SELECT count(*) FROM quality.quality_results WHERE NOT success AND severity = 'critical'"
        ).fetchall()[0][0]
        # a raw run names the files of its batch: every loaded file was in some passing run (by
        # its name in the run's context: a name may hold ", " itself, FHI's "Dødsårsaker, ettårig")
        unchecked = con.execute(
            "SELECT source_file FROM raw._loads AS l WHERE NOT EXISTS (SELECT 1 FROM "
            "quality.quality_runs AS r WHERE r.layer = 'raw' AND r.success "
            "AND contains(r.context, l.source_file))"
        ).fetchall()
    layers = {layer: (n, failed) for layer, n, failed in runs}
    assert set(layers) == {"raw", "marts"}
    assert layers["raw"][0] > 10 and layers["marts"][0] >= 1  # a checkpoint per table and batch
    assert unchecked == []
    assert all(failed == 0 for _, failed in layers.values()) and critical == 0
    assert mismatched == []


def test_data_docs_build_offline_and_open_in_headless_chromium(pipeline):
    from test_report import CHROMIUM, OUTPUT

    index = pipeline["serving"].parent / f"{pipeline['serving'].stem}_quality" / "gx" / "uncommitted"
    index = index / "data_docs" / "local_site" / "index.html"
    assert index.exists()
    html = index.read_text(encoding="utf-8")
    assert "raw.npr_tsb_episodes" in html and "marts.mart_indicator_values" in html
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        # offline the index's lists (drawn by CDN scripts) stay empty; each validation page is
        # plain HTML: open the newest run of the mart suite
        marts = sorted(index.parent.glob("validations/marts/mart_indicator_values/*/*/*.html"))
        page.goto(marts[-1].as_uri(), wait_until="domcontentloaded")
        page.get_by_text("Expectation Suite: marts.mart_indicator_values").first.wait_for(timeout=30_000)
        assert "Succeeded" in page.inner_text("body")
        page.screenshot(path=str(OUTPUT / "data_docs.png"), full_page=True)
        browser.close()
    assert (OUTPUT / "data_docs.png").stat().st_size > 10_000
