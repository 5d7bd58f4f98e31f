"""CSV import of usages: every row is checked first, then all are saved in one transaction, or
none. The API (carbon.csv_views) and `manage.py import_usages` call `usages_import`.

The file: a header row naming the columns (any order), then one usage per row.

- `usage_type`: the type's id (`100`), its name when only one type has it (`electricity`) or
  `name (unit)` (`heating (m3)`); names and units are matched without regard to case.
- `usage_at`: ISO 8601 with an offset (`2024-03-01T08:00:00+01:00`, `...Z`), 1900 up to 2200.
- `amount`: > 0, a decimal point (or, in a `;`-separated file, a decimal comma: `12,5`).
- `unit` (optional): the unit `amount` is in; converted to the type's unit.
- `user` (optional, staff and the command only): the owner's member id.
- `id`, `factor`, `co2e_kg`, `scope`: the export's derived columns, accepted and ignored (a
  usage takes the factor valid at its date, and an import always creates new usages), so an
  export imports back as it is.

UTF-8 with or without a BOM; `,` or `;` between cells (read from the header line). A cell that
an export escaped against CSV injection (`'=...`) is read without its apostrophe.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from carbon.filters import parse_aware_datetime
from carbon.models import UsageType, validate_usage_at
from carbon.services import FactorTable, NewUsage, amount_in_type_unit, usages_bulk_create
from carbon.units import UNIT_MAX_LENGTH
from core.exceptions import ApplicationError, InvalidInput
from members.models import User

IMPORT_MAX_ROWS = 100_000
ROW_ERRORS_SHOWN = 100  # the first errors a refusal lists; error_count says how many in all
REQUIRED_COLUMNS = ("usage_type", "usage_at", "amount")
OPTIONAL_COLUMNS = ("unit", "user")
IGNORED_COLUMNS = ("id", "factor", "co2e_kg", "scope")  # what the export adds
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *IGNORED_COLUMNS)
SAVE_CHUNK_ROWS = 5000  # rows per usages_bulk_create call (and per progress step)
CELL_MAX_LENGTH = 200  # longer than any id, name, date, amount or unit we accept

# `'` + a formula character: how carbon.exports (and core.csv.csv_cell) escape a cell.
_ESCAPED_CELL = re.compile(r"^'[=+\-@\t\r]")
_AMOUNT = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_TYPE_WITH_UNIT = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")
_DIGITS = re.compile(r"^\d{1,18}$")
AMOUNT_MAX_DECIMALS = 10  # Usage.input_amount: 24 digits, 10 after the point
AMOUNT_MAX_DIGITS = 24

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in all)


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str | None  # None: the row as a whole
    code: str
    detail: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "detail": self.detail}


class ImportRowsInvalid(InvalidInput):
    """400: some rows are bad; nothing was saved. `row_errors` holds the first
    ROW_ERRORS_SHOWN, `error_count` how many there are in all."""

    default_code = "invalid_rows"

    def __init__(self, row_errors: list[RowError], error_count: int):
        self.row_errors = row_errors
        self.error_count = error_count
        first = row_errors[0]
        super().__init__(
            f"{error_count} error(s) in the file (the first: row {first.row}"
            f"{f', {first.column}' if first.column else ''}: {first.detail}). "
            "Nothing was imported.",
            code=self.default_code,
            attr="file",
            extra={"error_count": error_count, "rows": [e.as_dict() for e in row_errors]},
        )


class ImportTooLarge(ApplicationError):
    """413: the file is larger than CARBON_IMPORT_MAX_BYTES."""

    status_code = 413
    default_code = "request_too_large"


def _file_error(detail: str, *, code: str, attr: str = "file") -> InvalidInput:
    return InvalidInput(detail, code=code, attr=attr)


def _decode(data: bytes | str | IO) -> str:
    """The file's text; InvalidInput naming `file` for bytes that are not UTF-8 or text that
    holds NUL or a lone surrogate."""
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        try:
            text = raw.decode("utf-8-sig")  # strict: also refuses encoded surrogates
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise _file_error(
                f"The file is not UTF-8 text: byte {exc.start + 1} (line {line}) cannot be "
                "read. Save it as 'CSV UTF-8'.",
                code="invalid_encoding",
            ) from None
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = text[: exc.start].count("\n") + 1
            raise _file_error(
                f"Line {line} contains a lone UTF-16 surrogate, which is not text.",
                code="invalid_text",
            ) from None
    else:
        raise _file_error(
            "Send the CSV file as the request body or a `file` part.", code="required"
        )
    nul = text.find("\x00")
    if nul >= 0:
        line = text[:nul].count("\n") + 1
        raise _file_error(f"Line {line} contains a NUL character.", code="invalid_text")
    return text


def _delimiter(header_line: str) -> str:
    """`;` when the header line has more semicolons than commas (European spreadsheets)."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _unescape(cell: str) -> str:
    cell = cell.strip()
    return cell[1:] if _ESCAPED_CELL.match(cell) else cell


