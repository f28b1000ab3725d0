"""`reviewlens import` on the exports of review apps and marketplaces (Judge.me, Yotpo, Loox,
Stamped, Okendo, Shopify Product Reviews, Trustpilot, WooCommerce, Bazaarvoice, Etsy, Google's
product review feed): each layout's columns, as recalled, with rows written for these tests.

Each test checks the columns found (no e-mail, IP, reply or moderation column taken for a
review field) and the fields stored."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from crawler.import_columns import find_columns
from crawler.importer import import_files
from data import store


def header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


def imported(tmp_path: Path, db_path: str, name: str, text: str):
    """Import ``text`` as file ``name``: the summary and the stored reviews, newest first."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    summary = import_files(db_path, [path], progress=False)
    got = store.query(db_path, "SELECT * FROM reviews ORDER BY published_at DESC").dicts()
    return summary, got


def main_fields(review: dict) -> tuple:
    return (review["product_id"], review["rating"], review["title"], review["body"],
            review["published_at"], review["author"])


def product_titles(db_path: str) -> dict:
    return dict(store.query(db_path, "SELECT product_id, title FROM products").rows)


JUDGEME = """\
title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,product_handle,reply,reply_date,picture_urls,ip_address,location
Lovely mug,"Keeps my tea hot for ages, and the handle stays cool.",5,2024-03-14 09:21:05 UTC,web,ok,Ann Lee,ann@example.com,7781234567,stoneware-mug,"Thank you Ann, glad you like it!",2024-03-15 10:00:00 UTC,,203.0.113.7,"Leeds, GB"
Chipped,"Arrived with a chip on the rim, the box was crushed.",2,2024-03-02 18:40:11 UTC,email,ok,Bo Chen,bo@example.com,7781234567,stoneware-mug,We are sending a replacement today.,2024-03-03 08:00:00 UTC,,198.51.100.4,
,"Nice glaze but smaller than the photos suggest.",4,2024-02-20 07:05:00 UTC,web,not-yet,Cy,cy@example.com,7781239999,teapot-small,,,,192.0.2.10,
Buy cheap,"Cheap watches at my site.",5,2024-02-19 07:05:00 UTC,web,spam,Deals,deals@example.com,7781239999,teapot-small,,,,192.0.2.11,
"""


def test_judgeme_export_takes_the_review_not_the_reply_email_or_curated(tmp_path, db_path):
    assert find_columns(header(JUDGEME)) == {
        "product_id": "product_id", "rating": "rating", "title": "title", "body": "body",
        "date": "review_date", "author": "reviewer_name", "status": "curated"}
    summary, got = imported(tmp_path, db_path, "judgeme.csv", JUDGEME)
    assert (summary.imported, summary.rejected, dict(summary.reasons)) == (3, 1, {"marked as spam": 1})
    assert [main_fields(r) for r in got] == [
        ("7781234567", 5.0, "Lovely mug", "Keeps my tea hot for ages, and the handle stays cool.",
         date(2024, 3, 14), "Ann Lee"),
        ("7781234567", 2.0, "Chipped", "Arrived with a chip on the rim, the box was crushed.",
         date(2024, 3, 2), "Bo Chen"),
        ("7781239999", 4.0, None, "Nice glaze but smaller than the photos suggest.",
         date(2024, 2, 20), "Cy")]   # "not-yet" curated is a review all the same


YOTPO = """\
Review ID,Date,Review Title,Review Content,Review Score,Product ID,Product Title,Product URL,Display Name,Email,Reviewer Type,Published,Comment Content,Comment Public,Votes Up,Votes Down
91001,2024-03-14,Great fit,"Fits true to size and the fabric is soft.",5,SKU-TEE-1,Organic Tee,https://shop.example/products/tee,Dana R.,dana@example.com,Verified Buyer,true,Thanks for the kind words Dana!,true,3,0
91002,2024-03-10,Shrank,"It shrank a size after one wash, and the seams twisted.",2,SKU-TEE-1,Organic Tee,https://shop.example/products/tee,Eli,eli@example.com,Anonymous User,true,,false,1,2
91003,2024-02-28,Good socks,"Warm and they did not slip down all day.",4,SKU-SOCK-3,Wool Socks,https://shop.example/products/socks,Fay,fay@example.com,Verified Reviewer,false,,,0,0
"""


