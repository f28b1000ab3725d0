"""Overview: the catalogue at a glance, and the complaints that are growing."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import frame, queries, render

ctx = frame.current()
f = ctx.filters
prev_start, cur_start, end = queries.period_bounds(f, ctx.last)

st.title("Catalogue overview")
table = queries.overview_products(ctx.db, ctx.stamp, f, ctx.last)
if table.empty:
    st.info("No reviews match the filters in the sidebar. Widen the date range or clear a filter.")
    st.stop()

total_reviews = int(table["reviews"].sum())
weighted_rating = (table["avg_rating"] * table["reviews"]).sum() / max(1, table["reviews"][table["avg_rating"].notna()].sum())
c1, c2, c3 = st.columns(3)
c1.metric("Products", render.fmt_int(len(table)))
c2.metric("Reviews", render.fmt_int(total_reviews))
c3.metric("Average rating", render.fmt_rating(weighted_rating))

st.subheader("Products")
st.caption(f"Net sentiment = (positive − negative sentences) / sentences, from −1 to +1, averaged "
           f"over reviews. Change = the last {f.period_days} days ({cur_start} to {end}) against "
           f"the {f.period_days} days before.")
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
    frame.download_table(table, "overview.csv", key="dl_overview")
with d2:
    frame.download_report(ctx.db, "summary", "summary.csv", key="dl_summary",
                          label="Download all findings (summary report)")

chart = px.scatter(
    table, x="avg_rating", y="net_sentiment", size="reviews", hover_name="product",
    color="category" if table["category"].notna().any() else None, size_max=40,
    title="Rating against what the text says",
    labels={"avg_rating": "Average rating (stars, 1-5)", "net_sentiment": "Net sentiment (−1 to +1)",
            "reviews": "Reviews", "category": "Category"})
chart.update_layout(height=380, margin=dict(t=50, b=40))
st.plotly_chart(chart, width="stretch", key="overview_chart")

st.subheader("Emerging complaints across the catalogue")
emerging = queries.emerging_complaints(ctx.db, ctx.stamp, f, ctx.last)
if emerging.empty:
    st.success(f"No aspect drew more complaints in the last {f.period_days} days than in the "
               f"{f.period_days} days before.")
else:
    emerging = emerging.assign(change=emerging["negative_now"].fillna(0) - emerging["negative_before"].fillna(0))
    st.caption(f"Negative mentions per aspect, last {f.period_days} days against the "
               f"{f.period_days} days before (whole months), all products in the filter.")
    st.dataframe(
        emerging.rename(columns={"aspect": "Aspect", "negative_now": "Complaints now",
                                 "negative_before": "Complaints before", "change": "Growth",
                                 "products": "Products affected"}),
        hide_index=True, width="stretch", key="emerging_table",
        column_config={"Growth": st.column_config.NumberColumn(format="+%d")})
    frame.download_table(emerging, "emerging_complaints.csv", key="dl_emerging")
