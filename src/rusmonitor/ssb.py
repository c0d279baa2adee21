"""SSB's statistics bank, PxWebApi v2: population (table 07459) as JSON-stat2.

`fetch_population` downloads one year into the landing folder in the same layout the generator
writes (ssb_population/<year>/ssb_07459_<year>.json), so the real file and the sample file take
the same road: the contract-checked loader. It needs the network; tests run it against recorded
responses served from a local HTTP server.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
import urllib.request
from pathlib import Path

from rusmonitor.load import jsonstat_frame

log = logging.getLogger(__name__)

API_BASE = os.environ.get("RUSMONITOR_SSB_API", "https://data.ssb.no/api/pxwebapi/v2")
POPULATION_TABLE = "07459"
# SSB's limit per extract is 800 000 cells; one year of 07459 by municipality is about 76 000
MAX_CELLS = 800_000


class SsbError(Exception):
    pass


def data_url(table: str, value_codes: dict[str, str], base: str = API_BASE, lang: str = "no") -> str:
    """A v2 GET data query: valueCodes[<variable>]=<codes> ('*' all, '?' one character)."""
    params = [("lang", lang), ("outputFormat", "json-stat2")]
    params += [(f"valueCodes[{k}]", v) for k, v in value_codes.items()]
    return f"{base}/tables/{table}/data?" + urllib.parse.urlencode(params, safe="*?,[]")


def population_url(year: int, base: str = API_BASE) -> str:
    # four-character region codes are the municipalities (two are counties, 'EAK' the country)
    return data_url(
        POPULATION_TABLE,
        {"Region": "????", "Kjonn": "*", "Alder": "*", "ContentsCode": "Personer1", "Tid": str(year)},
        base,
    )


def fetch_json(url: str, timeout: float = 60) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as e:
        detail = e.read()[:500].decode("utf-8", "replace")
        raise SsbError(f"SSB answered {e.code} for {url}: {detail}") from e
    except urllib.error.URLError as e:
        raise SsbError(f"cannot reach SSB at {url}: {e.reason}") from e
    try:
        return json.loads(body)
    except json.JSONDecodeError as e:
        raise SsbError(f"SSB's answer to {url} is not JSON: {e}") from e


def fetch_population(year: int, landing: Path, base: str = API_BASE) -> Path:
    """Download one year of population by municipality, sex and age; write it atomically."""
    url = population_url(year, base)
    log.info("GET %s", url)
    doc = fetch_json(url)
    frame = jsonstat_frame(doc)  # fails loudly on anything that is not a JSON-stat2 dataset
    if len(frame) > MAX_CELLS:
        raise SsbError(f"{len(frame)} cells is above SSB's limit of {MAX_CELLS} per extract")
    years = set(frame.Tid) if "Tid" in frame else set()
    if years != {str(year)}:
        raise SsbError(f"asked SSB for {year} and got {sorted(years)}")
    path = landing / "ssb_population" / str(year) / f"ssb_{POPULATION_TABLE}_{year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")  # the loader only picks up *.json
    partial.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)
    log.info("wrote %s (%d cells)", path, len(frame))
    return path
