"""The trend of every published series, with a significance test, as Fingertips' trend markers.

Two windows per series (indicator x place x sex x age group x breakdown):

- plan_period: the plan's baseline year to its last year (dim_time: 2015-2020);
- recent: the series' last five published years.

A window needs at least five published values. The test follows what the values are:

- a share with its numerator and denominator shown: the chi-square test for trend in
  proportions (Cochran-Armitage, 1 df);
- a count of persons, or a rate of persons over a shown population: Poisson regression of the
  count on the year (log link, the population as offset), Wald test of the slope;
- any other value with a 95 % interval (a mean, an age-standardised rate): weighted linear
  regression with the intervals' standard errors, z test of the slope;
- a value without an interval (a cost, FTEs, a median): ordinary least squares, t test, n - 2 df.

Only published values enter: a window with a hidden value has no trend ('hidden_values'), so
a trend never tells more than the published cells do. `annual_change` is the least-squares
slope of the values in the indicator's unit per year (percentage points for shares), for
reading; the verdict comes from the test at the 5 % level.
"""

import numpy as np
import pandas as pd
from scipy import stats

SERIES = ["indicator_id", "geo_level", "geo_code", "sex", "age_group", "breakdown"]
MIN_POINTS = 5
ALPHA = 0.05


def model(dbt, session):
    dbt.config(materialized="table")
    values = (
        dbt.ref("mart_indicator_values")
        .project(", ".join([*SERIES, "year", "numerator", "denominator", "value", "ci_low", "ci_high"]))
        .df()
    )
    catalog = dbt.ref("stg_catalog__indicators").df()[
        ["indicator_id", "kind", "direction", "is_person_count", "headline_breakdowns"]
    ]
    time = dbt.ref("dim_time").df()
    baseline = int(time.loc[time["is_plan_baseline"], "year"].min())
    plan_years = (baseline, int(time.loc[time["is_plan_year"], "year"].max()))

    values = values.merge(catalog, on="indicator_id", how="left")
    # the catalog's direction is its headline's: a category beside the headline (the red
    # function level beside green + yellow) has none of its own
    headline = {
        row.indicator_id: set(row.headline_breakdowns)
        for row in catalog.itertuples()
        if isinstance(row.headline_breakdowns, (list, np.ndarray))
    }
    beside = [
        indicator in headline and breakdown not in headline[indicator]
        for indicator, breakdown in zip(values["indicator_id"], values["breakdown"], strict=True)
    ]
    values.loc[beside, "direction"] = None
    values = values.drop(columns="headline_breakdowns")
    values["is_person_count"] = values["is_person_count"].fillna(False).astype(bool)
    values = values.sort_values([*SERIES, "year"], kind="stable").reset_index(drop=True)

    in_plan = values[values["year"].between(*plan_years)].assign(period="plan_period")
    # the recent window starts at the fifth-latest published year; a hidden year inside it (or
    # after the last published one) leaves the window without a trend
    published = values[values["value"].notna()].sort_values(
        [*SERIES, "year"], ascending=[*([True] * len(SERIES)), False], kind="stable"
    )
    latest = published[published.groupby(SERIES, dropna=False).cumcount() < MIN_POINTS]
    start = latest.groupby(SERIES, dropna=False)["year"].min().rename("recent_from").reset_index()
    recent = values.merge(start, on=SERIES, how="inner")
    recent = recent[recent["year"] >= recent["recent_from"]].drop(columns="recent_from")
    recent = recent.assign(period="recent")
    windows = pd.concat([in_plan, recent], ignore_index=True)
    return _trends(windows)


