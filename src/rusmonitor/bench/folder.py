"""The paths of one bench folder, and the environment that points a step's child process at
them."""

from __future__ import annotations

from pathlib import Path


class Bench:
    def __init__(self, root: Path):
        self.root = root
        self.landing = root / "landing"
        self.warehouse = root / "warehouse" / "rusmonitor.duckdb"
        self.serving = root / "serving" / "warehouse.duckdb"
        self.floor = root / "floor" / "floor_load.duckdb"
        # a copy of the built warehouse with the same file stem, so dbt's relation names fit
        self.floor_dbt = root / "floor_dbt" / "rusmonitor.duckdb"
        self.incremental = root / "incremental" / "warehouse" / "rusmonitor.duckdb"

    def env(self, warehouse: Path | None = None) -> dict[str, str]:
        warehouse = warehouse or self.warehouse
        return {
            "RUSMONITOR_DATA": str(self.root / "data"),
            "RUSMONITOR_LANDING": str(self.landing),
            "RUSMONITOR_WAREHOUSE": str(warehouse),
            "RUSMONITOR_SERVING": str(warehouse.parent.parent / "serving" / "warehouse.duckdb"),
            "RUSMONITOR_QUALITY": str(warehouse.parent.parent / "quality"),
            "AIRFLOW_HOME": str(self.root / "airflow"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # the bench writes its extracts whole before it loads them: time the load, not the
            # settle time a publisher's copy is given (delivery.py)
            "RUSMONITOR_SETTLE_SECONDS": "0",
        }
