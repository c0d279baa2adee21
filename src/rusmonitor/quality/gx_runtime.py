"""The Great Expectations runtime: validations run through GX checkpoints in a file-backed GX
project under `data/quality/gx`, whose Data Docs site (static HTML) collects every run. A
validation that raises counts as a failure, never a pass."""

from __future__ import annotations

import copy
import functools
import json
import time
from pathlib import Path
from typing import Any

from rusmonitor.quality.results import CRITICAL, Outcome, SuiteResult
from rusmonitor.settings import quality_dir


def _exception(info: Any) -> tuple[bool, str | None]:
    """GX reports errors either flat or keyed by metric id; find any raised one."""
    if not isinstance(info, dict):
        return False, None
    if "raised_exception" in info:
        return bool(info["raised_exception"]), info.get("exception_message")
    for nested in info.values():
        raised, message = _exception(nested)
        if raised:
            return True, message
    return False, None


def _gx_context():
    """The file-backed GX project: suites and validation results persist, so the Data Docs
    site lists every run, not only this process's. One context per project folder and process:
    building it re-reads the project's YAML, a tenth of a second per checkpoint otherwise."""
    root = quality_dir()
    root.mkdir(parents=True, exist_ok=True)
    return _file_context(str(root))


def _remember_row_condition_filters(engine_class) -> None:
    """GX's pandas engine filters the batch by an expectation's row condition once per metric
    it computes, and a mart suite has one condition per indicator: 600 `DataFrame.query` calls
    for 120 conditions, half of the mart checkpoint's time. A filter is a pure function of the
    batch and the condition, so each is computed once per checkpoint run and dropped when the
    run ends (validate_frame): a frame changed in place between two runs is filtered anew, and
    no batch is held after its run. GX already hands its metric functions the batch frame
    itself when there is no condition, so they do not change what they are given.
    tests/test_quality_gates.py shows every suite reaches the same outcomes with and without
    this, on every defect class the sample can carry."""
    plain = engine_class._apply_row_condition_filter
    if getattr(plain, "remembers", False):
        return

    def filtered(self, data, row_condition, domain_kwargs):
        if not RUN_CACHE["on"] or _RUN_CACHE.get("run") is None:
            return plain(self, data, row_condition, domain_kwargs)
        if _RUN_CACHE.get("batch") is not data:  # another batch in the same run: start over
            _RUN_CACHE.update(batch=data, filters={})
        # the condition as JSON, which tells 2020 from "2020" and True from 1 (its repr does not)
        as_data = row_condition.dict() if hasattr(row_condition, "dict") else row_condition
        key = json.dumps([as_data, domain_kwargs.get("condition_parser")], sort_keys=True, default=repr)
        kept = _RUN_CACHE["filters"]
        if key not in kept:
            kept[key] = plain(self, data, row_condition, domain_kwargs)
        return kept[key]

    filtered.remembers = True
    engine_class._apply_row_condition_filter = filtered


def _remember_configurations(expectation_class) -> None:
    """GX rebuilds an expectation's configuration from its pydantic fields each time it reads
    one of its arguments: 110 000 builds for the 60 checkpoints of an NPR load, an eighth of
    the load's time. An expectation does not change during a run, so each is built once per
    checkpoint run and dropped when the run ends, or at once if an attribute is set (GX sets
    `rendered_content` when it renders one)."""
    plain = expectation_class.configuration
    if getattr(plain.fget, "remembers", False):
        return

    def configuration(self):
        if not RUN_CACHE["on"] or _RUN_CACHE.get("run") is None:
            return plain.fget(self)
        kept = _RUN_CACHE.setdefault("configurations", {})
        hit = kept.get(id(self))
        if hit is None or hit[0] is not self:  # the object itself is kept: its id is not reused
            hit = kept[id(self)] = (self, plain.fget(self))
        return hit[1]

    plain_setattr = expectation_class.__setattr__

    def setattr_and_forget(self, name, value):
        _RUN_CACHE.get("configurations", {}).pop(id(self), None)
        plain_setattr(self, name, value)

    configuration.remembers = True
    expectation_class.configuration = property(configuration)
    expectation_class.__setattr__ = setattr_and_forget


# both run-scoped caches (filters, configurations); switched off only by the test that compares
# GX's own path with this one
RUN_CACHE = {"on": True}
# what the checkpoint run under way has computed: its batch's row-condition filters and its
# expectations' configurations (validate_frame opens and clears it)
_RUN_CACHE: dict[str, Any] = {}