def test_yotpo_export_takes_display_name_votes_and_verified_buyers_not_the_shops_comment(tmp_path, db_path):
    assert find_columns(header(YOTPO)) == {
        "product_id": "Product ID", "product_title": "Product Title", "rating": "Review Score",
        "title": "Review Title", "body": "Review Content", "date": "Date", "author": "Display Name",
        "helpful": "Votes Up", "verified": "Reviewer Type"}
    summary, got = imported(tmp_path, db_path, "yotpo.csv", YOTPO)
    assert (summary.imported, summary.rejected) == (3, 0)
    assert [main_fields(r) for r in got] == [
        ("SKU-TEE-1", 5.0, "Great fit", "Fits true to size and the fabric is soft.", date(2024, 3, 14), "Dana R."),
        ("SKU-TEE-1", 2.0, "Shrank", "It shrank a size after one wash, and the seams twisted.",
         date(2024, 3, 10), "Eli"),
        ("SKU-SOCK-3", 4.0, "Good socks", "Warm and they did not slip down all day.", date(2024, 2, 28), "Fay")]
    assert [r["helpful_votes"] for r in got] == [3, 1, 0]
    # a verified buyer is a verified purchase; other reviewer types say nothing about one
    assert [r["verified"] for r in got] == [True, None, None]
    assert product_titles(db_path) == {"SKU-TEE-1": "Organic Tee", "SKU-SOCK-3": "Wool Socks"}


LOOX = """\
id,status,rating,email,nickname,full_name,review,date,productId,handle,img,variant,verified_purchase,reply,replied_at,orderId
rv1a,Active,5,gus@example.com,Gus,Gus Hart,"The lamp is bright and the cord is long enough.",2024-03-14T09:21:05.000Z,6612345,desk-lamp,https://cdn.example/img1.jpg,Black,true,So happy it works for you!,2024-03-15T08:00:00.000Z,1001
rv1b,Active,3,hal@example.com,Hal,Hal Ives,"Works, but the switch feels cheap and clicks loudly.",2024-03-09T12:00:00.000Z,6612345,desk-lamp,,White,false,,,
rv1c,Hidden,1,ivy@example.com,Ivy,Ivy Jo,"Stopped working after two days, very disappointed.",2024-02-01T16:30:00.000Z,6612399,floor-lamp,,,true,,,1003
"""


def test_loox_export_takes_the_nickname_variant_and_verified_purchase(tmp_path, db_path):
    assert find_columns(header(LOOX)) == {
        "product_id": "productId", "rating": "rating", "body": "review", "date": "date",
        "author": "nickname", "verified": "verified_purchase", "variant": "variant", "status": "status"}
    summary, got = imported(tmp_path, db_path, "loox.csv", LOOX)
    assert (summary.imported, summary.rejected) == (3, 0)   # a hidden review is still a review
    assert [main_fields(r) for r in got] == [
        ("6612345", 5.0, None, "The lamp is bright and the cord is long enough.", date(2024, 3, 14), "Gus"),
        ("6612345", 3.0, None, "Works, but the switch feels cheap and clicks loudly.", date(2024, 3, 9), "Hal"),
        ("6612399", 1.0, None, "Stopped working after two days, very disappointed.", date(2024, 2, 1), "Ivy")]
    assert [(r["variant"], r["verified"]) for r in got] == [("Black", True), ("White", False), (None, True)]


STAMPED = """\
id,productId,productTitle,productSKU,productUrl,author,email,location,rating,title,body,reply,createdAt,replyDate,verifiedType,votesUp,votesDown,published
5501,4411,Canvas Tote,TOTE-01,https://shop.example/products/tote,Jo K.,jo@example.com,Austin US,5,Roomy,"Holds my laptop and groceries, the straps are sturdy.",Thanks Jo!,2024-03-14T09:21:05,2024-03-15T09:00:00,buyer,4,0,true
5502,4411,Canvas Tote,TOTE-01,https://shop.example/products/tote,Kim,kim@example.com,,3,Okay,"Fine bag but the inner pocket is tiny.",,2024-03-01T10:00:00,,,0,1,true
5503,4420,Leather Wallet,WAL-02,https://shop.example/products/wallet,Lou,lou@example.com,,4,Nice leather,"Soft leather, the card slots are a bit tight at first.",,2024-02-11T15:45:00,,buyer,2,0,true
"""


