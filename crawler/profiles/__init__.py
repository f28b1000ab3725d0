"""Site profiles: declarative selector files for shops whose review lists carry no schema.org markup.

A profile is a TOML file in this folder (or anywhere, passed by path). It names the review
block and, inside each block, where the rating, title, body, author and date are; optionally
the product facts, the next-page link and the links a category page uses for its products.
A selector is CSS (parsel flavour, so ``::text`` and ``::attr(name)`` work) or XPath when it
starts with ``xpath:``; a list of selectors is tried in order. See README "Crawling your shop".

Example::

    from crawler.profiles import get_profile, profile_for_url
    profile = get_profile("rv-list")
    profile_for_url("https://shop.example/item/42")   # a profile whose url_patterns match, or None
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILES_DIR = Path(__file__).resolve().parent

PRODUCT_FIELDS = {"title", "brand", "sku", "category", "rating", "review_count"}
REVIEW_FIELDS = {"id", "rating", "title", "body", "author", "date", "helpful_votes",
                 "verified", "variant"}


class ProfileError(ValueError):
    """A profile that cannot be found or read; the message says which and what to do."""


@dataclass
class SiteProfile:
    """One shop shape: where reviews and product facts sit on its pages."""
    name: str
    review_block: list[str]
    review: dict[str, list[str]]
    product: dict[str, list[str]] = field(default_factory=dict)
    next_page: list[str] = field(default_factory=list)
    product_links: list[str] = field(default_factory=list)
    url_patterns: list[re.Pattern] = field(default_factory=list)
    detect: list[str] = field(default_factory=list)
    rating_best: float | None = None
    rating_worst: float | None = None
    rating_pattern: re.Pattern = re.compile(r"\d+(?:[.,]\d+)?")
    description: str = ""
    path: Path | None = None

    def matches_url(self, url: str) -> bool:
        return any(p.search(url) for p in self.url_patterns)


def _selectors(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise ProfileError(f"{where} must be a selector string or a list of them, not {value!r}")


def load_profile(path: str | Path) -> SiteProfile:
    """Read one profile file; raise :class:`ProfileError` naming the file and the bad key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"no profile file at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {path} is not valid TOML: {exc}") from exc
    where = f"profile {path.name}"
    review = raw.get("review")
    if not isinstance(review, dict) or "block" not in review or "body" not in review:
        raise ProfileError(f"{where} needs a [review] table with at least `block` and `body` "
                           f"selectors (see README 'Crawling your shop')")
    unknown = set(review) - REVIEW_FIELDS - {"block"}
    if unknown:
        raise ProfileError(f"{where}: unknown [review] keys {sorted(unknown)}; "
                           f"known: {sorted(REVIEW_FIELDS | {'block'})}")
    product = raw.get("product", {})
    unknown = set(product) - PRODUCT_FIELDS
    if unknown:
        raise ProfileError(f"{where}: unknown [product] keys {sorted(unknown)}; "
                           f"known: {sorted(PRODUCT_FIELDS)}")
    try:
        patterns = [re.compile(p) for p in raw.get("url_patterns", [])]
        rating_pattern = re.compile(raw.get("rating_pattern", r"\d+(?:[.,]\d+)?"))
    except re.error as exc:
        raise ProfileError(f"{where}: a regular expression does not compile: {exc}") from exc
    return SiteProfile(
        name=str(raw.get("name") or path.stem),
        description=str(raw.get("description", "")),
        review_block=_selectors(review["block"], f"{where} [review].block"),
        review={k: _selectors(v, f"{where} [review].{k}") for k, v in review.items() if k != "block"},
        product={k: _selectors(v, f"{where} [product].{k}") for k, v in product.items()},
        next_page=_selectors(raw["next_page"], f"{where} next_page") if "next_page" in raw else [],
        product_links=(_selectors(raw["product_links"], f"{where} product_links")
                       if "product_links" in raw else []),
        url_patterns=patterns,
        detect=_selectors(raw["detect"], f"{where} detect") if "detect" in raw else [],
        rating_best=raw.get("rating_best"),
        rating_worst=raw.get("rating_worst"),
        rating_pattern=rating_pattern,
        path=path,
    )


_CACHE: dict[str, SiteProfile] | None = None


def shipped_profiles() -> dict[str, SiteProfile]:
    """The profiles that come with reviewlens, by name."""
    global _CACHE
    if _CACHE is None:
        found = {}
        for file in sorted(PROFILES_DIR.glob("*.toml")):
            profile = load_profile(file)
            found[profile.name] = profile
        _CACHE = found
    return _CACHE


def get_profile(name_or_path: str | SiteProfile) -> SiteProfile:
    """A shipped profile by name, or a profile file by path.

    >>> get_profile("rv-list").name
    'rv-list'
    """
    if isinstance(name_or_path, SiteProfile):
        return name_or_path
    profiles = shipped_profiles()
    if name_or_path in profiles:
        return profiles[name_or_path]
    if name_or_path.endswith(".toml") or "/" in name_or_path:
        return load_profile(name_or_path)
    raise ProfileError(f"no site profile named {name_or_path!r}; shipped profiles: "
                       f"{', '.join(sorted(profiles))}; or pass the path of a .toml file")


def profile_for_url(url: str) -> SiteProfile | None:
    """The first shipped profile whose ``url_patterns`` match ``url``, else None."""
    for profile in shipped_profiles().values():
        if profile.matches_url(url):
            return profile
    return None