def _trends(rows: pd.DataFrame) -> pd.DataFrame:
    keys = ["period", *SERIES]
    group = rows.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    n_groups = int(group.max()) + 1 if len(group) else 0
    first = rows.groupby(group).first()

    def total(x: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=x, minlength=n_groups)

    year = rows["year"].to_numpy(dtype=float)
    value = rows["value"].to_numpy(dtype=float)
    num = rows["numerator"].to_numpy(dtype=float)
    den = rows["denominator"].to_numpy(dtype=float)
    se = (rows["ci_high"].to_numpy(dtype=float) - rows["ci_low"].to_numpy(dtype=float)) / (2 * 1.959964)

    ones = np.ones(len(rows))
    n_points = total(ones)
    hidden = total(np.isnan(value).astype(float)) > 0
    t = year - (total(year) / np.maximum(n_points, 1))[group]  # centred per series

    # least-squares slope in the unit per year, for reading
    v = np.nan_to_num(value)
    stt = total(t * t)
    slope = np.divide(total(t * v), stt, out=np.full(n_groups, np.nan), where=stt > 0)

    kind = first["kind"].to_numpy()
    person = first["is_person_count"].to_numpy(dtype=bool)
    standardised = first["breakdown"].astype(str).str.startswith("adjustment=").to_numpy()
    counts_shown = total(np.isnan(num).astype(float)) == 0
    dens_shown = total(np.isnan(den).astype(float)) == 0
    intervals_shown = total(np.isnan(se).astype(float)) == 0

    method = np.full(n_groups, "linear_regression", dtype=object)
    method[intervals_shown] = "weighted_regression"
    poisson = person & counts_shown & ~standardised & np.isin(kind, ["count", "rate"])
    poisson &= np.where(kind == "rate", dens_shown, True)
    method[poisson] = "poisson_regression"
    method[(kind == "share") & counts_shown & dens_shown] = "chi_square_trend"

    p = np.full(n_groups, np.nan)
    direction = np.sign(slope)
    is_method = {m: (method == m)[group] for m in set(method)}

    if "chi_square_trend" in is_method:
        rows_m = is_method["chi_square_trend"]
        p_ca, sign_ca = _cochran_armitage(group, rows_m, year, num, den, n_groups)
        pick = method == "chi_square_trend"
        p[pick], direction[pick] = p_ca[pick], sign_ca[pick]
    if "poisson_regression" in is_method:
        rows_m = is_method["poisson_regression"]
        offset = np.where(kind[group] == "rate", np.log(np.where(den > 0, den, np.nan)), 0.0)
        p_po, sign_po = _poisson(group, rows_m, t, num, offset, n_groups)
        pick = method == "poisson_regression"
        p[pick], direction[pick] = p_po[pick], sign_po[pick]
    if "weighted_regression" in is_method:
        rows_m = is_method["weighted_regression"] & (se > 0)
        w = np.where(rows_m, 1 / np.where(se > 0, se, 1) ** 2, 0.0)
        sw = total(w)
        tw = t - np.divide(total(w * t), sw, out=np.zeros(n_groups), where=sw > 0)[group]
        stw = total(w * tw * tw)
        b = np.divide(total(w * tw * v), stw, out=np.full(n_groups, np.nan), where=stw > 0)
        z = b * np.sqrt(stw)
        pick = method == "weighted_regression"
        p[pick] = (2 * stats.norm.sf(np.abs(z)))[pick]
        direction[pick] = np.sign(b)[pick]
    if "linear_regression" in is_method:
        resid = v - (total(v) / np.maximum(n_points, 1))[group] - slope[group] * t
        dof = n_points - 2
        s2 = np.divide(total(resid * resid), dof, out=np.full(n_groups, np.nan), where=dof > 0)
        se_b = np.sqrt(np.divide(s2, stt, out=np.full(n_groups, np.nan), where=stt > 0))
        tstat = np.divide(slope, se_b, out=np.full(n_groups, np.nan), where=se_b > 0)
        p_ols = 2 * stats.t.sf(np.abs(tstat), np.maximum(dof, 1))
        # a perfectly straight non-flat series is a certain trend
        p_ols = np.where((se_b == 0) & (slope != 0), 0.0, np.where(se_b == 0, 1.0, p_ols))
        pick = method == "linear_regression"
        p[pick] = p_ols[pick]

    trend = np.where(
        p < ALPHA, np.where(direction > 0, "increasing", "decreasing"), "no_significant_change"
    ).astype(object)
    trend[np.isnan(p)] = "no_significant_change"
    trend[n_points < MIN_POINTS] = "not_enough_points"
    trend[hidden] = "hidden_values"
    testable = (n_points >= MIN_POINTS) & ~hidden

    wanted = first["direction"].to_numpy()
    status = np.full(n_groups, None, dtype=object)
    significant = testable & np.isin(trend, ["increasing", "decreasing"])
    rising = trend == "increasing"
    directed = np.isin(wanted, ["up", "down"])
    status[significant & directed] = np.where(rising == (wanted == "up"), "improving", "worsening")[
        significant & directed
    ]
    status[testable & directed & (trend == "no_significant_change")] = "no_significant_change"

    out = first[keys].copy()
    out["first_year"] = rows.groupby(group)["year"].min().astype("int32").to_numpy()
    out["last_year"] = rows.groupby(group)["year"].max().astype("int32").to_numpy()
    out["n_points"] = n_points.astype("int32")
    out["method"] = np.where(testable, method, None)
    out["annual_change"] = np.where(testable, slope, np.nan)
    out["p_value"] = np.where(testable, p, np.nan)
    out["trend"] = trend
    out["trend_status"] = status
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _cochran_armitage(group, rows, year, num, den, n_groups):
    """Chi-square test for trend in proportions over the years (1 df); the sign of the trend."""

    def total(x):
        return np.bincount(group, weights=np.where(rows, x, 0.0), minlength=n_groups)

    x, n = np.nan_to_num(num), np.nan_to_num(den)
    big_n, big_x = total(n), total(x)
    p_bar = np.divide(big_x, big_n, out=np.zeros(n_groups), where=big_n > 0)
    t_bar = np.divide(total(n * year), big_n, out=np.zeros(n_groups), where=big_n > 0)
    dt = year - t_bar[group]
    score = total(x * dt)
    var = p_bar * (1 - p_bar) * total(n * dt * dt)
    chi2 = np.divide(score * score, var, out=np.zeros(n_groups), where=var > 0)
    return stats.chi2.sf(chi2, 1), np.sign(score)


