"""issue 27 step 4: the sentences the SQL views build carry a message key and its values,
so a page shows them in the reader's language. For each view: the key rendered in English
gives the view's English column back (where the English has no number or date to
reformat), and in Dutch the sentence worked out by hand from the article it explains.

BRL 9341 bijlage II (data/sources/brl-9341-steenachtige-substraten.txt), "Toetsing op
variabelen", n = 5: 1,46 < k <= 2,74 is class 90/70-90, "1 op 4 partijen, ten minste
10 x per 3 jaar"; fewer than 5 observations: every lot (the admission: every lot, at least
10 per year). BRL 9341 §5.5.2: a lot is at most 1/10 of the yearly production.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from pipelines.i18n.keys import render_detail
from tests.sql.test_brl9341_helpers import add_lot, add_series, add_site, refreshed, set_as_of
from tests.sql.test_brl9341_plan_marts import series_with_k
from tests.sql.test_process_checks import _person


def _both(key: str | None, args: str | None) -> tuple[str, str]:
    return (render_detail(key, args, "<none>", lang="en"),
            render_detail(key, args, "<none>", lang="nl"))


def test_the_plan_explanation_in_dutch_and_english(store: duckdb.DuckDBPyConnection) -> None:
    add_site(store, "S1")
    add_series(store, "S1", "benzene", series_with_k(1.93))  # 5 lots: class 4
    add_site(store, "S2")
    add_series(store, "S2", "benzene", series_with_k(1.93)[:3])  # 3 lots: every lot
    set_as_of(store, date(2026, 3, 1))
    rows = refreshed(store).execute(
        "select site_id, explanation, explanation_key, explanation_args, own_frequency_text,"
        " own_frequency_key, own_frequency_args from sampling_plan order by site_id"
    ).fetchall()
    (s1, s1_text, s1_key, s1_args, s1_own, s1_okey, s1_oargs), s2 = rows
    assert _both(s1_key, s1_args) == (
        s1_text,
        "1 op de 4 partijen, minstens 10 per 3 jaar: k = 1,93 over de laatste 5 partijen "
        "(klasse 4, 90/70-90; BRL 9341 bijlage II)")
    assert _both(s1_okey, s1_oargs) == (s1_own, "1 op de 4 partijen, minstens 10 per 3 jaar")
    assert _both(s2[2], s2[3]) == (
        s2[1],
        "elke partij, minstens 10 per jaar: minder dan 5 waarnemingen (tot nu toe 3) "
        "(BRL 9341 bijlage II)")


def test_an_overdue_series_and_what_the_untested_lots_mean(
        store: duckdb.DuckDBPyConnection) -> None:
    add_site(store, "S1")
    add_series(store, "S1", "benzene", series_with_k(1.93))  # tested 5 Jan .. 2 Feb 2026
    # four lots produced after the last test and not tested: "1 op 4 partijen" is not met
    for i in range(4):
        add_lot(store, "S1", f"U{i}", date(2026, 2, 10) + timedelta(days=i))
    set_as_of(store, date(2026, 3, 1))
    con = refreshed(store)
    detail = con.execute(
        "select detail, detail_key, detail_args from sampling_overdue").fetchall()
    assert [(d[0], *_both(d[1], d[2])) for d in detail] == [(
        "4 lots since the last test, 1 in 4 required",
        "4 lots since the last test, 1 in 4 required",
        "4 partijen sinds de laatste keuring, 1 op de 4 vereist")]
    summary = con.execute(
        "select n_lots, n_untested, required_frequency, required_frequency_key,"
        " required_frequency_args, meaning, meaning_key, meaning_args"
        " from untested_lots_summary").fetchall()
    ((n_lots, n_untested, required, rkey, rargs, meaning, mkey, margs),) = summary
    assert (n_lots, n_untested) == (9, 4)
    assert _both(rkey, rargs) == (required, "1 op de 4 partijen, minstens 10 per 3 jaar")
    assert _both(mkey, margs) == (
        meaning, "keuringsfrequentie van 1 reeks(en) niet gehaald: keur de volgende partij "
                 "daarvoor")
    # the worklist's item of the series: its subject and detail in Dutch too
    item = con.execute(
        "select subject_key, subject_args, detail_key, detail_args from worklist"
        " where kind = 'sampling_overdue'").fetchone()
    assert _both(item[0], item[1]) == ("S1 · boomgranulaat · benzene",
                                       "S1 · boomgranulaat · benzeen")
    assert _both(item[2], item[3])[1] == (
        "4 partijen sinds de laatste keuring, 1 op de 4 vereist")


def test_a_lot_size_finding_in_dutch_and_english(store: duckdb.DuckDBPyConnection) -> None:
    store.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on)"
                  " values ('B1', 'brl9341', 'H1', date '2015-01-01')")
    # 2023: one lot of 1 201 t and nine of 100 t -> production 2 101 t, a tenth 210.1 t:
    # 1 201 t is more than that (BRL 9341 §5.5.2)
    sizes = [1201.0] + [100.0] * 9
    for i, tonnes in enumerate(sizes):
        store.execute("insert into lots (site_id, lot_id, certificate_number, product,"
                      " produced_on, lot_size_tonnes) values ('S2', ?, 'B1', 'boomgranulaat',"
                      " ?, ?)", [f"B{i}", date(2023, i + 1, 15), tonnes])
    store.execute("set variable as_of = date '2024-06-30'")
    rows = store.execute(
        "select severity, subject, subject_key, subject_args, detail, detail_key, detail_args"
        " from process_findings where \"check\" = 'lot_size'").fetchall()
    ((severity, subject, skey, sargs, detail, dkey, dargs),) = rows
    assert severity == "major"
    assert _both(skey, sargs) == (subject, "partij B0 (locatie S2)")
    assert detail == ("lot of 1201.0 t is more than 1/10 of the 2023 production of "
                      "boomgranulaat at site S2 (2101.0 t; at most 210.1 t)")
    assert _both(dkey, dargs) == (
        "lot of 1,201.0 t is more than 1/10 of the 2023 production of boomgranulaat at site "
        "S2 (2,101.0 t; at most 210.1 t)",
        "partij van 1.201,0 t is meer dan 1/10 deel van de productie 2023 van boomgranulaat "
        "op locatie S2 (2.101,0 t; hoogstens 210,1 t)")


def test_a_staff_finding_with_dates_in_dutch(store: duckdb.DuckDBPyConnection) -> None:
    """CCV PKVW §2.1: a VOG not older than 5 years. Obtained 29 June 2019, it ran out on
    29 June 2024; on 30 June 2024 the finding is open, with both dates in the reader's
    notation (the fitter's diploma is there: no other finding)."""
    store.execute("insert into certificates (certificate_number, scheme, holder_id, issued_on)"
                  " values ('P1', 'pkvw', 'H1', date '2015-01-01')")
    _person(store, "p2", ("vog", "2019-06-29"), ("diploma_fitter", "2020-01-01"))
    store.execute("set variable as_of = date '2024-06-30'")
    rows = store.execute(
        "select detail, detail_key, detail_args, subject_key, subject_args, severity"
        " from process_findings where \"check\" = 'staff_qualification'").fetchall()
    ((detail, dkey, dargs, skey, sargs, severity),) = rows
    assert detail == ("certificate of conduct (VOG) of 2019-06-29 is older than 5 years since "
                      "2024-06-29")
    assert _both(dkey, dargs) == (
        "certificate of conduct (VOG) of 29 June 2019 is older than 5 years since 29 June 2024",
        "verklaring omtrent het gedrag (VOG) van 29 juni 2019 is sinds 29 juni 2024 ouder "
        "dan 5 jaar")
    assert _both(skey, sargs) == ("person p2 (Name p2)", "persoon p2 (Name p2)")
    assert severity == "major"


def test_lifecycle_reasons_in_dutch_and_english(store: duckdb.DuckDBPyConnection) -> None:
    """BRL 9341 §3.3: production stopped on 1 March 2020, nothing delivered from stock:
    suspended from 2 March 2021 (more than 1 year), restarted 1 June 2022, active again once
    the extra periodic assessment passes on 15 July 2022 (the suspension lifted)."""
    store.execute("insert into certificates (certificate_number, scheme, holder_id,"
                  " applied_on, issued_on) values ('B1', 'brl9341', 'H1', date '2015-01-01',"
                  " date '2015-06-01')")
    store.execute("insert into activity (certificate_number, activity_date, activity,"
                  " quantity) values ('B1', date '2020-03-01', 'production_stop', 1),"
                  " ('B1', date '2022-06-01', 'production_start', 1)")
    store.execute("insert into audits (audit_id, certificate_number, audit_type, audit_date,"
                  " outcome) values ('X1', 'B1', 'extra', date '2022-07-15', 'pass')")
    con = refreshed(store)

    def reason(as_of: date) -> tuple[str, str, str]:
        set_as_of(con, as_of)
        text, key, args = con.execute(
            "select reason, reason_key, reason_args from certificate_status").fetchone()
        return (text, *_both(key, args))

    assert reason(date(2014, 12, 31)) == (
        "no lifecycle event on or before the as-of date",
        "no lifecycle event on or before the as-of date",
        "geen gebeurtenis in de levensloop op of vóór de peildatum")
    assert reason(date(2015, 3, 1)) == (
        "application received, in admission", "application received, in admission",
        "aanvraag ontvangen, in toelating")
    assert reason(date(2015, 6, 1)) == (
        "certificate issued", "certificate issued", "certificaat verleend")
    text, en, nl = reason(date(2022, 7, 1))
    assert text == ("production stopped since 2020-03-01 for more than 1 year, no delivery "
                    "from stock; restarted 2022-06-01, suspended until an extra periodic "
                    "assessment passes")
    assert en == ("production stopped since 1 March 2020 for more than 1 year, no delivery "
                  "from stock; restarted 1 June 2022, suspended until an extra periodic "
                  "assessment passes")
    assert nl == ("productie stilgelegd sinds 1 maart 2020, langer dan 1 jaar, geen levering "
                  "uit voorraad; herstart op 1 juni 2022, geschorst tot een extra periodieke "
                  "beoordeling is doorstaan")
    text, en, nl = reason(date(2022, 8, 1))
    assert text.startswith("lifted: production stopped since 2020-03-01")
    assert nl.startswith("opgeheven: productie stilgelegd sinds 1 maart 2020, langer dan 1 jaar")


def test_a_lot_status_in_dutch_and_english(store: duckdb.DuckDBPyConnection) -> None:
    """BRL 9341 §4.2: a lot complies when no component exceeds its limit (bijlage III/IV;
    benzene: tabel 1, 1 mg/kg d.s.). L001: benzene 0.5, one of the package's 27 components
    tested; L002: benzene 2.0, above the limit on the 1 component tested."""
    add_site(store, "S1")
    add_series(store, "S1", "benzene", [0.5, 2.0])
    set_as_of(store, date(2026, 3, 1))
    rows = refreshed(store).execute(
        "select lot_id, status, status_text, status_text_key, status_text_args"
        " from lot_status order by lot_id").fetchall()
    assert [(lot, status, text, *_both(key, args))
            for lot, status, text, key, args in rows] == [
        ("L001", "compliant_partial", "compliant on 1 of 27 components",
         "compliant on 1 of 27 components", "voldoet op 1 van de 27 componenten"),
        ("L002", "exceeds", "exceeds on 1 of 1 components tested",
         "exceeds on 1 of 1 components tested",
         "overschrijdt op 1 van de 1 gekeurde componenten"),
    ]
