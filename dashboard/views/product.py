"""Product: what customers love, what they complain about, what they want, with quotes."""
from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import frame, queries, render

ctx = frame.current()
f = ctx.filters
# download names: the sidebar's dates for tables that follow them, else today
dates, today = frame.dates_name(ctx), frame.today_name()

catalogue = queries.products(ctx.db, ctx.stamp, f.categories)
if catalogue.empty:
    st.info("No products match the category filter in the sidebar.")
    st.stop()
ids = catalogue["product_id"].tolist()
names = dict(zip(catalogue["product_id"], catalogue["name"]))

frame.from_url("product", ids[0])
if st.session_state["product"] not in names:
    st.session_state["product"] = ids[0]  # a stale link or a product the filter hides
with st.sidebar:
    product_id = st.selectbox("Product", ids, key="product", format_func=lambda p: names.get(p, p))
frame.to_url("product", product_id, None)
info = catalogue.set_index("product_id").loc[product_id]
name = str(info["name"])

st.set_page_config(page_title=f"{name} · reviewlens")
st.title(render.plain_label(name))  # a shop can name a product anything: no markdown in it
facts = [str(v) for v in (info["brand"], info["category"], info["source"]) if v and v == v]
link = render.safe_url(info["url"])
st.markdown('<div class="rl-meta">' + " · ".join(render.safe_text(v) for v in facts)
            + (f' · <a href="{render.safe_text(link)}" target="_blank" rel="noopener noreferrer">product page</a>'
               if link else "") + "</div>", unsafe_allow_html=True)

summary = queries.product_summary(ctx.db, ctx.stamp, product_id, f)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Reviews", render.fmt_int(summary["reviews"]))
c2.metric("Average rating", render.fmt_rating(summary["avg_rating"]))
c3.metric("Net sentiment", render.fmt_signed(summary["net_sentiment"]),
          help="(positive − negative sentences) / sentences, averaged over reviews, −1 to +1")
c4.metric("Rating-text mismatches", render.fmt_int(summary["mismatches"]),
          help="Reviews whose stars say the opposite of their text, of the "
               f"{render.fmt_int(summary['checked'])} the analysis has read")

# Reviews collected (or edited) since the last analysis: nothing read from their text yet.
waiting, every = int(summary["not_analysed"]), int(summary["all_reviews"])
analysed = every - waiting
if waiting:
    st.warning(f"**{render.fmt_int(waiting)} of this product's {render.fmt_int(every)} reviews are "
               f"not analysed yet** (collected or edited since the last analysis): the findings, "
               f"the net sentiment, the mismatches, the aspects and the themes leave them out. Run "
               f"`reviewlens analyze`, then reload this page.")

insights = queries.product_insights(ctx.db, ctx.stamp, product_id)
KINDS = [("strength", "Strengths", "What customers love"),
         ("weakness", "Weaknesses", "What they complain about"),
         ("need", "Unmet needs", "What they ask for")]
TOP = 3  # findings per list on the page; the table below holds them all
SHARE_MEANING = {"strength": "positive", "weakness": "negative", "need": "of reviews"}

if insights.empty and not analysed:
    st.info("No findings yet: none of this product's reviews is analysed. Run `reviewlens analyze`.")
elif insights.empty:
    st.info("The analysis found no strengths, weaknesses or needs for this product yet "
            "(too few analysed sentences). "
            + ("Run `reviewlens analyze` for the reviews that are not analysed yet."
               if waiting else "Collect more reviews and run `reviewlens analyze`."))
else:
    st.caption(("Findings come from the last analysis run over all of this product's reviews. "
                if not waiting else
                f"Findings come from the last analysis run over the {render.fmt_int(analysed)} of this "
                f"product's {render.fmt_int(every)} reviews it has read, whatever the filters in the "
                f"sidebar. ")
               + "Trend = change of share, last 90 days against before; small counts are marked.")
    shown_quotes = [q for qs in insights["quotes"] for q in qs if isinstance(q, dict) and q.get("sentence_id")]
    marks = queries.quote_marks(ctx.db, ctx.stamp, (product_id,),
                                tuple(sorted({q["sentence_id"] for q in shown_quotes})))

    columns = st.columns(3)
    for (kind, title, subtitle), column in zip(KINDS, columns):
        rows = insights[insights["kind"] == kind].head(TOP)
        with column:
            st.subheader(title)
            st.caption(subtitle)
            if rows.empty:
                st.write("None found.")
            for i, row in enumerate(rows.itertuples(index=False)):
                trend = f" · trend {render.fmt_pp(row.trend)}" if row.trend == row.trend and row.trend is not None else ""
                st.markdown(
                    f'<div class="rl-finding"><b>{row.rank}. {render.safe_text(row.name)}</b> '
                    f'· {render.fmt_int(row.mentions)} review{"s" if row.mentions != 1 else ""} · {render.fmt_pct(row.share)} '
                    f'{SHARE_MEANING[kind]}{render.safe_text(trend)}<br>'
                    f'<small>confidence: {render.safe_text(render.confidence_note(int(row.mentions), row.share, row.confidence))}</small></div>',
                    unsafe_allow_html=True)
                quotes = row.quotes[:3]
                marked = "need" if kind == "need" else "aspect"  # a need's phrase, else its aspect's term
                st.markdown("".join(render.quote_html(q.get("text", ""), *queries.quote_mark(marks, q, marked, row.name),
                                                      row.name, q.get("url"))
                                    for q in quotes if isinstance(q, dict)),
                            unsafe_allow_html=True)

    with st.expander(f"All {len(insights):,} findings as a table"):
        table = insights.drop(columns=["quotes"]).assign(
            kind=insights["kind"].map({"strength": "strength", "weakness": "weakness", "need": "unmet need"}),
            confidence_note=[render.confidence_note(int(m), s, c) for m, s, c in
                         zip(insights["mentions"], insights["share"], insights["confidence"])])
        st.dataframe(table, hide_index=True, width="stretch", key="findings_table",
                     column_config={"share": st.column_config.NumberColumn(format="percent"),
                                    "confidence": st.column_config.NumberColumn(format="percent"),
                                    "trend": st.column_config.NumberColumn(format="%+.2f")})
        d1, d2 = st.columns(2)
        with d1:
            frame.download_table(table, frame.csv_name("findings", product_id, today), key="dl_findings")
        with d2:
            frame.download_report(ctx.db, "summary", frame.csv_name("summary", product_id, today),
                                  key="dl_summary_product",
                                  product=product_id, label="Download with quotes (summary report)")

