"""Reading export files into a DuckDB table of text columns, for :mod:`crawler.importer`.

Every reader loads one file into the table ``raw`` of an in-memory DuckDB connection: the
file's columns as VARCHAR (Parquet keeps its types; the importer casts) plus, where the reader
knows it, ``_line`` (the line or record number of the row, for messages). Rows the reader itself
cannot use (broken quoting, broken JSON) come back as ``(line, reason)`` pairs; the rows around
them are kept.

CSV and TSV go through DuckDB's ``read_csv`` first (fast, strict); a file it refuses falls back
to a line-by-line reader that rejects only the broken records.

Example::

    con = duckdb.connect()
    loaded = read_into(con, Path("reviews.csv.gz"))
    loaded.rejects   # [(14, "broken quoting"), ...]
"""
from __future__ import annotations

import ast
import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

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


def _read_text(path: Path) -> tuple[str, str]:
    """The whole file as text: UTF-8 (a BOM is dropped), else latin-1."""
    try:
        with _open_bytes(path) as handle:
            data = handle.read()
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"cannot read {path}: {exc}; check the file is complete "
                             f"(a .gz file must be gzip)") from exc
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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
    counts = {sep: header.count(sep.encode()) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _read_delimited(con, path: Path, delimiter: str, fmt: str) -> Loaded:
    for encoding in ("utf-8", "latin-1"):
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(?, all_varchar = true, "
                "header = true, delim = ?, quote = '\"', escape = '\"', strict_mode = true, "
                "encoding = ?)", [str(path), delimiter, encoding]).fetchall()
        except duckdb.Error as exc:
            text = str(exc)
            if "not utf-8 encoded" in text or "Invalid unicode" in text:
                continue  # try latin-1
            if "No such file" in text or "IO Error" in text and "gzip" not in text.lower():
                raise UnreadableFile(f"cannot read {path}: {text.splitlines()[0]}") from exc
            break  # broken rows: the careful reader rejects just those
        rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
        return Loaded(fmt, rows, has_line_column=False, first_line=2, unit="line",
                      encoding=encoding, exact_lines=False, delimiter=delimiter)
    return _read_delimited_carefully(con, path, delimiter, fmt)


def _read_delimited_carefully(con, path: Path, delimiter: str, fmt: str) -> Loaded:
    """Record by record, so that a broken quote costs only its own line."""
    text, encoding = _read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if not lines:
        raise UnreadableFile(f"{path} is empty: it needs a header line and one review per line")
    header = _parse_record(lines[0], delimiter)
    if header is None or not any(name.strip() for name in header):
        raise UnreadableFile(f"cannot read the header line of {path}; the first line must name "
                             f"the columns, separated by {'tabs' if delimiter == chr(9) else 'commas'}")
    header = _unique_names(header)
    records: list[list[str]] = []
    line_numbers: list[int] = []
    rejects: list[tuple[int, str]] = []
    i = 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        j, chunk = i, line
        while chunk.count('"') % 2 == 1 and j + 1 < len(lines) and j - i < _MAX_LINES_PER_RECORD:
            j += 1
            chunk += "\n" + lines[j]
        fields = None if chunk.count('"') % 2 == 1 else _parse_record(chunk, delimiter)
        if fields is None:
            rejects.append((i + 1, "broken quoting"))
            i += 1
            continue
        if len(fields) != len(header):
            reason = "broken quoting" if j > i else f"{len(fields)} fields where the header has {len(header)}"
            rejects.append((i + 1, reason))
            i += 1  # only this line: the next one may be a good record
            continue
        records.append(fields)
        line_numbers.append(i + 1)
        i = j + 1
    _load_columns(con, header, records, line_numbers)
    return Loaded(fmt, len(records), has_line_column=True, first_line=2, unit="line",
                  encoding=encoding, rejects=rejects, delimiter=delimiter)


def _parse_record(chunk: str, delimiter: str) -> list[str] | None:
    try:
        rows = list(csv.reader(io.StringIO(chunk, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    if len(rows) != 1:
        return None
    return rows[0]


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(names):
        name = name.strip().lstrip("\ufeff") or f"column{position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
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


def _review_list(whole, path: Path) -> list:
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict):
        for key in ("reviews", "data", "items", "results", "records", "rows"):
            if isinstance(whole.get(key), list):
                return whole[key]
        for value in whole.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value[:10]):
                return value
        return [whole]  # a single review
    raise UnreadableFile(f"{path} holds a JSON {type(whole).__name__}, not reviews; expected an "
                         f"array of review objects or an object with a list of them")


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


def exact_line_numbers(path: Path, delimiter: str, encoding: str, indexes: list[int]) -> dict[int, int]:
    """Map row indexes (0-based, header excluded) to their first physical line in the file.

    DuckDB's reader skips blank lines and a quoted field can span lines, so ``index + 2`` is
    only right for simple files; this pass (run only when rows were rejected) makes the line
    numbers in messages exact.
    """
    wanted = set(indexes)
    found: dict[int, int] = {}
    with _open_bytes(path) as raw_handle:
        handle = io.TextIOWrapper(raw_handle, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                                  newline="")
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        index = 0
        start = reader.line_num + 1
        for row in reader:
            if row:
                if index in wanted:
                    found[index] = start
                    if len(found) == len(wanted):
                        break
                index += 1
            start = reader.line_num + 1
    return found
