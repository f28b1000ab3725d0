"""Compare: two or more products side by side per aspect, to see where a competitor wins."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import frame, queries, render

ctx = frame.current()
f = ctx.filters
dates = frame.dates_name(ctx)  # for download file names

st.title("Compare products")
catalogue = queries.products(ctx.db, ctx.stamp, f.categories)
ids = catalogue["product_id"].tolist()
# Products are told apart by id, and shown by a label no other product shares: two products
# with one title would otherwise share a chart colour and be averaged in the table.
names = render.product_labels(dict(zip(catalogue["product_id"], catalogue["name"])))
if len(ids) < 2:
    st.info("Comparing needs at least two products; the category filter leaves "
            f"{len(ids)}. Clear it in the sidebar or collect another product's reviews.")
    st.stop()

frame.from_url("compare", ids[:2], lambda v: v if isinstance(v, list) else [v])
st.session_state["compare"] = [p for p in st.session_state["compare"] if p in names] or ids[:2]
chosen = st.multiselect("Products to compare", ids, key="compare", format_func=lambda p: names.get(p, p),
                        max_selections=6)
frame.to_url("compare", list(chosen), None)
if len(chosen) < 2:
    st.info("Pick two or more products.")
    st.stop()

min_mentions = st.slider("Leave out aspects with fewer mentions per product than", 1, 50, 5,
                         key="compare_min")
data = queries.aspect_sentiment(ctx.db, ctx.stamp, tuple(chosen), f)
if data.empty:
    st.info("No sentence of these products' reviews that the filters in the sidebar keep "
            "mentions an aspect.")
    st.stop()
data = data.assign(product=data["product_id"].map(names),
                   positive_share=data["positive"] / data["mentions"],
                   negative_share=data["negative"] / data["mentions"])
# Keep aspects every chosen product has enough mentions of: a share of 2 mentions says little.
enough = data[data["mentions"] >= min_mentions]
common = enough.groupby("aspect")["product_id"].nunique()
common = common[common == len(chosen)].index
table = data[data["aspect"].isin(common)]
if table.empty:
    st.info(f"No aspect has at least {min_mentions} mentions for every chosen product. "
            "Lower the threshold above.")
    st.stop()
order = table.groupby("aspect")["mentions"].sum().sort_values(ascending=False).index.tolist()

st.caption("Share positive / negative = mentions of that polarity / all mentions of the aspect. "
           + render.aspect_count_note(f))
chart_data = table.assign(product=table["product"].map(render.chart_text),
                          aspect=table["aspect"].map(render.chart_text))
chart_order = [render.chart_text(a) for a in order]
left, right = st.columns(2)
for column, measure, title in ((left, "positive_share", "Share positive per aspect"),
                               (right, "negative_share", "Share negative per aspect")):
    chart = px.bar(chart_data, x=measure, y="aspect", color="product", barmode="group", orientation="h",
                   category_orders={"aspect": chart_order}, title=title,
                   hover_data={"mentions": ":,"},
                   labels={measure: title.replace(" per aspect", "") + " (%)", "aspect": "Aspect",
                           "product": "Product", "mentions": "Mentions"})
    chart.update_layout(height=max(320, 60 + 28 * len(order) * len(chosen) ** 0.5),
                        xaxis_tickformat=".0%", margin=dict(t=50, b=40), legend=dict(orientation="h", y=-0.15))
    column.plotly_chart(chart, width="stretch", key=f"compare_{measure}")

volume = px.bar(chart_data, x="aspect", y="mentions", color="product", barmode="group",
                category_orders={"aspect": chart_order}, title="Volume: mentions per aspect",
                labels={"mentions": "Mentions (reviews)", "aspect": "Aspect", "product": "Product"})
volume.update_layout(height=340, margin=dict(t=50, b=40))
st.plotly_chart(volume, width="stretch", key="compare_volume")

st.subheader("Side by side")
# no product "wins" an aspect that nobody praises (all shares positive 0: mentions only negative,
# neutral, or asked for in a need)
praised = table[table["positive_share"] > 0]
best = (praised.sort_values(["aspect", "positive_share", "mentions"], ascending=[True, False, False])
        .groupby("aspect").head(1).set_index("aspect")["product"])
wide = table.pivot_table(index="aspect", columns="product_id",
                         values=["positive_share", "negative_share", "mentions"])
wide.columns = [f"{names[pid]}: {measure.replace('_', ' ')}" for measure, pid in wide.columns]
wide = wide[sorted(wide.columns)].reindex(order)
wide.insert(0, "Most praised", [best.get(a, "—") for a in wide.index])
wide = wide.reset_index().rename(columns={"aspect": "Aspect"})
st.dataframe(wide, hide_index=True, width="stretch", key="compare_table",
             column_config={c: st.column_config.NumberColumn(format="percent")
                            for c in wide.columns if c.endswith("share")})
frame.download_table(wide, frame.csv_name("compare", *chosen, dates), key="dl_compare")
st.caption(f"{render.fmt_int(len(order))} aspects shown; a product “wins” an aspect when it has the "
           "highest share positive (none when no product's mentions of it are positive).")