class _ParsedOnce:
    """GX re-reads and re-parses the project's config_variables.yml each time it resolves a
    setting: 22 YAML parses per checkpoint, 90 ms of a small checkpoint's 250. The same text
    parses to the same values, so each text is parsed once (a copy handed out each time, as a
    fresh parse would be); a changed file is new text and parsed anew."""

    def __init__(self, handler) -> None:
        self._handler = handler
        self._parsed: dict[str, Any] = {}

    def load(self, stream):
        if not isinstance(stream, str):
            return self._handler.load(stream)
        if stream not in self._parsed:
            self._parsed[stream] = self._handler.load(stream)
        return copy.deepcopy(self._parsed[stream])

    def __getattr__(self, name):
        return getattr(self._handler, name)


@functools.lru_cache(maxsize=8)
def _file_context(root: str):
    import great_expectations as gx
    from great_expectations.core import config_provider
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine
    from great_expectations.expectations.expectation import Expectation

    # GX MD5s every row of a pandas batch under 1 GB for an informational batch marker: a third
    # of a checkpoint's time on an 800 000-row NPR file. The load id (the landing file's SHA-256)
    # already names the data a raw suite validated.
    pandas_execution_engine.HASH_THRESHOLD = 0
    _remember_row_condition_filters(pandas_execution_engine.PandasExecutionEngine)
    _remember_configurations(Expectation)
    if not isinstance(config_provider.yaml, _ParsedOnce):
        config_provider.yaml = _ParsedOnce(config_provider.yaml)
    context = gx.get_context(mode="file", project_root_dir=root)
    # a progress bar per metric batch floods task logs; the summary line says enough
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _batch_definition(context, suite_name: str):
    # GX 1.x raises KeyError/LookupError for a name it does not have
    try:
        source = context.data_sources.get("rusmonitor")
    except LookupError:
        source = context.data_sources.add_pandas(name="rusmonitor")
    try:
        asset = source.get_asset(suite_name)
    except LookupError:
        asset = source.add_dataframe_asset(name=suite_name)
    try:
        return asset.get_batch_definition("whole_table")
    except LookupError:
        return asset.add_batch_definition_whole_dataframe(name="whole_table")


# (GX project, suite name) -> (the suite as stored by this process, its checkpoint). Storing a
# suite, its validation definition and checkpoint is a third of a small checkpoint's time, and
# a load runs the same suites file after file.
_STORED: dict[tuple[str, str], tuple[str, Any]] = {}


def _checkpoint(context, suite_name: str, expectations: list, docs: bool):
    """The stored checkpoint for this suite, stored anew only when the suite changed."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    signature = json.dumps(
        [docs, *(e.configuration.to_json_dict() for e in expectations)], sort_keys=True, default=str
    )
    key = (context.root_directory, suite_name)
    stored = _STORED.get(key)
    if stored is not None and stored[0] == signature:
        return stored[1]
    batch = _batch_definition(context, suite_name)
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite_name,
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="data_docs")] if docs else [],
            result_format="SUMMARY",
        )
    )
    _STORED[key] = (signature, checkpoint)
    return checkpoint


def validate_frame(suite_name: str, frame, expectations: list, docs: bool = False) -> SuiteResult:
    """Validate a DataFrame with a GX checkpoint; with docs, the Data Docs site is updated too
    (build_data_docs does it once for many validations)."""
    from great_expectations.exceptions.resource_freshness import ResourceFreshnessAggregateError

    started = time.perf_counter()
    context = _gx_context()
    _RUN_CACHE.clear()
    _RUN_CACHE["run"] = suite_name
    try:
        run = _checkpoint(context, suite_name, expectations, docs).run(batch_parameters={"dataframe": frame})
    except ResourceFreshnessAggregateError:
        # another process stored a different suite under this name since: store ours again
        _STORED.pop((context.root_directory, suite_name), None)
        run = _checkpoint(context, suite_name, expectations, docs).run(batch_parameters={"dataframe": frame})
    finally:
        _RUN_CACHE.clear()  # nothing of this batch is kept past its run
    outcomes = []
    for result in run.run_results.values():
        for r in result.results:
            cfg = r.expectation_config
            raised, error = _exception(r.exception_info)
            res = r.result or {}
            outcomes.append(
                Outcome(
                    suite=suite_name,
                    expectation=cfg.type,
                    kwargs=dict(cfg.kwargs),
                    success=bool(r.success) and not raised,
                    observed=res.get("observed_value"),
                    unexpected_count=res.get("unexpected_count"),
                    error=error,
                    severity=(cfg.meta or {}).get("severity", CRITICAL),
                )
            )
    success = bool(outcomes) and not any(not o.success and o.severity == CRITICAL for o in outcomes)
    return SuiteResult(suite_name, success, len(frame), time.perf_counter() - started, outcomes)


def build_data_docs() -> Path:
    """Rebuild the static Data Docs site from every stored suite and validation result."""
    from rusmonitor.settings import data_docs_index

    _gx_context().build_data_docs()
    return data_docs_index()
