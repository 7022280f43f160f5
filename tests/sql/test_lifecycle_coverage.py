"""Audit coverage per certificate × year (BRL 9341 §8.6, §7.2, §5.5; CCV PKVW §4.2.2)."""

from __future__ import annotations

from datetime import date

from pipelines.store import refresh


def test_brl9341_missing_depot_visit(store):
    # Issued 2021-01-15: 2 control visits a year (§8.6) + 1 per depot (§7.2); the two
    # depots D1 and D2 exist. 2022: 2 periodic visits, depot D1 visited, D2 not
    # -> required 2 + 2 = 4, performed 2 + 1 = 3, shortfall 1, D2 missing.
    # Supervised sampling (§5.5) is due 2021-01-15 + 5 years = 2026: not in 2022.
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on)"
        " values ('B1', 'brl9341', 'H1', date '2020-06-01', date '2021-01-15')")
    store.execute(
        "insert into sites (site_id, certificate_number, site_kind) values"
        " ('S1', 'B1', 'production'), ('D1', 'B1', 'depot'), ('D2', 'B1', 'depot')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date, site_id)"
        " values ('A1', 'B1', 'periodic', date '2022-03-01', null),"
        " ('A2', 'B1', 'periodic', date '2022-09-01', null),"
        " ('A3', 'B1', 'depot', date '2022-05-01', 'D1')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2022-12-31'")
    row = store.execute(
        "select required, performed, shortfall, depots_missing, required_supervised_sampling,"
        " next_audit_due from audit_coverage where certificate_number = 'B1' and year = 2022"
    ).fetchone()
    # next control visit: last 2022-09-01 + 6 months (2 a year, spread) = 2023-03-01
    assert row == (4, 3, 1, ["D2"], 0, date(2023, 3, 1))


def test_brl9341_supervised_sampling_every_five_years(store):
    # §5.5: sampling under supervision of the CI at least once per 5 years. Issued
    # 2015-03-01, supervised sampling 2017-04-01 -> next due 2022-04-01: required in 2022,
    # not performed -> 1 missing (besides 2 control visits missing).
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on)"
        " values ('B1', 'brl9341', 'H1', date '2014-06-01', date '2015-03-01')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date) values"
        " ('A1', 'B1', 'sample', date '2017-04-01')")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2022-12-31'")
    rows = store.execute(
        "select year, required_supervised_sampling, performed_supervised_sampling, shortfall"
        " from audit_coverage where year in (2017, 2021, 2022) order by year").fetchall()
    # 2017: due 2015-03-01 + 5 y = 2020 -> not required in 2017 (performed anyway);
    # shortfall 2017 = 2 control visits; 2021 = 2; 2022 = 2 + 1.
    assert rows == [(2017, 0, 1, 2), (2021, 0, 0, 2), (2022, 1, 0, 3)]


def test_pkvw_audit_every_eighteen_months_and_sample_dwellings(store):
    # CCV PKVW §4.2.2: issued 2020-01-01, periodic audit 2021-06-01.
    # 2021: due 2020-01-01 + 18 months = 2021-07-01 -> required 1, performed 1.
    # 2022: due 2021-06-01 + 18 months = 2022-12-01 -> required 1, performed 0.
    # Bijlage 4: certified fitter, step 0, 12 dwellings completed in 2020 -> the first 3
    # are inspected -> 3 sample dwellings required in 2020, 0 inspected.
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on,"
        " certified_fitter) values ('P1', 'pkvw', 'H1', date '2019-06-01', date '2020-01-01',"
        " true)")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date) values"
        " ('A1', 'P1', 'periodic', date '2021-06-01')")
    store.execute(
        "insert into activity (certificate_number, activity_date, activity, quantity) values"
        " ('P1', date '2020-03-01', 'dwelling_completed', 12)")
    refresh(store)  # recompute the stored lifecycle tables from the rows above
    store.execute("update settings set as_of = date '2022-12-31'")
    rows = store.execute(
        "select year, required_audits, performed_audits, required_sample_dwellings,"
        " shortfall, next_audit_due from audit_coverage order by year").fetchall()
    assert rows == [
        (2020, 0, 0, 3, 3, date(2022, 12, 1)),
        (2021, 1, 1, 0, 0, date(2022, 12, 1)),
        (2022, 1, 0, 0, 1, date(2022, 12, 1)),
    ]


def test_audit_after_as_of_not_counted_in_the_running_year(store):
    # BRL 9341 §8.6: issued 2021-01-15, 2 control visits required in 2022. As of 2022-06-30
    # only the visit of 2022-03-01 is known: performed 1, shortfall 1, next visit due
    # 2022-03-01 + 6 months = 2022-09-01. The visit of 2022-09-01 (after that date) counts
    # from then on: as of 2022-12-31 performed 2, shortfall 0, next due 2023-03-01.
    store.execute(
        "insert into certificates (certificate_number, scheme, holder_id, applied_on, issued_on)"
        " values ('B1', 'brl9341', 'H1', date '2020-06-01', date '2021-01-15')")
    store.execute(
        "insert into audits (audit_id, certificate_number, audit_type, audit_date) values"
        " ('A1', 'B1', 'periodic', date '2022-03-01'), ('A2', 'B1', 'periodic', date '2022-09-01')")
    refresh(store)
    query = ("select performed_visits, shortfall, next_audit_due, year_complete"
             " from audit_coverage where year = 2022")
    store.execute("update settings set as_of = date '2022-06-30'")
    assert store.execute(query).fetchone() == (1, 1, date(2022, 9, 1), False)
    store.execute("update settings set as_of = date '2022-12-31'")
    assert store.execute(query).fetchone() == (2, 0, date(2023, 3, 1), True)
