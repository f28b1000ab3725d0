"""Reading export files into a DuckDB table of text columns, for :mod:`crawler.importer`.

Every reader loads one file into the table ``raw`` of an in-memory DuckDB connection: the
file's columns as VARCHAR (Parquet keeps its types; the importer casts) plus, where the reader
knows it, ``_line`` (the line or record number of the row, for messages). Rows the reader itself
cannot use (broken quoting, broken JSON) come back as ``(line, reason)`` pairs; the rows around
them are kept.

CSV and TSV go through DuckDB's ``read_csv`` first (fast, strict); a file it refuses falls back
to a record-by-record reader that rejects only the broken records. Text is UTF-8, UTF-16 with a
BOM, or cp1252 line by line where it is not UTF-8 (:func:`decode`), the same for both readers.

Example::

    con = duckdb.connect()
    loaded = read_into(con, Path("reviews.csv.gz"))
    loaded.rejects   # [(14, "broken quoting"), ...]
"""
from __future__ import annotations

import ast
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from crawler.import_columns import KNOWN_NAMES, column_key

FORMATS = ("csv", "tsv", "json", "jsonl", "parquet")
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl",
             ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet", ".txt": None}
# A quoted field longer than this many physical lines is taken for a quote that never closes.
_MAX_LINES_PER_RECORD = 200


class UnreadableFile(Exception):
    """A file that cannot be read at all; the message names it and says what to do."""


@dataclass
class Loaded:
    """What a reader put into ``raw``."""
    fmt: str
    rows: int
    has_line_column: bool           # False: the line is rowid + first_line
    first_line: int                 # line/record number of the first row when there is no _line
    unit: str                       # "line" or "record"
    encoding: str = "utf-8"
    rejects: list[tuple[int, str]] = field(default_factory=list)
    exact_lines: bool = True        # False when blank lines or multi-line fields may shift them
    delimiter: str | None = None
    header_line: int = 1            # the (last) line of the header: a title or ``sep=`` may precede it


def detect_format(path: Path) -> str:
    """The file's format from its name (``.gz`` looked through), else from its first bytes.

    >>> detect_format(Path("export.tsv.gz"))
    'tsv'
    """
    name = path.name.lower()
    suffixes = [s for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    fmt = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if fmt:
        return fmt
    head = _open_bytes(path).read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0].strip()
        return "jsonl" if first_line.endswith(b"}") else "json"
    first_line = head.split(b"\n", 1)[0]
    return "tsv" if first_line.count(b"\t") > first_line.count(b",") else "csv"


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")


def _read_bytes(path: Path) -> bytes:
    try:
        with _open_bytes(path) as handle:
            return handle.read()
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"cannot read {path}: {exc}; check the file is complete "
                             f"(a .gz file must be gzip)") from exc


# cp1252 where it defines a byte (curly quotes, dashes, the euro sign), latin-1 for its five
# undefined bytes (0x81, 0x8d, 0x8f, 0x90, 0x9d): latin-1 text translated.
_CP1252 = {byte: bytes([byte]).decode("cp1252") for byte in range(0x80, 0xa0)
           if byte not in (0x81, 0x8d, 0x8f, 0x90, 0x9d)}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _cp1252(data: bytes) -> str:
    """Bytes of a Windows export ("It\\x92s" -> "It’s"), any byte accepted."""
    return data.decode("latin-1").translate(_CP1252)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: UTF-8 (a BOM is dropped); UTF-16 with a BOM (Excel's
    "Unicode text"); else line by line, UTF-8 where the line is UTF-8 and cp1252 where it is
    not, so a UTF-8 file with a few Windows lines keeps its accents ("utf-8+cp1252"), and a
    Windows file is read as cp1252.

    >>> decode(b"It\\x92s caf\\xc3\\xa9")
    ('It’s cafÃ©', 'cp1252')
    >>> decode("café".encode() + b"\\n" + b"It\\x92s")
    ('café\\nIt’s', 'utf-8+cp1252')
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: read below
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    if lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    utf8_lines = 0
    for position, line in enumerate(lines):
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                utf8_lines += 1
        except UnicodeDecodeError:
            text = _cp1252(line)
        lines[position] = text
    return "\n".join(lines), "utf-8+cp1252" if utf8_lines else "cp1252"


