"""The generator: deterministic, in the publishers' formats, calibrated to the plan."""

import json

import pandas as pd

from conftest import file_digest
from rusmonitor.generate import generate, municipalities_in, parse_years
from rusmonitor.sources.is_24_8 import IS_24_8_FTE
from rusmonitor.sources.npr import NPR_TSB_EPISODES


def test_same_seed_gives_identical_files(tmp_path):
    a = generate([2014], 7, tmp_path / "a")
    b = generate([2014], 7, tmp_path / "b")
    c = generate([2014], 8, tmp_path / "c")
    assert [file_digest(p) for p in a] == [file_digest(p) for p in b]
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    npr_a = next(p for p in a if p.suffix == ".csv" and "npr" in p.parts)
    npr_c = next(p for p in c if p.suffix == ".csv" and "npr" in p.parts)
    assert file_digest(npr_a) != file_digest(npr_c)


def test_files_follow_the_publishers_formats(default_landing):
    npr = default_landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv"
    header = npr.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(";") == NPR_TSB_EPISODES.column_names

    fte = (default_landing / "is_24_8" / "2014" / "is_24_8_arsverk_2014.csv").read_text("utf-8")
    assert fte.splitlines()[0].split(";") == IS_24_8_FTE.column_names
    assert "," in fte.splitlines()[1].split(";")[-1]  # decimal comma, as Norwegian exports

    book = pd.read_excel(
        default_landing / "samdata" / "2014" / "samdata_spesialisthelsetjenesten_2014.xlsx",
        sheet_name=None,
        header=None,
    )
    assert set(book) == {"Driftskostnader", "Prisindeks", "TSB aktivitet"}
    assert str(book["Driftskostnader"].iloc[0, 0]).startswith("Driftskostnader 2014")

    doc = json.loads((default_landing / "ssb_population" / "2014" / "ssb_07459_2014.json").read_text())
    assert doc["version"] == "2.0" and doc["class"] == "dataset"
    n = 1
    for size in doc["size"]:
        n *= size
    # the codes of 2014, before the 2018, 2020 and 2024 reforms
    assert len(doc["value"]) == n == len(municipalities_in(2014)) * 2 * 106
    assert "0101" in doc["dimension"]["Region"]["category"]["index"]  # Halden before 2020


def test_national_totals_are_calibrated(default_landing):
    """The generated extracts themselves carry the plan's 2014 figures (before any pipeline)."""
    npr = pd.read_csv(default_landing / "npr" / "2014" / "npr_tsb_episoder_2014.csv", sep=";", dtype=str)
    assert npr.pasient_lopenr.nunique() == 26_850  # "snaut 27 000"
    wait = (pd.to_datetime(npr.behandling_start) - pd.to_datetime(npr.henvisning_mottatt)).dt.days
    assert abs(wait.mean() - 55) < 0.01


def test_parse_years():
    assert parse_years("2010-2012,2014") == [2010, 2011, 2012, 2014]


def test_detox_stays_are_followed_by_treatment_as_calibrated(default_landing):
    """About a third of the detox stays (with times) have a TSB treatment start for the same
    person within 24 hours of discharge; a few rows carry dates only and say so."""
    import duckdb

    npr = default_landing / "npr" / "2014"
    with duckdb.connect() as con:
        share, dates_only = con.execute(f"""
            with stays as (
                select pasient_lopenr, tidspresisjon,
                       strptime(utskrevet_dato || ' ' || utskrevet_tid, '%Y-%m-%d %H:%M') as discharged
                from read_csv('{npr}/npr_avrusning_2014.csv', delim=';', all_varchar=true)
            ),
            starts as (
                select pasient_lopenr,
                       strptime(behandling_start || ' ' || behandling_start_tid, '%Y-%m-%d %H:%M') as started
                from read_csv('{npr}/npr_tsb_episoder_2014.csv', delim=';', all_varchar=true)
                where tidspresisjon = 'minutt'
            )
            select avg((exists (select 1 from starts t where t.pasient_lopenr = s.pasient_lopenr
                        and t.started >= s.discharged
                        and t.started < s.discharged + interval 24 hours))::int)
                       filter (where s.tidspresisjon = 'minutt'),
                   avg((s.tidspresisjon = 'dag')::int)
            from stays s
        """).fetchall()[0]
    assert 0.30 < share < 0.40
    assert 0.01 < dates_only < 0.10
