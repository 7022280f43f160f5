"""Lots and lab results of the BRL 9341 production sites (five years, all 27 components).

Values are lognormal per site × product × component around a realistic fraction of the
limit (bijlage III/IV), with a per-series spread chosen so that the k-values of the last n
observations land in every test class of bijlage II. Fixed scenarios: one series drifts
toward the zinc/copper limits (k falls, lot-inspection regime, 2 samples per lot), one
series is entirely below LOQ, one site has sulfate above 1 730 but under the transitional
limit 2 430 in the first half of 2022, and two delivered lots get a complaint test (§9.3).
Not every lot is tested: after the admission lots, 1 in N lots is sampled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.demo.common import START, TODAY, Site, World

# component -> (LOQ in mg/kg d.s., typical median as a fraction of the limit). The LOQs
# are those a lab reports for leaching (bijlage IV) or composition (bijlage III) tests.
COMPONENT_PROFILE: dict[str, tuple[float, float]] = {
    "benzene": (0.05, 0.01), "ethylbenzene": (0.05, 0.01), "toluene": (0.05, 0.015),
    "xylenes": (0.1, 0.02), "phenol": (0.05, 0.02), "pah_total": (0.35, 0.04),
    "pcb_total": (0.007, 0.012), "mineral_oil": (35.0, 0.08), "antimony": (0.01, 0.15),
    "arsenic": (0.05, 0.1), "barium": (0.5, 0.12), "cadmium": (0.002, 0.1),
    "chromium": (0.02, 0.1), "cobalt": (0.02, 0.06), "copper": (0.05, 0.2),
    "mercury": (0.001, 0.05), "lead": (0.1, 0.05), "molybdenum": (0.05, 0.15),
    "nickel": (0.02, 0.15), "selenium": (0.01, 0.2), "tin": (0.02, 0.05),
    "vanadium": (0.05, 0.1), "zinc": (0.1, 0.1), "bromide": (1.0, 0.1),
    "chloride": (10.0, 0.15), "fluoride": (2.0, 0.1), "sulfate": (20.0, 0.2),
}
EMISSION = ("antimony", "arsenic", "barium", "chromium", "cobalt", "copper", "lead",
            "molybdenum", "nickel", "selenium", "vanadium", "zinc", "chloride", "fluoride",
            "sulfate")
LABS = (
    ("Eurofins Analytico", "EA"),
    ("SGS Intron", "SI"),
    ("Synlab Analytico", "SY"),
)
# The one lab whose reports arrive as a hand-made spreadsheet (the messy lab file).
MESSY_LAB = ("Normec Groen Agro Control", "GA")

DRIFT_FROM = dt.date(2024, 1, 1)
DRIFT_FULL = dt.date(2025, 10, 1)
# From this date the drifting series is under the lot-inspection regime: every lot, 2 samples.
LOT_INSPECTION_FROM = dt.date(2025, 9, 1)
SULFATE_TRANSITION_END = dt.date(2022, 6, 30)

# Complaint tests (BRL 9341 §9.3): scenario of the series -> complaint date, rejected?
COMPLAINTS = {
    "sulfate_transition": (dt.date(2025, 5, 12), False),
    "drift": (dt.date(2026, 3, 9), True),
}


def reference_limits(reference_dir: Path) -> dict[str, float]:
    """The limit valid today per component (ordered as ref_limits.csv)."""
    df = pl.read_csv(reference_dir / "ref_limits.csv").filter(pl.col("valid_to").is_null())
    return dict(zip(df["component"], df["limit_value"], strict=True))


@dataclass
class _Samples:
    """Sample-level columns, one entry per sample; values are a matrix samples × components."""

    cols: dict[str, list] = field(default_factory=lambda: {
        k: [] for k in ("certificate_number", "site_id", "product", "lot_id", "produced_on",
                        "lot_size_tonnes", "sample_id", "sampled_on", "lab", "lab_report_id",
                        "purpose")
    })
    values: list[np.ndarray] = field(default_factory=list)
    below: list[np.ndarray] = field(default_factory=list)


class _Counters:
    def __init__(self) -> None:
        self.sample: dict[tuple[str, int], int] = {}

    def next(self, code: str, year: int) -> int:
        key = (code, year)
        self.sample[key] = self.sample.get(key, 0) + 1
        return self.sample[key]


def _lot_dates(rng: np.random.Generator, first: dt.date, last: dt.date,
               per_year: float) -> list[dt.date]:
    if last <= first:
        return []
    span = (last - first).days
    n = int(span / 365 * per_year * 1.3) + 5
    gaps = rng.gamma(6.0, 365.0 / per_year / 6.0, size=n)
    offsets = np.cumsum(gaps)
    return [first + dt.timedelta(days=int(o)) for o in offsets if o < span]


def _series_parameters(rng: np.random.Generator, components: list[str], limits: np.ndarray,
                       scenario: str) -> tuple[np.ndarray, np.ndarray]:
    """log10 median and s_y per component for one site × product."""
    fraction = np.array([COMPONENT_PROFILE[c][1] for c in components])
    fraction = fraction * 10 ** rng.normal(0.0, 0.15, len(components))
    k_target = np.clip(10 ** rng.normal(np.log10(4.5), 0.22, len(components)), 1.5, 15.0)
    spread = np.clip(-np.log10(fraction) / k_target, 0.04, 0.45)
    if scenario != "all_below_loq":
        # One component near the limit per series: these give the classes 90/70-90 and
        # 90/50-70 and the odd exceedance.
        for name in rng.choice(EMISSION, size=1, replace=False):
            i = components.index(str(name))
            fraction[i] = rng.uniform(0.25, 0.5)
            spread[i] = rng.uniform(0.1, 0.25)
    return np.log10(limits * fraction), spread


def _drift(components: list[str], sampled: dt.date, base: np.ndarray,
           limits: np.ndarray) -> np.ndarray:
    """Extra log10 shift of the drifting series: zinc and copper climb to about the limit."""
    shift = np.zeros(len(components))
    if sampled <= DRIFT_FROM:
        return shift
    progress = min(1.0, (sampled - DRIFT_FROM).days / (DRIFT_FULL - DRIFT_FROM).days)
    for name in ("zinc", "copper"):
        i = components.index(name)
        target = np.log10(limits[i] * 0.97)
        shift[i] = progress * (target - base[i])
    return shift


def lab_frames(world: World, rng: np.random.Generator, limits: dict[str, float]
               ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(analyses in canonical lab-file columns, all lots incl. untested ones)."""
    components = list(limits)
    limit_arr = np.array([limits[c] for c in components])
    loq_arr = np.array([COMPONENT_PROFILE[c][0] for c in components])
    certs = {c.certificate_number: c for c in world.certificates}
    samples = _Samples()
    counters = _Counters()
    lot_rows: dict[str, list] = {k: [] for k in (
        "certificate_number", "site_id", "product", "lot_id", "produced_on",
        "lot_size_tonnes", "tested")}

    for site in world.sites:
        if site.site_kind != "production":
            continue
        cert = certs[site.certificate_number]
        lab_name, lab_code = LABS[int(rng.integers(len(LABS)))]
        for product in site.products:
            scenario = site.scenario[product]
            if scenario == "sulfate_transition":
                lab_name, lab_code = MESSY_LAB
            _series(site, product, scenario, cert.applied_on, cert.issued_on,
                    min(cert.production_stop or TODAY, TODAY), rng, components, limit_arr,
                    loq_arr, (lab_name, lab_code), samples, counters, lot_rows)

    n = len(samples.values)
    sample_df = pl.DataFrame(samples.cols, schema_overrides={
        "produced_on": pl.Date, "sampled_on": pl.Date, "lot_size_tonnes": pl.Float64})
    values = np.vstack(samples.values) if n else np.zeros((0, len(components)))
    below = np.vstack(samples.below) if n else np.zeros((0, len(components)), dtype=bool)
    n_comp = len(components)
    idx = np.repeat(np.arange(n), n_comp)
    analyses = sample_df[idx].with_columns(
        component=pl.Series(np.tile(np.array(components), n)),
        value_num=pl.Series(values.reshape(-1)).round_sig_figs(3),
        loq=pl.Series(np.tile(loq_arr, n)),
        below=pl.Series(below.reshape(-1)),
    ).with_columns(
        value=pl.when(pl.col("below"))
        .then(pl.lit("<") + pl.col("loq").cast(pl.String))
        .otherwise(pl.col("value_num").cast(pl.String)),
        unit=pl.lit("mg/kg ds"),
    ).select(
        "certificate_number", "site_id", "product", "lot_id", "produced_on",
        "lot_size_tonnes", "sample_id", "sampled_on", "component", "value", "loq", "unit",
        "lab", "lab_report_id", "purpose",
    )
    lots = pl.DataFrame(lot_rows, schema_overrides={
        "produced_on": pl.Date, "lot_size_tonnes": pl.Float64})
    return analyses, lots


