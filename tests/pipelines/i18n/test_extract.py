"""Extraction: babel.cfg finds the strings marked in Python and in SQL, and messages.pot
is in step with the code (a string marked in the code but not extracted fails here)."""

from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract

from pipelines.i18n import checks

SQL = """-- the lab's method: a quote in a comment opens no literal
create or replace view v as
select
    case when overdue then 'overdue' /* i18n */ else 'open' /* i18n: deviation state */ end
        as state,
    'payment within 30 days; the holder''s interest' /* i18n */ as rule,
    'not marked' as other,
    -- 'in a comment' /* i18n */
    'on the next line'
        /* i18n */ as spaced
from t
"""


def test_sql_extractor_takes_marked_literals_only() -> None:
    found = list(extract("pipelines.i18n.extract.extract_sql", BytesIO(SQL.encode()),
                         keywords=DEFAULT_KEYWORDS))
    assert [(line, message, context) for line, message, _comments, context in found] == [
        (4, "overdue", None),
        (4, "open", "deviation state"),
        (6, "payment within 30 days; the holder's interest", None),
        (9, "on the next line", None),
    ]


def test_babel_cfg_finds_python_and_sql(tmp_path: Path) -> None:
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "page.py").write_text(
        "from pipelines.i18n import _, N_, ngettext, pgettext\n"
        "TITLE = N_('Overview')\n"
        "def show(n):\n"
        "    return _('Worklist'), ngettext('{n} lot', '{n} lots', n), "
        "pgettext('invoice', 'Open'), _('In {lang}', lang='en')\n", encoding="utf-8")
    (tmp_path / "sql" / "marts").mkdir(parents=True)
    (tmp_path / "sql" / "marts" / "v.sql").write_text(SQL, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("_('not shipped')\n", encoding="utf-8")
    assert checks.extracted_msgids(checks.BABEL_CFG, tmp_path) == {
        (None, "Overview"), (None, "Worklist"), (None, "{n} lot"), ("invoice", "Open"),
        (None, "In {lang}"), (None, "overdue"), ("deviation state", "open"),
        (None, "payment within 30 days; the holder's interest"), (None, "on the next line"),
    }


def test_messages_pot_is_in_step_with_the_code() -> None:
    started = time.perf_counter()
    assert checks.extraction_problems() == []
    # the whole repository in a few seconds: fine to run with every test run
    assert time.perf_counter() - started < 60
