"""Choose which cells to hide so that no hidden small count can be worked out.

1. Primary: every cell counting 1..limit persons, and every share whose complement
   (denominator minus numerator) is 1..limit persons, must be protected.
2. A quick pass over single relations (as Kommunehelsa's secondary suppression): while a
   relation has exactly one hidden member, or its hidden children add up to 1..limit, hide the
   cheapest visible member that helps.
3. The LP audit over all relations at once (lp.py) finds what the quick pass missed; for each
   hidden count still under-protected or exactly derivable, one linear programme finds the
   cheapest set of visible cells whose hiding lets it move by its protection level (the
   classic one-programme-per-cell heuristic of cell suppression), and the audit runs again.
4. A hidden cell that is not small and that the relations fix exactly is shown: showing it
   tells a reader nothing new.

An age-standardised rate or moving average is shown only when every count it is computed
from is shown, so it never adds an equation over hidden cells.

The extended system with the share complements, and steps 3 and 4, are in protection.py.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from rusmonitor.disclosure.cells import Cells, build_cells
from rusmonitor.disclosure.parts import protect_parts
from rusmonitor.disclosure.protection import Extended, _cost, extended_system
from rusmonitor.disclosure.relations import check_relations, structural_relations
from rusmonitor.disclosure.specs import Spec

log = logging.getLogger(__name__)


class RelationsDoNotHold(ValueError):
    """A relation disclosure control relies on is false in the data (a count reference in the
    catalog that is wrong, or a model that drops rows between levels)."""


@dataclass
class Result:
    built: Cells
    relations: pd.DataFrame
    hidden: np.ndarray  # per cell
    sensitive: np.ndarray  # per cell
    complement_sensitive: pd.Series  # per share row_id
    rows: pd.DataFrame  # row_id, is_numerator_hidden, is_denominator_hidden, is_suppressed, reason
    stats: dict = field(default_factory=dict)


def quick_pass(ext: Extended, hidden: np.ndarray, max_rounds: int = 50) -> np.ndarray:
    """Rounds of single-relation rules (see the module doc), vectorised over all relations."""
    hidden = hidden.copy()
    m = ext.matrix
    members = m.copy()
    members.data = np.ones_like(members.data)
    children = m.copy()
    children.data = (children.data > 0).astype(float)
    parents = m.copy()
    parents.data = (parents.data < 0).astype(float)
    values = ext.values
    cost = _cost(values)
    rel_limit = _relation_max(members, ext.limit)
    sensitive = (values >= 0.5) & (values <= ext.limit + 0.5)
    for _ in range(max_rounds):
        h = hidden.astype(float)
        n_hidden = members @ h
        hidden_parent = (parents @ h) > 0
        hidden_children_sum = children @ (h * values)
        # one hidden member is fixed by the others: a problem only where it is small (a large
        # or zero count that the relations fix is shown instead; a visible share's complement
        # is known anyway)
        exact = (n_hidden == 1) & ((members @ (h * sensitive)) > 0)
        small = (~hidden_parent) & (hidden_children_sum >= 0.5) & (hidden_children_sum <= rel_limit + 0.5)
        needy = np.flatnonzero(exact | small)
        if not len(needy):
            break
        picks = []
        sub = m[needy].tocsr()
        for k, r in enumerate(needy):
            cols = sub.indices[sub.indptr[k] : sub.indptr[k + 1]]
            coefs = sub.data[sub.indptr[k] : sub.indptr[k + 1]]
            visible = ~hidden[cols]
            if small[r]:
                # add persons: a visible child with some, else the parent
                choice = cols[visible & (coefs > 0) & (values[cols] > 0)]
                if not len(choice):
                    choice = cols[visible & (coefs < 0)]
            else:
                # a zero beside a small count hides nothing: pick a member with persons
                choice = cols[visible & (values[cols] > 0)]
                if not len(choice):
                    choice = cols[visible]
            if len(choice):
                picks.append(choice[np.argmin(cost[choice])])
        if not picks:
            break
        hidden[np.asarray(picks)] = True
    return hidden


def _relation_max(members: sparse.csr_matrix, per_cell: np.ndarray) -> np.ndarray:
    """The largest per-cell value among each relation's members."""
    out = np.zeros(members.shape[0])
    nonempty = np.diff(members.indptr) > 0
    if members.nnz:
        out[nonempty] = np.maximum.reduceat(per_cell[members.indices], members.indptr[:-1][nonempty])
    return out


