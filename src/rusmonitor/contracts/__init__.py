"""Data contracts for the raw layer, kept as code.

One contract per raw table: its columns (name, type, nullability, allowed values, pattern, range),
key and grain. The loader checks incoming files against it before anything is written, the GX raw
suite is generated from it, and the docs render it. Column names are the publishers' own
(Norwegian) names; staging models rename them to English.

schema: the Column and Contract types; person_level: the tables whose rows are persons or their
episodes, stays and answers; aggregates: the tables delivered already counted or summed;
registry: all of them by table (CONTRACTS) and by source (contracts_for).
"""

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
    CENSUS_MEASURES,
    HHMM,
    KARTLEGGING_CLIENTS,
    LEVELS,
    NPR_DETOX_STAYS,
    NPR_OUTPATIENT_CONTACTS,
    NPR_TSB_EPISODES,
    PASOPP_RESPONDENTS,
)
from rusmonitor.contracts.registry import CONTRACTS, contracts_for
from rusmonitor.contracts.schema import MUNICIPALITY, Column, Contract

__all__ = [
    "BRUKERPLAN_USERS",
    "CENSUS_MEASURES",
    "CONTRACTS",
    "DODSARSAK_DRUG_DEATHS",
    "HHMM",
    "IS_24_8_FTE",
    "KARTLEGGING_CLIENTS",
    "KRIMINALOMSORGEN_MEASURES",
    "LEVELS",
    "MUNICIPALITY",
    "NPR_DETOX_STAYS",
    "NPR_OUTPATIENT_CONTACTS",
    "NPR_TSB_EPISODES",
    "PASOPP_RESPONDENTS",
    "SAMDATA_OPERATING_COSTS",
    "SAMDATA_PRICE_INDEX",
    "SAMDATA_TSB_ACTIVITY",
    "SSB_POPULATION",
    "UNGDATA_RESPONSES",
    "Column",
    "Contract",
    "contracts_for",
]
