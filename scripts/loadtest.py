"""`make loadtest`: gunicorn on 127.0.0.1 against a seeded PostgreSQL database, driven by wrk.

Steps: drop and recreate the load-test database (LOADTEST_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/loadtest; its name must start with "loadtest"), migrate,
seed it through the apps' services (scripts/loadtest_db.py), start gunicorn exactly as
`make serve` does (config/gunicorn.py, DEBUG off, throttles raised out of the way, no access
log), run wrk for a bounded time per endpoint, print requests/s, p50/p99 latency and errors
(a table, then one JSON line per endpoint), verify that no purchase oversold or lost stock,
and stop gunicorn whatever happens. Exit status 1 on any error or oversell.

    python -m scripts.loadtest [--quick] [--duration 10] [--threads 2] [--connections 16]

These are benchmarks, not tests: the figures depend on the machine and on whatever else runs
on it, so compare endpoints within one run (the ratio to the /healthz baseline), not runs.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
LUA_PURCHASE = Path(__file__).with_name("loadtest_purchase.lua")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/loadtest"
LOOPBACK = "127.0.0.1"
READ_TARGET_RATIO = 3.0  # the target: read endpoints within 3x of the baseline view
HIGH_RATE = "100000000/min"  # throttles out of the way: we measure the service, not the limits
THROTTLE_SCOPES = ("ANON", "USER", "LOGIN", "REGISTER", "SYNC")


# --- wrk output --------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)  # from the purchase script only
    exhausted_threads: int = 0


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def wrk_parse(output: str) -> WrkResult:
    """The figures of one `wrk --latency` run (ValueError if the output has none)."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in ", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"unexpected wrk output:\n{output}")
    result = WrkResult(
        rps=float(rps[1]),
        p50_ms=_duration_ms(p50[1]),
        p99_ms=_duration_ms(p99[1]),
        requests=int(total[1]),
    )
    non_2xx = re.search(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", output, re.M)
    if non_2xx:
        result.non_2xx_3xx = int(non_2xx[1])
    sockets = re.search(r"^\s+Socket errors:\s+(.*)$", output, re.M)
    if sockets:
        result.socket_errors = {
            name: int(count) for name, count in re.findall(r"(\w+) (\d+)", sockets[1])
        }
    statuses = re.search(r"^LOADTEST_STATUS (\{.*\}) exhausted=(\d+)", output, re.M)
    if statuses:
        result.statuses = json.loads(statuses[1])
        result.exhausted_threads = int(statuses[2])
    return result


def errors_count(result: WrkResult, *, expected_statuses: frozenset[str] = frozenset()) -> int:
    """Socket errors plus responses that are neither 2xx/3xx nor an expected status."""
    expected = sum(result.statuses.get(code, 0) for code in expected_statuses)
    return sum(result.socket_errors.values()) + result.non_2xx_3xx - expected


# --- set-up ------------------------------------------------------------------------------------


def database_target(url: str) -> dict:
    """Connection facts of the load-test database; refuses anything that is not a throw-away
    database on 127.0.0.1 (it is dropped)."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"LOADTEST_DATABASE_URL must be a postgres:// URL, not {url!r}.")
    if parts.hostname != LOOPBACK:
        raise SystemExit(f"LOADTEST_DATABASE_URL must point at {LOOPBACK}, not {parts.hostname}.")
    if not name.startswith("loadtest"):
        raise SystemExit(
            f"The load-test database is dropped and recreated, so its name must start with "
            f'"loadtest" (got {name!r}).'
        )
    return {
        "host": LOOPBACK,
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or "") or None,
        "name": name,
    }


def database_recreate(target: dict) -> None:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(
        host=target["host"],
        port=target["port"],
        user=target["user"],
        password=target["password"],
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            name = sql.Identifier(target["name"])
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        connection.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def server_env(*, database_url: str, port: int, workers: int | None) -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        # Local only: no broker, no shared cache, nothing else the environment may name.
        if name not in ("CELERY_BROKER_URL", "REDIS_CACHE_URL", "SYNC_PEERS", "GUNICORN_BIND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=LOOPBACK,
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        GUNICORN_ACCESSLOG="",
        GUNICORN_BIND=f"{LOOPBACK}:{port}",
        HOST=LOOPBACK,
        PORT=str(port),
        LOG_LEVEL="WARNING",
        # make serve runs collectstatic first; the API endpoints measured here need no static
        # files, so whitenoise's warning about the missing staticfiles/ is only noise.
        PYTHONWARNINGS="ignore:No directory at",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **{f"THROTTLE_{scope}": HIGH_RATE for scope in THROTTLE_SCOPES},
    )
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def run(cmd: list[str], *, env: dict, timeout: int, what: str) -> str:
    result = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    if result.stderr.strip():
        print(result.stderr.rstrip(), flush=True)
    return result.stdout


def wrk_ensure() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing; installing the Debian package (apt-get install -y wrk)", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300", "wrk"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk; macOS: "
        "brew install wrk) and run make loadtest again."
    )


class Server:
    """gunicorn as `make serve` runs it, in its own process group."""

    def __init__(self, *, env: dict, port: int, log_path: Path):
        self.env, self.port, self.log_path = env, port, log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, *, timeout: float = 60) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "config/gunicorn.py",
                "config.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() takes the workers too
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log()}")

    def log(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    path: str
    kind: str  # baseline | read | write
    token: str | None = None
    script_args: list[str] | None = None  # the purchase script's arguments

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Token {self.token}"} if self.token else {}


def endpoints_plan(seed: dict, threads: int) -> list[Endpoint]:
    staff, member = seed["staff_token"], seed["member_token"]
    return [
        Endpoint("healthz (baseline)", "/healthz", "baseline"),
        Endpoint("members feed limit=200", "/activity_record/members/?limit=200", "read", member),
        Endpoint("usages page (staff, all)", "/api/v1/usages/", "read", staff),
        Endpoint("usages page (member, own)", "/api/v1/usages/", "read", member),
        Endpoint("items page", "/api/items/", "read"),
        Endpoint(
            "purchases POST",
            "/api/customer-purchase/",
            "write",
            staff,
            script_args=[
                f"Token {staff}",
                ",".join(map(str, seed["customer_ids"])),
                ",".join(map(str, seed["item_ids"])),
                str(threads),
            ],
        ),
    ]


def preflight(server: Server, endpoint: Endpoint, seed: dict, repeat: int) -> str:
    """A few real requests first: the endpoint answers as expected, and every worker is warm."""
    if endpoint.kind == "write":
        response = requests.post(
            f"{server.url}/api/customer-purchase/{seed['preflight_customer_id']}",
            json=[{"item": seed["item_ids"][-1], "quantity": 1}],  # plenty of stock
            headers=endpoint.headers,
            timeout=30,
        )
        expected = 201
    else:
        for _ in range(repeat):
            response = requests.get(
                f"{server.url}{endpoint.path}", headers=endpoint.headers, timeout=30
            )
        expected = 200
    if response.status_code != expected:
        raise SystemExit(
            f"{endpoint.name}: expected {expected}, got {response.status_code}: "
            f"{response.text[:500]}\n{server.log()}"
        )
    return f"{len(response.content):,} bytes"


def wrk_run(
    wrk: str, server: Server, endpoint: Endpoint, args, duration: int
) -> tuple[WrkResult, str]:
    cmd = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in endpoint.headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if endpoint.script_args:
        cmd += [
            "-s",
            str(LUA_PURCHASE),
            f"{server.url}{endpoint.path}",
            "--",
            *endpoint.script_args,
        ]
    else:
        cmd.append(f"{server.url}{endpoint.path}")
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed on {endpoint.name}:\n{result.stdout}{result.stderr}")
    return wrk_parse(result.stdout), result.stdout


def baseline_combine(runs: list[WrkResult]) -> WrkResult:
    """The baseline runs as one row: mean req/s, median p50, worst p99, summed errors."""
    sockets: dict[str, int] = {}
    for result in runs:
        for name, count in result.socket_errors.items():
            sockets[name] = sockets.get(name, 0) + count
    return WrkResult(
        rps=statistics.fmean(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=max(r.p99_ms for r in runs),
        requests=sum(r.requests for r in runs),
        non_2xx_3xx=sum(r.non_2xx_3xx for r in runs),
        socket_errors=sockets,
    )


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, load {load}"


def report_line(name: str, result: WrkResult, errors: int, baseline_rps: float, **extra) -> dict:
    return {
        "bench": "loadtest",
        "endpoint": name,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "errors": errors,
        "ratio_vs_baseline": round(baseline_rps / result.rps, 2) if result.rps else None,
        **extra,
    }


def table_print(rows: list[dict]) -> None:
    header = (
        f"{'endpoint':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x base':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = "-" if row["ratio_vs_baseline"] is None else f"{row['ratio_vs_baseline']:.2f}"
        print(
            f"{row['endpoint']:<28} {row['rps']:>9.1f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['errors']:>7} {ratio:>7}"
        )


def profile_print(results: list[dict]) -> None:
    print(
        "\nin-process profile (django test client, no HTTP server, no load; fastest of 20 "
        "requests; SQL times have 1 ms resolution; 'most own time' is per request over 10 more "
        "under cProfile and is disturbed when the machine is busy):"
    )
    for row in results:
        print(
            f"  {row['endpoint']}: {row['status']}, {row['bytes']:,} bytes, {row['queries']} "
            f"queries, {row['min_ms']:.1f} ms (median {row['median_ms']:.1f}) = SQL "
            f"{row['sql_ms']:.1f} ms + Python {row['python_ms']:.1f} ms"
        )
        for query in row["queries_sql"]:
            print(f"    {query}")
        print("    most own time: " + "; ".join(row["top_tottime"][:6]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Load test: gunicorn + PostgreSQL + wrk on 127.0.0.1 (see module doc)."
    )
    parser.add_argument("--quick", action="store_true", help="1,000 members, 10,000 usages, 3 s")
    parser.add_argument("--duration", type=int, help="seconds per endpoint (default 10; quick 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: as make serve)")
    parser.add_argument("--customers", type=int, default=50, help="customers buying (50)")
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the in-process per-request profile"
    )
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 3 if args.quick else 10
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be 1 to 600 seconds")
    if args.threads < 1 or args.connections < args.threads:
        parser.error("need at least 1 thread and one connection per thread")
    sizes = {"members": 10_000, "usages": 100_000, "items": 1_000, "customers": args.customers}
    if args.quick:
        sizes.update(members=1_000, usages=10_000)

    database_url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    target = database_target(database_url)
    wrk = wrk_ensure()
    print(f"machine: {machine_description()}")
    print(
        "note: figures are noisy when other work shares the machine (e.g. test suites); "
        "compare the ratios within one run."
    )
    port = free_port()
    env = server_env(database_url=database_url, port=port, workers=args.workers)
    python = sys.executable
    helper = [python, "-m", "scripts.loadtest_db"]
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        tmp_path = Path(tmp)
        server = Server(env=env, port=port, log_path=tmp_path / "gunicorn.log")
        try:
            started = time.perf_counter()
            database_recreate(target)
            run(
                [python, "manage.py", "migrate", "--noinput", "-v", "0"],
                env=env,
                timeout=600,
                what="migrate",
            )
            print(
                f"database {target['name']} on {LOOPBACK}:{target['port']} recreated and "
                f"migrated in {time.perf_counter() - started:.1f} s"
            )
            seed_path = tmp_path / "seed.json"
            started = time.perf_counter()
            print(
                f"seeding {sizes['members']:,} members x 3 periods, {sizes['usages']:,} usages, "
                f"{sizes['items']:,} items, {sizes['customers']} customers ...",
                flush=True,
            )
            run(
                [*helper, "seed", "--out", str(seed_path)]
                + [f"--{name}={value}" for name, value in sizes.items()],
                env=env,
                timeout=1800,
                what="seeding",
            )
            seed = json.loads(seed_path.read_text())
            print(
                f"seeded in {time.perf_counter() - started:.1f} s: {seed['members']:,} members, "
                f"{seed['periods']:,} periods, {seed['usages']:,} usages "
                f"({seed['member_usages']:,} of them the token member's), "
                f"{len(seed['item_ids']):,} items ({seed['low_stock_items']} with stock 1), "
                f"{len(seed['customer_ids'])} customers; timings {seed['timings']}"
            )

            server.start()
            workers = env.get("WEB_CONCURRENCY") or f"{(os.cpu_count() or 1) * 2 + 1} (default)"
            print(f"gunicorn on {server.url} with {workers} workers (config/gunicorn.py)")
            print(
                f"wrk: -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
                f"per endpoint, the baseline ({max(2, args.duration // 2)} s) before and after "
                "each\n"
            )
            plan = endpoints_plan(seed, args.threads)
            baseline, measured = plan[0], plan[1:]
            repeat = 3 * (int(workers.split()[0]) + 1)
            preflight(server, baseline, seed, repeat=repeat)
            # The baseline runs before the first endpoint and after each one; an endpoint's ratio
            # is against the mean of the two runs around it, so a machine whose load changes
            # during the run (shared CI runners, parallel test suites) still gives fair ratios.
            baseline_seconds = max(2, args.duration // 2)
            baseline_runs = [wrk_run(wrk, server, baseline, args, baseline_seconds)[0]]
            rows = []
            for endpoint in measured:
                size = preflight(server, endpoint, seed, repeat=repeat)
                result, _output = wrk_run(wrk, server, endpoint, args, args.duration)
                baseline_runs.append(wrk_run(wrk, server, baseline, args, baseline_seconds)[0])
                adjacent = (baseline_runs[-2].rps + baseline_runs[-1].rps) / 2
                extra = {}
                expected = frozenset()
                if endpoint.kind == "write":
                    expected = frozenset({"409"})
                    extra = {
                        "created_201": result.statuses.get("201", 0),
                        "insufficient_stock_409": result.statuses.get("409", 0),
                        "statuses": result.statuses,
                    }
                    if result.exhausted_threads:
                        extra["pairs_exhausted"] = True
                errors = errors_count(result, expected_statuses=expected)
                row = report_line(endpoint.name, result, errors, adjacent)
                row.update(extra, baseline_rps=round(adjacent, 1), response=size)
                rows.append(row)
                print(
                    f"  {endpoint.name}: {result.requests:,} requests, {result.rps:,.1f} req/s, "
                    f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, errors {errors}, "
                    f"baseline around it {adjacent:,.1f} req/s"
                    + (f", socket errors {result.socket_errors}" if result.socket_errors else "")
                    + (f", statuses {result.statuses}" if result.statuses else ""),
                    flush=True,
                )
                if errors:
                    failures.append(f"{endpoint.name}: {errors} errors")
            combined = baseline_combine(baseline_runs)
            errors = errors_count(combined)
            row = report_line(
                baseline.name, combined, errors, combined.rps, runs=len(baseline_runs)
            )
            row["rps_runs"] = [round(r.rps, 1) for r in baseline_runs]
            rows.insert(0, row)
            if errors:
                failures.append(f"{baseline.name}: {errors} errors")
        finally:
            server.stop()

        print()
        table_print(rows)
        print()
        for row in rows:
            print(json.dumps(row))

        verify_path = tmp_path / "verify.json"
        run(
            [*helper, "verify", "--seed", str(seed_path), "--out", str(verify_path)],
            env=env,
            timeout=600,
            what="stock verification",
        )
        check = json.loads(verify_path.read_text())
        purchase = next(row for row in rows if "created_201" in row)
        # The preflight purchase adds one line; wrk may stop reading before the last in-flight
        # responses arrive, so up to one line per connection can lack a counted 201.
        unaccounted = check["lines"] - 1 - purchase["created_201"]
        print()
        print(
            f"stock check: {check['items']:,} items, {check['lines']:,} invoice lines on "
            f"{check['invoices']} invoices, {check['units_sold']:,} units sold, "
            f"{check['sold_out_items']} items sold out; negative stock: "
            f"{check['negative_stock_count']}; initial != current + sold: "
            f"{check['mismatched_count']}; invoice totals != sum of lines: "
            f"{check['invoice_totals_off']}; lines without a counted 201: {unaccounted}"
        )
        if check["negative_stock_count"] or check["mismatched_count"]:
            failures.append(
                f"oversell or lost update: items {check['negative_stock_items']} below zero, "
                f"{check['mismatched_items']} not adding up"
            )
        if check["invoice_totals_off"]:
            failures.append(f"{check['invoice_totals_off']} invoice totals do not add up")
        if not 0 <= unaccounted <= args.connections:
            failures.append(f"{unaccounted} invoice lines do not match the 201 responses")
        slow = [
            row["endpoint"]
            for row in rows
            if row["endpoint"] in {e.name for e in plan if e.kind == "read"}
            and (row["ratio_vs_baseline"] or 0) > READ_TARGET_RATIO
        ]
        print(
            "read endpoints within 3x of the baseline: "
            + ("yes" if not slow else f"no ({', '.join(slow)})")
        )
        if not args.no_profile:
            run(
                [
                    *helper,
                    "profile",
                    "--seed",
                    str(seed_path),
                    "--out",
                    str(tmp_path / "profile.json"),
                ],
                env=env,
                timeout=600,
                what="profiling",
            )
            profile_print(json.loads((tmp_path / "profile.json").read_text()))
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("OK: 0 errors, 0 oversell")
    return 0


if __name__ == "__main__":
    sys.exit(main())
