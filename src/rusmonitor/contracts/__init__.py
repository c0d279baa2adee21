"""What a data contract is, kept as code.

A contract describes one raw table: its columns (name, type, nullability, allowed values,
pattern, range), key and grain. The loader checks incoming files against it before anything is
written, the GX raw suite is generated from it, and the docs render it. Column names are the
publishers' own (Norwegian) names; staging models rename them to English. The contracts
themselves are declared with their source, one module per source in rusmonitor/sources/.
"""

from rusmonitor.contracts.schema import HHMM, MUNICIPALITY, Column, Contract

__all__ = ["HHMM", "MUNICIPALITY", "Column", "Contract"]