def _decode_line(line: bytes, encoding: str) -> str:
    """One line of a file :func:`decode` read as ``encoding`` (not UTF-16), decoded the same way."""
    if encoding == "utf-8":
        return line.decode("utf-8", errors="replace")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return _cp1252(line)


def _read_text(path: Path) -> tuple[str, str]:
    """The whole file as text, and its encoding (:func:`decode`)."""
    return decode(_read_bytes(path))


def read_into(con: duckdb.DuckDBPyConnection, path: Path, fmt: str | None = None) -> Loaded:
    """Load ``path`` into the table ``raw`` of ``con`` (replacing it) and describe what came in."""
    if not path.exists():
        raise UnreadableFile(f"no such file: {path}")
    if path.is_dir():
        raise UnreadableFile(f"{path} is a folder; pass the export files in it instead")
    fmt = fmt or detect_format(path)
    if fmt in ("csv", "tsv"):
        return _read_delimited(con, path, _delimiter(path) if fmt == "csv" else "\t", fmt)
    if fmt == "parquet":
        return _read_parquet(con, path)
    if fmt in ("json", "jsonl"):
        return _read_json(con, path, fmt)
    raise UnreadableFile(f"unknown format {fmt!r} for {path}; use one of {', '.join(FORMATS)}")


# --- CSV / TSV ------------------------------------------------------------------------------