def test_stamped_export_dates_reviews_by_created_at_not_the_published_flag(tmp_path, db_path):
    assert find_columns(header(STAMPED)) == {
        "product_id": "productId", "product_title": "productTitle", "rating": "rating",
        "title": "title", "body": "body", "date": "createdAt", "author": "author", "helpful": "votesUp"}
    summary, got = imported(tmp_path, db_path, "stamped.csv", STAMPED)
    assert (summary.imported, summary.rejected, summary.dates_unparsed) == (3, 0, 0)
    assert [main_fields(r) for r in got] == [
        ("4411", 5.0, "Roomy", "Holds my laptop and groceries, the straps are sturdy.", date(2024, 3, 14), "Jo K."),
        ("4411", 3.0, "Okay", "Fine bag but the inner pocket is tiny.", date(2024, 3, 1), "Kim"),
        ("4420", 4.0, "Nice leather", "Soft leather, the card slots are a bit tight at first.",
         date(2024, 2, 11), "Lou")]
    assert [r["helpful_votes"] for r in got] == [4, 0, 2]


OKENDO = """\
Review ID,Product ID,Product Name,Variant Name,Rating,Title,Body,Reviewer Name,Reviewer Email,Reviewer Location,Is Verified Buyer,Is Recommended,Helpful Count,Unhelpful Count,Date Created,Status,Reply,Reply Date
ok-1,8001,Trail Runner,Size 9 / Blue,5,Light and grippy,"Light shoes with great grip on wet rocks.",Max P.,max@example.com,Denver US,true,true,7,0,2024-03-14T09:21:05.123Z,approved,Happy trails Max!,2024-03-15T10:00:00.000Z
ok-2,8001,Trail Runner,Size 10 / Red,2,Blisters,"They rub at the heel and gave me blisters on day one.",Nia,nia@example.com,,false,false,1,3,2024-03-03T08:00:00.000Z,approved,,
ok-3,8002,Rain Jacket,M,4,Dry,"Kept me dry in a downpour, the hood is a little loose.",Oz,oz@example.com,,true,true,0,0,2024-02-19T19:10:00.000Z,approved,,
"""


def test_okendo_export_takes_date_created_variant_name_and_verified_buyer(tmp_path, db_path):
    assert find_columns(header(OKENDO)) == {
        "product_id": "Product ID", "product_title": "Product Name", "rating": "Rating", "title": "Title",
        "body": "Body", "date": "Date Created", "author": "Reviewer Name", "helpful": "Helpful Count",
        "verified": "Is Verified Buyer", "variant": "Variant Name", "status": "Status"}
    summary, got = imported(tmp_path, db_path, "okendo.csv", OKENDO)
    assert (summary.imported, summary.rejected) == (3, 0)
    assert [main_fields(r) for r in got] == [
        ("8001", 5.0, "Light and grippy", "Light shoes with great grip on wet rocks.", date(2024, 3, 14), "Max P."),
        ("8001", 2.0, "Blisters", "They rub at the heel and gave me blisters on day one.", date(2024, 3, 3), "Nia"),
        ("8002", 4.0, "Dry", "Kept me dry in a downpour, the hood is a little loose.", date(2024, 2, 19), "Oz")]
    assert [(r["helpful_votes"], r["verified"], r["variant"]) for r in got] == [
        (7, True, "Size 9 / Blue"), (1, False, "Size 10 / Red"), (0, True, "M")]


SHOPIFY_PRODUCT_REVIEWS = """\
product_handle,state,rating,title,author,email,location,body,reply,created_at,replied_at
linen-apron,published,5,Perfect apron,Ada,ada@example.com,Bristol,"Sturdy linen with deep pockets, washes well.",Thanks Ada!,2024-03-14 09:21:05 -0400,2024-03-15 10:00:00 -0400
linen-apron,unpublished,3,Long straps,Ben,ben@example.com,,"Nice fabric but the straps are far too long for me.",,2024-03-02 11:00:00 -0500,
oven-mitt,spam,5,Buy now,Cheap Deals,spam@example.com,,"Visit my site for cheap watches.",,2024-02-20 07:00:00 -0500,
"""


