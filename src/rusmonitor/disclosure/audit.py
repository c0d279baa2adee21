"""The disclosure audit: what a reader of the published files can work out.

Reads only what is published (the serving file and the quality file beside it) and plays an
attacker with linear programming, as a statistical office audits a table (tau-Argus' audit,
sdcTable's attack, SSB's GaussSuppression intervals): every hidden count becomes an unknown
>= 0, every published number and every relation between published numbers an equation, and
for every hidden count (and every share's complement) the smallest and largest value the
equations allow are worked out. A hidden count is protected when that interval contains a
count above the suppression limit and is at least the protection level wide; it is exactly
derivable when the interval holds one integer.

Beside the programme it checks what no equation says: that hidden cells carry one public
reason, show no value or interval, that an adjusted rate is shown only over shown counts, that
the lineage of hidden cells is the same for all of them (so it cannot tell a zero from a small
count), that the goal marts publish the long mart's values, and that the published quality
results hold no counts of person-level data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from rusmonitor.catalog import default_suppression_limit, small_counts_text
from rusmonitor.disclosure.cells import build_cells
from rusmonitor.disclosure.lp import integer_interval, intervals, verdict
from rusmonitor.disclosure.relations import structural_relations
from rusmonitor.disclosure.specs import specs_from_rows
from rusmonitor.disclosure.system import build_problem

PUBLIC_REASON = "disclosure_control"
KEY = ["indicator_id", "year", "geo_level", "geo_code", "sex", "age_group", "breakdown"]


@dataclass
class Finding:
    # exact | under_protected | label | value_shown | interval_shown | derived | lineage |
    # goal_mart | quality | inconsistent
    kind: str
    indicator_id: str
    where: str
    detail: str = ""


@dataclass
class Report:
    summary: pd.DataFrame  # per indicator
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    solves: int = 0
    objectives: pd.DataFrame | None = None  # every bounded function: key, low, high, verdict
    built: object = None
    mart: pd.DataFrame | None = None
    truth: pd.DataFrame | None = None  # with a build warehouse: intervals beside true values

    @property
    def ok(self) -> bool:
        return not self.findings


def read_published(serving: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(serving), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        out = {name: con.execute(f"SELECT * FROM {name}").df() for name in tables}
    quality = serving.with_name("quality.duckdb")
    if quality.exists():
        with duckdb.connect(str(quality), read_only=True) as con:
            for name in ("quality_runs", "quality_results"):
                try:
                    out[name] = con.execute(f"SELECT * FROM {name}").df()
                except duckdb.CatalogException:
                    pass
    return out


def audit(
    serving: Path,
    truth_warehouse: Path | None = None,
    exact_all: bool = False,
    indicators: list[str] | None = None,
) -> Report:
    """Audit a serving file. With `truth_warehouse`, also compare every interval with the true
    value (a check of the attacker's model: the truth always lies inside)."""
    started = time.monotonic()
    report = audit_published(read_published(serving), exact_all=exact_all, indicators=indicators)
    if truth_warehouse is not None:
        report.truth = _against_truth(truth_warehouse, report)
    report.seconds = round(time.monotonic() - started, 1)
    return report


def audit_published(
    published: dict[str, pd.DataFrame], exact_all: bool = False, indicators: list[str] | None = None
) -> Report:
    """Audit published tables: mart_indicator_values, dim_indicator, dim_geography and, where
    present, mart_indicator_lineage, mart_goal_*, quality_runs and quality_results."""
    started = time.monotonic()
    mart = published["mart_indicator_values"].copy()
    if indicators:
        mart = mart[mart.indicator_id.isin(indicators)]
    mart = mart.sort_values(KEY).reset_index(drop=True)
    mart.insert(0, "row_id", np.arange(len(mart)))
    dim = published["dim_indicator"]
    specs = specs_from_rows(dim.to_dict("records"))
    findings = _label_findings(mart)
    findings += _derived_findings(mart, specs)
    built = build_cells(mart, specs)
    relations = structural_relations(built, published["dim_geography"])
    values = built.cells.value.to_numpy(float)
    problem = build_problem(built, relations, specs, values, published=mart)
    iv = intervals(problem.problem, exact_all=exact_all)
    ver = verdict(iv.low, iv.high, problem.problem.limit, problem.problem.protection)
    lo, hi = integer_interval(iv.low, iv.high)
    objectives = _objectives_frame(built, problem, lo, hi, ver, iv.exact)
    for _, row in objectives[objectives.exact | objectives.under_protected].iterrows():
        findings.append(
            Finding(
                "exact" if row.exact else "under_protected",
                row.indicator_id,
                row.location,
                f"feasible {row.low:g}..{row.high:g}",
            )
        )
    if len(problem.inconsistent):
        findings.append(
            Finding(
                "inconsistent",
                "*",
                f"{len(problem.inconsistent)} equations",
                "published numbers that contradict each other",
            )
        )
    findings += _lineage_findings(mart, published.get("mart_indicator_lineage"))
    findings += _goal_mart_findings(mart, published, dim)
    findings += _quality_findings(published)
    summary = _summary(mart, objectives, findings)
    objectives = objectives.merge(built.cells.drop(columns="value"), on="cell_id", how="left")
    report = Report(
        summary=summary, findings=findings, solves=iv.solves, objectives=objectives, built=built, mart=mart
    )
    report.seconds = round(time.monotonic() - started, 1)
    return report


def _objectives_frame(built, problem, lo, hi, ver, exact_solved) -> pd.DataFrame:
    cells = built.cells.set_index("cell_id")
    origin = built.origins.groupby("cell_id").indicator_id.first()
    rows = built.rows.set_index("row_id")
    out = []
    for k, (cell, row) in enumerate(zip(problem.objective_cells, problem.objective_rows, strict=True)):
        if cell >= 0:
            c = cells.loc[cell]
            where = (
                f"{c['count']} {c.year} {c.geo_level}:{c.geo_code} sex={c.sex} "
                f"age={c.age_group} {c.breakdown}"
            )
            indicator = origin.get(cell, c["count"].split(".")[0])
        else:
            r = rows.loc[row]
            where = (
                f"complement of {r.indicator_id} {r.year} {r.geo_level}:{r.geo_code} "
                f"sex={r.sex} age={r.age_group} {r.breakdown}"
            )
            indicator = r.indicator_id
        out.append((indicator, where, int(cell), int(row), lo[k], hi[k]))
    frame = pd.DataFrame(out, columns=["indicator_id", "location", "cell_id", "row_id", "low", "high"])
    # a complement is no published cell: it matters only as a small count (one fixed at zero
    # says everyone in the group is in the category, which hides no small number of persons)
    complement = frame.cell_id.to_numpy() < 0
    frame["exact"] = ver["exact"] & (~complement | ((frame.low >= 1) & (frame.low <= problem.problem.limit)))
    frame["under_protected"] = ver["under_protected"]
    frame["solved"] = exact_solved
    return frame


def _label_findings(mart: pd.DataFrame) -> list[Finding]:
    out = []
    hidden = mart[mart.suppressed.fillna(False).astype(bool)]
    reasons = set(hidden.suppression_reason.dropna().unique())
    if reasons - {PUBLIC_REASON} or hidden.suppression_reason.isna().any():
        out.append(
            Finding(
                "label",
                "*",
                "suppression_reason",
                f"hidden cells carry {sorted(reasons)}: one public reason tells nothing",
            )
        )
    for column, kind in (
        ("value", "value_shown"),
        ("ci_low", "interval_shown"),
        ("ci_high", "interval_shown"),
    ):
        shown = hidden[hidden[column].notna()]
        for _, row in shown.head(20).iterrows():
            out.append(Finding(kind, row.indicator_id, _where(row), f"{column} = {row[column]}"))
    return out


def _derived_findings(mart: pd.DataFrame, specs) -> list[Finding]:
    """An adjusted rate shown over a hidden or unpublished count."""
    built = build_cells(mart, specs)
    hidden_cells = built.cells.value.isna().to_numpy()
    inputs = built.inputs.assign(hidden=hidden_cells[built.inputs.cell_id.to_numpy()])
    derived = built.rows[built.rows.kind_of_row != "plain"].set_index("row_id")
    bad_inputs = inputs[inputs.row_id.isin(derived.index)].groupby("row_id").hidden.any()
    out = []
    visible = mart.set_index("row_id").value.notna()
    for row_id, row in derived.iterrows():
        if not visible.get(row_id, False):
            continue
        if bad_inputs.get(row_id, False) or not row.inputs_published:
            out.append(
                Finding(
                    "derived",
                    row.indicator_id,
                    _where(row),
                    "an adjusted rate is shown over a hidden or unpublished count",
                )
            )
    return out


def _lineage_findings(mart: pd.DataFrame, lineage: pd.DataFrame | None) -> list[Finding]:
    """Hidden cells of one indicator and year must all list the same loads."""
    if lineage is None or lineage.empty:
        return []
    hidden = mart[mart.suppressed.fillna(False).astype(bool)][KEY]
    lin = lineage.merge(hidden, on=KEY)
    if lin.empty:
        return []
    sets = lin.groupby(KEY).load_id.agg(lambda s: tuple(sorted(set(s.dropna())))).reset_index()
    out = []
    for (indicator, year), group in sets.groupby(["indicator_id", "year"]):
        common = group.load_id.mode().iloc[0]
        odd = group[group.load_id != common]
        for _, row in odd.head(10).iterrows():
            out.append(
                Finding(
                    "lineage",
                    indicator,
                    _where(row),
                    f"lists {len(row.load_id)} loads where other hidden cells list {len(common)}",
                )
            )
        missing = hidden[(hidden.indicator_id == indicator) & (hidden.year == year)]
        if len(missing) != len(group):
            out.append(
                Finding(
                    "lineage",
                    indicator,
                    f"{year}",
                    f"{len(missing) - len(group)} hidden cells have no lineage while others do",
                )
            )
    return out


def _goal_mart_findings(mart: pd.DataFrame, published: dict, dim: pd.DataFrame) -> list[Finding]:
    """Every number in a goal mart is the long mart's visible value for that place and year."""
    out = []
    headline = mart[(mart.sex == "all") & (mart.age_group == "all")]
    for goal in sorted(dim.goal.unique()):
        table = published.get(f"mart_goal_{goal}")
        if table is None:
            continue
        for column in table.columns:
            if column in ("year", "geo_level", "geo_code", "geo_name"):
                continue
            indicator, _, suffix = column.partition("__")
            rows = headline[headline.indicator_id == indicator]
            if suffix:
                rows = rows[rows.breakdown.str.replace(r"[^a-z0-9]+", "_", regex=True) == suffix]
            else:
                rows = rows[rows.breakdown == "total"]
            joined = (
                table[["year", "geo_level", "geo_code", column]]
                .dropna(subset=[column])
                .merge(
                    rows[["year", "geo_level", "geo_code", "value"]],
                    on=["year", "geo_level", "geo_code"],
                    how="left",
                )
            )
            wrong = joined[joined.value.isna() | ((joined[column] - joined.value).abs() > 1e-9)]
            for _, row in wrong.head(10).iterrows():
                out.append(
                    Finding(
                        "goal_mart",
                        indicator,
                        f"mart_goal_{goal}.{column} {row.year} {row.geo_code}",
                        "a number the long mart does not show",
                    )
                )
    return out


def _quality_findings(published: dict) -> list[Finding]:
    """Published quality results carry no counts of person-level data."""
    from rusmonitor.quality_store import person_suites

    out = []
    results = published.get("quality_results")
    runs = published.get("quality_runs")
    persons = person_suites()
    if results is not None and not results.empty:
        mine = results[results.suite.map(lambda s: any(s == p or s.startswith(p + ".") for p in persons))]
        counted = mine[
            mine.unexpected_count.notna() | mine.observed_value.fillna("").str.fullmatch(r"-?\d+(\.\d+)?")
        ]
        for _, row in counted.head(10).iterrows():
            out.append(
                Finding(
                    "quality",
                    "*",
                    f"{row.suite} {row.expectation}",
                    "a count of person-level rows in the published quality results",
                )
            )
    if runs is not None and not runs.empty:
        mine = runs[runs.suite.map(lambda s: any(s == p or s.startswith(p + ".") for p in persons))]
        for _, row in mine[mine.rows_validated.notna()].head(10).iterrows():
            out.append(Finding("quality", "*", f"{row.suite} rows_validated", "a count of person-level rows"))
    return out


def _where(row) -> str:
    return f"{row.year} {row.geo_level}:{row.geo_code} sex={row.sex} age={row.age_group} {row.breakdown}"


def _summary(mart: pd.DataFrame, objectives: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    hidden = mart.groupby("indicator_id").suppressed.agg(rows="size", hidden="sum")
    cells = objectives[objectives.cell_id >= 0]
    width = cells.high - cells.low
    stats = (
        cells.assign(width=width)
        .groupby("indicator_id")
        .agg(
            hidden_cells=("cell_id", "size"),
            exact=("exact", "sum"),
            under_protected=("under_protected", "sum"),
            width_p10=("width", lambda w: float(np.nanpercentile(np.clip(w, 0, 1e9), 10))),
            width_median=("width", lambda w: float(np.nanmedian(np.clip(w, 0, 1e9)))),
        )
    )
    comps = (
        objectives[objectives.cell_id < 0]
        .groupby("indicator_id")
        .agg(
            complements=("row_id", "size"),
            complements_exposed=("under_protected", "sum"),
            complements_exact=("exact", "sum"),
        )
    )
    other = (
        pd.Series(
            [f.indicator_id for f in findings if f.kind not in ("exact", "under_protected")], dtype=object
        )
        .value_counts()
        .rename("other_findings")
    )
    out = hidden.join(stats, how="left").join(comps, how="left").join(other, how="left").fillna(0)
    return out.reset_index()


def _against_truth(warehouse: Path, report: Report) -> pd.DataFrame:
    """Intervals of hidden cells beside their true values, from the build warehouse."""
    mart, built, objectives = report.mart, report.built, report.objectives
    with duckdb.connect(str(warehouse), read_only=True) as con:
        truth = con.execute(
            f"SELECT {', '.join(KEY)}, numerator AS true_numerator, denominator AS true_denominator "
            "FROM intermediate.int_indicator_values_unioned"
        ).df()
    rows = mart[KEY + ["row_id"]].merge(truth, on=KEY, how="left")
    forms = built.forms[built.forms.groupby(["row_id", "measure"]).cell_id.transform("size") == 1]
    forms = forms.merge(rows, on="row_id")
    forms["true_value"] = np.where(forms.measure == "N", forms.true_numerator, forms.true_denominator)
    true_cells = forms.groupby("cell_id").true_value.first()
    cells = objectives[objectives.cell_id >= 0].copy()
    cells["true_value"] = cells.cell_id.map(true_cells)
    return cells


def format_report(report: Report, max_findings: int = 30) -> str:
    """The per-indicator table and the first findings, for the terminal."""
    s = report.summary
    lines = [
        f"{'indicator':34} {'rows':>7} {'hidden':>7} {'cells':>7} {'exact':>6} {'under':>6} "
        f"{'w p10':>6} {'w med':>6} {'compl':>6} {'other':>6}"
    ]
    for _, r in s.sort_values("indicator_id").iterrows():
        lines.append(
            f"{r.indicator_id:34} {int(r.rows):7d} {int(r.hidden):7d} {int(r.hidden_cells):7d} "
            f"{int(r.exact):6d} {int(r.under_protected):6d} {r.width_p10:6.0f} {r.width_median:6.0f} "
            f"{int(r.complements_exposed + r.complements_exact):6d} {int(r.other_findings):6d}"
        )
    total = s[["rows", "hidden", "hidden_cells", "exact", "under_protected"]].sum()
    lines.append(
        f"{'all':34} {int(total.rows):7d} {int(total.hidden):7d} {int(total.hidden_cells):7d} "
        f"{int(total.exact):6d} {int(total.under_protected):6d}"
    )
    lines.append(
        f"hidden cells: {int(total.hidden_cells)}; exactly derivable: {int(total.exact)}; "
        f"under-protected: {int(total.under_protected)}; other findings: "
        f"{sum(f.kind not in ('exact', 'under_protected') for f in report.findings)}; "
        f"{report.solves} linear programmes in {report.seconds:.1f} s"
    )
    if report.truth is not None:
        t = report.truth
        small = t.true_value.between(1, default_suppression_limit())
        # only exactly solved intervals must hold the truth (the others are inner bounds)
        outside = (t.solved & ((t.true_value < t.low - 1e-6) | (t.true_value > t.high + 1e-6))).sum()
        lines.append(
            f"against the build warehouse: {int(small.sum())} hidden cells are truly {small_counts_text()}; "
            f"{int((small & (t.exact | t.under_protected)).sum())} of them exposed; "
            f"{int(t.solved.sum())} intervals solved exactly, {int(outside)} of them miss the true "
            "value (must be 0)"
        )
    for f in report.findings[:max_findings]:
        lines.append(f"  {f.kind:16} {f.indicator_id:30} {f.where}  {f.detail}")
    if len(report.findings) > max_findings:
        lines.append(f"  ... and {len(report.findings) - max_findings} more")
    lines.append("PASS: nothing a reader can work out" if report.ok else "FAIL")
    return "\n".join(lines)
