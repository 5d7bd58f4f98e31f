"""Shared benchmark plumbing: a throwaway test database, median timings, query counts.

A benchmark module `bench/<name>.py` defines `run(args) -> Iterable[dict]`; each dict is
printed as one JSON line with `"bench": <name>` added. Ours and the baselines are measured
side by side in the same run, so the ratios hold on whatever machine runs them.
"""

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")


def django_setup() -> None:
    import django

    django.setup()


@contextmanager
def test_database() -> Iterator[None]:
    """Create a fresh test database: test_<name> on PostgreSQL; on SQLite a file under var/,
    as `make run` uses a file (an in-memory database would hide the cost of each commit)."""
    from django.conf import settings
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        path = settings.BASE_DIR / "var" / "bench.sqlite3"
        path.parent.mkdir(exist_ok=True)
        default.setdefault("TEST", {})["NAME"] = str(path)
    setup_test_environment(debug=False)
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(old, verbosity=0)
        teardown_test_environment()


def median_ms(
    fn: Callable[[], object], *, repeat: int = 5, setup: Callable[[], object] | None = None
) -> float:
    """Median wall time of `fn` in milliseconds over `repeat` runs (`setup` is not timed)."""
    samples = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 3)


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def ratio(baseline_ms: float, ours_ms: float) -> float:
    """How many times faster ours is than the baseline (>1 is better)."""
    return round(baseline_ms / ours_ms, 2) if ours_ms else float("inf")


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)
