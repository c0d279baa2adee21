"""The report of a bench run: the stage table against the floors, then the incremental run,
the DAG parse times, cosmos against plain dbt, and the disclosure audit and loss."""

from __future__ import annotations

from rusmonitor.bench.incremental import NEW_YEAR
from rusmonitor.catalog import small_counts_text


def _fmt(x: float | None, digits: int = 1) -> str:
    return "" if x is None else f"{x:,.{digits}f}".replace(",", " ")


def report(results: dict[str, dict]) -> str:
    lines = []
    load = results["load"]
    gx_in_load = load["gx_seconds"]
    stages = [
        ("generate", results["generate"], None),
        (
            "load (contract, quarantine, metadata)",
            {**load, "seconds": load["seconds"] - gx_in_load},
            results["floor_load"],
        ),
        (
            "GX raw (per-file checkpoints + freshness)",
            {
                **results["gx_raw"],
                "seconds": gx_in_load + results["gx_raw"]["seconds"],
                "rows": load["rows"],
                "peak_mb": max(load["peak_mb"], results["gx_raw"]["peak_mb"]),
            },
            results["floor_gx_raw"],
        ),
        ("dbt build (models + tests)", results["dbt"], results["floor_dbt"]),
        ("GX marts", results["gx_marts"], results["floor_gx_marts"]),
        ("publish", results["publish"], results["floor_publish"]),
    ]
    head = f"{'stage':<44}{'seconds':>9}{'rows':>13}{'rows/s':>12}{'peak MB':>9}{'floor s':>9}{'ratio':>7}"
    lines += [head, "-" * len(head)]
    total = floor_total = 0.0
    for label, fig, floor in stages:
        seconds, rows = fig["seconds"], fig.get("rows") or 0
        ratio = seconds / floor["seconds"] if floor and floor["seconds"] else None
        total += seconds if floor else 0
        floor_total += floor["seconds"] if floor else 0
        lines.append(
            f"{label:<44}{_fmt(seconds):>9}{_fmt(rows, 0):>13}{_fmt(rows / seconds if seconds else 0, 0):>12}"
            f"{_fmt(fig['peak_mb'], 0):>9}{_fmt(floor['seconds'] if floor else None):>9}"
            f"{(_fmt(ratio) + '×') if ratio else '':>7}"
        )
    lines.append(
        f"{'rebuild (load → publish)':<44}{_fmt(total):>9}{'':>13}{'':>12}{'':>9}{_fmt(floor_total):>9}"
        f"{_fmt(total / floor_total) + '×':>7}"
    )
    lines.append("")
    lines.append(
        f"outcomes: load {load['files']}; GX raw freshness passed: {results['gx_raw']['passed']}; "
        f"dbt {results['dbt']['nodes']}; GX marts passed: {results['gx_marts']['passed']}"
    )
    floor_dbt = results["floor_dbt"]
    lines.append(
        f"floors: GX raw states {results['floor_gx_raw']['expectations']} expectations in SQL, "
        f"GX marts {results['floor_gx_marts']['expectations']}; the dbt floor runs "
        f"{floor_dbt['models']} SQL models (seeds and the Python model: "
        f"{_fmt(floor_dbt['python_seconds'])} s as dbt timed them)"
    )
    if "incremental_run" in results:
        inc = results["incremental_run"]
        parts = ", ".join(f"{k} {_fmt(v)} s" for k, v in inc["times"].items())
        lines.append(
            f"incremental run (the {NEW_YEAR} extracts on a warehouse holding the years before): "
            f"{_fmt(inc['seconds'])} s ({parts}); files {inc['files']}; "
            f"rows loaded {_fmt(inc['rows'], 0)}; peak {_fmt(inc['peak_mb'], 0)} MB; "
            f"{_fmt(inc['seconds'] / total, 2)}× the full rebuild"
        )
        # the year's floor: its own files loaded by DuckDB alone, then the rebuild's floors
        # (every mart is rebuilt whole)
        year_floor = sum(
            results[k]["seconds"]
            for k in ("floor_incremental_load", "floor_dbt", "floor_gx_marts", "floor_publish")
        )
        lines.append(
            f"incremental floor (the {NEW_YEAR} files by DuckDB alone "
            f"{_fmt(results['floor_incremental_load']['seconds'])} s, then the dbt, GX marts and publish "
            f"floors): {_fmt(year_floor)} s; the incremental run is "
            f"{_fmt(inc['seconds'] / year_floor, 1)}× it"
        )
    if "dag_parse" in results:
        lines.append("DAG parse time (DagBag over one file in a fresh process, as the DAG processor does):")
        for name, fig in results["dag_parse"]["files"].items():
            lines.append(
                f"  {name:<24} first {_fmt(fig['cold'], 2):>6} s, again {_fmt(fig['warm'], 2):>6} s  "
                f"{fig['dags']} DAG(s), {fig['tasks']} tasks, {fig['errors']} import errors"
            )
    for key in (
        "cosmos_transform",
        "cosmos_transform_after_each",
        "cosmos_transform_subprocess",
        "cosmos_transform_watcher",
    ):
        if key not in results:
            continue
        c, plain = results[key], results["plain_dbt"]
        per_task = c["dbt_task_seconds"] / max(c["dbt_tasks"], 1)
        lines.append(
            f"orchestration: plain `dbt build` {_fmt(plain['seconds'])} s; the same project under "
            f"Airflow by cosmos ({c['mode']}): {c['dbt_tasks']} dbt tasks in {_fmt(c['dbt_wall'])} s "
            f"({_fmt(c['dbt_wall'] / plain['seconds'], 1)}× plain dbt; {_fmt(per_task, 2)} s a task); "
            f"whole DAG run {_fmt(c['wall'])} s, {c['state']}"
            + (f" (failed: {', '.join(c['failed'])})" if c.get("failed") else "")
            + f"; peak {_fmt(c['peak_mb'], 0)} MB"
        )
    if "disclosure_audit" in results:
        a = results["disclosure_audit"]
        lines.append("")
        lines.append(
            f"disclosure audit of the published file: {_fmt(a['seconds'])} s, {a['solves']} linear "
            f"programmes; {a['hidden_cells']} hidden cells ({a['truly_small']} truly {small_counts_text()}): "
            f"{a['exact']} exactly derivable, {a['under_protected']} under-protected, "
            f"{a['findings']} findings; peak {_fmt(a['peak_mb'], 0)} MB"
        )
    if "disclosure_loss" in results:
        lines.append("")
        lines.append(
            "information loss (rows of the long mart; cells of the protected system beside tau-Argus):"
        )
        lines.append(results["disclosure_loss"]["text"])
    return "\n".join(lines)
