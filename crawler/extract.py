"""One page in, product facts and reviews out: schema.org (JSON-LD, microdata, RDFa), then site profiles.

Shops publish reviews in several ways. We read schema.org ``Product`` / ``Review`` /
``AggregateRating`` first (JSON-LD by hand so a malformed block is counted and the others
kept; microdata and RDFa through extruct), and only when that finds no reviews we use a site
profile (:mod:`crawler.profiles`) chosen explicitly, by URL pattern, or by a ``detect``
selector that matches the page. Output follows the ``extract`` contract of ARCHITECTURE.md.

Example::

    from crawler.extract import extract
    page = extract(html, "https://shop.example/p/kettle")
    page.products   # [{"type": "product", "product_id": "K2000", "title": "Kettle 2000", ...}]
    page.reviews    # [{"type": "review", "review_id": "...", "rating": 4.0, "body": "...", ...}]
    page.next_url   # "https://shop.example/p/kettle?page=2" or None
    page.problems   # {"malformed_json_ld": 1}
"""
from __future__ import annotations

import codecs
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from parsel import Selector

from crawler.normalize import (RatingError, clean_line, clean_text, detect_language, normalize_rating,
                                parse_date, quick_language)
from crawler.profiles import SiteProfile, get_profile, shipped_profiles, profile_for_url
from data.store import review_id as make_review_id

PRODUCT_TYPES = {"Product", "ProductGroup", "ProductModel", "IndividualProduct", "SomeProducts"}
REVIEW_TYPES = {"Review", "UserReview", "CriticReview", "EmployerReview"}
_SCHEMA_PREFIX = re.compile(r"^https?://schema\.org/")
_JSON_LD_TYPE = re.compile(r"^\s*application/ld\+json\s*$", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_RDFA_HINT = re.compile(r"""\s(?:typeof|vocab)\s*=""", re.I)
_INT = re.compile(r"\d[\d,.]*")
_FAR_PAST = date(1999, 1, 1)  # a `now` that tells relative dates from absolute ones
SCHEMA_WORST_RATING = 1.0  # schema.org Rating: worstRating defaults to 1 (bestRating to 5)
_WORD_NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@dataclass
class PageExtract:
    """What one page holds: product facts, reviews, the next review page, problems by reason.

    ``product_links`` lists product pages a category/listing page points to (empty on product
    pages); spiders follow them. ``review_entries`` counts the review entries read on the page,
    kept or not: a page of star-only reviews keeps none, yet its review list goes on.
    """
    products: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    next_url: str | None
    problems: dict[str, int]
    product_links: list[str] = field(default_factory=list)
    profile: str | None = None
    review_entries: int = 0

    def lines(self) -> Iterator[dict[str, Any]]:
        """Products then reviews, as JSON-ready dicts (dates as ISO text)."""
        for item in [*self.products, *self.reviews]:
            yield {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in item.items()}


# --- decoding -------------------------------------------------------------------------------

def decode_page(body: bytes, declared: str | None, problems: Counter) -> str:
    """Bytes to text, trusting the declared charset only when the bytes agree with it.

    A page that says ISO-8859-1 but is really UTF-8 (or says UTF-8 and is not) is a common
    server mistake; we read it the way the bytes say and count ``wrong_charset``.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if not declared:
        match = _META_CHARSET.search(body[:4096])
        declared = match.group(1).decode("ascii", "replace") if match else None
    try:
        codec = codecs.lookup(declared).name if declared else "utf-8"
    except LookupError:
        problems["wrong_charset"] += 1
        codec = "utf-8"
    try:
        utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if codec == "utf-8":
        if utf8 is not None:
            return utf8
        problems["wrong_charset"] += 1
        return body.decode("cp1252", errors="replace")
    if utf8 is not None and not utf8.isascii() and codec in {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"}:
        # Valid multi-byte UTF-8 almost never happens by chance in Latin-1 text.
        problems["wrong_charset"] += 1
        return utf8
    return body.decode(codec, errors="replace")


# --- small helpers --------------------------------------------------------------------------

def _types(node: dict) -> frozenset[str]:
    raw = node.get("@type") or node.get("type") or []
    if isinstance(raw, str):  # the common case, asked for every node of every page: cached
        return _type_names(raw)
    raw = raw if isinstance(raw, list) else [raw]
    return frozenset(_SCHEMA_PREFIX.sub("", str(t)) for t in raw)


@functools.lru_cache(maxsize=512)
def _type_names(raw: str) -> frozenset[str]:
    return frozenset([_SCHEMA_PREFIX.sub("", raw)])


def _kinds(node: dict) -> tuple[bool, bool]:
    """``(is a product, is a review)``: each node of a page is asked both, the common
    single type name answered from a table."""
    raw = node.get("@type") or node.get("type") or []
    if isinstance(raw, str):
        kinds = _KINDS_BY_NAME.get(raw)
        if kinds is None:
            names = _type_names(raw)
            kinds = _KINDS_BY_NAME[raw] = (not names.isdisjoint(PRODUCT_TYPES), not names.isdisjoint(REVIEW_TYPES))
            if len(_KINDS_BY_NAME) > 512:  # type names come from pages: keep the table small
                _KINDS_BY_NAME.clear()
        return kinds
    names = _types(node)
    return not names.isdisjoint(PRODUCT_TYPES), not names.isdisjoint(REVIEW_TYPES)


_KINDS_BY_NAME: dict[str, tuple[bool, bool]] = {}


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A plain string out of a schema.org value (string, number, {"name":..}, {"@value":..}, list)."""
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "value", "text", "alternateName"):
            if key in value:
                return _text(value[key])
        return None
    if value is None:
        return None
    text = clean_text(value)
    return text or None


def _number(value: Any) -> float | None:
    if isinstance(value, (str, int, float)):  # bestRating and friends repeat on every review
        return _scalar_number(value)
    return _number_of_text(_text(value))


@functools.lru_cache(maxsize=1024, typed=True)
def _scalar_number(value: str | int | float) -> float | None:
    return _number_of_text(_text(value))


def _number_of_text(text: str | None) -> float | None:
    if text is None:
        return None
    match = _INT.search(text)
    if not match:
        return None
    digits = match.group(0).rstrip(".,")
    # "1,234" is a thousands separator in counts; "4,5" a decimal comma in ratings.
    if re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
        digits = digits.replace(",", "")
    try:
        return float(digits.replace(",", "."))
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    text = _text(value)
    if text is None:
        return None
    first = text.split()[0].lower() if text.split() else ""
    if first in _WORD_NUMBERS:
        return _WORD_NUMBERS[first]
    number = _number(text)
    return int(number) if number is not None else None


@functools.lru_cache(maxsize=256)
def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


# The segment a shop appends to a page's path for its Nth page of reviews: WordPress (and so
# WooCommerce) pages a product's reviews as /product/kettle/comment-page-2/ and other lists as
# /page/2/. Only these two, at the very end of the path: a wider rule would cut product paths.
_PATH_PAGE = re.compile(r"/(?:comment-page-\d+|page/\d+)$")


