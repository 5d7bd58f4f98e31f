"""Every `curl` example of README.md and docs/*.md runs, as written, against a live server.

The convention (what a doc may rely on, and what is checked):

- **Which blocks.** Fenced ```sh / ```bash / ```console blocks that contain `curl`
  (`tests/docs/doc_blocks.py`). Other blocks (`make`, `python manage.py`, settings) are not run,
  so keep commands that need a checkout out of the blocks with `curl`.
- **One bash session per file.** A file's blocks run in order in one `bash` with
  `set -eEuo pipefail`, so a block may use a variable an earlier block of the *same* file set
  (`TOKEN=$(curl ... | python3 -c ...)`); nothing carries over between files, and every doc
  creates what it needs (register an account, log in, take ids from a previous answer). The
  first failing command stops that file: an unset variable, a `python3 -c` that finds no
  `"token"` in the answer, curl unable to connect.
- **The staff account** is the admin that `seed_demo` creates: username `admin`, password in
  `$ADMIN_PASSWORD` (the password `make run` printed; the test exports it, equal to the
  server's `DJANGO_SUPERUSER_PASSWORD`). Likewise `$DEMO_MEMBER_PASSWORD` for the demo member
  `demo` that can sign in (the server's `DEMO_MEMBER_PASSWORD`). Docs never assume other
  accounts: they register their own.
- **The server.** One `manage.py runserver --noreload` (`config.settings`, `DEBUG=true`, a
  fixed `SECRET_KEY`, Celery eager: no broker) on a free port of 127.0.0.1, on its own
  temporary SQLite file, migrated and seeded with `seed_demo` (random data from the bundled
  fixtures: the upstream URL points at a closed port). It never uses the suite's
  `DATABASE_URL`, so it runs the same whether the suite is on SQLite or PostgreSQL. Throttles and
  the login lock-out are raised (`THROTTLE_*`, `LOGIN_LOCKOUT_THRESHOLD` in `_server_env`) so
  the examples' logins are not limited. `http://127.0.0.1:8000`, `127.0.0.1:8000` and
  `localhost:8000` in the blocks (and in their expected headers) are rewritten to that port.
  The blocks run in a temporary directory (files they write, e.g. `-o invoice.pdf`, land there),
  with the venv first on `PATH` (`python` and `python3` are there).
- **Checks per `curl` call.** Each `curl` in command position becomes `__doc_curl <doc line>`,
  a shell function that calls the real curl with the doc's arguments, adding `-D <file>` (to
  learn the status; a `-D` of the doc's own is kept) and `--max-time 30`, and records the
  answer; so the docs stay as written and a failure names its line. Every call: not 5xx, and not
  4xx unless the doc shows that failure (a status comment, or a shown error answer). Where a
  doc shows an answer it must match, in shape: a ```json block right after the block (the
  block's last call), `# 204` / `# → 204` on or right after the command, `# {...}` right after
  it or `# ... → {...}` on it, and `# Header-Name: value` lines right after it (exact, after the
  port rewrite). Shapes are compared shallowly (`doc_blocks.shape_mismatches`): shown keys
  exist, types agree, and `ok`, `type`, `code`, `attr`, `error`, `group_by`, `status` are equal;
  ids, tokens, times and counts are not compared.
- **Skipping.** `<!-- doc-test: skip (reason) -->` on the line before a block's fence, for
  what the test cannot offer (a peer site, docker, wrk). Use sparingly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.docs.doc_blocks import Block, curl_calls_marked, doc_blocks, shape_mismatches

REPO = Path(__file__).resolve().parents[2]
DOC_FILES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
ADMIN_PASSWORD = "doc-examples-Admin-2026!"
DEMO_MEMBER_PASSWORD = "doc-examples-Demo-2026!"
BLOCK_TIMEOUT = 60  # seconds for one file's blocks
_HOSTS = re.compile(r"(http://)?(127\.0\.0\.1|localhost):8000\b")

# Files under someone else's edit that are known not to run yet: path name → reason.
KNOWN_FAILING: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in ("HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        SECRET_KEY="doc-examples-not-a-secret-" + "k" * 40,
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        CELERY_BROKER_URL="",
        REDIS_CACHE_URL="",
        SYNC_PEERS="[]",
        MEMBERS_FEED_PUBLIC="false",
        RANDOM_DATA_API_URL="http://127.0.0.1:9/api/v2",
        STOCK_LIST_PATH=str(tmp / "stocklist.txt"),
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
        DEMO_MEMBER_PASSWORD=DEMO_MEMBER_PASSWORD,
        THROTTLE_ANON="100000/min",
        THROTTLE_USER="100000/min",
        THROTTLE_LOGIN="100000/min",
        THROTTLE_REGISTER="100000/hour",
        LOGIN_LOCKOUT_THRESHOLD="100000",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("doc-server")
    env = _server_env(tmp)
    manage = [sys.executable, str(REPO / "manage.py")]
    # migrate and seed_demo in one process: one Django start-up less.
    setup = (
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); call_command('seed_demo')"
    )
    done = subprocess.run(
        [*manage, "shell", "-c", setup],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"migrate + seed_demo failed:\n{done.stdout}\n{done.stderr}"
    port = _free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the doc server did not start:\n" + (tmp / "server.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield {"url": url, "port": port, "env": env, "tmp": tmp}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


_PRELUDE = r"""
set -eEuo pipefail
__DOC_BLOCK=0
# EXIT, not ERR: an unset variable (set -u) stops bash without an ERR trap.
__doc_exit() {
  local rc=$?
  [ -e "$__DOC_DIR/finished" ] || printf '%s\t%s\n' "$__DOC_BLOCK" "$rc" > "$__DOC_DIR/failed"
}
trap __doc_exit EXIT
__doc_curl() {
  local line=$1; shift
  # a file, not a variable: calls inside $(...) run in a subshell
  local n=$(( $(cat "$__DOC_DIR/n" 2>/dev/null || echo 0) + 1 ))
  echo "$n" > "$__DOC_DIR/n"
  local hdr="" body="" prev="" a rc=0
  for a in "$@"; do
    case "$prev" in
      -D|--dump-header) hdr=$a ;;
      -o|--output) body=$a ;;
    esac
    prev=$a
  done
  local extra=(--max-time 30)
  [ -n "$hdr" ] || { hdr="$__DOC_DIR/h.$n"; extra+=(-D "$hdr"); }
  command curl "${extra[@]}" "$@" > "$__DOC_DIR/o.$n" || rc=$?
  cat "$__DOC_DIR/o.$n"
  [ "$hdr" = "$__DOC_DIR/h.$n" ] || cp "$hdr" "$__DOC_DIR/h.$n" 2>/dev/null || :
  if [ -n "$body" ] && [ "$body" != /dev/null ] && [ "$body" != - ]; then
    cp "$body" "$__DOC_DIR/o.$n" 2>/dev/null || :
  fi
  printf '%s\t%s\t%s\t%s\n' "$n" "$line" "$__DOC_BLOCK" "$rc" >> "$__DOC_DIR/calls.tsv"
  return "$rc"
}
curl() { __doc_curl 0 "$@"; }
"""


def _rewrite_hosts(text: str, port: int) -> str:
    return _HOSTS.sub(lambda m: f"{m[1] or ''}{m[2]}:{port}", text)


def _script(blocks: list[Block], port: int) -> str:
    parts = [_PRELUDE]
    for block in blocks:
        if block.skip:
            continue
        code = _rewrite_hosts(curl_calls_marked(block.code, block.line), port)
        parts.append(f"__DOC_BLOCK={block.line}\n{code}\n")
    parts.append('__DOC_BLOCK=0\n: > "$__DOC_DIR/finished"\n')
    return "\n".join(parts)


def _status(headers: str) -> int | None:
    codes = re.findall(r"^HTTP/\S+\s+(\d{3})", headers, flags=re.M)
    return int(codes[-1]) if codes else None


def _header(headers: str, name: str) -> str | None:
    """The last response's header `name` (after redirects or 100 Continue)."""
    last = re.split(r"^HTTP/", headers, flags=re.M)[-1]
    for line in last.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def _json(body: bytes):
    text = body.decode("utf-8", "replace")
    if text.startswith("HTTP/"):  # curl -i: headers first
        text = re.split(r"\r?\n\r?\n(?!HTTP/)", text, maxsplit=1)[-1]
        while text.startswith("HTTP/"):
            text = re.split(r"\r?\n\r?\n", text, maxsplit=1)[-1]
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


