"""Sample extracts of one source, patient experience (PasOpp), in its publisher's format
(see rusmonitor.generate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rusmonitor.generate.common import _exact_labels, _write_csv, rng_for

# TSB inpatients 2013 (Prop. 15 S (2015–2016), ch. 2.3): 14 % had little or no influence on their
# treatment, 28 % had no individual plan and 23 % did not know.
PASOPP_RESPONDENTS = {2013: 978, 2016: 1_020, 2019: 1_064, 2022: 1_090}


PASOPP_LOW_INFLUENCE = {2013: 0.14}


PASOPP_IP = {2013: (0.49, 0.28, 0.23)}  # ja, nei, vet ikke


def pasopp_respondents(seed: int, year: int) -> pd.DataFrame:
    rng = rng_for(seed, "pasopp", year)
    n = PASOPP_RESPONDENTS[year]
    answered = rng.random(n) >= 0.03  # some leave the influence item blank
    low = PASOPP_LOW_INFLUENCE.get(year, 0.14 - 0.01 * (year - 2013) / 3)
    influence = np.full(n, "", dtype=object)
    k = int(answered.sum())
    influence[answered] = _exact_labels(
        rng, ("1", "2", "3", "4", "5"), (low * 0.4, low * 0.6, 0.30, 0.35, 0.35 - low), k
    )
    ip_answered = rng.random(n) >= 0.02
    ja, nei, vet = PASOPP_IP.get(year, (0.55, 0.25, 0.20))
    plan = np.full(n, "", dtype=object)
    plan[ip_answered] = _exact_labels(rng, ("ja", "nei", "vet_ikke"), (ja, nei, vet), int(ip_answered.sum()))
    rhfs = ("helse_sor_ost", "helse_vest", "helse_midt_norge", "helse_nord")
    return pd.DataFrame(
        {
            "respondent_id": [f"PO{year}-{i:05d}" for i in range(1, n + 1)],
            "aar": year,
            "rhf": rng.choice(rhfs, size=n, p=(0.55, 0.2, 0.14, 0.11)),
            "innflytelse": influence,
            "individuell_plan": plan,
            "samarbeid_parorende": rng.choice(
                ("1", "2", "3", "4", "5", ""), size=n, p=(0.15, 0.2, 0.25, 0.2, 0.12, 0.08)
            ),
            "tilfreds_kommunale_tjenester": rng.choice(
                ("1", "2", "3", "4", "5", ""), size=n, p=(0.25, 0.27, 0.25, 0.12, 0.06, 0.05)
            ),
        }
    )


def write(seed: int, year: int, out: Path) -> Path:
    path = out / "pasopp" / str(year) / f"pasopp_tsb_dogn_{year}.csv"
    _write_csv(pasopp_respondents(seed, year), path)
    return path
