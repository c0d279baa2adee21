"""Every raw-layer contract by its table, in the order the docs list them, and a source's
contracts."""

from __future__ import annotations

from rusmonitor.contracts.aggregates import (
    DODSARSAK_DRUG_DEATHS,
    IS_24_8_FTE,
    KRIMINALOMSORGEN_MEASURES,
    SAMDATA_OPERATING_COSTS,
    SAMDATA_PRICE_INDEX,
    SAMDATA_TSB_ACTIVITY,
    SSB_POPULATION,
    UNGDATA_RESPONSES,
)
from rusmonitor.contracts.person_level import (
    BRUKERPLAN_USERS,
    KARTLEGGING_CLIENTS,
    NPR_DETOX_STAYS,
    NPR_OUTPATIENT_CONTACTS,
    NPR_TSB_EPISODES,
    PASOPP_RESPONDENTS,
)
from rusmonitor.contracts.schema import Contract

CONTRACTS: dict[str, Contract] = {
    c.table: c
    for c in (
        NPR_TSB_EPISODES,
        NPR_DETOX_STAYS,
        NPR_OUTPATIENT_CONTACTS,
        IS_24_8_FTE,
        SAMDATA_OPERATING_COSTS,
        SAMDATA_PRICE_INDEX,
        SAMDATA_TSB_ACTIVITY,
        SSB_POPULATION,
        DODSARSAK_DRUG_DEATHS,
        BRUKERPLAN_USERS,
        KRIMINALOMSORGEN_MEASURES,
        KARTLEGGING_CLIENTS,
        PASOPP_RESPONDENTS,
        UNGDATA_RESPONSES,
    )
}


def contracts_for(source: str) -> list[Contract]:
    return [c for c in CONTRACTS.values() if c.source == source]