def test_shopify_product_reviews_export_files_reviews_under_the_handle_and_skips_spam(tmp_path, db_path):
    assert find_columns(header(SHOPIFY_PRODUCT_REVIEWS)) == {
        "product_id": "product_handle", "rating": "rating", "title": "title", "body": "body",
        "date": "created_at", "author": "author", "status": "state"}
    summary, got = imported(tmp_path, db_path, "shopify_product_reviews.csv", SHOPIFY_PRODUCT_REVIEWS)
    assert (summary.imported, summary.rejected, summary.examples) == (
        2, 1, {"marked as spam": ["shopify_product_reviews.csv line 4"]})
    assert not summary.notes   # no "has no product column"
    assert [main_fields(r) for r in got] == [
        ("linen-apron", 5.0, "Perfect apron", "Sturdy linen with deep pockets, washes well.",
         date(2024, 3, 14), "Ada"),
        ("linen-apron", 3.0, "Long straps", "Nice fabric but the straps are far too long for me.",
         date(2024, 3, 2), "Ben")]


TRUSTPILOT = """\
Review Created (UTC),Review ID,Review Title,Review Content,Review Stars,Source Of Review,Review Language,Domain URL,Webshop Name,Business Unit ID,Tags,Company Reply Date (UTC),Reply Content,Reviewer Name,Reference Id,Reviewer Email,Reviewer Country,SKU,Product Name
2024-03-14 09:21:05,65f2a1,Fast delivery,"Ordered on Monday and it came on Tuesday, well packed.",5,Invitation,en,https://shop.example,Example Shop,5a1b,,2024-03-15 10:00:00,Thank you for your review!,Pat Q,ORD-1,pat@example.com,GB,KTL-100,Kettle
2024-03-02 11:00:00,65f2a2,Wrong colour,"I was sent the grey one instead of the green one I ordered.",2,Organic,en,https://shop.example,Example Shop,5a1b,,,,Rae S,ORD-2,rae@example.com,IE,KTL-100,Kettle
2024-02-25 17:30:00,65f2a3,Good toaster,"Toasts evenly and the crumb tray is easy to clean.",4,Invitation,en,https://shop.example,Example Shop,5a1b,,,,Sam T,ORD-3,sam@example.com,GB,TST-200,Toaster
"""


def test_trustpilot_export_reads_the_stars_and_created_date_not_the_reply(tmp_path, db_path):
    assert find_columns(header(TRUSTPILOT)) == {
        "product_id": "SKU", "product_title": "Product Name", "rating": "Review Stars",
        "title": "Review Title", "body": "Review Content", "date": "Review Created (UTC)",
        "author": "Reviewer Name"}
    summary, got = imported(tmp_path, db_path, "trustpilot.csv", TRUSTPILOT)
    assert (summary.imported, summary.rejected, summary.dates_unparsed) == (3, 0, 0)
    assert [main_fields(r) for r in got] == [
        ("KTL-100", 5.0, "Fast delivery", "Ordered on Monday and it came on Tuesday, well packed.",
         date(2024, 3, 14), "Pat Q"),
        ("KTL-100", 2.0, "Wrong colour", "I was sent the grey one instead of the green one I ordered.",
         date(2024, 3, 2), "Rae S"),
        ("TST-200", 4.0, "Good toaster", "Toasts evenly and the crumb tray is easy to clean.",
         date(2024, 2, 25), "Sam T")]
    assert product_titles(db_path) == {"KTL-100": "Kettle", "TST-200": "Toaster"}


WOOCOMMERCE = """\
comment_ID,comment_post_ID,product_SKU,product_title,comment_author,comment_author_email,comment_author_url,comment_author_IP,comment_date,comment_date_gmt,comment_content,comment_karma,comment_approved,comment_agent,comment_type,comment_parent,user_id,rating,verified
101,55,BEAN-1KG,House Blend Beans,Tom U,tom@example.com,,203.0.113.9,2024-03-14 09:21:05,2024-03-14 08:21:05,"Rich and chocolatey, great in the moka pot.",0,1,Mozilla/5.0,review,0,12,5,1
102,55,BEAN-1KG,House Blend Beans,Shop Owner,owner@example.com,,198.51.100.1,2024-03-15 10:00:00,2024-03-15 09:00:00,"Thanks Tom, glad you enjoy it!",0,1,Mozilla/5.0,review,101,1,,0
103,56,GRIND-01,Hand Grinder,Uma V,uma@example.com,,192.0.2.44,2024-03-01 12:00:00,2024-03-01 11:00:00,"The burrs are uneven, the grind is never consistent.",0,1,Mozilla/5.0,review,0,0,2,0
104,56,GRIND-01,Hand Grinder,Bot,bot@example.com,,192.0.2.99,2024-02-27 03:00:00,2024-02-27 02:00:00,"Best prices on pills here.",0,spam,Mozilla/5.0,review,0,0,5,0
"""


