"""Reviews: an explorer over every review, with sentences coloured by sentiment."""
from __future__ import annotations

import math

import streamlit as st

from dashboard import frame, queries, render

ctx = frame.current()
f = ctx.filters
# download names: the sidebar's dates for tables that follow them, else today
dates, today = frame.dates_name(ctx), frame.today_name()

st.title("Reviews")
catalogue = queries.products(ctx.db, ctx.stamp, f.categories)
names = dict(zip(catalogue["product_id"], catalogue["name"]))
themes = queries.theme_list(ctx.db, ctx.stamp)
# one label can name the store's theme and a category's (and two of one category): each entry
# names its products and size, so none reads like another (queries.theme_names)
theme_names = dict(zip(themes["theme_id"], themes["name"]))
aspects = queries.aspect_list(ctx.db, ctx.stamp)
ALL = ""

frame.from_url("rv_product", ALL)
frame.from_url("rv_stars", [], lambda v: [int(x) for x in (v if isinstance(v, list) else [v])])
frame.from_url("rv_aspect", ALL)
frame.from_url("rv_sentiment", ALL)
frame.from_url("rv_theme", ALL)
frame.from_url("rv_q", "")
frame.from_url("rv_mismatch", False, lambda v: v in ("1", "true", "True"))
for key, known in (("rv_product", names), ("rv_aspect", aspects), ("rv_theme", theme_names)):
    if st.session_state[key] and st.session_state[key] not in known:
        st.session_state[key] = ALL  # a stale link: show everything rather than fail

c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
product_id = c1.selectbox("Product", [ALL] + list(names), key="rv_product",
                          format_func=lambda p: names.get(p, "All products"))
stars = c2.multiselect("Stars", [5, 4, 3, 2, 1], key="rv_stars", placeholder="Any rating",
                       format_func=lambda s: "★" * s)
aspect = c3.selectbox("Aspect", [ALL] + aspects, key="rv_aspect",
                      format_func=lambda a: a or "Any aspect")
sentiment = c4.selectbox("Review sentiment", [ALL, "positive", "negative", "neutral", "mixed"],
                         key="rv_sentiment", format_func=lambda s: s or "Any sentiment")
c5, c6, c7 = st.columns([3, 4, 2])
theme_id = c5.selectbox("Theme", [ALL] + list(theme_names), key="rv_theme",
                        format_func=lambda t: theme_names.get(t, "Any theme"))
search = c6.text_input("Text contains", key="rv_q", placeholder="e.g. lid, too loud, battery life")
c7.write("")
mismatch = c7.checkbox("Rating-text mismatches only", key="rv_mismatch")

for key, value, default in (("rv_product", product_id, ALL), ("rv_stars", stars, []),
                            ("rv_aspect", aspect, ALL), ("rv_sentiment", sentiment, ALL),
                            ("rv_theme", theme_id, ALL), ("rv_q", search, ""),
                            ("rv_mismatch", "1" if mismatch else "", "")):
    frame.to_url(key, value, default)

q = queries.ReviewQuery(product_id=product_id or None, stars=tuple(sorted(stars)),
                        aspect=aspect or None, sentiment=sentiment or None,
                        theme_id=theme_id or None, search=search or "", mismatch_only=mismatch)
# The page number belongs to one set of filters: new filters start again at page 1.
frame.from_url("rv_page", 1, int)
signature = (q, f)
if st.session_state.get("rv_last_query", signature) != signature:
    st.session_state["rv_page"] = 1
st.session_state["rv_last_query"] = signature
wanted = max(1, int(st.session_state["rv_page"]))
total, rows = queries.explore(ctx.db, ctx.stamp, q, f, wanted - 1)
pages = max(1, math.ceil(total / queries.PAGE_SIZE))
if wanted > pages:  # a link to a page that no longer exists: show the last one
    wanted = pages
    total, rows = queries.explore(ctx.db, ctx.stamp, q, f, wanted - 1)
st.session_state["rv_page"] = wanted

top_left, top_right = st.columns([3, 1])
top_left.markdown(f"**{render.fmt_int(total)}** reviews match · page size {queries.PAGE_SIZE}")
page = top_right.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key="rv_page")
frame.to_url("rv_page", page, 1)

if rows.empty:
    st.info("No review matches these filters. Clear a filter or widen the dates in the sidebar.")
    st.stop()

sentences, mentions = queries.review_markup(ctx.db, ctx.stamp, tuple(rows["review_id"]),
                                            tuple(int(n) for n in rows["n_sentences"]))
by_review_s = {k: g.to_dict("records") for k, g in sentences.groupby("review_id")}
by_review_a = {k: g.to_dict("records") for k, g in mentions.groupby("review_id")}
MISMATCH = {"high_rating_negative_text": "high rating, negative text",
            "low_rating_positive_text": "low rating, positive text"}

st.markdown(
    '<div class="rl-meta">Sentences: <span class="rl-sent" style="background:#d9f2e1">positive</span> '
    '<span class="rl-sent" style="background:#f9d9d9">negative</span> '
    '<span class="rl-sent" style="background:#eeeeee">neutral</span> · '
    '<mark class="rl-aspect">aspect</mark> (hover for its polarity)</div>', unsafe_allow_html=True)
cards = []
for r in rows.itertuples(index=False):
    meta = [f'<span class="rl-stars">{render.stars(r.rating)}</span>',
            render.safe_text(r.product),
            render.safe_text(f"{r.published_at:%Y-%m-%d}") if r.published_at is not None and r.published_at == r.published_at else "no date",
            render.safe_text(r.author or "anonymous"),
            render.safe_text(r.source)]
    if isinstance(r.sentiment, str):
        meta.append(f"text: {render.safe_text(r.sentiment)} ({render.fmt_signed(r.net_sentiment)})")
    if isinstance(r.rating_mismatch, str):
        meta.append(f'<span class="rl-flag">⚠ mismatch: {render.safe_text(MISMATCH.get(r.rating_mismatch, r.rating_mismatch))}</span>')
    url = render.safe_url(r.url)
    if url:
        meta.append(f'<a href="{render.safe_text(url)}" target="_blank" rel="noopener noreferrer">source</a>')
    title = f'<div class="rl-title">{render.safe_text(r.title)}</div>' if isinstance(r.title, str) and r.title else ""
    body = render.review_body_html(r.body, by_review_s.get(r.review_id, []), by_review_a.get(r.review_id, []))
    cards.append(f'<div class="rl-review"><div class="rl-meta">{" · ".join(meta)}</div>{title}<div>{body}</div></div>')
st.markdown("".join(cards), unsafe_allow_html=True)

table = rows.drop(columns=["body", "n_sentences"]).assign(body=rows["body"])
with st.expander("This page as a table"):
    st.dataframe(table, hide_index=True, width="stretch", key="reviews_table")
    d1, d2 = st.columns(2)
    with d1:
        frame.download_table(table, frame.csv_name("reviews", product_id, dates, f"page_{int(page)}"),
                             key="dl_reviews_page")
    with d2:
        # The report can cut only by product and start date, not by the other filters here:
        # it holds every review (of the picked product), as its label says.
        frame.download_report(ctx.db, "reviews", frame.csv_name("reviews", product_id, today),
                              key="dl_reviews_report",
                              product=product_id or None,
                              label="Download all reviews of this product (reviews report)"
                              if product_id else "Download all reviews (reviews report)")