def _delimiter(path: Path) -> str:
    """Comma, unless the header line clearly uses semicolons (spreadsheets in many locales),
    tabs or pipes instead."""
    try:
        with _open_bytes(path) as handle:
            header = handle.readline(65536)
    except (OSError, EOFError):
        return ","
    if (sep := _excel_sep(header.decode("utf-8-sig", errors="replace"))) is not None:
        return sep
    counts = {sep: header.count(sep.encode()) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _read_delimited(con, path: Path, delimiter: str, fmt: str) -> Loaded:
    """DuckDB's ``read_csv`` for a well-formed file; the careful reader for the others.

    A file that is not UTF-8 is decoded in Python (:func:`decode`) and, when it is well formed,
    read by DuckDB from a UTF-8 copy, so both readers see the same text."""
    if not _starts_with_utf16_bom(path):
        try:
            loaded = _read_csv_fast(con, path, path, delimiter, fmt, "utf-8")
        except _NotUtf8:
            pass
        else:
            if loaded is not None:
                return loaded
            return _read_delimited_carefully(con, path, delimiter, fmt, *_read_text(path))
    text, encoding = _read_text(path)
    if encoding != "utf-8":
        import tempfile

        with tempfile.TemporaryDirectory(prefix="reviewlens-import-") as folder:
            copy = Path(folder) / "utf8.csv"
            copy.write_text(text, encoding="utf-8", newline="")
            try:
                loaded = _read_csv_fast(con, path, copy, delimiter, fmt, encoding)
            except _NotUtf8:
                loaded = None
        if loaded is not None:
            return loaded
    return _read_delimited_carefully(con, path, delimiter, fmt, text, encoding)


class _NotUtf8(Exception):
    """DuckDB found bytes that are not UTF-8."""


def _starts_with_utf16_bom(path: Path) -> bool:
    with _open_bytes(path) as handle:
        return handle.read(2) in _UTF16_BOMS


def _excel_sep(line: str) -> str | None:
    """The delimiter a first line ``sep=;`` (Excel's way of naming it) names, else None."""
    line = line.lstrip("\ufeff").rstrip("\r\n")
    return line[4] if len(line) == 5 and line[:4].lower() == "sep=" else None


# DuckDB's sniffer skips a title or blank lines above the header; a header further down is
# taken for a misread (a last line with an extra field can look like a header to it).
_HEADER_WITHIN = 5
def _read_csv_fast(con, path: Path, source: Path, delimiter: str, fmt: str,
                   encoding: str) -> Loaded | None:
    """``read_csv`` of ``source`` (``path`` or its UTF-8 copy) into ``raw``; None when DuckDB
    refuses a row or may have misread the header (the careful reader's turn); raises
    :class:`_NotUtf8`.

    DuckDB's sniffer may skip lines above the header (a title, blank lines); its header is
    accepted when it is one of the first few records of the file, only lines with fewer fields
    above it, and at least one row was read. An Excel ``sep=;`` line is skipped outright."""
    sep_line = _excel_sep(_first_text_line(source)) == delimiter
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(?, all_varchar = true, "
            f"header = true, {'skip = 1, ' if sep_line else ''}delim = ?, quote = '\"', "
            "escape = '\"', strict_mode = true, encoding = 'utf-8')",
            [str(source), delimiter]).fetchall()
    except duckdb.Error as exc:
        text = str(exc)
        if "not utf-8 encoded" in text or "Invalid unicode" in text:
            raise _NotUtf8() from exc
        if "No such file" in text or "IO Error" in text and "gzip" not in text.lower():
            raise UnreadableFile(f"cannot read {path}: {text.splitlines()[0]}") from exc
        return None  # broken rows: the careful reader rejects just those
    columns = [row[0] for row in con.execute("SELECT column_name FROM (DESCRIBE raw)").fetchall()]
    head = _leading_records(source, delimiter)
    candidates = head[1:] if sep_line else head
    matches = [record for record in candidates if _same_names(columns, record[2])]
    if len(matches) != 1:
        return None
    start, end, fields = matches[0]
    if sep_line and start != 2:
        return None
    if any(len(record[2]) >= len(fields) for record in candidates if record[0] < start):
        return None  # a data line above the header: not a title
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    if rows == 0 and start > 1:
        return None
    return Loaded(fmt, rows, has_line_column=False, first_line=end + 1, unit="line",
                  encoding=encoding, exact_lines=False, delimiter=delimiter, header_line=end)


def _first_text_line(source: Path) -> str:
    try:
        with _open_bytes(source) as handle:
            return handle.readline(1 << 16).decode("utf-8-sig", errors="replace")
    except (OSError, EOFError):
        return ""  # DuckDB says what is wrong with the file


def _leading_records(source: Path, delimiter: str) -> list[tuple[int, int, list[str]]]:
    """``(first line, last line, fields)`` of the first :data:`_HEADER_WITHIN` records of
    ``source`` (UTF-8) that can be read (blank lines skipped)."""
    lines = []
    with _open_bytes(source) as handle:
        for number, line in enumerate(handle):
            if number >= _HEADER_WITHIN * 20 or len(lines) and sum(map(len, lines)) > 1 << 20:
                break
            lines.append(line.decode("utf-8", errors="replace").rstrip("\n").rstrip("\r"))
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    found = []
    for start, end, fields, problem in _records(lines, delimiter):
        if len(found) == _HEADER_WITHIN:
            break
        found.append((start, end, fields if problem is None else []))
    return found


def _same_names(columns: list[str], fields: list[str]) -> bool:
    """Whether DuckDB's ``columns`` are the names of a line of ``fields``: the same number, and
    each name that is not blank nor a repeat (in any case) the same, trimmed, in any case.
    Blanks and repeats may be named DuckDB's way (``column03``, ``title_1``), or ours."""
    if not fields or len(columns) != len(fields):
        return False
    ours = _unique_names(fields)
    seen: set[str] = set()
    for column, name, our_name in zip(columns, fields, ours):
        key = name.lstrip("\ufeff").strip().lower()
        if key and key not in seen and column.lower() not in (key, our_name.lower()):
            return False
        seen.add(key)
    return True


def _read_delimited_carefully(con, path: Path, delimiter: str, fmt: str, text: str,
                              encoding: str) -> Loaded:
    """Record by record, so that a broken quote costs only its own line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if not any(line.strip() for line in lines):
        raise UnreadableFile(f"{path} is empty: it needs a header line and one review per line")
    # The header: the first line that is not blank, after an Excel ``sep=;`` line.
    first = 1 if _excel_sep(lines[0]) == delimiter and len(lines) > 1 else 0
    while first < len(lines) - 1 and _blank(lines[first], delimiter):
        first += 1
    header, problem = _split_record(lines[first], delimiter)
    if problem or not any(name.strip() for name in header):
        raise UnreadableFile(f"cannot read the header line of {path}; the first line must name "
                             f"the columns, separated by {'tabs' if delimiter == chr(9) else 'commas'}")
    header = _unique_names(header)
    records: list[list[str]] = []
    line_numbers: list[int] = []
    rejects: list[tuple[int, str]] = []
    for line, _, fields, problem in _records(lines, delimiter, first=first + 1):
        if problem is None and len(fields) != len(header):
            problem = f"{len(fields)} fields where the header has {len(header)}"
        if problem:
            rejects.append((line, problem))
            continue
        records.append(fields)
        line_numbers.append(line)
    _load_columns(con, header, records, line_numbers)
    return Loaded(fmt, len(records), has_line_column=True, first_line=first + 2, unit="line",
                  encoding=encoding, rejects=rejects, delimiter=delimiter, header_line=first + 1)


def _blank(line: str, delimiter: str) -> bool:
    """A blank line between records: no text and no delimiter (``\\t\\t`` in a TSV is a row
    of empty fields, as DuckDB reads it)."""
    return not line.strip() and delimiter not in line


def _records(lines, delimiter: str, first: int = 0):
    """``(first line, last line, fields, problem)`` for each record of ``lines`` from index
    ``first`` (blank lines between records skipped, :func:`_blank`; lines count from 1).

    A record goes on over the next lines while a quoted field is open (at most
    :data:`_MAX_LINES_PER_RECORD` lines). A record that cannot be read ("broken quoting")
    costs only its first line: the next line may be a good record. A readable one, even with
    the wrong number of fields, is one record, its lines included."""
    i = first
    while i < len(lines):
        if _blank(lines[i], delimiter):
            i += 1
            continue
        j, chunk = i, lines[i]
        fields, problem = _split_record(chunk, delimiter)
        while problem == _OPEN and j + 1 < len(lines) and j - i < _MAX_LINES_PER_RECORD:
            j += 1
            chunk += "\n" + lines[j]
            fields, problem = _split_record(chunk, delimiter)
        if problem:
            yield i + 1, i + 1, None, "broken quoting"
            i += 1
            continue
        yield i + 1, j + 1, fields, None
        i = j + 1


_OPEN = "a quoted field is not closed"
# Possessive: ``"a""`` is an open field holding ``a"``, not ``"a"`` and a stray quote.
_QUOTED = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')


def _split_record(chunk: str, delimiter: str) -> tuple[list[str], str | None]:
    """The fields of one record (CSV with double quotes: a quote opens a quoted field only at
    the start of a field, ``""`` inside it is a quote; elsewhere a quote is a character, as in
    ``the 17" screen``) and a problem: None, :data:`_OPEN` (the record may go on, on the next
    line) or ``"broken quoting"`` (text after a closing quote).

    >>> _split_record('p1,"Good, ""really"" good",the 17" screen', ",")
    (['p1', 'Good, "really" good', 'the 17" screen'], None)
    """
    fields: list[str] = []
    position, end = 0, len(chunk)
    while True:
        if position < end and chunk[position] == '"':
            match = _QUOTED.match(chunk, position)
            if match is None:
                return fields, _OPEN
            fields.append(match.group()[1:-1].replace('""', '"'))
            position = match.end()
            if position < end and chunk[position] != delimiter:
                return fields, "broken quoting"
        else:
            stop = chunk.find(delimiter, position)
            stop = end if stop < 0 else stop
            fields.append(chunk[position:stop])
            position = stop
        if position >= end:
            return fields, None
        position += 1  # past the delimiter


def _unique_names(names: list[str]) -> list[str]:
    """Column names as DuckDB 2.0 makes them: trimmed, a blank one ``columnN`` (N padded to the
    width of the last position), a repeat in any case numbered until it is new.

    >>> _unique_names(["a", "A", "a_1", ""] + ["x"] * 7)
    ['a', 'A_1', 'a_1_1', 'column03', 'x', 'x_1', 'x_2', 'x_3', 'x_4', 'x_5', 'x_6']
    """
    width = len(str(max(len(names) - 1, 0)))
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(names):
        name = name.lstrip("\ufeff").strip() or f"column{position:0{width}d}"
        while name.lower() in seen:
            seen[name.lower()] += 1
            name = f"{name}_{seen[name.lower()]}"
        seen[name.lower()] = 0
        out.append(name)
    return out


def _load_columns(con, header: list[str], records: list[list], line_numbers: list[int]) -> None:
    import pyarrow as pa

    columns = {"_line": pa.array(line_numbers, type=pa.int64())}
    for position, name in enumerate(header):
        columns[name] = pa.array([r[position] if position < len(r) else None for r in records],
                                 type=pa.string())
    table = pa.table(columns)
    con.register("_loaded", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM _loaded").fetchall()
    finally:
        con.unregister("_loaded")


# --- Parquet --------------------------------------------------------------------------------

def _read_parquet(con, path: Path) -> Loaded:
    source = path
    if _is_gzip(path):  # unusual, but some tools gzip whole Parquet files
        import tempfile

        with _open_bytes(path) as handle, tempfile.NamedTemporaryFile(suffix=".parquet", delete=False) as out:
            out.write(handle.read())
        source = Path(out.name)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_parquet(?)",
                    [str(source)]).fetchall()
    except duckdb.Error as exc:
        raise UnreadableFile(f"cannot read {path} as Parquet: {str(exc).splitlines()[0]}") from exc
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    return Loaded("parquet", rows, has_line_column=False, first_line=1, unit="record")


# --- JSON / JSON Lines ----------------------------------------------------------------------

def _read_json(con, path: Path, fmt: str) -> Loaded:
    text, encoding = _read_text(path)
    if not text.strip():
        raise UnreadableFile(f"{path} is empty; an export must be a JSON array of reviews, an "
                             f"object holding one, or one review per line")
    records: list[dict] = []
    numbers: list[int] = []
    rejects: list[tuple[int, str]] = []
    unit = "line"
    whole = None
    if fmt == "json":
        try:
            whole = json.loads(text)
        except json.JSONDecodeError as exc:
            if "Extra data" not in str(exc):
                raise UnreadableFile(f"{path} is not valid JSON ({exc}); an export must be a JSON "
                                     f"array of reviews, an object holding one, or one review per line") from exc
    if whole is not None:
        items = _review_list(whole, path)
        unit = "record"
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                records.append(item)
                numbers.append(number)
            else:
                rejects.append((number, "not a JSON object"))
    else:
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.strip()
            if not line:
                continue
            item = _json_line(line)
            if isinstance(item, dict):
                records.append(item)
                numbers.append(number)
            else:
                rejects.append((number, "broken JSON" if item is None else "not a JSON object"))
    records = [_flatten(record) for record in records]
    names: dict[str, None] = {}
    for record in records:
        for key in record:
            names.setdefault(key, None)
    header = list(names)
    rows = [[_as_text(record.get(name)) for name in header] for record in records]
    if not header:
        header = ["_empty"]
    _load_columns(con, header, rows, numbers)
    return Loaded(fmt, len(records), has_line_column=True, first_line=1, unit=unit,
                  encoding=encoding, rejects=rejects)


def _json_line(line: str):
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        pass
    # Older marketplace dumps are Python dict literals, one per line.
    if line.startswith("{"):
        try:
            return ast.literal_eval(line)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    return None


_VARIANT_KEYS = {column_key(name) for name in KNOWN_NAMES["variant"]}
_LIST_KEYS = ("reviews", "data", "items", "results", "records", "rows")


def _review_list(whole, path: Path) -> list:
    """The reviews of a JSON document: the array itself, or the list of objects an object
    holds (a known key such as ``reviews`` first, at the top, then in nested objects:
    ``{"meta": ..., "data": {"reviews": [...]}}``), else the object as a single review."""
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict):
        level = [whole]
        for _ in range(4):  # wrappers go a few levels deep, not more
            found = _list_in(level)
            if found is not None:
                return found
            level = [value for holder in level for value in holder.values() if isinstance(value, dict)]
        return [whole]  # a single review
    raise UnreadableFile(f"{path} holds a JSON {type(whole).__name__}, not reviews; expected an "
                         f"array of review objects or an object with a list of them")


def _list_in(holders: list[dict]) -> list | None:
    """The list of reviews directly in one of ``holders`` (objects at one depth), or None:
    under a known key first, else the first non-empty list of objects."""
    for holder in holders:
        for key in _LIST_KEYS:
            if isinstance(holder.get(key), list):
                return holder[key]
    for holder in holders:
        for value in holder.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value[:10]):
                return value
    return None


def _flatten(record: dict, prefix: str = "") -> dict:
    """Nested objects as dotted columns: ``{"review": {"text": "..."}}`` -> ``review.text``
    (matched as ``reviewtext``, :mod:`crawler.import_columns`). Lists, and a variant's object
    (``"style": {"Color:": "Black"}``, read whole by the importer), stay JSON text.

    MongoDB's extended JSON wraps a value in one ``$`` key (``{"$date": "2024-07-04T..."}``,
    ``{"$numberInt": "5"}``): the value stands for the field itself.

    >>> _flatten({"rating": 5, "user": {"name": "Ann", "id": {"n": 7}}, "style": {"Size:": "L"}})
    {'rating': 5, 'user.name': 'Ann', 'user.id.n': 7, 'style': {'Size:': 'L'}}
    >>> _flatten({"date": {"$date": "2024-07-04T10:00:00Z"}, "overall": {"$numberInt": "5"}})
    {'date': '2024-07-04T10:00:00Z', 'overall': '5'}
    """
    flat: dict = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        while isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith("$"):
            value = next(iter(value.values()))   # Mongo's {"$date": ...}, {"$numberLong": ...}
        if isinstance(value, dict) and value and column_key(name) not in _VARIANT_KEYS:
            for inner, inner_value in _flatten(value, f"{name}.").items():
                flat.setdefault(inner, inner_value)
        else:
            flat.setdefault(name, value)
    return flat


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)


def exact_line_numbers(path: Path, delimiter: str, encoding: str, indexes: list[int],
                       header_line: int = 1) -> dict[int, int]:
    """Map row indexes (0-based, header excluded) to their first physical line in the file.

    DuckDB's reader skips blank lines and a quoted field can span lines, so ``index + 2`` is
    only right for simple files; this pass (run only when rows were rejected, on a file DuckDB
    read, so every record is well formed) makes the line numbers in messages exact.
    ``header_line`` (:attr:`Loaded.header_line`): the rows start after it.
    """
    wanted = set(indexes)
    found: dict[int, int] = {}
    index, start, chunk = 0, 0, None
    header: list[str] = []
    columns = 1
    for number, line in enumerate(_text_lines(path, encoding), start=1):
        if number <= header_line:
            header.append(line)
            if number == header_line:
                records = list(_records(header, delimiter))
                columns = len(records[-1][2] or [None]) if records else 1
            continue
        if chunk is None:
            # DuckDB skips an empty line when there are several columns; with one column an
            # empty line is a row (a line of delimiters, such as \t\t, is always a row).
            if line == "" and columns > 1:
                continue
            chunk, start = line, number
        else:
            chunk += "\n" + line
        if ('"' in chunk and _split_record(chunk, delimiter)[1] == _OPEN
                and number - start < _MAX_LINES_PER_RECORD):
            continue
        if index in wanted:
            found[index] = start
            if len(found) == len(wanted):
                break
        index, chunk = index + 1, None
    return found


def _text_lines(path: Path, encoding: str):
    """The file's lines (without their line ends), decoded as :func:`decode` decoded it."""
    if encoding == "utf-16":
        yield from _read_text(path)[0].split("\n")
        return
    with _open_bytes(path) as handle:
        for line in handle:
            yield _decode_line(line, encoding).rstrip("\n").rstrip("\r")
