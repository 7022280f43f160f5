"""The page-text helper of issue 27 point 5 on hand-made pages: a Dutch page passes, English
notation or an untranslated catalogue string anywhere on it (metric, caption, option,
sidebar, table header) is reported."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.dashboard.i18n_support import dutch_page_problems, rendered_text


def _page(metric: str, caption: str, option: str, header: str) -> None:
    import pandas as pd
    import streamlit as st

    st.title("Overzicht")
    st.metric("Gefactureerd dit jaar", metric, help="Factuurregels excl. btw")
    st.caption(caption)
    with st.expander("Details"):
        st.selectbox("Periode", ["hele maand", option])
    st.sidebar.markdown("BRL 9341 §8.7, Bbl art. 1.39 lid 4")
    st.dataframe(pd.DataFrame({header: [1.5]}))


def run(**texts: str) -> AppTest:
    kwargs = {"metric": "€ 49.252,40", "caption": "Peildatum 7 december 2026",
              "option": "maand tot nu toe", "header": "Partij"} | texts
    at = AppTest.from_function(_page, kwargs=kwargs, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_rendered_text_has_every_kind_of_text() -> None:
    text = rendered_text(run()).splitlines()
    for expected in ("Overzicht", "Gefactureerd dit jaar", "€ 49.252,40",
                     "Factuurregels excl. btw", "Peildatum 7 december 2026", "Details",
                     "Periode", "hele maand", "maand tot nu toe",
                     "BRL 9341 §8.7, Bbl art. 1.39 lid 4", "Partij"):
        assert expected in text


def test_a_dutch_page_passes() -> None:
    assert dutch_page_problems(run()) == []


def test_english_notation_anywhere_is_reported() -> None:
    assert dutch_page_problems(run(metric="€49,252.40")) == [
        "English notation: english money '€49,252.40'",
        "English notation: english number '49,252.40'"]
    # (Dutch words: "As of" is in the English catalogue now and would be reported too)
    assert dutch_page_problems(run(caption="Peildatum 2026-12-07")) == [
        "English notation: iso date '2026-12-07'"]
    assert dutch_page_problems(run(option="December 2026")) == []  # ambiguous alone
    assert dutch_page_problems(run(option="7 December 2026")) == [
        "English notation: english month '7 December'"]


def test_untranslated_catalogue_string_is_reported() -> None:
    # "Language" is in the English catalogue with the Dutch "Taal"
    assert dutch_page_problems(run(header="Language")) == ["not translated: 'Language'"]
    assert dutch_page_problems(run(header="Taal")) == []
