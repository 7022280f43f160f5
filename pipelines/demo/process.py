"""Process records of the demo (issue 13): how each production sample was taken, the labs'
accreditations and the PKVW companies' staff with their qualifications.

Most records comply; a few break a rule on purpose so each check of process_findings has
something to find (the DELIBERATE_* counts say how many):
- sampling: grabs spread over 29–31 days, samples 8–10 days on their way to the lab, a
  sampling-regime sample with 20 grabs, samples without a record;
- accreditation: SGS Intron's accreditation lapsed in June and July 2023;
- staff: a VOG older than 5 years, one running out within weeks, an adviser whose
  refresher is overdue, a fitter without a diploma.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from pipelines.demo.common import TODAY, World
from pipelines.demo.lab import LABS, MESSY_LAB

# Every n-th production sample breaks one sampling rule (spread over the breach kinds).
BREACH_EVERY = 53
SGS_LAPSE = (dt.date(2023, 6, 1), dt.date(2023, 7, 31))  # no valid accreditation


def sampling_frame(analyses: pl.DataFrame, rng: random.Random) -> pl.DataFrame:
    """One record per production sample: the sampling date is the last grab."""
    samples = (
        analyses.filter(pl.col("purpose") == "production")
        .group_by("certificate_number", "site_id", "lot_id", "sample_id", maintain_order=True)
        .agg(pl.col("sampled_on").min())
        .with_columns(samples_of_lot=pl.len().over("site_id", "lot_id"))
    )
    rows = []
    for number, s in enumerate(samples.iter_rows(named=True)):
        last = s["sampled_on"]
        grabs = 32  # enough for either regime (at least 6 resp. 32)
        spread = rng.randint(3, 21)
        transit = rng.randint(1, 5)
        breach = number % BREACH_EVERY == BREACH_EVERY - 1
        if breach:
            kind = (number // BREACH_EVERY) % 4
            if kind == 0:
                spread = rng.randint(29, 31)
            elif kind == 1:
                transit = rng.randint(8, 10)
            elif kind == 2:
                grabs = 20
            else:
                continue  # no record for this sample
        rows.append({
            "certificate_number": s["certificate_number"], "site_id": s["site_id"],
            "lot_id": s["lot_id"], "sample_id": s["sample_id"], "grabs": grabs,
            "first_grab_on": last - dt.timedelta(days=spread), "last_grab_on": last,
            "received_at_lab_on": last + dt.timedelta(days=transit),
        })
    return pl.DataFrame(rows, schema={
        "certificate_number": pl.String, "site_id": pl.String, "lot_id": pl.String,
        "sample_id": pl.String, "grabs": pl.Int64, "first_grab_on": pl.Date,
        "last_grab_on": pl.Date, "received_at_lab_on": pl.Date})


def accreditations_frame() -> pl.DataFrame:
    """Each lab accredited for the whole package; SGS Intron with a lapse in the summer of 2023."""
    rows = []
    for number, (lab, _code) in enumerate((*LABS, MESSY_LAB), start=1):
        accreditation = f"L{100 + number * 7}"
        if lab == "SGS Intron":
            rows.append((lab, accreditation, "*", dt.date(2015, 1, 1),
                         SGS_LAPSE[0] - dt.timedelta(days=1)))
            rows.append((lab, accreditation, "*", SGS_LAPSE[1] + dt.timedelta(days=1), None))
        else:
            rows.append((lab, accreditation, "*", dt.date(2015, 1, 1), None))
    return pl.DataFrame(rows, orient="row", schema={
        "lab": pl.String, "accreditation_number": pl.String, "scope": pl.String,
        "valid_from": pl.Date, "valid_until": pl.Date})


def staff_frames(world: World, rng: random.Random, today: dt.date = TODAY
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(persons, qualifications): an adviser and a fitter per PKVW company."""
    persons, quals = [], []
    for number, cert in enumerate(world.by_scheme("pkvw")):
        for role in ("adviser", "fitter"):
            person_id = f"{cert.certificate_number}-{role[0].upper()}"
            persons.append({"person_id": person_id,
                            "certificate_number": cert.certificate_number,
                            "name": f"{role.capitalize()} {number + 1:03d}"})
            vog = today - dt.timedelta(days=rng.randint(100, 1500))
            diploma = today - dt.timedelta(days=rng.randint(400, 3000))
            refresher = today - dt.timedelta(days=rng.randint(30, 450))
            five_years_ago = dt.date(today.year - 5, today.month, 1)
            if number == 0 and role == "adviser":  # older than 5 years
                vog = five_years_ago - dt.timedelta(days=40)
            if number == 1 and role == "adviser":  # runs out within 60 days
                vog = five_years_ago + dt.timedelta(days=45)
            if number == 2 and role == "adviser":
                refresher = today - dt.timedelta(days=600)
            quals.append((person_id, "vog", vog))
            if not (number == 3 and role == "fitter"):
                quals.append((person_id, f"diploma_{role}", diploma))
            if role == "adviser":
                quals.append((person_id, "refresher", refresher))
    return (pl.DataFrame(persons),
            pl.DataFrame(quals, orient="row", schema={
                "person_id": pl.String, "qualification": pl.String,
                "obtained_on": pl.Date}))
