"""Themes: the topics of complaints and of needs across the catalogue."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import frame, queries, render

ctx = frame.current()
f = ctx.filters
# download names: the sidebar's dates for tables that follow them, else today
dates, today = frame.dates_name(ctx), frame.today_name()
prev_start, cur_start, end = queries.period_bounds(f, ctx.now)

st.title("Themes")
st.caption("Topics the analysis found among complaint sentences and among need sentences "
           "(BERTopic), "
           + (f"in {', '.join(render.plain_label(c) for c in f.categories)}" if f.categories
              else "across the whole store (pick categories in the sidebar for theirs)")
           + ". Size: every sentence of the theme, as the last analysis found it. Sentences: those in "
             "the reviews every filter in the sidebar keeps. Trend = sentences in the last "
           + f"{f.period_days} days up to {end} against the {f.period_days} days before, in the "
             "reviews the sidebar's ratings and sources keep (the From date does not shorten "
             "the period before).")
frame.from_url("theme_kind", "complaint")
kind = st.segmented_control("Kind", ["complaint", "need"], key="theme_kind",
                            format_func={"complaint": "Complaints", "need": "Unmet needs"}.get)
kind = kind or "complaint"
frame.to_url("theme_kind", kind, "complaint")

table = queries.themes(ctx.db, ctx.stamp, kind, f, ctx.now)
if table.empty:
    st.info(f"No {kind} themes yet: the analysis makes them once there are enough {kind} sentences "
            "(run `reviewlens analyze` after collecting more reviews).")
    st.stop()
table = table.assign(trend=table["sentences_now"] - table["sentences_before"],
                     keywords=[", ".join(k) for k in table["keywords"]])

top = table.head(15).assign(label=lambda t: t["label"].map(render.chart_text))
chart = px.bar(top, x="size", y="label", orientation="h", color="trend",
               color_continuous_scale="RdYlGn_r" if kind == "complaint" else "RdBu",
               color_continuous_midpoint=0,
               category_orders={"label": top["label"].tolist()},
               title=f"Largest {kind} themes",
               labels={"size": "Sentences in theme", "label": "Theme", "trend": "Trend (sentences)"})
chart.update_layout(height=max(300, 60 + 26 * len(top)), margin=dict(t=50, b=40))
st.plotly_chart(chart, width="stretch", key="themes_chart")

shown = table.rename(columns={"label": "Theme", "scope": "Scope", "aspect": "Aspect", "size": "Size",
                              "keywords": "Keywords", "sentences": "Sentences",
                              "sentences_now": "Last period",
                              "sentences_before": "Period before", "trend": "Trend"})
st.dataframe(shown.drop(columns=["theme_id"]), hide_index=True, width="stretch", key="themes_table",
             column_config={"Size": st.column_config.NumberColumn(format="localized"),
                            "Trend": st.column_config.NumberColumn(format="%+d")})
d1, d2 = st.columns([1, 3])
with d1:
    frame.download_table(table, frame.csv_name("themes", kind, dates), key="dl_themes")
with d2:
    frame.download_report(ctx.db, "themes", frame.csv_name("themes", today), key="dl_themes_report",
                          label="Download the themes report with quotes")

st.subheader("Examples")
examples = queries.theme_examples(ctx.db, ctx.stamp, tuple(table["theme_id"].head(10)))
for row in table.head(10).itertuples(index=False):
    with st.expander(f"{render.plain_label(row.label)} · {row.size:,} sentences · trend {row.trend:+d}"):
        st.markdown(f"<small>Keywords: {render.safe_text(row.keywords)}</small>", unsafe_allow_html=True)
        quotes = examples[examples["theme_id"] == row.theme_id]
        st.markdown("".join(render.quote_html(q.text, None, None, None, q.url)
                            + f'<div class="rl-meta">— {render.safe_text(q.product)}</div>'
                            for q in quotes.itertuples(index=False)), unsafe_allow_html=True)
