"""`python -m rusmonitor.bench`: what `rusmonitor bench` runs, and how it starts each step's
child process (`--child <step>`)."""

import sys

from rusmonitor.bench.command import main

sys.exit(main())