def _series(site: Site, product: str, scenario: str, applied: dt.date | None,
            issued: dt.date | None, end: dt.date, rng: np.random.Generator,
            components: list[str], limits: np.ndarray, loqs: np.ndarray,
            lab: tuple[str, str], samples: _Samples, counters: _Counters,
            lot_rows: dict[str, list]) -> None:
    assert applied is not None and issued is not None
    log_median, spread = _series_parameters(rng, components, limits, scenario)
    per_year = site.lots_per_year / len(site.products) * 1.2
    yearly_tonnes = per_year * rng.uniform(600, 1500) * 10 / 9
    # Admission (BRL 9341 §9.1.2.1): n_window lots between application and issue.
    adm_first = max(applied + dt.timedelta(days=14), START + dt.timedelta(days=7))
    adm_span = max(20, (issued - dt.timedelta(days=14) - adm_first).days)
    admission = [adm_first + dt.timedelta(days=int(d))
                 for d in np.linspace(0, adm_span, site.n_window)]
    production = _lot_dates(rng, issued, end, per_year)
    every_n = {"all_below_loq": 0, "drift": 2}.get(scenario, int(rng.choice((10, 10, 4, 4, 2))))
    offset = int(rng.integers(max(every_n, 1)))
    prefix = "B" if product == "boomgranulaat" else "D"
    seq_per_year: dict[int, int] = {}
    tested_years: set[int] = set()
    lot_dates = [(d, "admission") for d in admission] + [(d, "production") for d in production]
    complaint = COMPLAINTS.get(scenario)
    complaint_lot: tuple[str, dt.date, float | None] | None = None
    for i, (produced, purpose) in enumerate(lot_dates):
        seq_per_year[produced.year] = seq_per_year.get(produced.year, 0) + 1
        lot_id = f"{prefix}{produced.year % 100:02d}-{seq_per_year[produced.year]:03d}"
        declared = round(float(yearly_tonnes / per_year * rng.uniform(0.5, 0.95)), 1)
        # The producer declares each lot's size in its register (BRL 9341 §5.5.2); the
        # lab reports do not always repeat it.
        size = None if rng.random() < 0.3 else declared
        sampled = produced + dt.timedelta(days=int(rng.integers(1, 8)))
        if purpose == "admission":
            n_samples = 1
        elif scenario == "drift" and produced >= LOT_INSPECTION_FROM:
            n_samples = 2  # lot-inspection regime: 2 mixed samples per lot
        elif every_n == 0:
            n_samples = 1 if produced.year not in tested_years else 0
        elif (i - offset) % every_n == 0 or produced.year not in tested_years:
            n_samples = 2 if rng.random() < 0.04 else 1  # the odd duplicate analysis
        else:
            n_samples = 0
        if sampled > TODAY:
            n_samples = 0
        if n_samples:
            tested_years.add(produced.year)
        lot_rows["certificate_number"].append(site.certificate_number)
        lot_rows["site_id"].append(site.site_id)
        lot_rows["product"].append(product)
        lot_rows["lot_id"].append(lot_id)
        lot_rows["produced_on"].append(produced)
        lot_rows["lot_size_tonnes"].append(declared)
        lot_rows["tested"].append(n_samples > 0)
        if complaint and produced < complaint[0]:
            complaint_lot = (lot_id, produced, size)
        lot_effect = rng.normal(0.0, 1.0, len(components))
        for _ in range(n_samples):
            log_v = log_median + spread * lot_effect + rng.normal(0.0, 0.03, len(components))
            if scenario == "drift":
                log_v = log_v + _drift(components, sampled, log_median, limits)
            if scenario == "sulfate_transition" and sampled <= SULFATE_TRANSITION_END:
                i_so4 = components.index("sulfate")
                log_v[i_so4] = np.log10(rng.uniform(1750.0, 2250.0))
            values = 10 ** log_v
            if scenario == "all_below_loq":
                values = loqs * rng.uniform(0.2, 0.9, len(components))
            _add_sample(samples, counters, site, product, lot_id, produced, size, sampled,
                        lab, purpose, values, values < loqs, loqs)
    if complaint and complaint_lot:
        day, rejected = complaint
        lot_id, produced, size = complaint_lot
        sampled = day + dt.timedelta(days=2)
        for _ in range(3):  # §9.3: 3 mixed samples of the delivered lot
            log_v = log_median + rng.normal(0.0, 0.05, len(components))
            if rejected:
                zinc = components.index("zinc")
                log_v[zinc] = np.log10(limits[zinc] * rng.uniform(1.5, 1.8))
            values = 10 ** log_v
            _add_sample(samples, counters, site, product, lot_id, produced, size, sampled,
                        lab, "complaint", values, values < loqs, loqs)


def _add_sample(samples: _Samples, counters: _Counters, site: Site, product: str,
                lot_id: str, produced: dt.date, size: float | None, sampled: dt.date,
                lab: tuple[str, str], purpose: str, values: np.ndarray, below: np.ndarray,
                loqs: np.ndarray) -> None:
    lab_name, code = lab
    number = counters.next(code, sampled.year)
    cols = samples.cols
    cols["certificate_number"].append(site.certificate_number)
    cols["site_id"].append(site.site_id)
    cols["product"].append(product)
    cols["lot_id"].append(lot_id)
    cols["produced_on"].append(produced)
    cols["lot_size_tonnes"].append(size)
    cols["sample_id"].append(f"{code}{sampled.year}-{number:06d}")
    cols["sampled_on"].append(sampled)
    cols["lab"].append(lab_name)
    cols["lab_report_id"].append(f"{code}-{sampled.year}-R{number:06d}")
    cols["purpose"].append(purpose)
    samples.values.append(np.where(below, loqs, values))
    samples.below.append(below)
