"""95 % intervals for every indicator row (row_id, ci_low, ci_high), by the catalog's kind:

- share: Wilson score interval (statsmodels proportion_confint), in percent;
- person counts and rates of persons: exact Poisson (Garwood, chi-square quantiles from
  scipy), scaled by the rate's unit over the population;
- age-standardised rates (breakdown adjustment=age_standardised): Dobson et al. (1991), the
  exact Poisson limits of the observed count scaled by the rate's standard error, as Public
  Health England's Fingertips does;
- mean: Student's t interval from the standard deviation the indicator model carries;
- median, difference and non-person counts (costs, FTEs, bed-days): no interval.
"""

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from rusmonitor.catalog import rate_scales


def model(dbt, session):
    dbt.config(materialized="table")
    values = (
        dbt.ref("int_indicator_values_unioned")
        .project("row_id, indicator_id, breakdown, numerator, denominator, value, value_sd")
        .df()
    )
    catalog = dbt.ref("stg_catalog__indicators").df()[["indicator_id", "kind", "unit", "is_person_count"]]
    frame = values.merge(catalog, on="indicator_id", how="left")
    num = frame["numerator"].to_numpy(dtype=float)
    den = frame["denominator"].to_numpy(dtype=float)
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)

    share = (frame["kind"] == "share").to_numpy() & (den > 0) & ~np.isnan(num)
    if share.any():
        lo, hi = proportion_confint(num[share], den[share], alpha=0.05, method="wilson")
        low[share], high[share] = 100 * np.asarray(lo), 100 * np.asarray(hi)

    poisson = (
        frame["kind"].isin(["count", "rate"]).to_numpy()
        & frame["is_person_count"].fillna(False).to_numpy(dtype=bool)
        & ~np.isnan(num)
    )
    if poisson.any():
        k = num[poisson]
        lo = np.where(k > 0, stats.chi2.ppf(0.025, 2 * k) / 2, 0.0)
        hi = stats.chi2.ppf(0.975, 2 * k + 2) / 2
        scale = np.ones(len(k))
        is_rate = (frame["kind"] == "rate").to_numpy()[poisson]
        per_unit = frame["unit"].map(rate_scales()).to_numpy(dtype=float)[poisson]
        scale[is_rate] = per_unit[is_rate] / den[poisson][is_rate]
        low[poisson], high[poisson] = lo * scale, hi * scale

    standardised = (frame["breakdown"] == "adjustment=age_standardised").to_numpy()
    dobson = standardised & (num > 0) & ~np.isnan(frame["value_sd"].to_numpy(dtype=float))
    low[standardised], high[standardised] = np.nan, np.nan
    if dobson.any():
        observed = num[dobson]
        value = frame["value"].to_numpy(dtype=float)[dobson]
        scale = frame["value_sd"].to_numpy(dtype=float)[dobson] / np.sqrt(observed)
        low[dobson] = value + scale * (stats.chi2.ppf(0.025, 2 * observed) / 2 - observed)
        high[dobson] = value + scale * (stats.chi2.ppf(0.975, 2 * observed + 2) / 2 - observed)

    sd = frame["value_sd"].to_numpy(dtype=float)
    mean = (frame["kind"] == "mean").to_numpy() & (den > 1) & ~np.isnan(sd)
    if mean.any():
        half = stats.t.ppf(0.975, den[mean] - 1) * sd[mean] / np.sqrt(den[mean])
        value = frame["value"].to_numpy(dtype=float)[mean]
        low[mean], high[mean] = value - half, value + half

    frame["ci_low"] = low
    frame["ci_high"] = high
    return frame[["row_id", "ci_low", "ci_high"]]
