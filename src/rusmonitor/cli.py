"""The `rusmonitor` command: generate sample extracts, run the pipeline, serve the report."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from rusmonitor import settings

log = logging.getLogger("rusmonitor")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    # GX logs every metric it registers at INFO; its summary comes from rusmonitor.quality
    for noisy in ("great_expectations", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def cmd_generate(args: argparse.Namespace) -> int:
    from rusmonitor.generate import generate, parse_years

    started = time.perf_counter()
    out = args.out or settings.landing_dir()
    years = parse_years(args.years) if args.years else None
    files = generate(years, args.seed, out, national=args.national)
    print(f"generated {len(files)} landing files under {out} in {time.perf_counter() - started:.1f} s")
    if args.defects:
        from rusmonitor.defects import CAUGHT_BY, inject

        names = [d.strip() for d in args.defects.split(",") if d.strip()]
        changed = inject(Path(out), names)
        for name in names:
            layer, suite, expectation, column = CAUGHT_BY[name]
            print(f"defect {name}: expect {suite} {expectation}({column or ''}) to fail ({layer})")
        print(f"{len(changed)} landing file(s) changed or removed")
    return 0


def _landing_is_empty() -> bool:
    from rusmonitor.load import landing_files
    from rusmonitor.sources import LOADED_SOURCES

    landing = settings.landing_dir()
    return not any(landing_files(s, landing) for s in LOADED_SOURCES)


PIPELINE_LOCKED = 3  # exit code: another run holds the pipeline lock


def cmd_pipeline(args: argparse.Namespace) -> int:
    from rusmonitor.run_lock import PipelineLocked, pipeline_lock

    # first, before anything slow: a second run refuses at once, naming the one running
    try:
        with pipeline_lock() as me:
            seed = getattr(args, "seed", settings.DEFAULT_SEED)  # the demo's --seed
            return _run_pipeline(dead_holder=me["previous"], seed=seed)
    except PipelineLocked as e:
        print(f"pipeline refused: {e}", file=sys.stderr)
        return PIPELINE_LOCKED


def _run_pipeline(dead_holder: dict | None = None, seed: int = settings.DEFAULT_SEED) -> int:
    """The run with Airflow's, cosmos' and dbt's output in a log file and, on the terminal,
    one line per finished step and the causes of a failure (rusmonitor.run_display)."""
    from rusmonitor import run_display

    started = time.perf_counter()
    path = run_display.log_path(settings.data_dir() / "logs")
    print(f"rusmonitor pipeline: full log in / hele loggen i {path}", flush=True)
    with run_display.output_to_log(path) as (out, err):
        try:
            return _run_logged(out, err, path, started, dead_holder, seed)
        except Exception as e:  # noqa: BLE001  (said on the terminal; the traceback is in the log)
            log.exception("pipeline failed")
            print(f"pipeline failed / kjøringen feilet: {type(e).__name__}: {str(e)[:400]}", file=err)
            print(f"Full log / hele loggen: {path}", file=err)
            return 1


def _run_logged(out, err, path: Path, started: float, dead_holder: dict | None, seed: int) -> int:
    from rusmonitor import orchestrate, publish, run_display

    def elapsed() -> str:
        return f"{time.perf_counter() - started:.0f} s"

    migration = orchestrate.Migration()
    try:
        if _landing_is_empty():
            from rusmonitor.generate import generate

            landing = settings.landing_dir()
            print(
                f"no landing files under {landing}: generating the sample extracts (seed {seed}) / "
                "ingen leveranser: lager prøveuttrekkene",
                file=out,
            )
            files = generate(None, seed, landing)
            print(f"generated / laget {len(files)} landing files in {elapsed()}", file=out)
            # written whole by this process a moment ago: no settle time to wait out before
            # loading them (delivery.py still checks that each file's end is whole)
            os.environ["RUSMONITOR_SETTLE_SECONDS"] = "0"
        # what a killed run left behind: publish temp files, an Airflow run still `running`
        for leftover in publish.remove_killed_publishes():
            print(
                f"cleaned up after a killed publish / ryddet etter avbrutt publisering: {leftover}", file=out
            )
    except BaseException:
        migration.cancel()
        raise
    migration.finish()
    if dead_holder:
        for run_id in orchestrate.fail_runs_left_running(dead_holder):
            print(
                f"run {run_id}, left running by the killed pid {dead_holder.get('pid')}, marked failed / "
                "merket som feilet",
                file=out,
            )
    dag = orchestrate.load_dag()
    print(f"Airflow ready (metadata, DAGs parsed) / klar: {elapsed()}", file=out)
    display = run_display.RunDisplay(out, total_steps=len(dag.tasks))
    with run_display.showing(display):
        run = orchestrate.run_dag(dag)
    states = orchestrate.task_states(run)
    if str(run.state) == "success":
        print(
            f"pipeline run {run.run_id} succeeded in {elapsed()}; published {settings.serving_path()} / "
            "kjøringen lyktes, publisert",
            file=out,
        )
        return 0
    failed = [task for task, state in states.items() if state == "failed"]
    never_ran = [task for task, state in states.items() if state == "upstream_failed"]
    print(
        f"pipeline run {run.run_id} failed after {elapsed()} / kjøringen feilet: "
        f"{len(failed)} step(s) failed ({', '.join(failed)}), {len(never_ran)} never ran because of them. "
        "The report keeps serving the last published version / rapporten viser fortsatt siste "
        f"publiserte versjon. Full log / hele loggen: {path}",
        file=out,
    )
    out.flush()
    # last: the causes themselves, one line each
    for task in failed:
        for line in run_display.cause_lines(task, display.errors.get(task)):
            print(line, file=err)
    err.flush()
    return 1


def cmd_report(args: argparse.Namespace) -> int:
    url = f"http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}"
    print(f"rusmonitor report: {url}  (serving file {settings.serving_path()}; Ctrl+C stops it)", flush=True)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(settings.STREAMLIT_APP),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        # the map boundaries are static files beside the app (streamlit_app/static/)
        "--server.enableStaticServing",
        "true",
        # Streamlit greys captions by drawing its text colour at 60 % opacity: from its
        # default #2f2d2b that is 3.9:1 on white, from black 5.7:1 (WCAG AA asks 4.5:1)
        "--theme.textColor",
        "#000000",
    ]
    sys.stdout.flush()
    # Replace this process: signals (Ctrl+C, SIGTERM) then reach Streamlit directly, not a
    # parent that may carry Airflow's signal handlers from the pipeline run before it.
    os.execve(sys.executable, command, os.environ.copy())


def cmd_demo(args: argparse.Namespace) -> int:
    # an empty landing folder: the pipeline generates the extracts itself, while Airflow's
    # metadata database is migrated
    if args.regenerate:
        code = cmd_generate(
            argparse.Namespace(years=None, seed=args.seed, out=None, defects=None, national=False)
        )
        if code:
            return code
    code = cmd_pipeline(args)
    if code:
        return code
    return cmd_report(args)


def cmd_fetch_ssb(args: argparse.Namespace) -> int:
    from rusmonitor.generate import parse_years
    from rusmonitor.ssb import SsbError, fetch_population

    landing = args.out or settings.landing_dir()
    try:
        for year in parse_years(args.years):
            print(fetch_population(year, landing))
    except SsbError as e:
        print(f"fetch-ssb failed: {e}", file=sys.stderr)
        return 1
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from rusmonitor.docs import write_docs

    for path in write_docs():
        print(path)
    return 0


def cmd_dbt_docs(args: argparse.Namespace) -> int:
    from rusmonitor.transform import generate_docs

    print(generate_docs())
    return 0


def cmd_expectations(args: argparse.Namespace) -> int:
    from rusmonitor.generate import SOURCE_IDS, source_years
    from rusmonitor.quality import export_suites

    # the suites as they would run on the sample extracts of every source's default years
    years = {source: source_years(source) for source in SOURCE_IDS}
    for path in export_suites(args.out, years):
        print(path)
    return 0


def cmd_audit_disclosure(args: argparse.Namespace) -> int:
    from rusmonitor.disclosure.audit import audit, format_report

    serving = Path(args.serving) if args.serving else settings.serving_path()
    if not serving.exists():
        print(f"no published file at {serving}: run `rusmonitor pipeline` first", file=sys.stderr)
        return 2
    indicators = [i.strip() for i in args.indicators.split(",")] if args.indicators else None
    report = audit(serving, truth_warehouse=args.truth, exact_all=args.exact, indicators=indicators)
    print(format_report(report))
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    # settings, not generate: parsing the command line must not import pandas (a second
    # `rusmonitor pipeline` refuses at once, see cmd_pipeline)
    from rusmonitor.settings import DEFAULT_SEED

    parser = argparse.ArgumentParser(prog="rusmonitor", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write deterministic sample extracts to the landing folder")
    g.add_argument(
        "--years",
        default=None,
        help="e.g. 2010-2024 or 2013,2014 (default: every year each source covers, 2002-2024)",
    )
    g.add_argument("--seed", type=int, default=DEFAULT_SEED)
    g.add_argument(
        "--defects",
        default=None,
        help="inject defects the quality suites must catch, comma-separated: null_keys, "
        "out_of_range_share, duplicated_period, missing_region, tenfold_jump, stale_file",
    )
    g.add_argument("--out", default=None, help="landing folder (default: RUSMONITOR_LANDING or data/landing)")
    g.add_argument(
        "--national",
        action="store_true",
        help="add NPR outpatient contacts at the register's volume (about 600 000 a year)",
    )
    g.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "pipeline",
        help="run the Airflow DAG (load, GX, dbt, GX, publish) once; "
        "generates sample extracts first if the landing folder is empty",
    )
    p.set_defaults(func=cmd_pipeline)

    f = sub.add_parser(
        "fetch-ssb",
        help="download real population (SSB table 07459, PxWebApi v2) into the landing folder; "
        "needs the network",
    )
    f.add_argument("--years", default="2024")
    f.add_argument("--out", type=Path, default=None, help="landing folder")
    f.set_defaults(func=cmd_fetch_ssb)

    d = sub.add_parser(
        "docs",
        help="render the source contracts to docs/contracts.md and the indicator models' dbt YAML "
        "from the catalog",
    )
    d.set_defaults(func=cmd_docs)
    dd = sub.add_parser(
        "dbt-docs",
        help="build dbt's documentation site as one static HTML file (needs a built warehouse)",
    )
    dd.set_defaults(func=cmd_dbt_docs)

    sub.add_parser(
        "bench",
        help="time the whole rebuild at national scale against plain DuckDB SQL (see rusmonitor bench -h)",
        add_help=False,
    )
    a = sub.add_parser(
        "audit-disclosure",
        help="play a linear-programming attacker on the published files: can any hidden count "
        "of persons up to the catalog's suppression limit be worked out? (exit 1 if so)",
    )
    a.add_argument("serving", nargs="?", default=None, help="serving file (default: RUSMONITOR_SERVING)")
    a.add_argument(
        "--truth",
        type=Path,
        default=None,
        help="the build warehouse: also check every interval against the true value",
    )
    a.add_argument("--exact", action="store_true", help="solve every interval exactly (slower)")
    a.add_argument("--indicators", default=None, help="only these indicators, comma-separated")
    a.set_defaults(func=cmd_audit_disclosure)

    e = sub.add_parser("expectations", help="write the generated GX suites as JSON for review")
    e.add_argument("--out", type=Path, default=settings.ROOT / "expectations" / "suites")
    e.set_defaults(func=cmd_expectations)

    for name, func, helptext in (
        ("report", cmd_report, "serve the Streamlit report"),
        ("demo", cmd_demo, "generate, run the pipeline, serve the report"),
    ):
        r = sub.add_parser(name, help=helptext)
        r.add_argument("--port", type=int, default=8501)
        r.add_argument("--host", default="127.0.0.1")
        if name == "demo":
            r.add_argument("--seed", type=int, default=DEFAULT_SEED)
            r.add_argument(
                "--regenerate",
                action="store_true",
                help="write the sample extracts again even if the landing folder has files",
            )
        r.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its own options (rusmonitor.bench)
        from rusmonitor import bench

        return bench.main(argv[1:])
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
