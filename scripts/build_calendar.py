"""Write dbt_project/seeds/ref_public_holidays.csv: Norway's public holidays (helligdager and
1 and 17 May) for 2000-2030, so waiting-time deadlines can count working days (virkedager).

Easter-based days follow the Western Easter date (dateutil's algorithm). Run once; the output
is committed.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from dateutil.easter import easter

OUT = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "ref_public_holidays.csv"


def holidays(year: int) -> list[tuple[date, str]]:
    e = easter(year)
    return sorted(
        [
            (date(year, 1, 1), "Første nyttårsdag"),
            (e - timedelta(days=3), "Skjærtorsdag"),
            (e - timedelta(days=2), "Langfredag"),
            (e, "Første påskedag"),
            (e + timedelta(days=1), "Andre påskedag"),
            (date(year, 5, 1), "Offentlig høytidsdag"),
            (date(year, 5, 17), "Grunnlovsdag"),
            (e + timedelta(days=39), "Kristi himmelfartsdag"),
            (e + timedelta(days=49), "Første pinsedag"),
            (e + timedelta(days=50), "Andre pinsedag"),
            (date(year, 12, 25), "Første juledag"),
            (date(year, 12, 26), "Andre juledag"),
        ]
    )


def main() -> None:
    rows = sorted({d: name for y in range(2000, 2031) for d, name in holidays(y)}.items())
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["holiday_date", "holiday_name"])
        writer.writerows((d.isoformat(), name) for d, name in rows)
    print(f"{len(rows)} holidays written to {OUT}")


if __name__ == "__main__":
    main()