_NOT_JSON = object()


def _shows_failure(expect) -> bool:
    if expect.status is not None:
        return expect.status >= 400
    return expect.has_json and _shows_failure_json(expect.json)


def _check_file(path: Path, server) -> tuple[list[str], int]:
    blocks = doc_blocks(path)
    runnable = [b for b in blocks if not b.skip]
    if not runnable:
        return [], 0
    port = server["port"]
    work = server["tmp"] / f"run-{path.stem}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "calls").mkdir(parents=True)
    calls_dir = work / "calls"
    env = dict(
        server["env"],
        __DOC_DIR=str(calls_dir),
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        DEMO_MEMBER_PASSWORD=DEMO_MEMBER_PASSWORD,
    )
    done = subprocess.run(
        ["bash", "-c", _script(blocks, port)],
        cwd=work,
        env=env,
        capture_output=True,
        timeout=BLOCK_TIMEOUT,
    )
    problems: list[str] = []
    rel = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if not (calls_dir / "finished").exists():
        failed = (
            (calls_dir / "failed").read_text().split("\t")
            if (calls_dir / "failed").exists()
            else ["?", str(done.returncode)]
        )
        problems.append(
            f"{rel}:{failed[0]}: the block stopped (exit {failed[1].strip()}); stderr:\n"
            + done.stderr.decode("utf-8", "replace")[-2000:]
        )
    by_line = {c.line: (b, c) for b in blocks for c in b.commands}
    last_call_of_block: dict[int, tuple[int, bytes]] = {}
    n_calls = 0
    tsv = calls_dir / "calls.tsv"
    for row in tsv.read_text().splitlines() if tsv.exists() else []:
        n, line, block_line, rc = row.split("\t")
        n_calls += 1
        headers = (
            (calls_dir / f"h.{n}").read_text("utf-8", "replace")
            if (calls_dir / f"h.{n}").exists()
            else ""
        )
        body = (calls_dir / f"o.{n}").read_bytes() if (calls_dir / f"o.{n}").exists() else b""
        status = _status(headers)
        where = f"{rel}:{line}"
        block, command = by_line.get(int(line), (None, None))
        expect = command.expect if command else None
        if rc != "0" or status is None:
            problems.append(f"{where}: curl exit {rc}, no HTTP answer")
            continue
        if status >= 500:
            problems.append(f"{where}: HTTP {status} (a server error)\n{body[:500]!r}")
            continue
        if expect is not None and expect.status is not None and status != expect.status:
            problems.append(
                f"{where}: HTTP {status}, the doc shows {expect.status}\n{body[:300]!r}"
            )
        elif (
            status >= 400
            and not (expect and _shows_failure(expect))
            and not (block and block.has_shown_json and _shows_failure_json(block.shown_json))
        ):
            problems.append(f"{where}: HTTP {status}, the doc shows no failure\n{body[:300]!r}")
        if expect is not None and expect.has_json:
            problems += _compare(where, expect.json, body)
        for name, value in expect.headers.items() if expect else ():
            got = _header(headers, name)
            if got != _rewrite_hosts(value, port):
                problems.append(f"{where}: header {name}: {got!r}, the doc shows {value!r}")
        last_call_of_block[int(block_line)] = (int(line), body)
    for block in runnable:
        if block.has_shown_json:
            if block.line not in last_call_of_block:
                if not (calls_dir / "finished").exists():
                    continue  # it did not run: the stop is reported above
                problems.append(f"{rel}:{block.line}: the block made no call to show")
                continue
            line, body = last_call_of_block[block.line]
            problems += _compare(f"{rel}:{line} (the json after it)", block.shown_json, body)
    return problems, n_calls


