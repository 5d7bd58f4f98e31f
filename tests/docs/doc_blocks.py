"""Find the runnable shell examples of the docs, and what each one says it answers.

A block is runnable when it is fenced as ```sh, ```bash or ```console and contains `curl`
(in a ```console block only the `$ ` lines are commands; the rest is output and is not run).
Its expectations, all optional:

- a ```json block right after it (only blank lines between): the answer of the block's
  **last** `curl`, as a shallow shape (see `shape_mismatches`);
- on a `curl` command's own line(s), a trailing comment `# 204`, `# → 204` or
  `# … → {"deleted": 3}`: that command's status or answer;
- comment lines right after a command: `# 204` / `# → 204` (status), `# {...}` (the answer,
  JSON), `# Header-Name: value` (a response header, compared exactly).

`<!-- doc-test: skip (reason) -->` on the line(s) just before a block's fence skips it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

RUNNABLE_LANGS = {"sh", "bash", "console", "shell"}
_FENCE = re.compile(r"^(\s*)```\s*([\w+-]*)\s*$")
_SKIP = re.compile(r"<!--\s*doc-test:\s*skip\s*\((?P<reason>[^)]*)\)\s*-->")
# `curl` in command position (start of line, after a separator, `$(`, `|`, `&&`, ...).
_CURL_CALL = re.compile(r"(?:(?<=^)|(?<=[\s;|&(`]))curl(?=\s)")
_STATUS_COMMENT = re.compile(r"#\s*(?:→\s*)?(?P<status>[1-5]\d\d)\b")
_ARROW_JSON = re.compile(r"#.*?→\s*(?P<json>[\[{].*)$")
_JSON_COMMENT = re.compile(r"^\s*#\s*(?P<json>[\[{].*)$")
# A response header: `Link`, `Location`, `Allow`, or a capitalised name with a dash.
_HEADER_COMMENT = re.compile(
    r"^\s*#\s*(?P<name>Link|Location|Allow|[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+):\s+(?P<value>.*\S)\s*$"
)
# `[...]` / `{...}` placeholders of the docs' JSON, and `"…"` keys.
_ELLIPSIS_LIST = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]")
_ELLIPSIS_OBJ = re.compile(r"\{\s*(?:\.\.\.|…)\s*\}")
PLACEHOLDER_KEYS = {"…", "...", ""}
# Values compared exactly (the rest by type): what an answer *means*, not what it happens to be.
EXACT_KEYS = {"ok", "type", "code", "attr", "error", "group_by", "status"}


@dataclass
class Expect:
    status: int | None = None
    json: object = None
    has_json: bool = False
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Command:
    line: int  # 1-based line in the doc where this `curl` starts
    expect: Expect = field(default_factory=Expect)


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    code: str
    skip: str | None = None
    commands: list[Command] = field(default_factory=list)
    shown_json: object = None
    has_shown_json: bool = False

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def _code_part(line: str) -> str:
    """`line` without its comment (a `#` at the start or after a space; good enough for docs)."""
    if line.lstrip().startswith("#"):
        return ""
    return line.split(" #", 1)[0]


def _calls_curl(line: str) -> bool:
    return bool(_CURL_CALL.search(_code_part(line)))


def parse_shown_json(text: str):
    """The docs' JSON, with `[...]`, `{...}` placeholders read as empty."""
    text = _ELLIPSIS_OBJ.sub("{}", _ELLIPSIS_LIST.sub("[]", text))
    return json.loads(text)


def _fences(lines: list[str]):
    """(start index, lang, body lines, end index) of each fenced block."""
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang = m.group(2).lower()
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith("```"):
            j += 1
        yield i, lang, [ln[len(m.group(1)) :] for ln in lines[i + 1 : j]], j
        i = j + 1


