"""Run benchmarks: `python -m bench` runs all, `python -m bench members_feed ingest` some."""

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from bench import harness

SKIP = {"harness", "__main__"}


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all): {available()}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = set(names) - set(available())
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    harness.django_setup()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        with harness.test_database():
            for record in module.run(args):
                harness.emit({"bench": name, **record})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
