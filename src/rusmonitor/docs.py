"""Render the source contracts as Markdown (docs/contracts.md): the same objects the loader and
the GX raw suites use, so the documentation cannot drift from what is enforced."""

from __future__ import annotations

from pathlib import Path

from rusmonitor import catalog
from rusmonitor.contracts import CONTRACTS, Column
from rusmonitor.settings import ROOT

CONTRACTS_DOC = ROOT / "docs" / "contracts.md"


def _rules(c: Column) -> str:
    rules = ["nullable" if c.nullable else "required"]
    if c.allowed:
        rules.append("one of " + ", ".join(f"`{a}`" for a in c.allowed))
    if c.pattern:
        rules.append(f"matches `{c.pattern}`")
    if c.min is not None or c.max is not None:
        rules.append(
            f"between {c.min if c.min is not None else '-∞'} and {c.max if c.max is not None else '∞'}"
        )
    if c.valid_in_year_of:
        rules.append(f"a {c.geography} code valid in the year of `{c.valid_in_year_of}`")
    return "; ".join(rules)


def render_contracts() -> str:
    sources = catalog.load_catalog()["sources"]
    lines = [
        "# Source contracts",
        "",
        "Generated from `src/rusmonitor/contracts.py` by `rusmonitor docs`; do not edit by hand.",
        "The loader checks every landing file against its contract before writing anything, and the",
        "GX raw suites are generated from the same contracts.",
        "",
        "- A file that is wrong as a whole (unreadable, not UTF-8, empty, a header that does not",
        "  match, or more than 1 % of its rows breaking the contract) is rejected with one message",
        "  naming the file, and nothing of it is written.",
        "- Rows that break the contract go to `raw._quarantine` (file, row, column, value, reason and",
        "  the whole record); the rest of the file loads.",
        "- Each file replaces its period (its folder `<source>/<year>/`); a later file in the same",
        "  folder is a resubmission that replaces the period. A file already loaded is skipped.",
        "- Every raw row carries `_load_id`, `_source_file`, `_content_hash` and `_row_number`.",
        "",
    ]
    for contract in CONTRACTS.values():
        lines += [
            f"## `raw.{contract.table}` ({contract.source}: {sources[contract.source]['name']})",
            "",
            contract.description,
            "",
            f"- **Grain:** {contract.grain}",
            f"- **Key:** {', '.join(f'`{k}`' for k in contract.key)}",
            f"- **File:** {contract.file_format}",
            "",
            "| column | type | meaning | rules |",
            "|---|---|---|---|",
        ]
        lines += [f"| `{c.name}` | {c.dtype} | {c.description} | {_rules(c)} |" for c in contract.columns]
        lines.append("")
    return "\n".join(lines)


def write_docs(path: Path = CONTRACTS_DOC) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_contracts(), encoding="utf-8")
    return path
