"""The benchmark's floors must do the same work as the stages they are the floor of: the GX
expectations translated to SQL fail exactly where GX fails. (The benchmark itself prints
figures; `rusmonitor bench` is run by hand, not timed here.)"""

from __future__ import annotations

import duckdb
import pandas as pd

from rusmonitor import quality
from rusmonitor.bench import check_sql, expectation_sql
from rusmonitor.sources import CONTRACTS


def key(kind: str, column) -> tuple[str, str | None]:
    return kind, None if column is None else str(column)


def gx_and_sql_failures(frame: pd.DataFrame, contract) -> tuple[set, set]:
    """The (expectation, column) pairs that fail, by GX and by the benchmark's SQL."""
    result = quality.validate_frame("bench.floor_check", frame, quality.raw_expectations(contract))
    expectations = quality.raw_expectations(contract)
    gx = {key(o.expectation, o.column) for o in result.outcomes if not o.success}
    with duckdb.connect() as con:
        con.register("t_frame", frame)
        stated = [e for e in expectations if expectation_sql(e, set(frame.columns)) is not None]
        assert len(stated) == len(expectations), "every raw expectation has an SQL form"
        sql, _ = check_sql("t_frame", expectations, set(frame.columns))
        values = con.execute(sql).fetchall()[0]
    failing = [e for e, v in zip(expectations, values, strict=True) if v]
    return gx, {
        key(e.expectation_type, getattr(e, "column", None) or getattr(e, "column_list", None))
        for e in failing
    }


def test_the_sql_floor_fails_where_gx_fails_on_a_broken_raw_table():
    contract = CONTRACTS["npr_detox_stays"]
    good = {
        "opphold_id": ["A2014-0000001", "A2014-0000002", "A2014-0000003"],
        "pasient_lopenr": ["P1000001", "P1000002", "P1000003"],
        "kjonn": [1, 2, 1],
        "fodselsar": [1970, 1985, 1990],
        "bostedskommune": ["0301", "4601", "5001"],
        "rapporteringsenhet": ["Oslo universitetssykehus HF"] * 3,
        "innskrevet_dato": pd.to_datetime(["2014-01-02", "2014-02-03", "2014-03-04"]),
        "innskrevet_tid": ["08:00", None, "12:30"],
        "utskrevet_dato": pd.to_datetime(["2014-01-09", "2014-02-10", "2014-03-11"]),
        "utskrevet_tid": ["09:00", None, "13:45"],
        "tidspresisjon": ["minutt", "dag", "minutt"],
        "utskrevet_til": ["hjem", "hjem", "utland"],
        "_load_id": ["npr-1"] * 3,
        "_source_file": ["npr/2014/npr_avrusning_2014.csv"] * 3,
        "_content_hash": ["abc"] * 3,
        "_row_number": [1, 2, 3],
    }
    gx, sql = gx_and_sql_failures(pd.DataFrame(good), contract)
    assert gx == set() and sql == set()

    bad = pd.DataFrame(good)
    bad.loc[1, "opphold_id"] = "A2014-0000001"  # duplicate key
    bad.loc[2, "kjonn"] = 3  # not an allowed value
    bad.loc[0, "fodselsar"] = 1850  # out of range
    bad.loc[2, "innskrevet_tid"] = "25:99"  # breaks the pattern
    bad.loc[1, "pasient_lopenr"] = None  # a null key column
    gx, sql = gx_and_sql_failures(bad, contract)
    assert len(gx) >= 5
    assert sql == gx
