"""The project's settings, plus a baseline URL for the benchmarks (see bench/README.md).

Everything else (middleware, database, cache, DEBUG) is exactly what `advocacy.settings` reads from
the environment, so the tracked view and its baseline run under the same production-like stack.
"""

import os

from advocacy.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Where the bare baseline view redirects: the runner sets it to the measured link's destination, so
# both answers carry the same Location header.
BENCH_REDIRECT_DESTINATION = os.environ.get(
    "BENCH_REDIRECT_DESTINATION", "https://www.example.com/news/benchmark?utm_source=linkedin"
)
