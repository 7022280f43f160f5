"""Pieces every page uses: the session's viewer and as_of, tables and charts.

Layout only: data comes from dashboard.queries, rules from the SQL views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from dashboard.navigation import may_open
from dashboard.viewer import BODY, Viewer

AS_OF_KEY = "as_of"
VIEWER_KEY = "viewer"


@dataclass(frozen=True)
class Context:
    viewer: Viewer
    as_of: date


def context() -> Context:
    """The viewer and as-of date of this session (set by the sidebar in app.py)."""
    viewer = st.session_state.get(VIEWER_KEY, BODY)
    as_of = st.session_state.get(AS_OF_KEY) or date.today()
    return Context(viewer=viewer, as_of=as_of)


def require(url_path: str) -> Context:
    """The session's context, or a stop: a page opened by URL that the viewer's role may
    not see says so and shows nothing (the navigation does not even list it)."""
    ctx = context()
    if not may_open(ctx.viewer, url_path):
        st.error("This page is not available to you.")
        st.stop()
    return ctx


def show_table(frame: pl.DataFrame, limit: int | None = None, **kwargs: object) -> None:
    """A full-width table, saying so when the query's row limit cut it."""
    st.dataframe(frame, width="stretch", hide_index=True, **kwargs)
    if limit is not None and frame.height >= limit:
        st.caption(f"Only the first {limit:,} rows are shown; narrow the filters to see more.")


def observation_chart(series: pl.DataFrame, title: str) -> alt.LayerChart:
    """Observations per lot over time on a log scale, with the limit as a rule line.

    ``series`` has sampled_on, lot_id, observation, below_loq, limit_value, exceeds.
    A limit that changed over the period (sulfate transition, BRL 9341 bijlage IV) is
    drawn as one segment per limit over the dates it applied.
    """
    # A log scale cannot place zero; such values are listed in the table instead.
    points = series.filter(pl.col("observation") > 0).with_columns(
        pl.when(pl.col("exceeds")).then(pl.lit("exceeds limit"))
        .when(pl.col("below_loq")).then(pl.lit("below LOQ (at LOQ)"))
        .otherwise(pl.lit("below limit")).alias("result")
    )
    limits = (
        series.filter(pl.col("limit_value").is_not_null())
        .group_by("limit_value")
        .agg(pl.col("sampled_on").min().alias("from"), pl.col("sampled_on").max().alias("to"))
        .sort("from")
    )
    y_scale = alt.Scale(type="log")
    dots = alt.Chart(points).mark_point(filled=True, size=60).encode(
        x=alt.X("sampled_on:T", title="sampled on", axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("observation:Q", title="observation (mg/kg d.s.)", scale=y_scale),
        color=alt.Color(
            "result:N",
            title=None,
            scale=alt.Scale(domain=["below limit", "below LOQ (at LOQ)", "exceeds limit"],
                            range=["#1f77b4", "#9e9e9e", "#d62728"]),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=["lot_id", "sampled_on:T", "observation:Q", "below_loq", "limit_value:Q"],
    )
    line = alt.Chart(points).mark_line(opacity=0.35, color="#1f77b4").encode(
        x="sampled_on:T", y=alt.Y("observation:Q", scale=y_scale)
    )
    if limits.height <= 1:
        rule = alt.Chart(limits).mark_rule(color="#d62728", strokeDash=[6, 3], size=2).encode(
            y=alt.Y("limit_value:Q", scale=y_scale), tooltip=["limit_value:Q"]
        )
    else:
        rule = alt.Chart(limits).mark_rule(color="#d62728", strokeDash=[6, 3], size=2).encode(
            x="from:T", x2="to:T", y=alt.Y("limit_value:Q", scale=y_scale),
            tooltip=["limit_value:Q", "from:T", "to:T"],
        )
    # The limit goes in the subtitle: a text mark on the line would hide points near it.
    parts = [f"{row['limit_value']:g} mg/kg d.s." for row in limits.iter_rows(named=True)]
    if limits.height > 1:
        parts = [f"{part} ({row['from']:%Y-%m-%d} – {row['to']:%Y-%m-%d})"
                 for part, row in zip(parts, limits.iter_rows(named=True), strict=True)]
    subtitle = "limit " + "; ".join(parts) if parts else "no limit value for this component"
    return (line + dots + rule).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"), height=360
    )


# === management helpers ===
# URL-kept filters and typed tables for the management pages (overview, certificates,
# billing). Small and additive; the shared table helpers above are dash-brl's.

MONEY_COLUMNS = frozenset({
    "expected_excl_vat", "invoiced_excl_vat", "difference", "amount_due", "paid_amount",
    "open_amount", "late_interest", "forfait", "total_claim",
})


def seed_from_url(key: str, param: str, options: list[str], multi: bool = False,
                  default: object = None) -> None:
    """Give a widget its value from the URL (``?param=...``) on the page's first render;
    values not among ``options`` are dropped. Later renders keep the widget's own state."""
    if key in st.session_state:
        return
    if multi:
        wanted = [v for part in st.query_params.get_all(param) for v in part.split(",")]
        st.session_state[key] = [v for v in wanted if v in options] or (default or [])
    else:
        value = st.query_params.get(param)
        st.session_state[key] = value if value in options else default


def keep_in_url(param: str, value: object) -> None:
    """Write a filter's value into the URL so a link shows the same view."""
    if value is None or value == "" or value == [] or value is False:
        if param in st.query_params:
            del st.query_params[param]
    elif isinstance(value, list | tuple):
        st.query_params[param] = ",".join(str(v) for v in value)
    else:
        st.query_params[param] = str(value)


def typed_columns(frame: pl.DataFrame, **overrides: object) -> dict[str, object]:
    """column_config for a frame: glossary headers, dates as dates, euros with two
    decimals, booleans as ticks."""
    from dashboard.glossary import header

    config: dict[str, object] = {}
    for name, dtype in frame.schema.items():
        label = header(name)
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif dtype == pl.Boolean:
            config[name] = st.column_config.CheckboxColumn(label)
        elif name in MONEY_COLUMNS:
            config[name] = st.column_config.NumberColumn(label, format="euro")
        else:
            config[name] = st.column_config.Column(label)
    config.update(overrides)
    return config


def for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """Decimals as floats (the grid formats them), nothing else changed."""
    return frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))


def data_table(frame: pl.DataFrame, limit: int | None = None,
               styler: object = None, **overrides: object) -> None:
    """A typed full-width table (see typed_columns), saying when the row limit cut it."""
    frame = for_display(frame)
    st.dataframe(styler if styler is not None else frame, width="stretch", hide_index=True,
                 column_config=typed_columns(frame, **overrides))
    if limit is not None and frame.height >= limit:
        st.caption(f"Only the first {limit:,} rows are shown; narrow the filters to see more.")