def _poisson(group, rows, t, count, offset, n_groups, iterations=30):
    """Poisson regression count ~ year + offset per series by Newton's method, all series at once;
    the Wald test of the slope and its sign. A series of zeros has no trend (p = 1)."""

    def total(x):
        return np.bincount(group, weights=np.where(rows, x, 0.0), minlength=n_groups)

    y = np.nan_to_num(count)
    off = np.nan_to_num(offset)
    sum_y = total(y)
    a = np.log(np.divide(sum_y, total(np.exp(off)), out=np.ones(n_groups), where=sum_y > 0))
    b = np.zeros(n_groups)
    for _ in range(iterations):
        mu = np.exp(np.clip(a[group] + b[group] * t + off, -700, 700))
        u_a, u_b = total(y - mu), total(t * (y - mu))
        i_aa, i_ab, i_bb = total(mu), total(t * mu), total(t * t * mu)
        det = i_aa * i_bb - i_ab * i_ab
        ok = det > 0
        step_a = np.divide(i_bb * u_a - i_ab * u_b, det, out=np.zeros(n_groups), where=ok)
        step_b = np.divide(i_aa * u_b - i_ab * u_a, det, out=np.zeros(n_groups), where=ok)
        a, b = a + step_a, b + step_b
        if np.nanmax(np.abs(step_b), initial=0.0) < 1e-10:
            break
    mu = np.exp(np.clip(a[group] + b[group] * t + off, -700, 700))
    i_aa, i_ab, i_bb = total(mu), total(t * mu), total(t * t * mu)
    det = i_aa * i_bb - i_ab * i_ab
    var_b = np.divide(i_aa, det, out=np.full(n_groups, np.nan), where=det > 0)
    z = np.divide(b, np.sqrt(var_b), out=np.zeros(n_groups), where=var_b > 0)
    p = np.where(sum_y > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)
    return p, np.sign(b)
