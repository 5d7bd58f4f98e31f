"""The doc parser of test_doc_examples: which blocks run and what they say they answer."""

from pathlib import Path

from tests.docs.doc_blocks import curl_calls_marked, doc_blocks, shape_mismatches

DOC = """\
# A page

```sh
make run    # not run: no curl in it
```

<!-- doc-test: skip (needs a peer site) -->
```sh
curl -s https://peer.example/api/
```

```bash
TOKEN=$(curl -s -X POST http://127.0.0.1:8000/api/v1/auth/login/ \\
  -d username=a | python3 -c 'print(1)')
curl -s -X POST http://127.0.0.1:8000/api/v1/auth/logout/  # 204
curl -si 'http://127.0.0.1:8000/api/items/?page=2'
# Link: <http://127.0.0.1:8000/api/items/?page=1>; rel="prev"
# X-Total-Count: 9
curl -s http://127.0.0.1:8000/api/items/?page=0
# {"type": "validation_error", "errors": [{"code": "invalid", "attr": "page"}]}
curl -s -X POST http://127.0.0.1:8000/api/x/ -d '{}'   # all or nothing → {"deleted": 3}
```
```json
{"deleted": 3, "ids": [...]}
```

```python
curl = "not shell"
```

```console
$ curl -s http://127.0.0.1:8000/healthz \\
    -H 'Accept: application/json'
{"status": "ok"}
```
"""


def test_console_blocks_run_their_prompt_lines_only(tmp_path):
    console = _blocks(tmp_path)[2]
    assert console.code.split("\n") == [
        "curl -s http://127.0.0.1:8000/healthz \\",
        "    -H 'Accept: application/json'",
        "",
    ]
    assert console.commands[0].line == console.line + 1


def _blocks(tmp_path: Path):
    path = tmp_path / "page.md"
    path.write_text(DOC)
    return doc_blocks(path)


def test_only_shell_blocks_with_curl_run_and_skips_are_read(tmp_path):
    skipped, block, _console = _blocks(tmp_path)
    assert skipped.skip == "needs a peer site"
    assert block.skip is None
    assert block.line == 12


def test_expectations_are_read_per_command(tmp_path):
    block = _blocks(tmp_path)[1]
    login, logout, page2, page0, bulk = block.commands
    assert (login.line, login.expect.status, login.expect.has_json) == (13, None, False)
    assert logout.expect.status == 204
    assert page2.expect.headers == {
        "link": '<http://127.0.0.1:8000/api/items/?page=1>; rel="prev"',
        "x-total-count": "9",
    }
    assert page0.expect.json["errors"][0]["code"] == "invalid"
    assert bulk.expect.json == {"deleted": 3}
    assert block.has_shown_json and block.shown_json == {"deleted": 3, "ids": []}


def test_curl_calls_are_marked_with_their_doc_line(tmp_path):
    block = _blocks(tmp_path)[1]
    marked = curl_calls_marked(block.code, block.line).splitlines()
    assert marked[0].startswith("TOKEN=$(__doc_curl 13 -s -X POST")
    assert marked[2].startswith("__doc_curl 15 -s -X POST")
    assert marked[4] == block.code.splitlines()[4]  # comments stay as they are


def test_shapes_compare_keys_types_and_meaningful_values_not_data():
    shown = {
        "ok": True,
        "members": [{"id": "W1", "tz": "UTC", "periods": [{"end": None}]}],
        "…": "…",
    }
    same = {"ok": True, "members": [{"id": "W9", "tz": "Asia/Tokyo", "periods": []}], "x": 1}
    assert shape_mismatches(shown, same) == []
    assert shape_mismatches(shown, {"ok": True, "members": []}) == []
    assert shape_mismatches(shown, dict(same, ok=False)) == ["$.ok: shown True, got False"]
    assert shape_mismatches(shown, {"ok": True, "members": [{"id": 3, "tz": "UTC"}]}) == [
        "$.members[0].id: shown a string, got 3",
        "$.members[0]: missing key 'periods' (has ['id', 'tz'])",
    ]
    error = {"type": "validation_error", "errors": [{"code": "invalid", "attr": "page"}]}
    other = {"type": "validation_error", "errors": [{"code": "invalid", "attr": "page_size"}]}
    assert shape_mismatches(error, other) == ["$.errors[0].attr: shown 'page', got 'page_size'"]
