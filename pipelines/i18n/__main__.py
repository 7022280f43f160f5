"""The catalogue workflow (docs/i18n.md):

    python -m pipelines.i18n extract   # code -> locale/messages.pot (babel.cfg)
    python -m pipelines.i18n update    # templates -> nl/messages.po, en/glossary.po
    python -m pipelines.i18n compile   # .po -> .mo (also done on demand at load)
    python -m pipelines.i18n check     # the checks of tests/pipelines/i18n; exit 1 on a problem
    python -m pipelines.i18n quote TERM  # where a term is in data/sources/, for the glossary
"""

from __future__ import annotations

import argparse
import os
import sys

from babel.messages.frontend import CommandLineInterface

from pipelines.i18n import checks
from pipelines.i18n.catalogues import (
    LOCALE_DIR,
    compendium_path,
    compile_all,
    fill_from_compendium,
    po_path,
    template_path,
)
from pipelines.i18n.glossary import find_in_sources

WIDTH = "100"  # the project's line length; Babel wraps .po lines at it


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    os.chdir(checks.REPO_ROOT)  # locations in the template relative to the repository
    _pybabel("extract", "-F", str(checks.BABEL_CFG), "-o", str(template_path("messages")),
             "--project", "certmonitor", "--add-comments", "TRANSLATORS:", "--sort-by-file",
             "-w", WIDTH, ".")


def update() -> None:
    # --no-fuzzy-matching: a new msgid starts empty (and fails the checks) rather than
    # taking a near miss's Dutch as a guess that reads as done
    _pybabel("update", "-i", str(template_path("messages")), "-d", str(LOCALE_DIR),
             "-D", "messages", "-l", "nl", "--no-fuzzy-matching", "--ignore-obsolete",
             "-w", WIDTH)
    _pybabel("update", "-i", str(template_path("glossary")), "-d", str(LOCALE_DIR),
             "-D", "glossary", "-l", "en", "--no-fuzzy-matching", "--ignore-obsolete",
             "-w", WIDTH)
    filled = fill_from_compendium(po_path("nl", "messages"), compendium_path("nl"), "nl")
    if filled:
        print(f"{len(filled)} Dutch translation(s) taken from nl/compendium.po")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.i18n", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["extract", "update", "compile", "check", "quote"])
    parser.add_argument("term", nargs="?", help="the Dutch term (quote)")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
    elif args.command == "update":
        update()
    elif args.command == "compile":
        for path in compile_all():
            print(path.relative_to(checks.REPO_ROOT))
    elif args.command == "quote":
        if not args.term:
            parser.error("quote needs a TERM")
        for file_name, line, quote in find_in_sources(args.term):
            print(f'{file_name}:{line}: bron: {file_name}: "{quote}"')
    else:
        nl_messages = checks.read_catalogue(po_path("nl", "messages"), "nl")
        problems = (checks.catalogue_problems() + checks.glossary_problems()
                    + checks.compendium_problems()
                    + checks.term_problems(nl_messages, "nl/messages.po")
                    + checks.dutch_in_english(nl_messages, "nl/messages.po")
                    + checks.extraction_problems())
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
