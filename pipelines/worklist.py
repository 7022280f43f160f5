"""The worklist's kinds of item and their labels (English msgids, translated where shown),
in the worklist view's priority order (sql/marts/worklist.sql). Here, below both their
users: the Overview's worklist (through dashboard/glossary.py) and the daily digest."""

from __future__ import annotations

from pipelines.i18n import N_

WORKLIST_KINDS: dict[str, str] = {
    "deviation": N_("Deviation deadline passed or within 14 days"),
    "suspension": N_("Suspended until withdrawal or lapse"),
    "sampling_overdue": N_("Sampling frequency not met (sampling overdue)"),
    "audit_overdue": N_("Audit overdue"),
    "invoice_unpaid": N_("Invoice unpaid past due"),
    "invoice_mismatch": N_("Invoice not matching the tariff"),
    "invoice_index_missing": N_("Invoice line not checkable (index missing)"),
    "process_finding": N_("Process check finding"),
}
