"""Failpoints: named places where a fault test makes the process die the way a crash, an OOM
kill or a lost worker would (SIGKILL: no cleanup, no exception handler, no atexit).

RUSMONITOR_FAILPOINTS="load.before_commit@3" kills the process the third time a load reaches
the point just before it commits a batch of files. Unset (always, outside the fault tests), a
failpoint is one dictionary lookup."""

from __future__ import annotations

import logging
import os
import signal

log = logging.getLogger(__name__)
_reached: dict[str, int] = {}


def failpoint(name: str) -> None:
    armed = os.environ.get("RUSMONITOR_FAILPOINTS")
    if not armed:
        return
    _reached[name] = _reached.get(name, 0) + 1
    for spec in armed.split(","):
        point, _, nth = spec.strip().partition("@")
        if point == name and _reached[name] == int(nth or 1):
            log.error("failpoint %s reached (time %d): killing process %d", name, _reached[name], os.getpid())
            logging.shutdown()
            os.kill(os.getpid(), signal.SIGKILL)