def test_woocommerce_export_reads_the_comment_columns_and_skips_the_shops_reply(tmp_path, db_path):
    assert find_columns(header(WOOCOMMERCE)) == {
        "product_id": "product_SKU", "product_title": "product_title", "rating": "rating",
        "body": "comment_content", "date": "comment_date", "author": "comment_author",
        "verified": "verified", "reply_to": "comment_parent", "status": "comment_approved"}
    summary, got = imported(tmp_path, db_path, "woocommerce.csv", WOOCOMMERCE)
    assert (summary.imported, summary.rejected) == (2, 2)
    assert summary.examples == {"a reply, not a review": ["woocommerce.csv line 3"],
                                "marked as spam": ["woocommerce.csv line 5"]}
    assert [main_fields(r) for r in got] == [
        ("BEAN-1KG", 5.0, None, "Rich and chocolatey, great in the moka pot.", date(2024, 3, 14), "Tom U"),
        ("GRIND-01", 2.0, None, "The burrs are uneven, the grind is never consistent.", date(2024, 3, 1), "Uma V")]
    assert [r["verified"] for r in got] == [True, False]
    # without a SKU column, the product is the review's post
    assert find_columns([c for c in header(WOOCOMMERCE) if c != "product_SKU"])["product_id"] == "comment_post_ID"


BAZAARVOICE = """\
Id,ProductId,AuthorId,UserNickname,UserLocation,Rating,RatingRange,Title,ReviewText,SubmissionTime,LastModificationTime,IsRecommended,TotalPositiveFeedbackCount,TotalNegativeFeedbackCount,ModerationStatus,ProductTitle
bv1,BLND-500,auth77,kitchenfan,Ohio,5,5,Smooth smoothies,"Crushes ice easily and is quieter than my old one.",2024-03-14T09:21:05.000+00:00,2024-03-14T10:00:00.000+00:00,true,6,1,APPROVED,Power Blender
bv2,BLND-500,auth78,Yuri,,2,5,Leaks,"The jug leaks at the base after a month of use.",2024-03-05T13:00:00.000+00:00,2024-03-05T13:00:00.000+00:00,false,2,0,APPROVED,Power Blender
bv3,MIX-300,auth79,Zoe,,4,5,Handy,"Good hand mixer, the cord could be longer.",2024-02-17T08:20:00.000+00:00,2024-02-17T08:20:00.000+00:00,true,0,0,APPROVED,Hand Mixer
"""


def test_bazaarvoice_export_takes_the_nickname_and_positive_feedback(tmp_path, db_path):
    assert find_columns(header(BAZAARVOICE)) == {
        "product_id": "ProductId", "product_title": "ProductTitle", "rating": "Rating", "title": "Title",
        "body": "ReviewText", "date": "SubmissionTime", "author": "UserNickname",
        "helpful": "TotalPositiveFeedbackCount", "status": "ModerationStatus"}
    summary, got = imported(tmp_path, db_path, "bazaarvoice.csv", BAZAARVOICE)
    assert (summary.imported, summary.rejected) == (3, 0)
    assert [main_fields(r) for r in got] == [
        ("BLND-500", 5.0, "Smooth smoothies", "Crushes ice easily and is quieter than my old one.",
         date(2024, 3, 14), "kitchenfan"),
        ("BLND-500", 2.0, "Leaks", "The jug leaks at the base after a month of use.", date(2024, 3, 5), "Yuri"),
        ("MIX-300", 4.0, "Handy", "Good hand mixer, the cord could be longer.", date(2024, 2, 17), "Zoe")]
    assert [r["helpful_votes"] for r in got] == [6, 2, 0]


