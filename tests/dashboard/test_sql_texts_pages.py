"""issue 27: the texts the SQL views build, on the pages in Dutch (the views' message keys,
tests/sql/test_sql_texts_keyed.py): the Sampling plan's selected row, a producer's
certificate status and its plan on My certificates."""

from __future__ import annotations

from pathlib import Path

from tests.dashboard.test_app import H1, new_app, open_page, table


def test_the_sampling_plan_row_in_dutch(dash_store: Path) -> None:
    plan = open_page(new_app(), "sampling_plan", lang="nl")
    assert not plan.exception
    rows = table(plan, "plan_table")
    # the table shows the component's Dutch name (ref_components.name_nl)
    (at,) = [i for i, r in enumerate(rows) if (r["site_id"], r["component"]) == ("S1", "arseen")]
    # S1 arsenic: 2 lots tested, fewer than 5 observations: every lot, at least 10 per
    # year (BRL 9341 bijlage II)
    assert rows[at]["frequency_text"] == "elke partij, minstens 10 per jaar"
    plan.session_state["plan_table"] = {"selection": {"rows": [at], "columns": []}}
    plan.run()
    assert not plan.exception
    texts = [t.value for t in plan.text]
    assert ("arseen op S1 (boomgranulaat): elke partij, minstens 10 per jaar: minder dan 5 "
            "waarnemingen (tot nu toe 2) (BRL 9341 bijlage II)") in texts


def test_my_certificates_in_dutch(dash_store: Path) -> None:
    home = open_page(new_app(H1), "my_certificates", lang="nl")
    assert not home.exception
    text = "\n".join(m.value for m in home.markdown)
    # BRL-001 issued: its reason from certificate_status's key (BRL 9341 §3.2, §3.3)
    assert "Reden: certificaat verleend" in text
    assert "certificate issued" not in text
    plan = table(home, "my_plan")
    assert {r["explanation"] for r in plan} == {
        "elke partij, minstens 10 per jaar: minder dan 5 waarnemingen (tot nu toe 2) "
        "(BRL 9341 bijlage II)"}
