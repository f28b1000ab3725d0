"""Overview: the catalogue at a glance, and the complaints that are growing."""
from __future__ import annotations

from datetime import timedelta

import plotly.express as px
import streamlit as st

from dashboard import frame, queries, render

ctx = frame.current()
f = ctx.filters
# download names: the sidebar's dates for tables that follow them, else today
dates, today = frame.dates_name(ctx), frame.today_name()
prev_start, cur_start, end = queries.period_bounds(f, ctx.now)

st.title("Catalogue overview")
table = queries.overview_products(ctx.db, ctx.stamp, f, ctx.now)
if table.empty:
    st.info("No reviews match the filters in the sidebar. Widen the date range or clear a filter.")
    st.stop()

catalogue = queries.catalogue_summary(ctx.db, ctx.stamp, f)
c1, c2, c3 = st.columns(3)
c1.metric("Products", render.fmt_int(catalogue["products"]))
c2.metric("Reviews", render.fmt_int(catalogue["reviews"]))
c3.metric("Average rating", render.fmt_rating(catalogue["avg_rating"]))

st.subheader("Products")
st.caption(f"Net sentiment = (positive − negative sentences) / sentences, from −1 to +1, averaged "
           f"over reviews. Change = the last {f.period_days} days ({cur_start} to {end}) against "
           f"the {f.period_days} days before ({prev_start} to {cur_start - timedelta(days=1)}), in "
           f"the reviews the sidebar's categories, ratings and sources keep (the From date does "
           f"not shorten either period).")
shown = table.rename(columns={
    "product": "Product", "category": "Category", "reviews": "Reviews", "avg_rating": "Avg rating",
    "net_sentiment": "Net sentiment", "net_change": "Change", "top_weakness": "Top weakness",
    "top_need": "Top unmet need"})
st.dataframe(
    shown.drop(columns=["product_id"]), hide_index=True, width="stretch", key="overview_table",
    column_config={
        "Reviews": st.column_config.NumberColumn(format="localized"),
        "Avg rating": st.column_config.NumberColumn(format="%.2f ★"),
        "Net sentiment": st.column_config.NumberColumn(format="%+.2f"),
        "Change": st.column_config.NumberColumn(format="%+.2f",
                                                help=f"Net sentiment, last {f.period_days} days minus the period before"),
    })
d1, d2 = st.columns([1, 3])
with d1:
    frame.download_table(table, frame.csv_name("overview", dates), key="dl_overview")
with d2:
    frame.download_report(ctx.db, "summary", frame.csv_name("summary", today), key="dl_summary",
                          label="Download all findings (summary report)")

chart = px.scatter(
    table.assign(product=table["product"].map(render.chart_text),
                 category=table["category"].map(render.chart_text)), x="avg_rating", y="net_sentiment", size="reviews", hover_name="product",
    color="category" if table["category"].notna().any() else None, size_max=40,
    title="Rating against what the text says",
    labels={"avg_rating": "Average rating (stars, 1-5)", "net_sentiment": "Net sentiment (−1 to +1)",
            "reviews": "Reviews", "category": "Category"})
chart.update_layout(height=380, margin=dict(t=50, b=40))
st.plotly_chart(chart, width="stretch", key="overview_chart")

st.subheader("Emerging complaints")
findings = queries.emerging_findings(ctx.db, ctx.stamp, f.categories)
if findings.empty:
    st.caption("The last analysis found no product whose complaints about an aspect rose "
               "significantly in the last 90 days.")
else:
    st.caption("Aspects whose share of negative mentions rose significantly (p < 0.05, corrected for "
               "the number of the product's aspects tested) in the last 90 days against the product's "
               "history before, found by the analysis job.")
    top_findings = findings.head(5)
    first_quotes = [next((q for q in quotes if isinstance(q, dict)), None) for quotes in top_findings["quotes"]]
    marks = queries.quote_marks(ctx.db, ctx.stamp, tuple(sorted(set(top_findings["product_id"]))),
                                tuple(sorted({q["sentence_id"] for q in first_quotes if q and q.get("sentence_id")})))
    for row, quote in zip(top_findings.itertuples(index=False), first_quotes):
        st.markdown(
            f'<div class="rl-finding"><b>{render.safe_text(row.product)}: {render.safe_text(row.aspect)}</b> · '
            f'negative {render.fmt_pct(row.before_share)} → {render.fmt_pct(row.recent_share)} '
            f'({render.fmt_int(row.recent_mentions)} recent reviews naming it, {render.fmt_p(row.p_value)})</div>'
            + (render.quote_html(quote.get("text", ""), *queries.quote_mark(marks, quote, "aspect", row.aspect),
                                 row.aspect, quote.get("url")) if quote else ""),
            unsafe_allow_html=True)
    table = findings.drop(columns=["quotes", "product_id"])
    st.dataframe(table.rename(columns={
        "product": "Product", "aspect": "Aspect", "recent_share": "Negative share, last 90 days",
        "before_share": "Negative share, before", "recent_mentions": "Reviews naming it, last 90 days",
        "before_mentions": "Reviews naming it, before", "p_value": "p-value"}),
        hide_index=True, width="stretch", key="emerging_findings_table",
        column_config={"Negative share, last 90 days": st.column_config.NumberColumn(format="percent"),
                       "Negative share, before": st.column_config.NumberColumn(format="percent"),
                       "p-value": st.column_config.NumberColumn(format="%.4f")})
    frame.download_table(table, frame.csv_name("emerging_complaints_by_product", today),
                         key="dl_emerging_findings")

st.subheader("Complaints growing across the catalogue")
emerging = queries.emerging_complaints(ctx.db, ctx.stamp, f, ctx.now)
if emerging.empty:
    st.success(f"No aspect drew more complaints in the last {f.period_days} days than in the "
               f"{f.period_days} days before.")
else:
    emerging = emerging.assign(change=emerging["negative_now"] - emerging["negative_before"])
    st.caption(f"Negative mentions per aspect (one per review) in the reviews the sidebar's categories, "
               f"ratings and sources keep: the last {f.period_days} days up to {end} against the "
               f"{f.period_days} days before, by the review dates (the From date does not shorten the "
               f"period before).")
    st.dataframe(
        emerging.rename(columns={"aspect": "Aspect", "negative_now": "Complaints now",
                                 "negative_before": "Complaints before", "change": "Growth",
                                 "products": "Products affected"}),
        hide_index=True, width="stretch", key="emerging_table",
        column_config={"Growth": st.column_config.NumberColumn(format="+%d")})
    frame.download_table(emerging, frame.csv_name("emerging_complaints", dates), key="dl_emerging")