def protect(rows: pd.DataFrame, specs: dict[str, Spec], geography: pd.DataFrame) -> Result:
    """rows: the unsuppressed indicator rows (row_id, key, numerator, denominator)."""
    started = time.monotonic()
    built = build_cells(rows, specs)
    relations = structural_relations(built, geography)
    failing = check_relations(built.cells, relations)
    if not failing.empty:
        first = relations[relations.relation_id == failing.index[0]].merge(built.cells, on="cell_id")
        raise RelationsDoNotHold(
            f"{len(failing)} relations do not hold in the true values (kinds: "
            f"{failing.kind.value_counts().to_dict()}); the first: "
            + "; ".join(
                f"{r.coef:+g} x {r['count']} {r.year} {r.geo_level}:{r.geo_code} {r.sex} "
                f"{r.age_group} {r.breakdown} = {r.value:g}"
                for _, r in first.iterrows()
            )
        )
    ext = extended_system(built, relations, specs)
    small = (ext.values >= 0.5) & (ext.values <= ext.limit + 0.5)
    hidden = small | ext.latent
    stats = {
        "cells": ext.n_cells,
        "primary": int(small[: ext.n_cells].sum()),
        "sensitive_complements": int(small[ext.n_cells :].sum()),
    }
    hidden = quick_pass(ext, hidden)
    stats["after_quick_pass"] = int(hidden[: ext.n_cells].sum())
    protect_parts(ext, hidden, stats)
    stats.update(hidden=int(hidden[: ext.n_cells].sum()), seconds=round(time.monotonic() - started, 1))
    comp_sensitive = (
        ext.complement_rows.assign(sensitive=small[ext.n_cells + ext.complement_rows.comp.to_numpy()])
        .set_index("row_id")
        .sensitive
    )
    result = Result(
        built=built,
        relations=relations,
        hidden=hidden[: ext.n_cells],
        sensitive=small[: ext.n_cells],
        complement_sensitive=comp_sensitive,
        rows=row_status(built, hidden[: ext.n_cells], small[: ext.n_cells], comp_sensitive),
        stats=stats,
    )
    log.info("disclosure control: %s", stats)
    return result


def row_status(
    built: Cells, hidden: np.ndarray, sensitive: np.ndarray, complement_sensitive: pd.Series
) -> pd.DataFrame:
    """What each row shows, and why not."""
    forms = built.forms.assign(
        hidden=hidden[built.forms.cell_id.to_numpy()], sensitive=sensitive[built.forms.cell_id.to_numpy()]
    )
    by = (
        forms.groupby(["row_id", "measure"])[["hidden", "sensitive"]]
        .any()
        .unstack("measure", fill_value=False)
    )
    inputs = (
        built.inputs.assign(hidden=hidden[built.inputs.cell_id.to_numpy()]).groupby("row_id").hidden.any()
    )
    rows = built.rows[["row_id", "kind_of_row", "inputs_published"]].set_index("row_id")
    out = pd.DataFrame(index=rows.index)

    def col(frame, name, measure):
        key = (name, measure)
        return (
            frame[key].reindex(out.index, fill_value=False)
            if key in frame.columns
            else pd.Series(False, index=out.index)
        )

    out["is_numerator_hidden"] = col(by, "hidden", "N")
    out["is_denominator_hidden"] = col(by, "hidden", "D")
    derived = rows.kind_of_row != "plain"
    input_hidden = inputs.reindex(out.index, fill_value=False)
    out["is_suppressed"] = (
        out.is_numerator_hidden
        | out.is_denominator_hidden
        | input_hidden
        | (derived & ~rows.inputs_published)
    )
    reason = pd.Series(pd.NA, index=out.index, dtype=object)
    reason[out.is_suppressed] = "secondary"
    plain = out.is_suppressed & ~derived
    comp = complement_sensitive.reindex(out.index, fill_value=False).astype(bool)
    reason[comp & plain] = "complement"
    reason[col(by, "sensitive", "D") & plain] = "denominator"
    reason[col(by, "sensitive", "N") & plain] = "primary"
    # an adjusted rate is hidden for what it is computed from, not for its own count
    reason[out.is_suppressed & derived] = "derived"
    out["suppression_reason"] = reason
    return out.reset_index()


def protect_from_frames(rows: pd.DataFrame, catalog_rows: pd.DataFrame, geography: pd.DataFrame) -> Result:
    from rusmonitor.disclosure.specs import specs_from_rows

    specs = specs_from_rows(catalog_rows.to_dict("records"))
    return protect(rows, specs, geography)


__all__ = ["protect", "protect_from_frames", "Result", "RelationsDoNotHold", "build_cells"]
