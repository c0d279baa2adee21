"""The package's import layers (pyproject's [tool.importlinter]): no module imports one above it,
so no import cycle can form. .ci/run runs `lint-imports` before the tests; this runs it too."""

import subprocess
import sys
from pathlib import Path

from rusmonitor.settings import ROOT


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