def _header(cells: list[str], *, user_column_allowed: bool) -> list[str]:
    names = [_unescape(cell).lower() for cell in cells]
    while names and names[-1] == "":  # trailing separators some spreadsheets write
        names.pop()
    shown = ", ".join(KNOWN_COLUMNS)
    if "" in names:
        raise _file_error(
            f"Column {names.index('') + 1} of the header has no name. Columns: {shown}.",
            code="invalid_header",
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise _file_error(
            f"Duplicate column(s) in the header: {', '.join(duplicates)}.",
            code="duplicate_columns",
        )
    unknown = [name for name in names if name not in KNOWN_COLUMNS]
    if unknown:
        raise _file_error(
            f"Unknown column(s): {', '.join(n[:40] for n in unknown[:10])}. Allowed: {shown}.",
            code="unknown_columns",
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise _file_error(
            f"Missing column(s): {', '.join(missing)}. The header row must name "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally unit).",
            code="missing_columns",
        )
    if "user" in names and not user_column_allowed:
        raise _file_error(
            "Only staff may import for other members: leave out the user column (your usages "
            "are imported as yours).",
            code="permission_denied",
            attr="user",
        )
    return names


class _TypeIndex:
    """Usage types by id, name and `name (unit)`, matched without regard to case."""

    def __init__(self, types: Iterable[UsageType]):
        self.by_id: dict[int, UsageType] = {}
        self.by_name: dict[str, list[UsageType]] = {}
        self.by_pair: dict[tuple[str, str], UsageType] = {}
        for usage_type in types:
            self.by_id[usage_type.pk] = usage_type
            self.by_name.setdefault(usage_type.name.casefold(), []).append(usage_type)
            self.by_pair[usage_type.name.casefold(), usage_type.unit.casefold()] = usage_type
        self._cache: dict[str, UsageType | tuple[str, str]] = {}

    def find(self, cell: str) -> UsageType | tuple[str, str]:
        """The type `cell` names, or (code, detail) of the error."""
        found = self._cache.get(cell)
        if found is None:
            found = self._cache[cell] = self._find(cell)
        return found

    def _find(self, cell: str) -> UsageType | tuple[str, str]:
        if _DIGITS.match(cell):
            usage_type = self.by_id.get(int(cell))
            return usage_type or ("not_found", f"No usage type has id {cell}.")
        candidates = {t.pk: t for t in self.by_name.get(cell.casefold(), [])}
        pair = _TYPE_WITH_UNIT.match(cell)
        if pair:
            usage_type = self.by_pair.get((pair[1].casefold(), pair[2].strip().casefold()))
            if usage_type is not None:
                candidates[usage_type.pk] = usage_type
        if len(candidates) == 1:
            return next(iter(candidates.values()))
        if candidates:
            forms = "; ".join(f"{t.pk} or {t}" for t in candidates.values())
            return (
                "ambiguous",
                f"{len(candidates)} usage types are named {cell[:100]!r}: give the id or "
                f"'name (unit)' ({forms}).",
            )
        return ("not_found", f"No usage type is named {cell[:100]!r} (give its id or name).")


def _amount(cell: str, *, decimal_comma: bool) -> Decimal | tuple[str, str]:
    text = cell.replace(" ", "")
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _AMOUNT.match(text):
        hint = " (a decimal point, or a decimal comma in a ;-separated file)"
        return ("invalid", f"{cell[:40]!r} is not a decimal number{hint}.")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return ("invalid", f"{cell[:40]!r} is not a decimal number.")
    if value <= 0:
        return ("min_value", "The amount must be greater than 0.")
    _sign, digits, exponent = value.as_tuple()
    if -exponent > AMOUNT_MAX_DECIMALS:
        return ("max_decimal_places", f"At most {AMOUNT_MAX_DECIMALS} decimal places.")
    if len(digits) - max(0, -exponent) > AMOUNT_MAX_DIGITS - AMOUNT_MAX_DECIMALS:
        return (
            "max_digits",
            f"At most {AMOUNT_MAX_DIGITS - AMOUNT_MAX_DECIMALS} digits before the decimal point.",
        )
    return value


def _usage_at(cell: str) -> datetime | tuple[str, str]:
    try:
        value = parse_aware_datetime(cell)
    except ValueError:
        return (
            "naive",
            "Include a time zone offset, e.g. 2024-03-01T00:00:00+01:00 or ...Z.",
        )
    if value is None:
        return (
            "invalid",
            f"{cell[:40]!r} is not an ISO 8601 date-time, e.g. 2024-03-01T08:00:00Z.",
        )
    try:
        value.astimezone(UTC)
        validate_usage_at(value)
    except OverflowError:
        return ("out_of_range", "Date-time out of range.")
    except ValidationError as exc:
        return (exc.code or "invalid", exc.messages[0])
    return value


@dataclass
class _Parsed:
    rows: list[NewUsage]
    errors: list[RowError]
    error_count: int


def _rows(
    text: str, *, actor: User | None, default_user_id: str | None, progress: Progress | None
) -> _Parsed:
    header_line = text.lstrip().partition("\n")[0]
    if not header_line:
        raise _file_error(
            "The file is empty: send a header row and one row per usage.", code="empty"
        )
    delimiter = _delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise _file_error(
            f"Row {reader.line_num}: the file is not valid CSV ({exc}).", code="invalid_csv"
        ) from None
    header_index = next(i for i, cells in enumerate(records) if any(c.strip() for c in cells))
    columns = _header(records[header_index], user_column_allowed=actor is None or actor.is_staff)
    data = [
        (number, cells)
        for number, cells in enumerate(records[header_index + 1 :], start=header_index + 2)
        if any(cell.strip() for cell in cells)  # blank rows keep their number, hold nothing
    ]
    if not data:
        raise _file_error("The file has a header but no rows.", code="empty")
    if len(data) > IMPORT_MAX_ROWS:
        raise _file_error(
            f"The file has {len(data)} rows; at most {IMPORT_MAX_ROWS} can be imported at once: "
            "split it.",
            code="too_many_rows",
        )

    types = _TypeIndex(UsageType.objects.all())
    factors = FactorTable.load(types.by_id)
    position = {name: index for index, name in enumerate(columns)}
    has_user = "user" in position
    if not has_user and default_user_id is None:
        raise _file_error(
            "Whose usages are these? Add a user column or give a default user (--user).",
            code="required",
            attr="user",
        )
    user_ids: set[str] = set()
    if has_user:
        at = position["user"]
        named = {_unescape(cells[at]) for _, cells in data if len(cells) > at} - {""}
        user_ids = set(User.objects.filter(pk__in=named).values_list("pk", flat=True))
    decimal_comma = delimiter == ";"
    errors: list[RowError] = []
    count = 0
    rows: list[NewUsage] = []

    def refuse(number: int, column: str | None, code: str, detail: str) -> None:
        nonlocal count
        count += 1
        if len(errors) < ROW_ERRORS_SHOWN:
            errors.append(RowError(number, column, code, detail))

    step = max(1, len(data) // 100)
    for done, (number, cells) in enumerate(data, start=1):
        if progress is not None and (done % step == 0 or done == len(data)):
            progress("check", done, len(data))
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            refuse(
                number,
                None,
                "too_many_cells",
                f"The row has {len(cells)} cells; the header names {len(columns)} columns.",
            )
            continue
        row = _row(
            {name: _unescape(cells[i]) if i < len(cells) else "" for name, i in position.items()},
            refuse=lambda column, code, detail, number=number: refuse(number, column, code, detail),
            types=types,
            factors=factors,
            decimal_comma=decimal_comma,
            user_ids=user_ids if has_user else None,
            default_user_id=default_user_id,
        )
        if row is not None:
            rows.append(row)
    return _Parsed(rows=rows, errors=errors, error_count=count)


def _row(
    values: dict[str, str],
    *,
    refuse: Callable[[str | None, str, str], None],
    types: _TypeIndex,
    factors: FactorTable,
    decimal_comma: bool,
    user_ids: set[str] | None,
    default_user_id: str | None,
) -> NewUsage | None:
    """One data row as a NewUsage, or None after refusing each bad cell."""
    bad = False
    for name in REQUIRED_COLUMNS:
        if not values[name]:
            refuse(name, "required", f"{name} is required.")
            bad = True
        elif len(values[name]) > CELL_MAX_LENGTH:
            refuse(name, "max_length", f"At most {CELL_MAX_LENGTH} characters.")
            values[name] = ""
            bad = True
    usage_type = amount = usage_at = None
    if values["usage_type"]:
        found = types.find(values["usage_type"])
        if isinstance(found, tuple):
            refuse("usage_type", *found)
            bad = True
        else:
            usage_type = found
    if values["usage_at"]:
        parsed = _usage_at(values["usage_at"])
        if isinstance(parsed, tuple):
            refuse("usage_at", *parsed)
            bad = True
        else:
            usage_at = parsed
    if values["amount"]:
        parsed = _amount(values["amount"], decimal_comma=decimal_comma)
        if isinstance(parsed, tuple):
            refuse("amount", *parsed)
            bad = True
        else:
            amount = parsed
    unit = values.get("unit", "")
    if len(unit) > UNIT_MAX_LENGTH:
        refuse("unit", "max_length", f"At most {UNIT_MAX_LENGTH} characters.")
        bad, unit = True, ""
    owner = values.get("user", "")
    if owner and owner not in (user_ids or ()):
        refuse("user", "not_found", f"No member has id {owner[:40]!r}.")
        bad = True
    owner = owner or default_user_id
    if not owner:
        refuse("user", "required", "No owner: fill in user, or give the default user.")
        bad = True
    if (
        usage_type is not None
        and usage_at is not None
        and factors.version_at(usage_type.pk, usage_at) is None
    ):
        refuse(
            "usage_at",
            "no_factor",
            f"{usage_type} has no emission factor valid on {usage_at:%Y-%m-%d} (UTC).",
        )
        bad = True
    if usage_type is not None and amount is not None:
        try:
            amount_in_type_unit(usage_type=usage_type, amount=amount, unit=unit or None)
        except InvalidInput as exc:
            refuse(exc.attr, exc.code, exc.detail)
            bad = True
    if bad:
        return None
    return NewUsage(usage_type, usage_at, amount, unit or None, owner)


def _default_owner(*, actor: User | None, default_user: User | str | None) -> str | None:
    """The id of the owner of rows without a `user` cell."""
    if default_user is None:
        return actor.pk if actor is not None else None
    user_id = default_user.pk if isinstance(default_user, User) else str(default_user)
    if actor is not None and not actor.is_staff and user_id != actor.pk:
        raise InvalidInput(
            "Only staff may import for other members: leave out user.",
            code="permission_denied",
            attr="user",
        )
    if not isinstance(default_user, User) and not User.objects.filter(pk=user_id).exists():
        raise InvalidInput(f"No member has id {user_id[:40]!r}.", code="not_found", attr="user")
    return user_id


def usages_import(
    *,
    actor: User | None,
    data: bytes | str | IO,
    default_user: User | str | None = None,
    progress: Progress | None = None,
) -> int:
    """Create the usages of a CSV file (see the module docstring) in one transaction; returns
    how many. `actor` None is an operator at the shell (may name any owner).

    A member imports only their own usages: a `user` column or another `default_user` is
    refused. Bad rows raise ImportRowsInvalid listing them and nothing is saved; a bad file
    (encoding, header, no rows, too many rows) raises InvalidInput naming it.
    """
    default_user_id = _default_owner(actor=actor, default_user=default_user)
    parsed = _rows(_decode(data), actor=actor, default_user_id=default_user_id, progress=progress)
    if parsed.error_count:
        raise ImportRowsInvalid(parsed.errors, parsed.error_count)
    rows = parsed.rows
    with transaction.atomic():  # all chunks or none: a chunk failing rolls back the others
        for start in range(0, len(rows), SAVE_CHUNK_ROWS):
            usages_bulk_create(rows=rows[start : start + SAVE_CHUNK_ROWS], batch_size=2000)
            if progress is not None:
                progress("save", min(start + SAVE_CHUNK_ROWS, len(rows)), len(rows))
    return len(rows)
