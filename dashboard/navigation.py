"""The page registry: which pages exist, in which sidebar section, for which roles.

app.py builds ``st.navigation`` from ``pages_for(viewer)``, so a role sees only its own
pages. Every page also checks ``require(...)`` itself (dashboard/app_pages/common.py):
a page opened by URL that the role may not see says so and shows nothing.
A new page is one file in dashboard/app_pages/ and one PageSpec here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.viewer import Viewer
from pipelines.i18n import N_
from pipelines.pages import PAGE_ROLES

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"


@dataclass(frozen=True)
class PageSpec:
    file: str  # in dashboard/app_pages/
    title: str  # English, N_-marked: app.py translates it per run (the session's language)
    url_path: str
    section: str
    roles: frozenset[str]
    icon: str = ":material/article:"
    # The section shown to the certification body's staff when it differs: a producer's
    # "My company" page is, for management, one of the body's pages about every holder.
    staff_section: str | None = None

    def section_for(self, viewer: Viewer) -> str:
        if self.staff_section and viewer.role != "producer":
            return self.staff_section
        return self.section


# In sidebar order; the first page a role may see is its home page. A spec whose file
# does not exist yet is left out (pages land one by one).
# The roles of each page: the access policy in pipelines/pages.py (the digest's links
# follow it too).
PAGES: tuple[PageSpec, ...] = (
    # Home pages first, one per role.
    PageSpec("overview.py", N_("Overview"), "overview", N_("Certification body"),
             PAGE_ROLES["overview"], ":material/dashboard:"),
    PageSpec("my_certificates.py", N_("My certificates"), "my-certificates", N_("My company"),
             PAGE_ROLES["my-certificates"], ":material/verified:"),
    PageSpec("billing.py", N_("Billing"), "billing", N_("Certification body"),
             PAGE_ROLES["billing"], ":material/euro:"),
    PageSpec("college.py", N_("College of Experts"), "college", N_("College of Experts"),
             PAGE_ROLES["college"], ":material/groups:"),
    PageSpec("users.py", N_("Users"), "users", N_("Administration"),
             PAGE_ROLES["users"], ":material/manage_accounts:"),
    # Then the working pages.
    PageSpec("certificates.py", N_("Certificates and audits"), "certificates",
             N_("Certification body"), PAGE_ROLES["certificates"],
             ":material/workspace_premium:"),
    PageSpec("sampling_plan.py", N_("Sampling plan"), "sampling-plan", N_("BRL 9341"),
             PAGE_ROLES["sampling-plan"], ":material/event_repeat:"),
    PageSpec("lots.py", N_("Lots"), "lots", N_("BRL 9341"),
             PAGE_ROLES["lots"], ":material/science:"),
    PageSpec("lot.py", N_("Lot"), "lot", N_("BRL 9341"),
             PAGE_ROLES["lot"], ":material/labs:"),
    PageSpec("statement.py", N_("Yearly statement"), "statement", N_("My company"),
             PAGE_ROLES["statement"], ":material/picture_as_pdf:",
             staff_section=N_("Certification body")),
    PageSpec("data.py", N_("Data"), "data", N_("Store"),
             PAGE_ROLES["data"], ":material/database:"),
    PageSpec("audit_log.py", N_("Audit log"), "audit-log", N_("Administration"),
             PAGE_ROLES["audit-log"], ":material/history:"),
    # issue 25: the import log, with a file's quarantined rows
    PageSpec("imports.py", N_("Imports"), "imports", N_("Store"),
             PAGE_ROLES["imports"], ":material/inbox:"),
    # Public (issue 10): served without a login too (app.py anonymous_pages); the page
    # reads only the public register and does not call require().
    PageSpec("verify.py", N_("Verify a certificate"), "verify", N_("Public"),
             PAGE_ROLES["verify"], ":material/fact_check:"),
    # issue 24: the register's full list, Bbl art. 1.40 (public like Verify).
    PageSpec("register.py", N_("Public register"), "register", N_("Public"),
             PAGE_ROLES["register"], ":material/list_alt:"),
)

# Pages anyone may open without logging in.
PUBLIC_PAGES: frozenset[str] = frozenset({"verify", "register"})


def spec(url_path: str) -> PageSpec:
    for page in PAGES:
        if page.url_path == url_path:
            return page
    raise KeyError(url_path)


def may_open(viewer: Viewer, url_path: str) -> bool:
    return viewer.role in spec(url_path).roles


def pages_for(viewer: Viewer) -> list[PageSpec]:
    return [page for page in PAGES
            if viewer.role in page.roles and (PAGES_DIR / page.file).exists()]


def refused_url_path(viewer: Viewer | None, url: str | None) -> str | None:
    """The page a browser's URL asks for when it is one of ours that this viewer (None:
    not logged in) may not open (issue 24: the attempt is audited). st.navigation never
    runs such a page: it shows "page not found" and the home page instead."""
    if not url:
        return None
    wanted = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    if wanted in PUBLIC_PAGES or wanted not in {page.url_path for page in PAGES}:
        return None
    return wanted if viewer is None or not may_open(viewer, wanted) else None
