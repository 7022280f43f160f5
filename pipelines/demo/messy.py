"""The one hand-made lab file: what a lab's report looks like after someone pasted it into
a spreadsheet. Semicolons, BOM, Dutch column names (contract, "Canonical input files"),
DD-MM-YYYY dates, decimal commas, Dutch component names and chemical symbols, metals in
µg/kg ds in 2026, and three rows that must be quarantined (to show quarantine at work).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.config import settings
from pipelines.demo.lab import MESSY_LAB

MESSY_LAB_FILE = "lab_normec_2025-2026_handmatig.csv"
MESSY_FROM = dt.date(2025, 1, 1)
N_BAD_LAB_ROWS = 3

DUTCH_COLUMNS = {
    "certificate_number": "Certificaatnummer", "site_id": "Productielocatie",
    "product": "Product", "lot_id": "Partij", "produced_on": "Productiedatum",
    "lot_size_tonnes": "Partijgrootte", "sample_id": "Monster",
    "sampled_on": "Monsternamedatum", "component": "Component", "value": "Waarde",
    "loq": "Bepalingsgrens", "unit": "Eenheid", "lab": "Laboratorium",
    "lab_report_id": "Rapportnummer", "purpose": "Doel",
}
# Metals reported by chemical symbol (2026) and in µg/kg ds.
METALS = ("antimony", "arsenic", "barium", "cadmium", "chromium", "cobalt", "copper",
          "mercury", "lead", "molybdenum", "nickel", "selenium", "tin", "vanadium", "zinc")


def split_messy(analyses: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows for the plain lab files, rows for the hand-made file)."""
    mask = (pl.col("lab") == MESSY_LAB[0]) & (pl.col("sampled_on") >= MESSY_FROM)
    return analyses.filter(~mask), analyses.filter(mask)


def _component_names() -> pl.DataFrame:
    ref = pl.read_csv(settings().reference_dir / "ref_components.csv")
    return ref.select("component", "name_nl", "symbol")


def messy_lab_frame(rows: pl.DataFrame, limits: dict[str, float]) -> pl.DataFrame:
    in_2026 = pl.col("sampled_on").dt.year() == 2026
    metal = pl.col("component").is_in(METALS)
    micro = in_2026 & metal
    factor = pl.when(micro).then(1000.0).otherwise(1.0)
    below = pl.col("value").str.starts_with("<")
    number = pl.col("value").str.strip_prefix("<").cast(pl.Float64) * factor
    df = rows.join(_component_names(), on="component", how="left").with_columns(
        component=pl.when(micro).then(pl.col("symbol")).otherwise(pl.col("name_nl")),
        # Decimal comma here (not in the writer) so that the typed-in "n.b." stays as typed.
        value=pl.when(below).then(pl.lit("<")).otherwise(pl.lit(""))
        + number.round_sig_figs(3).cast(pl.String).str.replace(".", ",", literal=True),
        loq=(pl.col("loq") * factor).round_sig_figs(3),
        unit=pl.when(micro).then(pl.lit("µg/kg ds")).otherwise(pl.lit("mg/kg d.s.")),
    ).drop("name_nl", "symbol")
    df = pl.concat([df, _bad_rows(df)])
    return df.rename(DUTCH_COLUMNS)


def _bad_rows(df: pl.DataFrame) -> pl.DataFrame:
    """Three rows a person typed wrong; each must land in quarantine, the rest load."""
    last = df.tail(1)
    return pl.concat([
        # A certificate number that does not exist (typo: 9999).
        last.with_columns(certificate_number=pl.lit("BRL9341-9999"),
                          sample_id=pl.col("sample_id") + "-X1"),
        # "n.b." (niet bepaald): not a value.
        last.with_columns(value=pl.lit("n.b."), sample_id=pl.col("sample_id") + "-X2"),
        # A component the reference does not know.
        last.with_columns(component=pl.lit("kryptoniet"),
                          sample_id=pl.col("sample_id") + "-X3"),
    ])