ETSY = """\
Reviewer,Date Reviewed,Star Rating,Message,Order ID
Vic W,03/14/2024,5,"Beautiful earrings, even nicer than the photos.",3012345678
Wen,02/28/2024,4,"Lovely ring, shipping took a little longer than expected.",3012345600
Xia,01/13/2024,2,"The chain tarnished within a week.",3012345500
"""


def test_etsy_export_reads_date_reviewed_and_files_the_shop_under_one_product(tmp_path, db_path):
    assert find_columns(header(ETSY)) == {
        "rating": "Star Rating", "body": "Message", "date": "Date Reviewed", "author": "Reviewer"}
    summary, got = imported(tmp_path, db_path, "etsy.csv", ETSY)
    assert (summary.imported, summary.rejected, summary.dates_unparsed) == (3, 0, 0)
    assert "etsy.csv has no product column" in summary.notes[0]
    assert [main_fields(r) for r in got] == [
        ("etsy", 5.0, None, "Beautiful earrings, even nicer than the photos.", date(2024, 3, 14), "Vic W"),
        ("etsy", 4.0, None, "Lovely ring, shipping took a little longer than expected.", date(2024, 2, 28), "Wen"),
        ("etsy", 2.0, None, "The chain tarnished within a week.", date(2024, 1, 13), "Xia")]


GOOGLE_FEED = """\
{"review_id": "g1", "reviewer": {"name": "Cal", "reviewer_id": "r-1"}, "review_timestamp": "2024-03-14T09:21:05Z", "title": "Comfy chair", "content": "Comfortable for long days at the desk, easy to assemble.", "pros": {"pro": "comfortable"}, "review_url": "https://shop.example/reviews/g1", "ratings": {"overall": 5}, "products": {"product": {"product_ids": {"skus": {"sku": "CHR-9"}}, "product_name": "Desk Chair", "product_url": "https://shop.example/chair"}}, "is_spam": false}
{"review_id": "g2", "reviewer": {"name": "Deb", "reviewer_id": "r-2"}, "review_timestamp": "2024-03-01T10:00:00Z", "title": "Squeaks", "content": "The chair squeaks whenever I lean back.", "review_url": "https://shop.example/reviews/g2", "ratings": {"overall": 2}, "products": {"product": {"product_ids": {"skus": {"sku": "CHR-9"}}, "product_name": "Desk Chair", "product_url": "https://shop.example/chair"}}, "is_spam": false}
"""


def test_google_product_review_feed_as_json_lines(tmp_path, db_path):
    summary, got = imported(tmp_path, db_path, "google.jsonl", GOOGLE_FEED)
    assert (summary.imported, summary.rejected, summary.notes) == (2, 0, [])
    assert [main_fields(r) for r in got] == [
        ("CHR-9", 5.0, "Comfy chair", "Comfortable for long days at the desk, easy to assemble.",
         date(2024, 3, 14), "Cal"),
        ("CHR-9", 2.0, "Squeaks", "The chair squeaks whenever I lean back.", date(2024, 3, 1), "Deb")]
    assert [r["url"] for r in got] == ["https://shop.example/reviews/g1", "https://shop.example/reviews/g2"]
    assert product_titles(db_path) == {"CHR-9": "Desk Chair"}


def test_names_that_say_review_win_over_generic_ones_in_any_column_order():
    columns = ["title", "content", "rating", "timestamp", "author", "published",
               "review_title", "review_content", "review_rating", "review_date", "reviewer_name"]
    found = find_columns(columns)
    assert [found[f] for f in ("rating", "title", "body", "date", "author")] == [
        "review_rating", "review_title", "review_content", "review_date", "reviewer_name"]
    # a yes/no "published" is a date only when nothing else is
    assert find_columns(["body", "published", "created_at"])["date"] == "created_at"


def test_only_spam_and_trash_rows_are_skipped_whatever_the_status_column(tmp_path, db_path):
    text = ("product_id,rating,body,status\n"
            "k1,5,Boils fast and looks nice,published\n"
            "k1,4,Quiet and the lid is tight,unpublished\n"
            "k1,3,The handle gets warm,Hidden\n"
            "k1,5,Cheap pills at my site,SPAM\n"
            "k1,5,Cheap watches at my site,trash\n")
    summary, got = imported(tmp_path, db_path, "status.csv", text)
    assert (summary.imported, dict(summary.reasons)) == (3, {"marked as spam": 1, "in the trash": 1})
