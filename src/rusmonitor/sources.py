"""The sources the pipeline loads. Kept import-light: DAG files read it at parse time."""

# Source ids from the catalog's `sources:`; each has a landing folder data/landing/<id>/<year>/.
LOADED_SOURCES: tuple[str, ...] = (
    "npr",
    "samdata",
    "is_24_8",
    "ssb_population",
    "dodsarsak",
    "brukerplan",
    "kriminalomsorgen",
    "kartlegging",
    "pasopp",
    "ungdata",
)