left, right = st.columns([3, 2])
with left:
    aspects = queries.aspect_sentiment(ctx.db, ctx.stamp, (product_id,), f).head(15)
    if aspects.empty:
        st.info("No sentence of this product's reviews that the filters in the sidebar keep "
                "mentions an aspect.")
    else:
        long = aspects[["aspect", "positive", "neutral", "negative"]].assign(
            aspect=aspects["aspect"].map(render.chart_text)).melt(id_vars=["aspect"], value_vars=["positive", "neutral", "negative"],
                            var_name="polarity", value_name="mentions")
        chart = px.bar(long, y="aspect", x="mentions", color="polarity", orientation="h",
                       color_discrete_map=render.CHART_COLOURS,
                       category_orders={"aspect": [render.chart_text(a) for a in aspects["aspect"]],
                                        "polarity": ["positive", "neutral", "negative"]},
                       title="Aspect sentiment (top 15 aspects)",
                       labels={"mentions": "Mentions (reviews)", "aspect": "Aspect", "polarity": "Polarity"})
        chart.update_layout(height=420, margin=dict(t=50, b=40), legend_title_text="")
        st.plotly_chart(chart, width="stretch", key="aspect_chart")
        st.caption(render.aspect_count_note(f))
        frame.download_table(aspects, frame.csv_name("aspects", product_id, dates), key="dl_aspects")
with right:
    ratings = queries.rating_distribution(ctx.db, ctx.stamp, product_id, f)
    if not ratings["reviews"].any():  # five stars with no reviews: no chart, no file of zeros
        st.info("No rated review of this product matches the filters in the sidebar.")
    else:
        chart = px.bar(ratings, x="stars", y="reviews", title="Rating distribution",
                       labels={"stars": "Stars", "reviews": "Reviews"}, text_auto=",")
        chart.update_traces(marker_color="#e0a800")
        chart.update_layout(height=420, margin=dict(t=50, b=40), xaxis=dict(dtick=1))
        st.plotly_chart(chart, width="stretch", key="rating_chart")
        frame.download_table(ratings, frame.csv_name("ratings", product_id, dates), key="dl_ratings")

monthly = queries.sentiment_over_time(ctx.db, ctx.stamp, product_id, f)
if not monthly.empty:
    chart = go.Figure()
    chart.add_bar(x=monthly["month"], y=monthly["reviews"], name="Reviews", marker_color="#c9d6e8",
                  yaxis="y2")
    chart.add_scatter(x=monthly["month"], y=monthly["net_sentiment"], name="Net sentiment",
                      mode="lines+markers", line=dict(color="#1f5fa8"))
    chart.update_layout(
        title="Sentiment over time (per month)", height=360, margin=dict(t=50, b=40),
        xaxis=dict(title="Month"), yaxis=dict(title="Net sentiment (−1 to +1)", range=[-1, 1]),
        yaxis2=dict(title="Reviews per month", overlaying="y", side="right", showgrid=False),
        legend=dict(orientation="h", y=-0.2))
    st.plotly_chart(chart, width="stretch", key="time_chart")
    frame.download_table(monthly, frame.csv_name("sentiment_by_month", product_id, dates),
                         key="dl_monthly")

st.subheader("Themes in this product's reviews")
product_themes = queries.product_themes(ctx.db, ctx.stamp, product_id, f)
# the same themes as the Themes page: the store's, or those of the categories picked (a column
# label is plain text, not markdown: the names go in as they are)
theme_products = f"products in {', '.join(f.categories)}" if f.categories else "all products"
if product_themes.empty:
    st.write("No sentence of this product's reviews that the filters in the sidebar keep falls in "
             "a complaint or need theme.")
else:
    st.caption("This product's sentences: those in the reviews the filters in the sidebar keep. "
               "Theme size: every sentence of the theme, as the last analysis found it.")
    shown = product_themes.assign(keywords=[", ".join(k) for k in product_themes["keywords"]])
    st.dataframe(shown.drop(columns=["theme_id"]).rename(columns={
        "kind": "Kind", "label": "Theme", "keywords": "Keywords", "aspect": "Aspect",
        "size": f"Theme size ({theme_products})", "sentences": "This product's sentences"}),
        hide_index=True, width="stretch", key="product_themes_table")
    frame.download_table(shown, frame.csv_name("themes", product_id, dates), key="dl_product_themes")
