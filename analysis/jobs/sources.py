"""The sources file: what a merchant wants watched, in one TOML file (``reviewlens.toml``).

Each ``[[source]]`` names start URLs (product, listing pages) and/or sitemaps, how to crawl
them (profile, max pages, category) and whose products they are (``side = "ours"`` or
``"competitor"``, with per-product overrides). An optional ``[job]`` table says where the
reports go. ``reviewlens sources check`` validates the file and names the line and field of
every problem. See ``reviewlens.example.toml`` and README "Running on a schedule".

Example::

    from analysis.jobs.sources import load_sources
    config = load_sources("reviewlens.toml")
    for source in config.sources:
        print(source.name, source.side, source.urls)
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.normalize import DATE_ORDERS

DEFAULT_FILE = "reviewlens.toml"
ENV_FILE = "REVIEWLENS_SOURCES"
SIDES = ("ours", "competitor")
DEVICES = ("auto", "cpu", "cuda")

SOURCE_KEYS = {
    "name": "a short name for the source, unique in the file",
    "urls": "start URLs: product or listing pages (list of http(s) URLs)",
    "sitemaps": "sitemap URLs whose product pages are crawled (list of http(s) URLs)",
    "side": "whose products these are: \"ours\" or \"competitor\" (default \"ours\")",
    "category": "category given to products that have none on the page",
    "max_pages": "most review pages read per product (whole number > 0)",
    "profile": "site profile name or path, for shops without schema.org markup",
    "obey_robots": "respect robots.txt (true/false, default true)",
    "polite": "delays between requests (default true; false only for your own loopback shop)",
    "dates": "how the site writes numeric dates like 03/04/2024: \"day-first\" or \"month-first\" "
             "(default: each date on its own, month first unless the first number is above 12)",
    "products": "table of product id = \"ours\" | \"competitor\", overriding side",
}
JOB_KEYS = {
    "reports_dir": "folder the reports are written to (default data/reports)",
    "excel": "write reports with a UTF-8 BOM for Excel (true/false, default false)",
    "device": "analysis device: auto, cpu or cuda (default auto)",
}


class SourcesError(ValueError):
    """A sources file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}:\n{lines}\n"
                         f"Fix the file and check it again with `reviewlens sources check {path}`.")


@dataclass
class Source:
    """One thing to watch: start URLs and/or sitemaps and how to crawl them."""
    name: str
    urls: list[str]
    sitemaps: list[str] = field(default_factory=list)
    side: str = "ours"
    category: str | None = None
    max_pages: int | None = None
    profile: str | None = None
    obey_robots: bool = True
    polite: bool = True
    products: dict[str, str] = field(default_factory=dict)
    day_first: bool | None = None   # `dates = "day-first"`: how the site writes 03/04/2024

    @property
    def start_urls(self) -> list[str]:
        """What the crawler starts from: the pages, then the sitemaps."""
        return self.urls + self.sitemaps


@dataclass
class JobConfig:
    """The whole sources file."""
    path: Path
    sources: list[Source]
    reports_dir: str = "data/reports"
    excel: bool = False
    device: str = "auto"

    def describe(self) -> str:
        """One line for people: how many sources, URLs, and which sides."""
        sides = {s: sum(1 for x in self.sources if x.side == s) for s in SIDES}
        urls = sum(len(s.start_urls) for s in self.sources)
        return (f"{self.path}: {len(self.sources)} source{'s' if len(self.sources) != 1 else ''} "
                f"({sides['ours']} ours, {sides['competitor']} competitor), {urls} start URL"
                f"{'s' if urls != 1 else ''}; reports to {self.reports_dir}")


def default_file() -> str:
    """``$REVIEWLENS_SOURCES`` or ``reviewlens.toml`` in the current folder."""
    return os.environ.get(ENV_FILE) or DEFAULT_FILE


