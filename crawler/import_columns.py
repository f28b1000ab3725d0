"""Which column of an export holds which review field, for :mod:`crawler.importer`.

Columns are matched by name (case, spaces, dots and underscores ignored) against the names
common exports use; ``--map field=COLUMN`` overrides any of them.

Example::

    find_columns(["asin", "overall", "reviewText", "summary", "unixReviewTime", "reviewerName"])
    # {'product_id': 'asin', 'rating': 'overall', 'body': 'reviewText', 'title': 'summary',
    #  'date': 'unixReviewTime', 'author': 'reviewerName'}
"""
from __future__ import annotations

import re

# Field -> names, best first. The generic layout first, then marketplace exports
# (asin/overall/reviewText/..., the 2023 marketplace dump's text/timestamp/user_id/...,
# the Alexa export's verified_reviews/variation, food-review dumps' Score/Text/ProfileName).
KNOWN_NAMES: dict[str, list[str]] = {
    "product_id": ["product_id", "productid", "asin", "parent_asin", "item_id", "itemid", "sku",
                   "product_sku", "product_code", "product", "productcode", "item", "prod_id"],
    "product_title": ["product_title", "product_name", "productname", "producttitle", "item_name",
                      "item_title"],
    "category": ["category", "product_category", "main_cat", "categories", "department"],
    "brand": ["brand", "product_brand", "manufacturer"],
    "rating": ["rating", "overall", "stars", "star_rating", "score", "review_rating",
               "reviews_rating", "rate", "ratings", "review_score", "rating_value"],
    "title": ["title", "summary", "review_title", "headline", "review_headline", "subject",
              "reviews_title", "review_summary"],
    "body": ["body", "review_body", "reviewtext", "review_text", "text", "content", "comment",
             "comments", "review", "verified_reviews", "reviews_text", "review_content",
             "review_comment", "message"],
    "date": ["unixreviewtime", "timestamp", "date", "review_date", "reviewtime", "reviews_date",
             "published_at", "published", "date_published", "created_at", "submission_time",
             "time", "date_posted", "review_time", "posted_at"],
    "author": ["author", "reviewername", "reviewer_name", "user", "username", "user_name",
               "reviewer", "profilename", "profile_name", "reviews_username", "customer_name",
               "author_name", "reviewer_nickname", "nickname",
               "reviewerid", "user_id", "userid", "customer_id"],
    "helpful": ["helpful_votes", "helpful_vote", "helpful", "vote", "votes",
                "helpfulnessnumerator", "reviews_numhelpful", "helpful_count", "upvotes"],
    "verified": ["verified", "verified_purchase", "reviews_didpurchase", "is_verified"],
    "variant": ["variant", "variation", "style", "product_variant", "size", "color", "colour"],
    "url": ["url", "review_url", "link", "source_url"],
}
FIELDS = list(KNOWN_NAMES)


def column_key(name: str) -> str:
    """The name as columns are matched: lower case, letters and digits only (``Review.Text``
    -> ``reviewtext``)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


_key = column_key


class MappingError(ValueError):
    """A ``--map`` that names an unknown field or a column the file lacks."""


def parse_map_options(options) -> dict[str, str]:
    """``["body=Review Text", "rating=Stars"]`` -> ``{"body": "Review Text", "rating": "Stars"}``.

    >>> parse_map_options(["body=comment"])
    {'body': 'comment'}
    """
    mapping: dict[str, str] = {}
    for option in options or []:
        if "=" not in option:
            raise MappingError(f"--map {option!r} must look like FIELD=COLUMN, e.g. --map body=comment")
        field, column = (part.strip() for part in option.split("=", 1))
        if field not in KNOWN_NAMES:
            raise MappingError(f"--map {option!r}: unknown field {field!r}; fields are {', '.join(FIELDS)}")
        if not column:
            raise MappingError(f"--map {option!r} names no column")
        mapping[field] = column
    return mapping


def find_columns(columns: list[str], overrides: dict[str, str] | None = None,
                 file_name: str = "the file") -> dict[str, str]:
    """Field -> column name for the fields this file has.

    A column is used for one field only; ``overrides`` (from ``--map``) win and must exist.
    """
    overrides = dict(overrides or {})
    by_key: dict[str, str] = {}
    for column in columns:
        if column == "_line":
            continue
        by_key.setdefault(_key(column), column)
    found: dict[str, str] = {}
    for field, column in overrides.items():
        if column not in columns:
            match = by_key.get(_key(column))
            if match is None:
                raise MappingError(f"--map {field}={column}: {file_name} has no column {column!r}; "
                                   f"its columns are {', '.join(c for c in columns if c != '_line')}")
            column = match
        found[field] = column
    used = set(found.values())
    for field, names in KNOWN_NAMES.items():
        if field in found:
            continue
        for name in names:
            column = by_key.get(_key(name))
            if column is not None and column not in used:
                found[field] = column
                used.add(column)
                break
    return found
