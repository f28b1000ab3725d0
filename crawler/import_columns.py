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

# Field -> names, best first: a field takes the column of the first name the file has. Names
# that say they are the review's (review_title, review_content, reviewer_name) come before
# generic ones (title, content, author), so a file with both takes the review's; a name
# that also names other things (published: a yes/no flag in Stamped and Yotpo exports) comes
# last. The generic layout, marketplace exports (asin/overall/reviewText/..., the 2023
# marketplace dump's text/timestamp/user_id/..., the Alexa export's verified_reviews/variation,
# food-review dumps' Score/Text/ProfileName) and review apps' exports: Judge.me, Yotpo, Loox,
# Stamped, Okendo, Shopify Product Reviews, Trustpilot, WooCommerce (comment_*), Bazaarvoice
# (UserNickname, TotalPositiveFeedbackCount), Etsy (Date Reviewed), Google's product review
# feed as JSON (review_timestamp, ratings.overall, products.product.product_ids.skus.sku).
# No e-mail, IP or reply column is listed for any field, nor a moderation column for a review's.
KNOWN_NAMES: dict[str, list[str]] = {
    "product_id": ["product_id", "productid", "asin", "parent_asin", "item_id", "itemid", "sku",
                   "product_sku", "product_code", "product", "productcode", "item", "prod_id",
                   "products_product_product_ids_skus_sku", "products_product_product_ids_gtins_gtin",
                   # a WooCommerce review's product (its post)
                   "comment_post_id",
                   # Shopify's handle (Shopify Product Reviews; Judge.me, Loox have an id too);
                   # not a bare "handle", which may be the reviewer's
                   "product_handle"],
    "product_title": ["product_title", "product_name", "productname", "producttitle", "item_name",
                      "item_title", "products_product_product_name"],
    "category": ["category", "product_category", "main_cat", "categories", "department"],
    "brand": ["brand", "product_brand", "manufacturer"],
    "rating": ["review_rating", "reviews_rating", "review_score", "review_stars", "star_rating",
               "overall_rating", "ratings_overall",
               "rating", "overall", "stars", "score", "rate", "ratings", "rating_value"],
    "title": ["review_title", "reviews_title", "review_headline", "review_summary",
              "title", "summary", "headline", "subject"],
    "body": ["body", "review_body", "reviewtext", "review_text", "reviews_text", "review_content",
             "review_comment", "verified_reviews", "comment_content",
             "text", "content", "comment", "comments", "review", "message"],
    "date": ["unixreviewtime", "review_date", "reviewtime", "reviews_date", "review_time",
             "review_timestamp", "review_created_utc", "review_created", "date_reviewed",
             "submission_time", "submission_date", "comment_date",
             "timestamp", "date", "published_at", "date_published", "created_at", "date_created",
             "time", "date_posted", "posted_at", "published"],
    "author": ["reviewername", "reviewer_name", "reviews_username", "profilename", "profile_name",
               "reviewer_nickname", "user_nickname", "display_name", "comment_author",
               "author_name", "customer_name",
               "author", "user", "username", "user_name", "reviewer", "nickname",
               "reviewerid", "user_id", "userid", "customer_id"],
    "helpful": ["helpful_votes", "helpful_vote", "helpful_count", "helpfulnessnumerator",
                "reviews_numhelpful", "votes_up", "total_positive_feedback_count",
                "helpful", "vote", "votes", "upvotes"],
    "verified": ["verified_purchase", "is_verified_buyer", "verified_buyer", "reviews_didpurchase",
                 "is_verified", "verified", "reviewer_type"],
    "variant": ["variant", "variant_name", "variant_title", "variation", "style", "product_variant",
                "size", "color", "colour"],
    "url": ["review_url", "url", "link", "source_url"],
    # A row that answers another (WooCommerce's comment_parent: 0 for a review, else the
    # comment it replies to, often the shop's reply) is skipped, never taken for a review.
    "reply_to": ["comment_parent"],
    # Moderation: a row marked `spam` (Judge.me's curated, Shopify Product Reviews' state) or
    # `trash` (WooCommerce's comment_approved) is skipped; other values are kept as they are.
    "status": ["comment_approved", "curated", "review_status", "moderation_status", "status",
               "state"],
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
