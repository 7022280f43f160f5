"""Message keys (issue 27 point 4): a stored key and its values shown in the reader's
language, the stored English text whenever the key cannot be used."""

from __future__ import annotations

import json

from pipelines.i18n import use_language
from pipelines.i18n.catalogues import po_path, read_catalogue
from pipelines.i18n.keys import REASONS, render


def test_reason_in_dutch_by_default_and_in_english_on_request() -> None:
    args = {"lot": "P-7", "product": "menggranulaat", "other": "betongranulaat", "line": 12}
    stored = "lot 'P-7' has product 'menggranulaat' here but 'betongranulaat' on line 12"
    assert render("lot_product_differs", args, stored) == (
        "partij 'P-7' heeft hier product 'menggranulaat', maar 'betongranulaat' op regel 12")
    with use_language("en"):
        assert render("lot_product_differs", args, stored) == stored


def test_values_as_json_and_dates_and_numbers_in_the_readers_notation() -> None:
    args = json.dumps({"sampled_on": "2027-01-05"})
    assert render("sampled_in_future", args, "x") == (
        "monsternemingsdatum 5 januari 2027 ligt in de toekomst")
    assert render("sampled_in_future", args, "x", lang="en") == (
        "sampling date 5 January 2027 lies in the future")
    assert render("field_too_long", {"length": 12000, "limit": 10000}, "x") == (
        "veld van 12.000 tekens (hoogstens 10.000)")
    # a value as read from the file stays as read (here an English-notation amount)
    assert render("not_an_amount", {"value": "1,234.5"}, "x") == "geen bedrag: '1,234.5'"


def test_stored_english_when_the_key_cannot_be_used() -> None:
    stored = "unknown component 'benzeen2'"
    assert render(None, None, stored) == stored  # a row from before the keys
    assert render("no_such_key", {}, stored) == stored
    assert render("unknown_component", {}, stored) == stored  # a value missing
    assert render("unknown_component", "{not json", stored) == stored
    assert render("unknown_component", {"value": "benzeen2"}, stored) == (
        "onbekende component 'benzeen2'")


def test_every_reason_is_in_the_dutch_catalogue() -> None:
    translated = {m.id: m.string for m in read_catalogue(po_path("nl", "messages"), "nl")
                  if m.id}
    assert all(translated.get(text) for text in REASONS.values())


def test_a_detail_with_a_message_inside() -> None:
    """sampling_plan.reason under the lot-inspection regime: the component's own frequency
    and the rule's reason, each a message of its own (keys.DETAILS)."""
    from pipelines.i18n.keys import render_detail

    args = json.dumps({
        "own_frequency": {"key": "freq_one_in_min_years",
                          "args": {"lots": 4, "tests": 10, "years": 3}},
        "reason": {"key": "plan_k", "args": {"k": 1.9, "n": 5, "class_rank": 4,
                                             "test_class": "90/70-90"}}})
    assert render_detail("plan_lot_inspection", args, "x", lang="en") == (
        "lot-inspection regime of the site × product; on its own: 1 in 4 lots, at least 10 "
        "per 3 years: k = 1.90 over the last 5 lots (class 4, 90/70-90; BRL 9341 bijlage II)")
    assert render_detail("plan_lot_inspection", args, "x", lang="nl") == (
        "partijkeuringsregime van de productielocatie × het product; op zichzelf: 1 op de 4 "
        "partijen, minstens 10 per 3 jaar: k = 1,90 over de laatste 5 partijen (klasse 4, "
        "90/70-90; BRL 9341 bijlage II)")
    # a nested key that does not exist: the stored English
    bad = json.dumps({"own_frequency": {"key": "nope", "args": {}}, "reason": "r"})
    assert render_detail("plan_lot_inspection", bad, "stored") == "stored"


def test_a_frame_renders_each_distinct_text_once(monkeypatch) -> None:  # noqa: ANN001
    """render_detail_columns over many rows (issue 26: 20 000 plan rows): each distinct
    key × values × stored text is rendered once and the language looked up once per
    frame, with the same texts row by row."""
    import polars as pl

    from pipelines.i18n import keys

    finding = json.dumps({"check": "lab results", "severity": "major"})
    frame = pl.DataFrame({
        "rule": ["a", "a", "b", "a", "c"],
        "rule_key": ["rule_process_finding", "rule_process_finding", "rule_sampling",
                     "rule_process_finding", None],
        "rule_args": [finding, finding, None, finding, None],
    })
    calls: list[object] = []
    render = keys._render

    def counting(*args: object) -> str:
        calls.append(args)
        return render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(keys, "_render", counting)
    looked_up: list[object] = []
    language = keys.current_language
    monkeypatch.setattr(keys, "current_language",
                        lambda lang=None: looked_up.append(lang) or language(lang))
    shown = keys.render_detail_columns(frame, {"rule": "rule"}, lang="en")
    assert shown.columns == ["rule"]
    assert shown["rule"].to_list() == [
        "procedural check lab results (major)", "procedural check lab results (major)",
        "sampling frequency by the k-value class of the series",
        "procedural check lab results (major)", "c"]
    assert len(calls) == 3 and len(looked_up) == 1


def test_stored_values_inside_a_message_are_words_in_the_readers_language() -> None:
    """issue 27: a finding's severity and check, a component code and tonnes inside a
    message are shown in the reader's language, not as the stored code."""
    from pipelines.i18n.keys import render_detail

    args = {"check": "lab accreditation", "severity": "major"}
    assert render_detail("rule_process_finding", args, "-", lang="nl") == (
        "procedurele controle accreditatie van het laboratorium (ernstig)")
    # in English as the worklist's rule column writes it
    assert render_detail("rule_process_finding", args, "-", lang="en") == (
        "procedural check lab accreditation (major)")
    lab = {"analysed_on": "2023-07-15", "n": 2, "components": ["arsenic", "benzene"],
           "lots": "L1, L2"}
    assert render_detail("finding_lab_not_accredited", lab, "-", lang="nl") == (
        "geen ISO/IEC 17025-accreditatie geldig op 15 juli 2023 voor arseen, benzeen "
        "(partijen L1, L2): deze resultaten tellen niet")
    # tonnes: one decimal always, in the reader's notation
    size = {"lot_t": 1234.5, "year": 2023, "product": "boomgranulaat", "site": "S1",
            "production_t": 12000, "most_t": 1200}
    assert render_detail("finding_lot_size", size, "-", lang="nl") == (
        "partij van 1.234,5 t is meer dan 1/10 deel van de productie 2023 van boomgranulaat "
        "op locatie S1 (12.000,0 t; hoogstens 1.200,0 t)")
