"""Disclosure control for every indicator row (rusmonitor.disclosure.suppress):

- primary      the row's numerator counts 1..limit persons
- denominator  the persons a share, mean or median is taken over are 1..limit
- complement   a share's denominator minus numerator is 1..limit
- secondary    hidden so that no hidden small count can be worked out from everything that is
               published, with every relation at once (a linear-programming attacker)
- derived      an age-standardised rate or moving average over a hidden count

The counts are cells shared by every indicator that counts the same persons (the catalog's
numerator_is / denominator_is), so a count hidden in one indicator is hidden in all. The
detailed reason stays in the build warehouse; the public mart shows one reason for all.
"""

from rusmonitor.disclosure.suppress import protect_from_frames


def model(dbt, session):
    dbt.config(materialized="table")
    rows = dbt.ref("int_indicator_values_unioned").df()
    catalog = dbt.ref("stg_catalog__indicators").df()
    geography = dbt.ref("int_geo_units").df()
    result = protect_from_frames(rows, catalog, geography)
    out = result.rows[
        ["row_id", "suppression_reason", "is_suppressed", "is_numerator_hidden", "is_denominator_hidden"]
    ]
    return out.astype({"suppression_reason": "string"})
