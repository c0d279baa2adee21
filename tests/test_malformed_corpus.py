"""The corpus of malformed landing files (tests/fixtures/corpus, built by
scripts/build_malformed_corpus.py): each gets the error or the quarantine its MANIFEST.csv row
says, and the rows already in the warehouse stay as they were."""

import csv
import shutil
from pathlib import Path

import pytest

from conftest import table_fingerprints
from rusmonitor.load import FilesStillBeingWritten, LoadError, load_source

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CASES = list(csv.DictReader((CORPUS / "MANIFEST.csv").open(encoding="utf-8")))


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 20
    assert {c["expect"] for c in CASES} == {"reject", "quarantine", "incomplete"}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_malformed_file(case, corpus_base_warehouse, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(corpus_base_warehouse, warehouse)
    landing = tmp_path / "landing"
    target = landing / case["source"] / "2014" / case["file"]
    target.parent.mkdir(parents=True)
    shutil.copy(CORPUS / "malformed" / case["file"], target)
    before = table_fingerprints(warehouse)

    if case["expect"] == "incomplete":  # cut off: left for a later try, not rejected as bad data
        monkeypatch.setenv("RUSMONITOR_SETTLE_WAIT", "2")
        with pytest.raises(FilesStillBeingWritten) as err:
            load_source(case["source"], landing, warehouse)
        name = f"{case['source']}/2014/{case['file']}"
        assert err.value.files == [name]
        assert case["message"] in err.value.reasons[name]
        assert table_fingerprints(warehouse) == before  # not loaded, nothing quarantined
        return

    if case["expect"] == "reject":
        with pytest.raises(LoadError) as err:
            load_source(case["source"], landing, warehouse)
        assert case["message"] in str(err.value)
        assert f"{case['source']}/2014/{case['file']}" in str(err.value)
        assert table_fingerprints(warehouse) == before  # nothing half-loaded
        return

    results = load_source(case["source"], landing, warehouse)
    (result,) = [r for r in results if r.file.endswith(case["file"])]
    assert len({e.row for e in result.quarantined}) == int(case["quarantined_rows"])
    assert any(case["message"] in str(e) for e in result.quarantined), result.quarantined
    after = table_fingerprints(warehouse)
    # every other table is as it was; this source's tables only gained the new period's rows
    changed = {t for t in after if after[t] != before.get(t)}
    assert changed <= {f"raw.{t}" for t in _tables_of(case["source"])} | {"raw._loads", "raw._quarantine"}


def _tables_of(source: str) -> list[str]:
    from rusmonitor.sources import contracts_for

    return [c.table for c in contracts_for(source)]