def product_id_from_url(url: str) -> str:
    """A product id for pages that state none: host and path, without port, query or fragment.

    The port is left out so the same shop served on another port keeps its ids. A trailing
    page segment (``comment-page-N``, ``page/N``) is left out too: it is the path's way of
    saying ``?page=N``, so every review page of a product gives the id of its first page
    (``/reviews/page/2`` gives ``/reviews``, as ``/reviews`` itself does). Paths without such
    a segment keep the ids they always had.

    >>> product_id_from_url("http://127.0.0.1:8123/products/kettle.html?page=2")
    '127.0.0.1/products/kettle'
    >>> product_id_from_url("https://shop.example/product/kettle/comment-page-2/#comments")
    'shop.example/product/kettle'
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if "page" in path:  # most paths have no page segment: one scan instead of a regex
        path = _PATH_PAGE.sub("", path).rstrip("/")
    path = re.sub(r"\.(html?|php|aspx?)$", "", path) or "/"
    return f"{(parts.hostname or '').lower()}{path}"


def page_number_url(url: str, number: int, param: str = "page") -> str:
    """``url`` with its ``?page=`` (or ``param``) set to ``number``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
    query.append((param, str(number)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _page_of(url: str, param: str = "page") -> int:
    for key, value in parse_qsl(urlsplit(url).query):
        if key == param and value.isdigit():
            return int(value)
    return 1


# --- schema.org -----------------------------------------------------------------------------

def _json_ld_blocks(sel: Selector, problems: Counter) -> list[Any]:
    blocks = []
    for script in sel.root.iter("script"):
        if not _JSON_LD_TYPE.match(script.get("type") or ""):
            continue
        # A script's text is its one text node (lxml gives children only to broken markup).
        raw = (script.text or "") if not len(script) else "".join(script.itertext())
        raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
        if not raw:
            continue
        try:
            blocks.append(json.loads(raw))
        except ValueError:
            try:  # the commonest hand-written slip: a trailing comma before } or ]
                blocks.append(json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False))
            except ValueError:
                problems["malformed_json_ld"] += 1
    return blocks


def _rdfa_to_nested(items: list[dict]) -> list[dict]:
    """extruct's expanded RDFa graph -> nested dicts with short schema.org keys."""
    by_id = {item.get("@id"): item for item in items if isinstance(item, dict)}
    referenced = set()

    def convert(node: dict, depth: int = 0) -> dict:
        out: dict[str, Any] = {}
        if "@id" in node and not str(node["@id"]).startswith("_:"):
            out["@id"] = node["@id"]
        if "@type" in node:
            out["@type"] = [_SCHEMA_PREFIX.sub("", t) for t in _as_list(node["@type"])]
        for key, values in node.items():
            if key.startswith("@") or not _SCHEMA_PREFIX.match(key):
                continue
            short = _SCHEMA_PREFIX.sub("", key)
            converted = []
            for value in _as_list(values):
                if isinstance(value, dict) and "@value" in value:
                    converted.append(value["@value"])
                elif isinstance(value, dict) and "@id" in value:
                    referenced.add(value["@id"])
                    target = by_id.get(value["@id"])
                    if target is not None and depth < 8:
                        converted.append(convert(target, depth + 1))
                    else:
                        converted.append(value["@id"])
            out[short] = converted[0] if len(converted) == 1 else converted
        return out

    nested = [convert(item) for item in items if isinstance(item, dict) and item.get("@type")]
    # Keep only roots: nodes nobody points to (a review inside a product stays inside it).
    roots = [n for item, n in zip([i for i in items if isinstance(i, dict) and i.get("@type")], nested)
             if item.get("@id") not in referenced]
    return roots


def _walk(value: Any, skip: frozenset = frozenset()) -> list[dict]:
    """Every dict in a JSON-LD tree, parents before children (not below keys in ``skip``)."""
    # A list filled by plain recursion: nested generators cost a frame switch per level per node.
    found: list[dict] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            found.append(value)
            for key, child in value.items():
                if key not in skip and isinstance(child, (dict, list)):
                    visit(child)
        elif isinstance(value, list):
            for child in value:
                if isinstance(child, (dict, list)):
                    visit(child)

    visit(value)
    return found


def _walk_nodes(nodes: list, skip: frozenset) -> tuple[list[dict], list[dict]]:
    """``(every dict, the dicts not below a key in skip)`` of all nodes, parents before children.

    One walk gives both lists (each as :func:`_walk` would, node after node).
    """
    found: list[dict] = []
    free: list[dict] = []

    def visit(value: Any, pruned: bool) -> None:
        if isinstance(value, dict):
            found.append(value)
            if not pruned:
                free.append(value)
            for key, child in value.items():
                if isinstance(child, (dict, list)):
                    visit(child, pruned or key in skip)
        else:
            for child in value:
                if isinstance(child, (dict, list)):
                    visit(child, pruned)

    for node in nodes:
        if isinstance(node, (dict, list)):
            visit(node, False)
    return found, free


_MICRODATA = None


def _own_properties(item) -> list:
    """An item's ``itemprop`` elements, not those inside a nested ``itemscope`` (document order)."""
    found = []
    stack = [iter(item)]
    while stack:
        for child in stack[-1]:
            if not isinstance(child.tag, str):  # comments, processing instructions
                continue
            attrib = child.attrib
            if "itemprop" in attrib:
                found.append(child)
            if "itemscope" not in attrib and len(child):
                stack.append(iter(child))
                break
        else:
            stack.pop()
    return found


_ITEM_SCOPES = etree.XPath("descendant-or-self::*[@itemscope]")
_HTML5_SPACE = " \t\n\r\x0c"  # w3lib's strip_html5_whitespace
_MEDIA_TAGS = frozenset(("audio", "embed", "iframe", "img", "source", "track", "video"))
# Tags whose microdata value is an attribute (meta content, a href, img src, time datetime...).
_VALUE_TAGS = _MEDIA_TAGS | {"meta", "a", "area", "link", "object", "data", "meter", "time"}


def _microdata(root, url: str) -> list[dict]:
    """Microdata items in the same uniform shape as ``extruct.extract`` (``@type``, properties).

    Read by our own walk, by the rules of extruct's ``LxmlMicrodataExtractor`` (nested items,
    not strict) with our text reading: the same values as :func:`_microdata_by_extruct` (a
    test compares them) without its method and generator layers per property. Pages with
    ``itemref`` (rare) still go through extruct.
    """
    scopes = _ITEM_SCOPES(root)  # kept alive: lxml then gives each node the same proxy
    if any("itemref" in scope.attrib for scope in scopes):
        return _microdata_by_extruct(root, url)
    seen: set = set()
    context_of = _context_reader()
    return [_uniform_microdata_item(scope, seen, url, context_of, top=True)
            for scope in scopes if scope not in seen]


def _uniform_microdata_item(node, seen: set, base_url: str, context_of, top: bool = False) -> dict:
    """``_uniform_item(_microdata_item(node, ...))`` built in one step: the typed item with
    its nested items already in the uniform shape (no second pass copying every item)."""
    types = node.get("itemtype", "").split()
    if not types:  # an untyped item keeps extruct's shape, and so does everything inside it
        return _microdata_item(node, seen, base_url)
    seen.add(node)
    properties: dict[str, list] = {}
    for prop in _own_properties(node):
        itemprop = prop.get("itemprop")
        # The common property (span, p, h3... with text), read as _microdata_value would: no
        # nested item, no value attribute of its tag, no content, not an action.
        if (prop.get("itemscope") is None and prop.tag not in _VALUE_TAGS and not prop.get("content")
                and not itemprop.endswith(("-input", "-output"))):
            value = element_text(prop)
        else:
            value = _microdata_value(prop, seen, base_url, context_of=context_of)
        _add_property(properties, prop, value)
    # The key order of _uniform_item: id, (value), @type, (@context), the properties.
    out: dict[str, Any] = {}
    nodeid = node.get("itemid")
    if nodeid:
        out["id"] = nodeid.strip()
    if not properties:
        out["value"] = _microdata_value(node, seen, base_url, force=True)
    if len(types) == 1:
        context, out["@type"] = context_of(types[0], "http://schema.org")
    else:
        out["@type"] = types
        context = "http://schema.org"
    if top:
        out["@context"] = context
    for name, values in properties.items():
        out[name] = values[0] if len(values) == 1 else values
    return out


def _microdata_item(node, seen: set, base_url: str) -> dict:
    seen.add(node)
    properties: dict[str, list] = {}
    for prop in _own_properties(node):
        _add_property(properties, prop, _microdata_value(prop, seen, base_url))
    return _item_of(node, properties, lambda: _microdata_value(node, seen, base_url, force=True))


def _add_property(properties: dict[str, list], prop, value) -> None:
    """File ``value`` under each name of ``prop``'s ``itemprop``."""
    for name in prop.get("itemprop").split():
        properties.setdefault(name, []).append(value)


def _item_of(node, properties: dict[str, list], own_value) -> dict:
    """An item as extruct shapes it: type and id from ``node``, then its properties (one value
    unwrapped), or, with none, ``own_value()``: the node itself is its value."""
    item: dict[str, Any] = {}
    types = node.get("itemtype", "").split()
    if types:
        item["type"] = types[0] if len(types) == 1 else types
        nodeid = node.get("itemid")
        if nodeid:
            item["id"] = nodeid.strip()
    if properties:
        item["properties"] = {name: values[0] if len(values) == 1 else values
                              for name, values in properties.items()}
    else:
        item["value"] = own_value()
    return item


def _join(base_url: str, href: str) -> str | None:
    """``urljoin``, or None for an href no URL can be made of ("http://[oops": a broken IPv6
    host raises ValueError). One bad link on a page is skipped, not the page's reviews."""
    try:
        return urljoin(base_url, href)
    except ValueError:
        return None


def document_base_url(root, url: str) -> str:
    """The URL the page's relative links resolve against: its first ``<base href>``, itself
    resolved against ``url`` (the HTML standard's document base URL), else ``url``.

    A base that cannot be read or is not http(s) once resolved ("javascript:") leaves ``url``.

    >>> page = parse_html('<base href="/shop/"><a href="kettle">Kettle</a>', "http://s.test/p")
    >>> document_base_url(page.root, "http://s.test/p")
    'http://s.test/shop/'
    """
    for base in root.iter("base") if root is not None else ():
        href = base.get("href")
        if href is None:
            continue
        joined = _join(url, href.strip(_HTML5_SPACE))
        try:
            usable = joined is not None and urlsplit(joined).scheme in ("http", "https")
        except ValueError:
            usable = False
        return urldefrag(joined)[0] if usable else url
    return url


def _anchor_url(href: str, base_url: str) -> str | None:
    """``base_url`` + ``href`` for an in-page anchor ("#r-1"), else None. Review links are mostly
    anchors on the page (<link itemprop="url" href="#r-1">): joining those needs no URL parse."""
    href = href.strip(_HTML5_SPACE)
    if href.startswith("#") and len(href) > 1 and base_url:
        return base_url.split("#", 1)[0] + href
    return None


def _microdata_value(node, seen: set, base_url: str, force: bool = False, context_of=None) -> Any:
    """A property's value by the microdata rules (extruct's ``_extract_property_value``).

    With ``context_of``, a nested item comes in the uniform shape (:func:`_uniform_microdata_item`).
    """
    attrib = node.attrib
    tag = node.tag
    if "itemscope" in attrib:
        if not force:  # a nested item, read once (a second reference gives None, as extruct)
            if node in seen:
                return None
            if context_of is not None:
                return _uniform_microdata_item(node, seen, base_url, context_of)
            return _microdata_item(node, seen, base_url)
    elif tag == "a" or tag == "link":
        anchor = _anchor_url(attrib.get("href") or "", base_url)
        if anchor is not None:
            return anchor
    if tag not in _VALUE_TAGS:  # span, p, div, h3...: one test instead of one per tag below
        pass
    elif tag == "meta":
        return attrib.get("content", "")
    elif tag in _MEDIA_TAGS:
        return _join(base_url, attrib.get("src", "").strip(_HTML5_SPACE)) or ""
    elif tag in ("a", "area", "link"):
        return _join(base_url, attrib.get("href", "").strip(_HTML5_SPACE)) or ""
    elif tag == "object":
        return _join(base_url, attrib.get("data", "").strip(_HTML5_SPACE)) or ""
    elif tag in ("data", "meter"):
        return attrib.get("value", "")
    elif tag == "time":
        return attrib.get("datetime", "")
    content = attrib.get("content")
    if content:  # not in the microdata spec, but in schema.org's examples
        return content
    itemprop = attrib.get("itemprop")
    if itemprop and itemprop.endswith(("-input", "-output")):
        result: dict[str, Any] = {}  # https://schema.org/docs/actions.html#part-4
        if "required" in attrib:
            result["valueRequired"] = True
        name = attrib.get("name")
        if name:
            result["valueName"] = name
        return result
    return element_text(node)


_CONTEXT_OF = None


def _context_reader():
    global _CONTEXT_OF
    if _CONTEXT_OF is None:
        from extruct.uniform import infer_context

        _CONTEXT_OF = functools.lru_cache(maxsize=256)(infer_context)
    return _CONTEXT_OF


def _microdata_by_extruct(root, url: str) -> list[dict]:
    """Microdata items through extruct, in the same uniform shape as ``extruct.extract``."""
    global _MICRODATA
    if _MICRODATA is None:
        from extruct.w3cmicrodata import MicrodataExtractor

        class TextMicrodataExtractor(MicrodataExtractor):
            # extruct deep-copies and sanitises every property's subtree to read its text
            # (about 25 ms a page); serialising it once and stripping tags reads the same text.
            def _extract_textContent(self, node):
                return element_text(node)

            # extruct finds an item's properties with an EXSLT set:difference over all its
            # descendants, once per item (so a product with 20 nested reviews is searched
            # again and again). One walk that stops at nested items finds the same elements
            # in the same (document) order.
            def _extract_property_value(self, node, items_seen, base_url, itemids, force=False):
                if node.tag in ("a", "link") and "itemscope" not in node.attrib:
                    anchor = _anchor_url(node.get("href") or "", base_url)
                    if anchor is not None:
                        return anchor
                return super()._extract_property_value(node, items_seen, base_url, itemids, force)

            def _extract_properties(self, node, items_seen, base_url, itemids):
                for prop in _own_properties(node):
                    yield from self._extract_property(prop, items_seen=items_seen,
                                                      base_url=base_url, itemids=itemids)

            # extruct's item reading (nested, not strict, no text content or node), with
            # the properties gathered in one loop instead of through three generator layers.
            def _extract_item(self, node, items_seen, base_url, itemids):
                itemid = itemids[node]
                if itemid in items_seen:
                    return None
                items_seen.add(itemid)
                properties: dict[str, list] = {}
                for prop in _own_properties(node):
                    _add_property(properties, prop, self._extract_property_value(prop, items_seen, base_url, itemids))
                for refid in node.get("itemref", "").split():
                    for name, value in self._extract_property_refs(
                            node, refid, items_seen=items_seen, base_url=base_url, itemids=itemids):
                        properties.setdefault(name, []).append(value)
                return _item_of(node, properties, lambda: self._extract_property_value(
                    node, force=True, items_seen=items_seen, base_url=base_url, itemids=itemids))

        _MICRODATA = TextMicrodataExtractor()
    return [_uniform_item(item, _context_reader(), top=True) for item in _MICRODATA.extract_items(root, url)]


def _uniform_item(item: dict, context_of, top: bool = False) -> dict:
    """extruct's ``_umicrodata_microformat`` for one item (``@type``/``@context``, properties
    inlined), with the type URL split once per type instead of once per item."""
    out = dict(item)
    kind = out.pop("type", None)
    if not kind:
        return item
    if isinstance(kind, list):
        out["@type"] = kind
        context = "http://schema.org"
    else:
        context, out["@type"] = context_of(kind, "http://schema.org")
    if top:
        out["@context"] = context
    for name, value in out.pop("properties", {}).items():
        if isinstance(value, dict):
            value = _uniform_item(value, context_of)
        elif isinstance(value, list):
            value = [_uniform_item(v, context_of) if isinstance(v, dict) else v for v in value]
        out[name] = value
    children = out.pop("children", [])
    if children:
        out["children"] = [_uniform_item(c, context_of) if isinstance(c, dict) else
                           [_uniform_item(v, context_of) if isinstance(v, dict) else v for v in c]
                           if isinstance(c, list) else c for c in children]
    return out


def _schema_nodes(sel: Selector, html_text: str, base_url: str, problems: Counter) -> dict[str, list[dict]]:
    """schema.org nodes by syntax (``json-ld``, ``microdata``, ``rdfa``, in that order, only
    those the page has); microdata and RDFa URL values resolved against ``base_url`` (the
    document's base URL).

    Kept apart by syntax because one page often describes its product twice (an SEO plugin's
    JSON-LD and a review widget's microdata): :func:`_schema_records` makes those one product.
    """
    syntaxes: dict[str, list[dict]] = {}
    nodes: list[dict] = []
    for block in _json_ld_blocks(sel, problems):
        for item in _as_list(block):
            if isinstance(item, dict) and "@graph" in item:
                nodes.extend(g for g in _as_list(item["@graph"]) if isinstance(g, dict))
            elif isinstance(item, dict):
                nodes.append(item)
    if nodes:
        syntaxes["json-ld"] = nodes
    if "itemscope" in html_text:
        try:
            nodes = _microdata(sel.root, base_url)
            if nodes:
                syntaxes["microdata"] = nodes
        except Exception:  # extruct raises many kinds on odd markup; count it, keep the page
            problems["microdata_unreadable"] += 1
    lowered = html_text.lower()  # the attribute names may be written in any case
    if ("typeof" in lowered or "vocab" in lowered) and _RDFA_HINT.search(html_text):
        try:
            import extruct

            data = extruct.extract(html_text, base_url=base_url, syntaxes=["rdfa"], errors="strict")
            nodes = _rdfa_to_nested(data.get("rdfa", []))
            if nodes:
                syntaxes["rdfa"] = nodes
        except Exception:  # pyrdfa/rdflib failures: count, keep the page
            problems["rdfa_unreadable"] += 1
    return syntaxes


_PRODUCT_ID_KEYS = ("sku", "productID", "mpn", "gtin13", "gtin", "gtin12", "gtin14", "gtin8", "asin")


def _product_facts(node: dict, url: str, category: str | None, base_url: str | None = None) -> dict[str, Any]:
    """A product's facts; its own URL, when relative, resolved against ``base_url`` (the
    document's base URL, default ``url``)."""
    facts = _stated_facts(node, url, base_url)
    facts["url"] = facts["url"] or url
    facts["category"] = facts["category"] or category
    return facts


def _stated_facts(node: dict, url: str, base_url: str | None = None) -> dict[str, Any]:
    """What a product node itself states, None for the rest (the page's URL and the crawl's
    category are defaults :func:`_product_facts` fills in, not facts of the node)."""
    sku = None
    for key in _PRODUCT_ID_KEYS:
        sku = _text(node.get(key))
        if sku:
            break
    aggregate = node.get("aggregateRating") if isinstance(node.get("aggregateRating"), dict) else {}
    rating = None
    if aggregate:
        try:
            value = _text(aggregate.get("ratingValue"))
            best, worst = _rating_scale(aggregate, value)
            rating = normalize_rating(value, best=best, worst=worst).value
        except RatingError:
            rating = None
    review_count = _count(aggregate.get("reviewCount")) if aggregate else None
    if review_count is None and aggregate:
        review_count = _count(aggregate.get("ratingCount"))
    product_url = _text(node.get("url"))
    return {
        "type": "product",
        "product_id": sku,
        "url": (_join(base_url or url, product_url) or url) if product_url else None,
        "title": _text(node.get("name")),
        "brand": _text(node.get("brand") or node.get("manufacturer")),
        "category": _text(node.get("category")),
        "rating": rating,
        "review_count": review_count,
        "source": _host(url),
    }


def _schema_records(syntaxes: dict[str, list[dict]], url: str, category: str | None, base_url: str | None = None
                    ) -> tuple[list[dict], list[tuple[int | None, dict, str]]]:
    """Products (facts) and reviews paired with the index of the product they belong to and
    the syntax they were read from.

    ``syntaxes`` are the page's nodes by syntax (:func:`_schema_nodes`). A product described in
    two syntaxes (JSON-LD and microdata, say) is one product: see :class:`_SameProducts`.
    """
    products: list[dict] = []
    product_nodes: list[dict] = []
    owners: list[int] = []  # the product each of product_nodes is (several nodes may be one)
    by_id: dict[str, dict] = {}
    # A product named in itemReviewed is a pointer, matched below, not a product of its own;
    # products in a category page's ItemList are links to follow: `free` leaves both out.
    skip = frozenset({"itemReviewed", "itemListElement"})
    walked = [(syntax, *_walk_nodes(nodes, skip)) for syntax, nodes in syntaxes.items()]
    for _, everything, _ in walked:
        for inner in everything:
            if "@id" in inner and len(inner) > 1:
                by_id.setdefault(str(inner["@id"]), inner)
    same = _SameProducts(products, url, category, base_url) if len(walked) > 1 else None

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id"} and str(value.get("@id")) in by_id:
            return by_id[str(value["@id"])]
        return value

    seen_products: dict[int, int] = {}

    def add_product(node: dict, syntax: str) -> int:
        if id(node) not in seen_products:
            if same is not None:
                owner = same.add(node, syntax)
            else:
                owner = len(products)
                products.append(_product_facts(node, url, category, base_url))
            seen_products[id(node)] = owner
            product_nodes.append(node)
            owners.append(owner)
        return seen_products[id(node)]

    reviews: list[tuple[int | None, dict, str]] = []
    seen_reviews: set[int] = set()

    def add_review(node: dict, owner: int | None, syntax: str) -> None:
        if id(node) not in seen_reviews:
            seen_reviews.add(id(node))
            reviews.append((owner, node, syntax))

    # Products first (nested review lists belong to them), then free-standing reviews.
    for syntax, _, free in walked:
        for inner in free:
            if _kinds(inner)[0]:
                owner = add_product(inner, syntax)
                for key in ("review", "reviews"):
                    for review in _as_list(inner.get(key)):
                        review = resolve(review)
                        if isinstance(review, dict):
                            add_review(review, owner, syntax)
    for syntax, everything, _ in walked:
        for inner in everything:
            if not _kinds(inner)[1] or id(inner) in seen_reviews:
                continue
            target = resolve(inner.get("itemReviewed"))
            owner = None
            if isinstance(target, dict):
                owner = _match_product(target, product_nodes, owners, products)
                if owner is None and (_types(target) & PRODUCT_TYPES or target.get("name")):
                    owner = add_product(target, syntax)
            add_review(inner, owner, syntax)
    return products, reviews


def _match_product(target: dict, product_nodes: list[dict], owners: list[int], products: list[dict]) -> int | None:
    """Which product an ``itemReviewed`` points back to: by @id, sku, then name (``owners``:
    the product each of ``product_nodes`` is)."""
    for index, node in enumerate(product_nodes):
        if node is target:
            return owners[index]
    tid, tname = target.get("@id"), _text(target.get("name"))
    tsku = _text(target.get("sku"))
    for index, node in enumerate(product_nodes):
        if tid and node.get("@id") == tid:
            return owners[index]
        if tsku and products[owners[index]]["product_id"] == tsku:
            return owners[index]
    for index, node in enumerate(product_nodes):
        if tname and _text(node.get("name")) == tname:
            return owners[index]
    return None


def _name_key(name: str | None) -> str | None:
    """A product name as descriptions of one product in two syntaxes both write it."""
    return " ".join(name.split()).casefold() if name else None


class _SameProducts:
    """Finds the product a node describes again in another syntax, and merges their facts.

    A shop's SEO plugin writes the product as JSON-LD while its review widget writes it (and
    the same reviews) as microdata; read as two products, the page's reviews would be stored
    twice, under two ids. A node of one syntax is the product of a node of another when:

    - they share an identifier (sku, productID, gtin...; one's sku may be the other's
      productID), and no kind of identifier that both state differs: two skus that differ
      are two products, whatever their names;
    - otherwise, when no kind of identifier is stated by both, by name: the same after
      cleaning (case and spacing aside), if exactly one product of the other syntaxes has it;
    - and when one side has no name either, nothing tells them apart: it is that product if
      the other syntaxes describe exactly one.

    Two nodes of the same syntax are never merged here (a page of several products keeps
    them), nor is a product merged twice with nodes of one syntax. Merged facts keep the
    first stated value (JSON-LD's, then microdata's, then RDFa's); one stated by a single
    side fills the other's gap. Lookups go through indexes by identifier and name, so a page
    of many products costs a few dictionary lookups per product.
    """

    def __init__(self, products: list[dict], url: str, category: str | None, base_url: str | None):
        self.products, self.url, self.category, self.base_url = products, url, category, base_url
        self.stated: list[dict] = []                  # per product: its merged stated facts
        self.ids: list[dict[str, str]] = []           # per product: identifier kind -> value
        self.syntaxes: list[set[str]] = []            # per product: the syntaxes describing it
        self.by_id: dict[str, list[int]] = {}         # identifier value -> products
        self.by_name: dict[str, list[int]] = {}       # name key -> products
        self.lacking: dict[str, set[int]] = {}        # syntax -> products no node of it describes

    def add(self, node: dict, syntax: str) -> int:
        """The index in ``products`` of the product ``node`` describes: one it describes again
        in another syntax (its facts merged in), or a new one, appended."""
        ids = {}
        for key in _PRODUCT_ID_KEYS:
            value = _text(node.get(key))
            if value:
                ids[key] = value
        stated = _stated_facts(node, self.url, self.base_url)
        name = _name_key(stated["title"])
        if syntax not in self.lacking:  # the syntax's first product: every product so far lacks it
            self.lacking[syntax] = set(range(len(self.products)))
        found = self._find(ids, name, syntax)
        if found is None:
            found = len(self.products)
            self.stated.append(stated)
            self.ids.append(ids)
            self.syntaxes.append({syntax})
            for other, lacking in self.lacking.items():
                if other != syntax:
                    lacking.add(found)
            for value in ids.values():
                self.by_id.setdefault(value, []).append(found)
            if name:
                self.by_name.setdefault(name, []).append(found)
            self.products.append(self._with_defaults(stated))
            return found
        merged = self.stated[found]
        if name and not _name_key(merged["title"]):
            self.by_name.setdefault(name, []).append(found)
        for key, value in stated.items():
            if merged[key] is None and value is not None:
                merged[key] = value
        for key, value in ids.items():
            if key not in self.ids[found]:
                self.ids[found][key] = value
                self.by_id.setdefault(value, []).append(found)
        self.syntaxes[found].add(syntax)
        self.lacking[syntax].discard(found)
        self.products[found] = self._with_defaults(merged)
        return found

    def _with_defaults(self, stated: dict) -> dict:
        """Stated facts as :func:`_product_facts` gives them (the page's URL, the crawl's category)."""
        product = dict(stated)
        product["url"] = product["url"] or self.url
        product["category"] = product["category"] or self.category
        return product

    def _find(self, ids: dict[str, str], name: str | None, syntax: str) -> int | None:
        """The product of another syntax that ``ids`` and ``name`` describe, or None."""
        lacking = self.lacking[syntax]

        def told_apart(index: int) -> bool:  # a kind of identifier both state, with two values
            theirs = self.ids[index]
            return any(theirs.get(key, value) != value for key, value in ids.items())

        for shared in ids.values():
            for index in self.by_id.get(shared, ()):
                if index in lacking and not told_apart(index):
                    return index
        if name:
            named = [index for index in self.by_name.get(name, ()) if index in lacking and not told_apart(index)]
            if named:
                return named[0] if len(named) == 1 else None
        if len(lacking) == 1:  # one side without a name: only the one product of the others
            (index,) = lacking
            if (not name or not _name_key(self.stated[index]["title"])) and not told_apart(index):
                return index
        return None


def _rating_scale(rating: dict, value: Any) -> tuple[float | None, float | None]:
    """``(best, worst)`` of a schema.org Rating (or AggregateRating) whose value is ``value``.

    schema.org's worstRating defaults to 1: a page that states bestRating 10 and no
    worstRating rates on 1-10 (6 is 3.22 on 1-5; normalize_rating alone would read 0-10 and
    give 3.4). A value below 1 is the page's evidence that its scale starts lower: then
    worstRating stays unstated, as before.
    """
    best = _number(rating.get("bestRating"))
    worst = _number(rating.get("worstRating"))
    if best is not None and worst is None:
        number = _number(value) if value is not None else None
        if number is None or number >= SCHEMA_WORST_RATING:
            worst = SCHEMA_WORST_RATING
    return best, worst


def _schema_review(node: dict, syntax: str | None = None) -> dict[str, Any]:
    """A schema.org Review node's raw fields; ``syntax`` is the markup it was read from (a
    review that the page gives in two syntaxes is kept once, see :func:`_finish_reviews`)."""
    rating_node = node.get("reviewRating") if isinstance(node.get("reviewRating"), dict) else {}
    rating_value = rating_node.get("ratingValue") if rating_node else node.get("ratingValue")
    link = _text(node.get("url")) or (str(node["@id"]) if "#" in str(node.get("@id", "")) else None)
    best, worst = _rating_scale(rating_node, rating_value) if rating_node else (None, None)
    return {
        "rating_raw": _text(rating_value) if not isinstance(rating_value, (int, float)) else rating_value,
        "best": best,
        "worst": worst,
        "title": node.get("name") or node.get("headline"),
        "body": node.get("reviewBody") or node.get("description") or node.get("text"),
        "author": node.get("author") or node.get("creator"),
        "date": _text(node.get("datePublished") or node.get("dateCreated")),
        "link": link,
        "helpful_votes": node.get("upvoteCount"),
        "variant": None,
        "verified": None,
        "syntax": syntax,
    }


# --- site profiles --------------------------------------------------------------------------

@functools.lru_cache(maxsize=1024)
def _compiled(spec: str):
    """A selector compiled once: CSS (parsel's flavour, ``::text``/``::attr()``) or ``xpath:``."""
    from lxml import etree
    from parsel.csstranslator import css2xpath

    return etree.XPath(spec[len("xpath:"):] if spec.startswith("xpath:") else css2xpath(spec))


def _value(found: Any) -> str:
    if isinstance(found, str):
        return clean_text(found)
    if isinstance(found, (int, float, bool)):
        return str(found)
    return element_text(found)


def element_text(element) -> str:
    """An element's text, cleaned: serialised as HTML and read by ``clean_text``, so <br> and
    </p> end a line; a leaf element with plain text is read directly, to the same result.

    A line break in the page's source is a space, as a browser shows it: a template that wraps
    one sentence over three source lines gives one line of text.

    >>> element_text(lxml.html.fromstring("<p>Crushes ice.\n   Loud, though.<br>Cheap.</p>"))
    'Crushes ice. Loud, though.\nCheap.'
    """
    text = element.text
    if not len(element) and (text is None or not ("<" in text or ">" in text or "&" in text)) \
            and ">" not in "".join(element.values()):  # one ">" in any attribute value
        return clean_text(_source_spaces(text)) if text else ""
    return clean_text(_source_spaces(lxml.html.tostring(element, encoding="unicode", with_tail=False)))


def _source_spaces(html: str) -> str:
    """HTML source with its line breaks as spaces (only tags such as <br> and <p> break lines)."""
    return html.replace("\r", " ").replace("\n", " ") if ("\n" in html or "\r" in html) else html


# One compound selector without combinators: tag, .class, #id, [attr] or [attr='value'] parts,
# then optionally ::text or ::attr(name). Inside a review block (a handful of elements) one
# Python walk finds these faster than an XPath evaluation, whose set-up costs ~20 us a call.
_SIMPLE_PART = re.compile(r"""\.(?P<cls>-?[_a-zA-Z][\w-]*)|\#(?P<id>[\w-]+)|"""
                          r"""\[(?P<attr>[\w-]+)(?:=(?:'(?P<sq>[^']*)'|"(?P<dq>[^"]*)"|(?P<bare>[\w-]+)))?\]""")
_SIMPLE_TAG = re.compile(r"[a-zA-Z][a-zA-Z0-9]*")
_SIMPLE_PSEUDO = re.compile(r"::(?:(?P<text>text)|attr\((?P<attr>[\w-]+)\))$")


@functools.lru_cache(maxsize=1024)
def _simple(spec: str):
    """``(tag, conditions, pseudo)`` of a simple CSS selector, or None for anything else.

    ``conditions`` are ``(kind, name, value)``: ``("class", "rv-body", None)``,
    ``("attr", "data-hook", "review")`` (value None: the attribute is present). ``pseudo`` is
    None (the element), ``"text"`` or ``("attr", name)``.
    """
    pseudo = None
    rest = spec.strip()
    match = _SIMPLE_PSEUDO.search(rest)
    if match:
        pseudo = "text" if match.group("text") else ("attr", match.group("attr"))
        rest = rest[:match.start()]
    tag = None
    match = _SIMPLE_TAG.match(rest)
    if match:
        tag, rest = match.group(0).lower(), rest[match.end():]
    conditions = []
    position = 0
    for match in _SIMPLE_PART.finditer(rest):
        if match.start() != position:
            return None
        position = match.end()
        if match.group("cls"):
            conditions.append(("class", match.group("cls"), None))
        elif match.group("id"):
            conditions.append(("attr", "id", match.group("id")))
        else:
            value = next((v for v in match.group("sq", "dq", "bare") if v is not None), None)
            conditions.append(("attr", match.group("attr").lower(), value))
    if position != len(rest) or (tag is None and not conditions):
        return None
    return tag, tuple(conditions), pseudo


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _tokens(value: str | None) -> list[str]:
    """An attribute's space-separated words as XPath's normalize-space() splits them."""
    if not value:
        return []
    if value.isascii() and value.isprintable():  # only " " can separate: str.split() agrees
        return value.split()
    return [word for word in _XML_SPACE.split(value) if word]


def block_elements(block) -> list[tuple[Any, str, list[str]]]:
    """``(element, tag, class names)`` of a review block and everything in it, document order."""
    return [(element, element.tag, _tokens(element.get("class")))
            for element in block.iter() if isinstance(element.tag, str)]


def _select_in_block(elements: list, simple) -> list:
    """What a simple selector finds among a block's elements (itself included), like CSS."""
    tag, conditions, pseudo = simple
    found = []
    for element, element_tag, classes in elements:
        if tag is not None and element_tag != tag:
            continue
        for kind, name, value in conditions:
            if kind == "class":
                if name not in classes:
                    break
            else:
                got = element.get(name)
                if got is None or (value is not None and got != value):
                    break
        else:
            if pseudo is None:
                found.append(element)
            elif pseudo == "text":
                found.extend(t for t in [element.text, *(child.tail for child in element)] if t is not None)
            else:
                value = element.get(pseudo[1])
                if value is not None:
                    found.append(value)
    return found


@functools.lru_cache(maxsize=1024)
def _page_plan(spec: str):
    """``(ancestor, simple)`` for a selector :class:`PageElements` answers: one simple compound
    (``ancestor`` None) or two joined by a space (``.rv-list .rv-item``, the first without
    ``::text``/``::attr()``); None for anything else (XPath reads those).

    Each part must be a whole :func:`_simple` selector, so other combinators (``a > b``,
    ``a,b``), pseudo-classes and quoted values with spaces in them all go to XPath.
    """
    if spec.startswith(("xpath:", "::")):
        return None
    parts = spec.split()
    if not 1 <= len(parts) <= 2:
        return None
    simples = [_simple(part) for part in parts]
    if None in simples or (len(simples) == 2 and simples[0][2] is not None):
        return None
    return (simples[0] if len(simples) == 2 else None), simples[-1]


class PageElements:
    """A page's (or one review block's) elements by class name and by tag, for a profile's selectors.

    libxml2 tests a ``//*[class test]`` predicate at every element of the page (~0.5 us each,
    ~70 us a selector on a small page); a profile asks for half a dozen such selectors a page
    (detection, product facts, next link). One walk of the tree, made on first use, files the
    elements so that a simple selector looks up its class (or tag) and checks only those, with
    the same results in the same (document) order as the XPath.

    >>> page = PageElements(parse_html('<div class="rv-list"><p class="rv-item">A</p></div>', "http://x/").root)
    >>> [e.text for e in page.select(".rv-list .rv-item")]
    ['A']
    """
    __slots__ = ("root", "_elements", "_by_class", "_by_tag")

    def __init__(self, root):
        self.root = root
        self._elements = None

    def _index(self) -> None:
        self._elements = block_elements(self.root)
        self._by_class: dict[str, list] = {}
        self._by_tag: dict[str, list] = {}
        for entry in self._elements:
            self._by_tag.setdefault(entry[1], []).append(entry)
            for name in dict.fromkeys(entry[2]):  # class="a a" lists the element once
                self._by_class.setdefault(name, []).append(entry)

    def select(self, spec: str) -> list | None:
        """What ``spec`` finds in the page (as its XPath would), or None: not a selector this reads."""
        plan = _page_plan(spec)
        if plan is None:
            return None
        if self._elements is None:
            self._index()
        ancestor, simple = plan
        tag, conditions, _ = simple
        name = next((name for kind, name, _ in conditions if kind == "class"), None)
        if name is not None:
            candidates = self._by_class.get(name, [])
        elif tag is not None:
            candidates = self._by_tag.get(tag, [])
        else:
            candidates = self._elements
        if ancestor is not None:
            candidates = [entry for entry in candidates if self._below(entry[0], ancestor)]
        return _select_in_block(candidates, simple)

    def _below(self, element, ancestor) -> bool:
        """Whether an element above ``element``, up to the root, matches ``ancestor``."""
        if element is self.root:
            return False
        for up in element.iterancestors():
            if _select_in_block([(up, up.tag, _tokens(up.get("class")))], ancestor):
                return True
            if up is self.root:  # the selection is scoped to the root (a page or one review block)
                return False
        return False


def _select_one(scope, specs: Iterable[str], elements: list | None = None,
                page: PageElements | None = None) -> str | None:
    """The first non-empty value any of ``specs`` finds inside ``scope`` (an lxml element).

    ``elements``: ``scope`` is one review block and these are its :func:`block_elements`
    (a handful), where simple selectors are read by a walk instead of by XPath. ``page``:
    ``scope`` is the whole page and this its :class:`PageElements`.
    """
    for spec in specs:
        if spec.startswith("::attr("):  # an attribute of the block itself: no XPath needed
            found = [scope.get(spec[len("::attr("):-1])]
        elif spec == "::text":
            found = [scope.text]
        elif elements is not None and (simple := _simple(spec)) is not None:
            found = _select_in_block(elements, simple)
        elif page is None or (found := page.select(spec)) is None:
            found = _compiled(spec)(scope)
            found = found if isinstance(found, list) else [found]
        for item in found:
            value = _value(item) if item is not None else ""
            if value:
                return value
    return None


def _select_all(scope, specs: Iterable[str], page: PageElements | None = None) -> list:
    for spec in specs:
        found = page.select(spec) if page is not None else None
        if found is None:
            found = _compiled(spec)(scope)
        if isinstance(found, list) and found:
            return found
    return []


@functools.lru_cache(maxsize=256)
def _needed_words(spec: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words the page's HTML must contain for a CSS selector to match anything.

    ``(class and id names, as written; attribute names, lower case)``: lxml lower-cases
    attribute names but not class names. Quoted values, pseudo-classes (``:not(.x)``) and
    selector lists (``a, b``) are left out, so the test never rules out a page that matches
    (short of one spelling a class name with character references); XPath selectors need
    nothing.
    """
    if spec.startswith("xpath:") or "," in spec:
        return (), ()
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", spec)
    bare = re.sub(r"::?[\w-]+(?:\([^)]*\))?", "", bare)
    names = tuple(re.findall(r"[.#](-?[_a-zA-Z][\w-]*)", bare))
    attributes = tuple(a.lower() for a in re.findall(r"\[\s*([\w-]+)", bare))
    return names, attributes


def _may_match(spec: str, html_text: str, lowered: list) -> bool:
    names, attributes = _needed_words(spec)
    if not all(name in html_text for name in names):
        return False
    if attributes:
        if not lowered:
            lowered.append(html_text.lower())
        return all(attribute in lowered[0] for attribute in attributes)
    return True


def _choose_profile(sel: Selector, url: str, profile: str | SiteProfile | None,
                    html_text: str = "", found: dict | None = None,
                    page: PageElements | None = None) -> SiteProfile | None:
    """The profile for this page: given, by URL, or the first shipped one whose ``detect``
    selectors match (their matches are kept in ``found``, by selector list: the review blocks
    are often the very same selection)."""
    if profile is not None:
        return get_profile(profile)
    by_url = profile_for_url(url)
    if by_url is not None:
        return by_url
    lowered: list = []  # the page in lower case, made once if an attribute name is asked for
    for candidate in shipped_profiles().values():
        # A word the selector needs that is not in the page rules it out without an XPath
        # walk over the whole tree (every shipped profile is tried on every page without
        # schema.org reviews).
        detect = [spec for spec in candidate.detect if not html_text or _may_match(spec, html_text, lowered)]
        if detect:
            matched = _select_all(sel.root, detect, page)
            if matched:
                if found is not None:
                    found[tuple(detect)] = matched
                return candidate
    return None


def _profile_product(sel: Selector, profile: SiteProfile, url: str, category: str | None,
                     page: PageElements | None = None) -> dict:
    get = lambda name: _select_one(sel.root, profile.product[name], page=page) if name in profile.product else None
    rating = None
    stated = get("rating")
    if stated:
        try:
            rating = normalize_rating(stated).value
        except RatingError:
            rating = None
    return {
        "type": "product",
        "product_id": get("sku"),
        "url": url,
        "title": get("title"),
        "brand": get("brand"),
        "category": get("category") or category,
        "rating": rating,
        "review_count": _count(get("review_count")),
        "source": _host(url),
    }


def _profile_reviews(sel: Selector, profile: SiteProfile, selected: dict | None = None,
                     page: PageElements | None = None) -> list[dict]:
    found = []
    blocks = (selected or {}).get(tuple(profile.review_block))
    if blocks is None:  # not already selected by the profile's detection
        blocks = _select_all(sel.root, profile.review_block, page)
    for block in blocks:
        elements = block_elements(block)  # walked once, read for every field
        get = lambda name: (_select_one(block, profile.review[name], elements)
                            if name in profile.review else None)
        raw_rating = get("rating")
        if raw_rating is not None:
            match = profile.rating_pattern.search(raw_rating)
            raw_rating = match.group(1) if match and match.groups() else (match.group(0) if match else raw_rating)
        verified = None
        if "verified" in profile.review:
            verified = get("verified") is not None
        anchor = get("id")
        found.append({
            "rating_raw": raw_rating,
            "best": profile.rating_best if raw_rating is not None and profile.rating_best else None,
            "worst": profile.rating_worst if raw_rating is not None and profile.rating_best else None,
            "title": get("title"),
            "body": get("body"),
            "author": get("author"),
            "date": get("date"),
            "link": f"#{anchor}" if anchor else None,
            "helpful_votes": get("helpful_votes"),
            "verified": verified,
            "variant": get("variant"),
        })
    return found


# --- links ----------------------------------------------------------------------------------

def _next_url(sel: Selector, url: str, profile: SiteProfile | None, html_text: str | None = None,
              page: PageElements | None = None, base_url: str | None = None) -> str | None:
    """The page's next page: a profile's next link, rel=next, then a ``?page=N+1`` link; links
    resolved against ``base_url`` (the document's base URL, default ``url``)."""
    base_url = base_url or url
    # Words the page must contain for a search to find anything (a page that does not say
    # "next" has no rel=next link) spare walks over the whole tree; None: search anyway.
    def may_contain(word: str) -> bool:
        return html_text is None or word in html_text

    candidates = []
    if profile and profile.next_page:
        candidates.append(_select_one(sel.root, profile.next_page, page=page))
    if may_contain("next") or may_contain("Next") or may_contain("NEXT"):
        for tag in ("link", "a"):  # the first <link rel=next href>, then the first <a ...>
            # rel values are case-insensitive: rel="Next" is a next link too
            found = next((e.get("href") for e in sel.root.iter(tag)
                          if e.get("href") is not None and "next" in _tokens((e.get("rel") or "").lower())), None)
            if found is not None:
                candidates.append(found)
    for href in candidates:
        if href and not href.strip().startswith(("#", "javascript:")):
            target = _join(base_url, href.strip())
            if target is not None and urldefrag(target)[0] != urldefrag(url)[0]:
                return urldefrag(target)[0]
    # Numbered pagination without rel=next: follow ?page=N+1 when the page links to it.
    if not may_contain("page="):
        return None
    wanted = page_number_url(url, _page_of(url) + 1)
    wanted_parts = urlsplit(wanted)
    for link in sel.root.iter("a"):  # the links' hrefs in page order (as //a/@href, without XPath)
        href = link.get("href")
        if href is None or "page=" not in href:  # the next page's number can only come from the link itself
            continue
        joined = _join(base_url, href.strip())
        if joined is None:
            continue
        target = urlsplit(joined)
        if (target.path == wanted_parts.path and _page_of(urlunsplit(target)) == _page_of(wanted)
                and target.netloc == wanted_parts.netloc):
            return urldefrag(urlunsplit(target))[0]
    return None


def _same_page(one: str, other: str) -> bool:
    # A product's canonical URL often drops the page's query (?utm=...) or adds a slash.
    one, other = urlsplit(one), urlsplit(other)
    return one.netloc == other.netloc and one.path.rstrip("/") == other.path.rstrip("/")


def _listed_products(products: list[dict], url: str) -> list[str]:
    """The products' URLs when every product found points to another page: product cards
    marked up as schema.org Products on a category page, not the product of this page."""
    targets = [p["url"] or url for p in products]
    return targets if targets and not any(_same_page(t, url) for t in targets) else []


def _product_links(sel: Selector, nodes: list[dict], url: str, profile: SiteProfile | None,
                   listed: Iterable[str] = (), base_url: str | None = None) -> list[str]:
    """Product pages a listing page points to: ItemList markup, profile selectors, product cards,
    and the ``listed`` products' own URLs; resolved against ``base_url`` (the document's base
    URL, default ``url``)."""
    links: list[str] = []
    for node in nodes:
        for inner in _walk(node):
            if "ItemList" in _types(inner):
                for element in _as_list(inner.get("itemListElement")):
                    if isinstance(element, dict):
                        item = element.get("item")
                        href = element.get("url") or (item.get("url") or item.get("@id")
                                                      if isinstance(item, dict) else item)
                        if isinstance(href, str):
                            links.append(href)
    if profile and profile.product_links:
        links.extend(sel.css(s).getall() if not s.startswith("xpath:") else sel.xpath(s[6:]).getall()
                     for s in profile.product_links)
        links = [h for group in links for h in (group if isinstance(group, list) else [group])]
    if not links:
        links = sel.xpath(
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' product') or "
            "contains(@class, 'product-card') or contains(@class, 'product-item') or "
            "contains(@class, 'product-tile')]//a/@href | //a[contains(@class, 'product')]/@href").getall()
    links.extend(listed)
    host = urlsplit(url).netloc
    out, seen = [], set()
    for href in links:
        joined = _join(base_url or url, href.strip())
        if joined is None:
            continue
        target = urldefrag(joined)[0]
        if urlsplit(target).netloc == host and target not in seen and target != urldefrag(url)[0]:
            seen.add(target)
            out.append(target)
    return out


# --- the whole page -------------------------------------------------------------------------

def _language(text: str) -> str | None:
    # Function words settle most reviews in microseconds; the model (~1 ms) reads the rest.
    # The file import does the same, so both collectors agree on a review's language.
    return quick_language(text) or detect_language(text)


@functools.lru_cache(maxsize=4096)
def _date_without_now(value: str, day_first: bool | None = None) -> date | None:
    # The same day read against a far-past `now`: equal for absolute dates, not for relative
    # ones. Reviews on a page share few date strings, so cached.
    return parse_date(value, now=_FAR_PAST, day_first=day_first)


@functools.lru_cache(maxsize=1024, typed=True)
def _review_rating(value: Any, best: float | None, worst: float | None):
    # A page's reviews use a handful of (value, scale) pairs; Rating is immutable, so cached.
    return normalize_rating(value, best=best, worst=worst)


_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


@functools.lru_cache(maxsize=4096)
def _iso_review_dates(value: str) -> tuple[date | None, str | None]:
    # parse_date reads "2024-07-04" without looking at `now` (the ISO form is tried first,
    # and a text starting with a digit is never relative), so its answer holds for any page.
    published = parse_date(value, now=_FAR_PAST)
    return (published, published.isoformat()) if published is not None else (None, None)


def _review_dates(value: Any, fetched_at: Any, day_first: bool | None = None) -> tuple[date | None, str | None]:
    """``(the review's day, the day for its id)``: a relative date ("3 days ago") names
    another day tomorrow, so it stays out of the review's id (crawling the same review again
    later does not store it twice)."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):  # most pages' dates: cached
        return _iso_review_dates(value)
    published = parse_date(value, now=fetched_at, day_first=day_first)
    if published is None:
        return None, None
    return published, (published.isoformat() if _date_without_now(value, day_first) == published else None)


def _finish_reviews(raw_reviews: list[tuple[int | None, dict]], products: list[dict], page_url: str,
                    fetched_at: Any, problems: Counter, link_base: str | None = None,
                    day_first: bool | None = None) -> list[dict]:
    """The page's raw reviews as contract records (reviews without text counted and left out).

    A review's link resolves against ``link_base`` (the document's base URL for links the page
    gives; default ``page_url``); a review without one gets ``page_url``. What the reviews of
    one page share (the page's address, its host, the few dates they name) is worked out once
    per page, not once per review.

    A review read in one syntax and again in another (JSON-LD and microdata of one product:
    the same product, author, day and text, so the same ``review_id``) is kept once, the
    first read, with what only the second states (a rating, a title, its anchor) filled in.
    Reviews of one syntax are kept as they come.
    """
    link_base = link_base or page_url
    link_document = link_base.split("#", 1)[0]
    joined_prefix = link_document + "#"
    source = _host(page_url)
    days: dict[str, tuple[date | None, str | None]] = {}
    reviews = []
    first_read: dict[str, tuple[dict, str]] = {}  # review id -> (the review, its syntax)
    for owner, raw in raw_reviews:
        product_id = products[owner if owner is not None else 0]["product_id"]
        body = raw["body"]
        body = clean_text(body if isinstance(body, str) else _text(body))
        if not body:
            problems["review_missing_text"] += 1
            continue
        title = raw["title"]
        title = clean_line(title if isinstance(title, str) else _text(title)) or None
        author = raw["author"]
        author = clean_line(author if isinstance(author, str) else _text(author)) or None
        rating = None
        try:
            rating = _review_rating(raw["rating_raw"], raw["best"], raw["worst"])
        except RatingError:
            problems["rating_unreadable"] += 1
        raw_date = raw["date"]
        published = id_date = None
        if raw_date:
            found = days.get(raw_date) if isinstance(raw_date, str) else None
            if found is None:
                found = _review_dates(raw_date, fetched_at, day_first)
                if isinstance(raw_date, str):
                    days[raw_date] = found
            published, id_date = found
            if published is None:
                problems["date_unreadable"] += 1
        link = raw["link"]
        if not link:
            url = page_url
        elif link.startswith("#"):  # the common case, without a full URL parse per review
            url = link_document + link
        elif link.startswith(joined_prefix) and "/." not in link:  # already joined
            url = link
        else:
            url = _join(link_base, link) or page_url
        helpful = raw["helpful_votes"]
        variant = raw["variant"]
        review_id = make_review_id(product_id, author, id_date, body)
        syntax = raw.get("syntax")  # None: a site profile's review
        earlier = first_read.get(review_id) if syntax is not None else None
        if earlier is not None and earlier[1] != syntax:
            _fill_review(earlier[0], rating, title, url, page_url, helpful, raw["verified"], variant)
            continue
        reviews.append({
            "type": "review",
            "review_id": review_id,
            "product_id": product_id,
            "rating": rating.value if rating else None,
            "rating_original": rating.original if rating else None,
            "rating_scale": rating.scale if rating else None,
            "title": title,
            "body": body,
            "author": author,
            "published_at": published,
            "url": url,
            "language": _language(f"{title} {body}" if title else body),
            "helpful_votes": _count(helpful) if helpful is not None else None,
            "verified": raw["verified"],
            "variant": clean_line(variant) or None if variant else None,
            "source": source,
        })
        if syntax is not None and earlier is None:
            first_read[review_id] = (reviews[-1], syntax)
    return reviews


def _fill_review(review: dict, rating, title: str | None, url: str, page_url: str, helpful, verified,
                 variant) -> None:
    """What a second reading of ``review`` (in another syntax) states and the first did not."""
    if review["rating"] is None and rating is not None:
        review["rating"], review["rating_original"], review["rating_scale"] = \
            rating.value, rating.original, rating.scale
    if review["title"] is None and title:
        review["title"] = title
        review["language"] = _language(f"{title} {review['body']}")
    if review["url"] == page_url and url != page_url:  # the page itself: no anchor of its own
        review["url"] = url
    if review["helpful_votes"] is None and helpful is not None:
        review["helpful_votes"] = _count(helpful)
    if review["verified"] is None and verified is not None:
        review["verified"] = verified
    if review["variant"] is None and variant:
        review["variant"] = clean_line(variant) or None


def parse_html(html_text: str, url: str) -> Selector:
    """One page's tree, parsed once and shared by JSON-LD, microdata, profiles and links.

    Like parsel's own parse (recovering, UTF-8, huge trees allowed), but with lxml's plain
    elements: ``lxml.html`` elements look up their Python class in Python for every element
    touched (~2 us each), which walking review blocks and microdata items does thousands of
    times a page.
    """
    body = html_text.strip().encode("utf-8") or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(body, parser=parser, base_url=url)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=url)
    return Selector(root=root, type="html", base_url=url)


def _html_is_broken(sel: Selector, html_text: str) -> bool:
    # lxml repairs almost anything; a page with markup but no element in its body is broken.
    if not html_text or html_text.isspace():  # as `not html_text.strip()`, without copying the page
        return True
    body = sel.root.find("body") if sel.root is not None else None
    return "<" in html_text and (body is None or len(body) == 0) and not sel.root.xpath("//script")


def extract(html: str | bytes, url: str, fetched_at: Any = None, profile: str | SiteProfile | None = None,
            *, encoding: str | None = None, category: str | None = None,
            day_first: bool | None = None) -> PageExtract:
    """Read product facts and reviews from one page.

    ``html`` is text or raw bytes (then ``encoding`` is the charset the server declared, if
    any); ``url`` is where the page lives (relative links, anchors, the source host);
    ``fetched_at`` anchors relative dates ("3 days ago"); ``profile`` forces a site profile by
    name or path; ``day_first`` how the site writes numeric dates (03/04/2024: None reads each
    date on its own, see :func:`crawler.normalize.parse_date`). Problems (malformed JSON-LD, wrong charset, a review without text, ...) are
    counted by reason, never raised.

    >>> page = extract('<div class="rv-list"><article class="rv-item" id="r-1">'
    ...                '<span class="rv-stars" data-score="4"></span><p class="rv-body">Works well</p>'
    ...                '</article></div>', "http://shop.test/p/kettle")
    >>> page.reviews[0]["rating"], page.reviews[0]["url"]
    (4.0, 'http://shop.test/p/kettle#r-1')
    """
    problems: Counter = Counter()
    html_text = decode_page(html, encoding, problems) if isinstance(html, bytes) else html
    if "\x00" in html_text:  # a scan, not a copy of every page
        html_text = html_text.replace("\x00", "")
    try:
        sel = parse_html(html_text, url)
    except Exception:  # lxml gives up on some binary junk
        problems["broken_html"] += 1
        return PageExtract([], [], None, dict(problems))
    if _html_is_broken(sel, html_text):
        problems["broken_html"] += 1

    base_url = document_base_url(sel.root, url)  # <base href>, when the page has one
    syntaxes = _schema_nodes(sel, html_text, base_url, problems)
    nodes = [node for group in syntaxes.values() for node in group]
    products, schema_reviews = _schema_records(syntaxes, url, category, base_url)
    used_profile = None
    page = None
    raw_reviews: list[tuple[int | None, dict]] = [(owner, _schema_review(node, syntax))
                                                  for owner, node, syntax in schema_reviews]
    chosen = None
    if not raw_reviews or profile is not None:
        selected: dict = {}
        page = PageElements(sel.root)  # indexed on first use, shared by the profile's page-wide selectors
        chosen = _choose_profile(sel, url, profile, html_text, selected, page)
        if chosen is not None:
            profile_reviews = _profile_reviews(sel, chosen, selected, page)
            if profile_reviews or not raw_reviews:
                used_profile = chosen.name
                facts = _profile_product(sel, chosen, url, category, page)
                if products and profile is None:
                    owner = 0
                else:
                    products = [facts] + products
                    owner = 0
                raw_reviews = [(owner, r) for r in profile_reviews]

    # Products without their own id get one from the URL (and the name, if a page has several).
    # Ids, names, brands and categories are one line each (clean_line).
    for index, product in enumerate(products):
        for key in ("product_id", "title", "brand", "category"):
            if product[key] and "\n" in product[key]:
                product[key] = clean_line(product[key])
        if not product["product_id"]:
            base = product_id_from_url(product["url"] or url)
            name = product["title"]
            product["product_id"] = f"{base}#{_slug(name)}" if len(products) > 1 and name else base
    if raw_reviews and any(owner is None for owner, _ in raw_reviews) and not products:
        title = clean_line(_source_spaces(sel.xpath("//h1").xpath("string()").get()
                                          or sel.xpath("//title/text()").get() or ""))
        products.append({"type": "product", "product_id": product_id_from_url(url), "url": url,
                         "title": title or None, "brand": None, "category": category, "rating": None,
                         "review_count": None, "source": _host(url)})

    # A profile's review links are "#" + an element id of this page, not links the page gives.
    reviews = _finish_reviews(raw_reviews, products, url, fetched_at, problems,
                              link_base=url if used_profile else base_url, day_first=day_first)

    next_url = _next_url(sel, url, chosen, html_text, page, base_url) if (reviews or raw_reviews) else None
    # A page of products without reviews is a listing when the products live on other pages.
    listed = [] if raw_reviews else _listed_products(products, url)
    links = ([] if raw_reviews or (products and not listed)
             else _product_links(sel, nodes, url, chosen, listed, base_url))
    if not (products or raw_reviews) and not links:
        next_url = _next_url(sel, url, chosen, html_text, page, base_url)
    elif links:
        next_url = _next_url(sel, url, chosen, html_text, page, base_url)  # listing pages paginate too
    return PageExtract(products, reviews, next_url, dict(problems), links, used_profile, len(raw_reviews))