def _commands(block_line: int, body: list[str]) -> list[Command]:
    commands: list[Command] = []
    k = 0
    while k < len(body):
        line = body[k]
        if not _calls_curl(line):
            k += 1
            continue
        cmd = Command(line=block_line + 1 + k)
        # The command's own lines: continuations end in a backslash.
        end = k
        while body[end].rstrip().endswith("\\") and end + 1 < len(body):
            end += 1
        for own in body[k : end + 1]:
            if "#" in own:
                comment = own[own.index(" #") + 1 :] if " #" in own else ""
                if m := _ARROW_JSON.search(comment):
                    cmd.expect.json, cmd.expect.has_json = parse_shown_json(m["json"]), True
                elif m := _STATUS_COMMENT.match(comment):
                    cmd.expect.status = int(m["status"])
        nxt = end + 1
        while nxt < len(body) and body[nxt].lstrip().startswith("#"):
            comment = body[nxt].strip()
            if m := _STATUS_COMMENT.match(comment):
                cmd.expect.status = int(m["status"])
            elif m := _JSON_COMMENT.match(comment):
                cmd.expect.json, cmd.expect.has_json = parse_shown_json(m["json"]), True
            elif m := _HEADER_COMMENT.match(comment):
                cmd.expect.headers[m["name"].lower()] = m["value"]
            else:
                break
            nxt += 1
        commands.append(cmd)
        k = nxt
    return commands


def _console_commands(body: list[str]) -> list[str]:
    """A ```console block's commands: `$ ` lines without the prompt (and their continuations);
    output lines become empty lines, so line numbers stay the doc's."""
    out, continued = [], False
    for line in body:
        if line.startswith("$ ") or continued:
            command = line[2:] if line.startswith("$ ") and not continued else line
            out.append(command)
            continued = command.rstrip().endswith("\\")
        else:
            out.append("")
    return out


def doc_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    fences = list(_fences(lines))
    blocks: list[Block] = []
    for n, (start, lang, body, end) in enumerate(fences):
        if lang == "console":
            body = _console_commands(body)
        if lang not in RUNNABLE_LANGS or not any(_calls_curl(b) for b in body):
            continue
        block = Block(path=path, line=start + 1, code="\n".join(body))
        above = start - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        if above >= 0 and (m := _SKIP.search(lines[above])):
            block.skip = m["reason"].strip() or "no reason given"
        block.commands = _commands(start + 1, body)
        if n + 1 < len(fences):
            nstart, nlang, nbody, _ = fences[n + 1]
            if nlang == "json" and all(not ln.strip() for ln in lines[end + 1 : nstart]):
                block.shown_json, block.has_shown_json = parse_shown_json("\n".join(nbody)), True
        blocks.append(block)
    return blocks


def curl_calls_marked(code: str, block_line: int) -> str:
    """`code` with each `curl` call replaced by `__doc_curl <doc line>` (the wrapper)."""
    out = []
    for k, line in enumerate(code.split("\n")):
        code_part = _code_part(line)
        marked = _CURL_CALL.sub(f"__doc_curl {block_line + 1 + k}", code_part)
        out.append(marked + line[len(code_part) :])
    return "\n".join(out)


def shape_mismatches(shown, actual, where: str = "$") -> list[str]:
    """How `actual` contradicts `shown`: a missing key, another type, another `EXACT_KEYS` value.

    Objects: every shown key (but "…") must be there. Lists: the i-th shown item must match the
    i-th actual one, as far as both go (how many there are depends on the data). Scalars: the
    same JSON type (null matches anything); booleans and `EXACT_KEYS` values must be equal.
    """
    if shown is None:
        return []
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {type(actual).__name__}"]
        problems = []
        for key, value in shown.items():
            if key in PLACEHOLDER_KEYS:
                continue
            if key not in actual:
                problems.append(f"{where}: missing key {key!r} (has {sorted(actual)})")
                continue
            if key in EXACT_KEYS and not isinstance(value, dict | list) and value != actual[key]:
                problems.append(f"{where}.{key}: shown {value!r}, got {actual[key]!r}")
                continue
            problems += shape_mismatches(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(shown, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {type(actual).__name__}"]
        if not actual:
            return []
        problems = []
        for i, item in enumerate(shown[: len(actual)]):
            problems += shape_mismatches(item, actual[i], f"{where}[{i}]")
        return problems
    if isinstance(shown, bool):
        return [] if shown == actual else [f"{where}: shown {shown!r}, got {actual!r}"]
    if isinstance(shown, int | float):
        ok = isinstance(actual, int | float) and not isinstance(actual, bool)
        return [] if ok else [f"{where}: shown a number, got {actual!r}"]
    if isinstance(shown, str):
        return [] if isinstance(actual, str) else [f"{where}: shown a string, got {actual!r}"]
    return []
