"""CSV downloads open right in Excel: UTF-8 with a byte order mark, sensible file names, and a
note instead of an empty file.

Excel on Windows reads a CSV without a BOM in the local code page, so "é" shows as "Ã©" and
emoji and curly quotes break. The dashboard's buttons always write the mark; `reviewlens
report` writes it with ``--excel`` (or ``excel = true`` in the job's config)."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import sample_data
from data import store
from app_pages import open_page

BOM = b"\xef\xbb\xbf"
ACCENTED = "Le café’s lid cracked 😞 after a week, très déçu."


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bom") / "shop.duckdb"
    return sample_data.build(path, reviews=300, products=3, extra_reviews=[
        {"review_id": "accents", "product_id": "p0000", "body": ACCENTED, "rating": 1.0,
         "title": "Déçu “vraiment”", "published_at": "2025-12-30"}])


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """Every download button the pages draw: key -> (file name, bytes or the callable that
    builds them on click)."""
    import streamlit

    seen = {}
    real = streamlit.download_button

    def recording(label, data, file_name=None, *args, key=None, **kwargs):
        seen[key] = (file_name, data)
        return real(label, data, file_name, *args, key=key, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return seen


def _payload(data) -> bytes:
    return data() if callable(data) else data


def _read(payload: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig", keep_default_na=False)


def test_every_dashboard_download_is_utf8_with_a_bom(shop, monkeypatch, downloads):
    for page in (None, "views/product.py", "views/compare.py", "views/themes.py"):
        open_page(shop, monkeypatch, page, product="p0000")
    open_page(shop, monkeypatch, "views/reviews.py", rv_product="p0000", rv_q="café")
    assert {"dl_overview", "dl_summary", "dl_findings", "dl_summary_product", "dl_aspects",
            "dl_ratings", "dl_compare", "dl_themes", "dl_themes_report", "dl_reviews_page",
            "dl_reviews_report"} <= set(downloads)
    for key, (_, data) in downloads.items():
        assert _payload(data).startswith(BOM), key
        assert not _payload(data)[3:].startswith(BOM), key   # one mark, not two


def test_accents_curly_quotes_and_emoji_survive_a_dashboard_download(shop, monkeypatch, downloads):
    open_page(shop, monkeypatch, "views/reviews.py", rv_product="p0000", rv_q="café")
    page_table = _read(_payload(downloads["dl_reviews_page"][1]))
    assert page_table["body"].tolist() == [ACCENTED]
    assert page_table["title"].tolist() == ["Déçu “vraiment”"]
    report_rows = _read(_payload(downloads["dl_reviews_report"][1]))
    assert ACCENTED in report_rows["body"].tolist()


def test_report_files_with_excel_round_trip_accents(tmp_path):
    from analysis import report

    frame = pd.DataFrame({"quote": [ACCENTED, "=1+1"]})
    payload = report.write(frame, tmp_path / "needs.csv", excel=True).read_bytes()
    assert payload.startswith(BOM)
    assert _read(payload)["quote"].tolist() == [ACCENTED, "'=1+1"]


def test_download_names_say_which_product_and_which_dates(shop, monkeypatch, downloads):
    open_page(shop, monkeypatch, "views/product.py", product="p0000", f_from="2025-01-01")
    last = store.query(shop, "SELECT max(published_at)::DATE FROM reviews").scalar()
    today = date.today().isoformat()
    names = {key: name for key, (name, _) in downloads.items()}
    assert names["dl_aspects"] == f"aspects_p0000_2025-01-01_to_{last}.csv"
    assert names["dl_ratings"] == f"ratings_p0000_2025-01-01_to_{last}.csv"
    # the findings come from the analysis over all reviews, not the sidebar's dates
    assert names["dl_findings"] == f"findings_p0000_{today}.csv"
    assert names["dl_summary_product"] == f"summary_p0000_{today}.csv"

    downloads.clear()
    open_page(shop, monkeypatch, "views/reviews.py", rv_product="p0001")
    assert downloads["dl_reviews_report"][0] == f"reviews_p0001_{today}.csv"


def test_a_product_id_becomes_a_safe_file_name():
    from dashboard import frame

    assert frame.csv_name("aspects", "shop.example/p/12:3?x", None, "") == "aspects_shop.example-p-12-3-x.csv"
    assert frame.csv_name("reviews", "..\\..\\evil", "2025-01-01_to_2025-02-01") == \
        "reviews_evil_2025-01-01_to_2025-02-01.csv"


def test_a_product_without_reviews_in_the_dates_gets_a_note_not_a_file_of_zeros(shop, monkeypatch, downloads):
    days = {d for (d,) in store.query(shop, "SELECT DISTINCT published_at::DATE FROM reviews "
                                            "WHERE product_id = 'p0000'").rows}
    first, last = store.query(shop, "SELECT min(published_at)::DATE, max(published_at)::DATE FROM reviews").rows[0]
    quiet = next(d for d in pd.date_range(first, last).date if d not in days)
    at = open_page(shop, monkeypatch, "views/product.py", product="p0000",
               f_from=quiet.isoformat(), f_to=quiet.isoformat())
    assert "dl_ratings" not in downloads
    assert any("No rated review of this product matches" in i.value for i in at.info)


def test_an_empty_table_gives_a_note_instead_of_a_download():
    def page():
        import pandas as pd

        from dashboard import frame
        frame.download_table(pd.DataFrame(columns=["aspect", "mentions"]), "empty.csv", key="dl_empty")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert len(at.get("download_button")) == 0
    assert [c.value for c in at.caption] == ["Nothing to download: no rows match this selection."]
