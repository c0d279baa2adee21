"""GX expectations as SQL: the floor of a GX stage is its suite as one plain DuckDB aggregate
(tests/test_bench.py checks that it fails exactly where GX fails)."""

from __future__ import annotations


def _literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def expectation_sql(expectation, columns: set[str]) -> str | None:
    """An SQL aggregate over relation t that is non-zero when the expectation fails, or None
    when it needs what SQL over t cannot see (a column computed in pandas)."""
    kind = type(expectation).__name__
    get = expectation.__dict__.get
    column = get("column")
    if column is not None and column not in columns:
        return None
    if kind == "ExpectColumnValuesToNotBeNull":
        return f'count(*) FILTER (WHERE "{column}" IS NULL)'
    if kind == "ExpectColumnValuesToBeNull":
        return f'count(*) FILTER (WHERE "{column}" IS NOT NULL)'
    if kind in ("ExpectColumnValuesToBeInSet", "ExpectColumnValuesToNotBeInSet"):
        values = ", ".join(_literal(v) for v in get("value_set"))
        negate = "NOT " if kind == "ExpectColumnValuesToBeInSet" else ""
        return f'count(*) FILTER (WHERE "{column}" IS NOT NULL AND {negate}"{column}" IN ({values}))'
    if kind == "ExpectColumnValuesToMatchRegex":
        return (
            f'count(*) FILTER (WHERE "{column}" IS NOT NULL AND NOT regexp_matches("{column}", '
            f"{_literal(get('regex'))}))"
        )
    if kind == "ExpectColumnValuesToBeBetween":
        low, high = get("min_value"), get("max_value")
        tests = [f'"{column}" < {_literal(low)}' if low is not None else None]
        tests.append(f'"{column}" > {_literal(high)}' if high is not None else None)
        return f"count(*) FILTER (WHERE {' OR '.join(t for t in tests if t) or 'false'})"
    if kind == "ExpectColumnValuesToBeUnique":
        return f'count("{column}") - count(DISTINCT "{column}")'
    if kind == "ExpectCompoundColumnsToBeUnique":
        cols = get("column_list")
        if not set(cols) <= columns:
            return None
        quoted = ", ".join(f'"{c}"' for c in cols)
        return f"count(*) - count(DISTINCT ({quoted}))"
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = get("column_A"), get("column_B")
        if not {a, b} <= columns:
            return None
        op = "<" if get("or_equal") else "<="
        return f'count(*) FILTER (WHERE "{a}" {op} "{b}")'
    if kind == "ExpectTableRowCountToBeBetween":
        low = get("min_value") or 0
        return f"CAST(count(*) < {low} AS INTEGER)"
    if kind in ("ExpectTableColumnsToMatchSet", "ExpectTableColumnsToMatchOrderedList"):
        return "0"  # a catalog lookup, no scan: free in SQL
    if kind == "ExpectColumnDistinctValuesToContainSet":
        values = ", ".join(_literal(v) for v in get("value_set"))
        return f'len(list_filter([{values}], lambda v: NOT list_contains(list(DISTINCT "{column}"), v)))'
    return None


def check_sql(relation: str, expectations: list, columns: set[str]) -> tuple[str, int]:
    """One query running every expectation SQL can state; and how many it could state."""
    parts = [sql for e in expectations if (sql := expectation_sql(e, columns)) is not None]
    return f"SELECT {', '.join(parts) or '0'} FROM {relation} AS t", len(parts)