def load_sources(path: str | os.PathLike | None = None, check_profiles: bool = True) -> JobConfig:
    """Read and validate a sources file; raise :class:`SourcesError` listing every problem.

    Example::

        load_sources("reviewlens.example.toml").sources[0].side   # 'ours'
    """
    path = Path(path or default_file())
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(path, [f"no sources file here; copy reviewlens.example.toml to {path} "
                                  f"and list your shop's pages in it"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(path, [f"cannot read it: {exc}"]) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(path, [f"not valid TOML: {exc}"]) from None
    return _Checker(path, text, check_profiles).check(raw)


_PRODUCTS_HEADER = re.compile(r"\s*\[\s*source\s*\.\s*products\s*\]")


def _key_pattern(key: str) -> re.Pattern:
    """A TOML line that sets ``key`` (bare or quoted)."""
    return re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*=""")


class _Checker:
    """Validates the parsed TOML and finds the line of each bad field for the message."""

    def __init__(self, path: Path, text: str, check_profiles: bool):
        self.path = path
        self.lines = text.splitlines()
        self.check_profiles = check_profiles
        self.problems: list[str] = []
        self.source_starts = [i for i, line in enumerate(self.lines)
                              if re.match(r"\s*\[\[\s*source\s*\]\]", line)]

    def _source_lines(self, index: int) -> tuple[int, int] | None:
        """The line range (start, end) of source ``index``'s [[source]] table; None if unknown."""
        if index >= len(self.source_starts):
            return None
        start = self.source_starts[index]
        return start, self.source_starts[index + 1] if index + 1 < len(self.source_starts) else len(self.lines)

    # where a field is written: the first `key =` after the table header, before the next one
    def _line(self, key: str | None, index: int | None) -> int | None:
        if index is None:
            start = next((i for i, l in enumerate(self.lines) if re.match(r"\s*\[\s*job\s*\]", l)), None)
            if start is None:
                return None
            end = next((i for i in range(start + 1, len(self.lines))
                        if re.match(r"\s*\[", self.lines[i])), len(self.lines))
        else:
            span = self._source_lines(index)
            if span is None:
                return None
            start, end = span
        if key is None:
            return start + 1
        pattern = _key_pattern(key)
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i + 1
        if key == "products":
            for i in range(start, end):
                if _PRODUCTS_HEADER.match(self.lines[i]):
                    return i + 1
        return start + 1

    def _products_line(self, key: str, index: int) -> int | None:
        """Where ``key`` is written inside source ``index``'s [source.products] table: its line
        after that header (else the header's, or the source's)."""
        span = self._source_lines(index)
        if span is None:
            return None
        start, end = span
        header = next((i for i in range(start, end) if _PRODUCTS_HEADER.match(self.lines[i])), None)
        if header is None:
            return self._line("products", index)
        pattern = _key_pattern(key)
        return next((i + 1 for i in range(header + 1, end) if pattern.match(self.lines[i])), header + 1)

    def problem(self, message: str, key: str | None = None, index: int | None = None,
                name: str | None = None, line: int | None = None) -> None:
        """A problem with where it is: ``line`` when given, else where ``key`` is written."""
        if line is None and (key is not None or index is not None):
            line = self._line(key, index)
        where = f"line {line}" if line else "file"
        if index is not None:
            label = f"source #{index + 1}" + (f" ({name!r})" if name else "")
            where += f", {label}"
        elif key is not None:
            where += ", [job]"
        if key is not None:
            where += f", field {key}"
        self.problems.append(f"{where}: {message}")

    def check(self, raw: dict[str, Any]) -> JobConfig:
        unknown = set(raw) - {"source", "job"}
        for key in sorted(unknown):
            self.problem(f"unknown top-level key {key!r}; the file has [job] and [[source]] tables "
                         f"(did you mean [[source]]?)")
        config = JobConfig(self.path, [])
        job = raw.get("job", {})
        if not isinstance(job, dict):
            self.problem("[job] must be a table")
            job = {}
        self._check_job(job, config)
        sources = raw.get("source", [])
        if not isinstance(sources, list) or not sources:
            self.problem("no [[source]] tables: list at least one, e.g.\n"
                         "      [[source]]\n      name = \"Our shop\"\n"
                         "      urls = [\"https://shop.example/products/kettle\"]")
            sources = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(sources):
            source = self._check_source(entry, index)
            # names are compared whatever else is wrong with a source, so one check lists every problem
            written = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(written, str) and written.strip():
                name = written.strip()
                if name in seen:
                    self.problem(f"name {name!r} is already used by source #{seen[name] + 1}; "
                                 f"names must be unique", "name", index, written)
                seen.setdefault(name, index)
            if source is not None:
                config.sources.append(source)
        if self.problems:
            raise SourcesError(self.path, self.problems)
        return config

    def _check_job(self, job: dict[str, Any], config: JobConfig) -> None:
        for key in sorted(set(job) - set(JOB_KEYS)):
            self.problem(f"unknown key; [job] knows {', '.join(sorted(JOB_KEYS))}", key)
        if "reports_dir" in job:
            if isinstance(job["reports_dir"], str) and job["reports_dir"].strip():
                config.reports_dir = job["reports_dir"]
            else:
                self.problem(f"must be a folder path as text, got {job['reports_dir']!r}", "reports_dir")
        if "excel" in job:
            if isinstance(job["excel"], bool):
                config.excel = job["excel"]
            else:
                self.problem(f"must be true or false, got {job['excel']!r}", "excel")
        if "device" in job:
            if job["device"] in DEVICES:
                config.device = job["device"]
            else:
                self.problem(f"must be one of {', '.join(DEVICES)}, got {job['device']!r}", "device")

    def _check_source(self, entry: Any, index: int) -> Source | None:
        if not isinstance(entry, dict):
            self.problem("must be a table", None, index)
            return None
        name = entry.get("name")
        label = name if isinstance(name, str) else None
        before = len(self.problems)

        def bad(message: str, key: str) -> None:
            self.problem(message, key, index, label)

        for key in sorted(set(entry) - set(SOURCE_KEYS)):
            bad(f"unknown key; a source knows {', '.join(SOURCE_KEYS)}", key)
        if not isinstance(name, str) or not name.strip():
            bad(f"every source needs a name (text), got {name!r}", "name")
        urls = self._url_list(entry, "urls", bad)
        sitemaps = self._url_list(entry, "sitemaps", bad)
        if not _given(entry, "urls") and not _given(entry, "sitemaps"):
            # nothing to crawl, whichever of the two is written (empty) or left out
            if "urls" in entry:
                bad("is empty: give at least one start URL, or a sitemap in sitemaps = [...]", "urls")
            elif "sitemaps" in entry:
                bad("is empty: give at least one sitemap, or a start URL in urls = [...]", "sitemaps")
            else:
                bad("give at least one start URL in urls = [...] or a sitemap in sitemaps = [...]", "urls")
        side = entry.get("side", "ours")
        if side not in SIDES:
            bad(f"must be \"ours\" or \"competitor\", got {side!r}", "side")
        category = entry.get("category")
        if category is not None and (not isinstance(category, str) or not category.strip()):
            bad(f"must be a category name as text, got {category!r}", "category")
        max_pages = entry.get("max_pages")
        if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1):
            bad(f"must be a whole number above 0, got {max_pages!r}", "max_pages")
        profile = entry.get("profile")
        if profile is not None:
            if not isinstance(profile, str) or not profile.strip():
                bad(f"must be a profile name or path as text, got {profile!r}", "profile")
            else:
                profile = _resolve_profile(profile.strip(), self.path)
                problem = _profile_problem(profile) if self.check_profiles else None
                if problem:
                    bad(problem, "profile")
        obey = entry.get("obey_robots", True)
        if not isinstance(obey, bool):
            bad(f"must be true or false, got {obey!r}", "obey_robots")
        polite = entry.get("polite", True)
        if not isinstance(polite, bool):
            bad(f"must be true or false, got {polite!r}", "polite")
        dates = entry.get("dates")
        if dates is not None and (not isinstance(dates, str) or dates not in DATE_ORDERS):
            bad(f"must be \"day-first\" or \"month-first\", got {dates!r}", "dates")
        products = entry.get("products", {})
        if not isinstance(products, dict):
            bad("must be a table of product id = \"ours\" | \"competitor\"", "products")
            products = {}
        for product_id, product_side in products.items():
            if product_id in SOURCE_KEYS:
                # `side = "competitor"` written below [source.products]: TOML puts it in that table
                self.problem(f"is under [source.products], so it reads as a product named {product_id!r}, "
                             f"not as the source's {product_id}; move the line above [source.products] (the "
                             f"lines below that header, up to the next one, belong to it)",
                             product_id, index, label, line=self._products_line(product_id, index))
            elif product_side not in SIDES:
                bad(f"product {product_id!r} must be \"ours\" or \"competitor\", got {product_side!r}", "products")
        if len(self.problems) > before:
            return None
        return Source(name=name.strip(), urls=urls, sitemaps=sitemaps, side=side, category=category,
                      max_pages=max_pages, profile=profile, obey_robots=obey, polite=polite,
                      products=dict(products), day_first=DATE_ORDERS.get(dates))

    def _url_list(self, entry: dict, key: str, bad) -> list[str]:
        value = entry.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            bad(f"must be a list of URLs, got {value!r}", key)
            return []
        good = []
        for url in value:
            try:
                parts = urlsplit(url) if isinstance(url, str) else None
            except ValueError as exc:  # "http://[shop.example/p": a stray [ reads as a broken IPv6 host
                bad(f"{url!r} cannot be read as a URL ({exc}); write a full address such as "
                    f"https://shop.example/products/kettle", key)
                continue
            if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
                bad(f"{url!r} is not an http(s) URL such as https://shop.example/products/kettle", key)
            else:
                good.append(url)
        return good


def _given(entry: dict, key: str) -> bool:
    """Whether the source writes anything under ``key``: a non-empty list or a text. A value of
    the wrong type counts as given (it has its own problem already)."""
    value = entry.get(key)
    if value is None:
        return False
    if isinstance(value, (list, str)):
        return bool(value)
    return True


def _resolve_profile(profile: str, sources_path: Path) -> str:
    """A profile path is read relative to the sources file; a name is kept as it is."""
    if profile.endswith(".toml") or "/" in profile:
        path = Path(profile)
        if not path.is_absolute():
            path = sources_path.parent / path
        return str(path)
    return profile


def _profile_problem(profile: str) -> str | None:
    """None when the crawler knows the profile, else what is wrong (its message lists them)."""
    try:
        from crawler import profiles
    except ImportError:  # no crawler here: leave the check to the crawl
        return None
    try:
        profiles.get_profile(profile)
        return None
    except Exception as exc:  # ProfileError: names the profile and the shipped ones
        return str(exc)
