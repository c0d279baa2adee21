"""The SSB PxWebApi v2 loader, offline: recorded responses served from a local HTTP server."""

import http.server
import json
import threading
from pathlib import Path

import duckdb
import pytest

from rusmonitor.load import jsonstat_frame, load_source
from rusmonitor.ssb import SsbError, fetch_population, population_url

FIXTURES = Path(__file__).parent / "fixtures" / "ssb"


def test_real_ssb_response_parses_with_its_status_symbols():
    """dataset_05300.json is a real JSON-stat2 answer from SSB (statisticsnorway/
    dapla-statbank-client test resources): 432 cells, 28 of them null with '.' or '..'."""
    doc = json.loads((FIXTURES / "dataset_05300.json").read_text(encoding="utf-8"))
    frame = jsonstat_frame(doc)
    assert len(frame) == 6 * 8 * 1 * 9
    missing = frame[frame.value.isna()]
    assert len(missing) == 28
    assert set(missing.status) == {".", ".."}
    assert frame.loc[71, "status"] == "." and frame.loc[360, "status"] == ".."
    assert frame.status[frame.value.notna()].isna().all()


def test_pxwebapi_v2_extensions_are_tolerated():
    """A real v2 data answer (SCB, rOpenGov/pxweb fixtures) with notes and extensions."""
    doc = json.loads((FIXTURES / "scb_TAB638_v2_data.json").read_text(encoding="utf-8"))
    frame = jsonstat_frame(doc)
    assert len(frame) == 1 and frame.value.notna().all()


def test_population_query_is_a_v2_get_url():
    url = population_url(2024, base="https://data.ssb.no/api/pxwebapi/v2")
    assert url.startswith("https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no")
    assert "outputFormat=json-stat2" in url and "valueCodes[Tid]=2024" in url
    assert "valueCodes[Region]=????" in url


class _Recorded(http.server.BaseHTTPRequestHandler):
    responses: dict[str, tuple[int, bytes]] = {}
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        table = self.path.split("/tables/")[1].split("/")[0] if "/tables/" in self.path else ""
        status, body = self.responses.get(table, (404, b'{"title":"Not found"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def ssb_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorded.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/api/pxwebapi/v2"
    server.shutdown()


def _population_answer(year: int) -> bytes:
    """A 07459 answer in SSB's v2 shape for three municipalities of 2023 (numbers from SSB's
    07459 export for 2023 in niphr/csdata, first three ages)."""
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "label": "07459: Befolkning",
            "source": "Statistisk sentralbyrå",
            "updated": "2023-02-21T07:00:00Z",
            "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
            "size": [3, 2, 3, 1, 1],
            "dimension": {
                "Region": {
                    "category": {
                        "index": {"3001": 0, "3002": 1, "3003": 2},
                        "label": {"3001": "Halden", "3002": "Moss", "3003": "Sarpsborg"},
                    }
                },
                "Kjonn": {"category": {"index": {"1": 0, "2": 1}}},
                "Alder": {"category": {"index": {"000": 0, "001": 1, "002": 2}}},
                "ContentsCode": {"category": {"index": {"Personer1": 0}}},
                "Tid": {"category": {"index": {str(year): 0}}},
            },
            "value": [
                127,
                138,
                145,
                109,
                138,
                127,
                235,
                262,
                261,
                226,
                240,
                256,
                263,
                287,
                304,
                256,
                267,
                None,
            ],
            "status": {"17": ".."},
            "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        }
    ).encode()


def test_fetch_population_writes_a_landing_file_the_loader_loads(ssb_server, tmp_path):
    _Recorded.responses = {"07459": (200, _population_answer(2023))}
    landing = tmp_path / "landing"
    path = fetch_population(2023, landing, base=ssb_server)
    assert path == landing / "ssb_population" / "2023" / "ssb_07459_2023.json"
    assert "valueCodes[Tid]=2023" in _Recorded.requests[0]
    load_source("ssb_population", landing, tmp_path / "wh.duckdb")
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT count(*), sum(personer), count(*) FILTER (WHERE status = '..') FROM raw.ssb_population"
        ).fetchall()[0]
    assert rows == (
        18,
        127 + 138 + 145 + 109 + 138 + 127 + 235 + 262 + 261 + 226 + 240 + 256 + 263 + 287 + 304 + 256 + 267,
        1,
    )


def test_fetch_population_reports_ssb_errors(ssb_server, tmp_path):
    _Recorded.responses = {"07459": (400, b'{"title":"Too many cells selected"}')}
    with pytest.raises(SsbError, match="SSB answered 400.*Too many cells"):
        fetch_population(2023, tmp_path, base=ssb_server)
    _Recorded.responses = {"07459": (200, _population_answer(2022))}
    with pytest.raises(SsbError, match="asked SSB for 2023 and got \\['2022'\\]"):
        fetch_population(2023, tmp_path, base=ssb_server)
    assert not list(tmp_path.rglob("*.json"))  # nothing half-written