def _shows_failure_json(shown) -> bool:
    return isinstance(shown, dict) and ("errors" in shown or shown.get("ok") is False)


def _compare(where: str, shown, body: bytes) -> list[str]:
    actual = _json(body)
    if actual is _NOT_JSON:
        return [f"{where}: the doc shows JSON, the answer is not JSON: {body[:300]!r}"]
    return [f"{where}: {p}" for p in shape_mismatches(shown, actual)]


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(
            p,
            id=str(p.relative_to(REPO)),
            marks=[pytest.mark.xfail(strict=False, reason=KNOWN_FAILING[p.name])]
            if p.name in KNOWN_FAILING
            else [],
        )
        for p in DOC_FILES
    ],
)
def test_doc_curl_examples_run_as_written(doc, live_server_url):
    problems, calls = _check_file(doc, live_server_url)
    runnable = [b for b in doc_blocks(doc) if not b.skip]
    if runnable and not problems:
        assert calls, f"{doc.name}: {len(runnable)} block(s) with curl, and no call was made"
    assert not problems, f"{len(problems)} problem(s) in {doc.name}:\n\n" + "\n\n".join(problems)


def test_seed_demo_runs_again_after_every_doc_example(live_server_url):
    # Issue 14's newcomer: follow every documented example, then `make run` again. Runs after
    # the doc tests of this module (pytest keeps definition order), on the server's database
    # with what the examples added; seed_demo twice must succeed and add no second demo set.
    env = live_server_url["env"]
    manage = [sys.executable, str(REPO / "manage.py"), "seed_demo"]
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            manage, cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"seed_demo failed:\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    assert "0 demo members created, 4 already there" in outputs[1]
    assert "generated password" not in outputs[1]
