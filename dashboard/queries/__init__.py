"""The dashboard's queries: small functions, parameterised SQL, the viewer's row filter.

Rules for every function here (later pages add functions of the same shape):
- the first two arguments are the ``Viewer`` and the ``as_of`` date;
- the viewer's row filter is part of the SQL (``Viewer.row_filter``), so a producer
  never receives another certificate's rows, whatever the page asks;
- values only ever travel as parameters; the SQL text is fixed fragments;
- the business rules stay in the views (sql/); these queries select and filter.

Results are cached by ``_cached_frame``: the key is the store path, the store version
(file mtime+size, so an ingest invalidates it), the SQL text, its parameters (which
carry the function's arguments and the viewer's filter) and ``as_of``.

In modules by audience or subject (docs/architecture.md): each page imports its own
(``from dashboard.queries import finance as queries``); the names are re-exported here
for the rest (the frame, auth, tests, bench)."""

from __future__ import annotations

from dashboard import db  # noqa: F401  (tests swap db.read_frame through it)
from dashboard.queries.admin import (  # noqa: F401
    import_quarantine,
    imports,
    ingestion_log,
    quarantine,
    store_file,
)
from dashboard.queries.brl9341_lots import (  # noqa: F401
    LotFilters,
    components_observed,
    find_lots,
    lot_analyses,
    lot_component_coverage,
    lot_components,
    lot_corrections,
    lot_filter_options,
    lot_observations,
    lot_sites,
    lot_state,
    lots,
    observation_series,
)
from dashboard.queries.certificates import (  # noqa: F401
    _sanctions_text,  # tests/dashboard/test_value_words.py
    audit_coverage,
    audit_coverage_years,
    certificate_register,
    complaints,
    deviations,
    lifecycle_events,
    pkvw_minimum_work,
    pkvw_sample_steps,
    process_findings,
    production_stops,
    public_register,
    status_history,
    suspension_withdrawal,
)
from dashboard.queries.college import (  # noqa: F401
    REPORT_ROLES,
    prefetch_report_figures,
    report_figures,
    report_file_makers,
    report_files,
    report_freeze,
    report_texts,
    report_years,
)
from dashboard.queries.finance import (  # noqa: F401
    audits_without_times,
    billing_periods,
    check_differences_by_month,
    invoice_check,
    invoice_check_lines,
    receivable_buckets,
    receivable_totals,
    receivables,
    revenue,
    revenue_by_fee_code,
)
from dashboard.queries.management import (  # noqa: F401
    kpi_monthly,
    kpi_overview,
    worklist,
)
from dashboard.queries.producer import (  # noqa: F401
    audit_outlook,
    certificate_overview,
    open_deviations,
    open_invoices,
    producer_certificates,
    statement,
    statement_holders,
    statement_pdf,
)
from dashboard.queries.register import (  # noqa: F401
    VERIFY_MAX_ROWS,
    register_list,
    verify_certificate,
    verify_holder,
)
from dashboard.queries.sampling import (  # noqa: F401
    PlanFilters,
    plan_filter_options,
    regime_history,
    sampling_plan,
    sampling_plan_with_counts,
    site_regimes,
    untested_lot_counts,
    untested_lot_date,
    untested_lots,
)
from dashboard.queries.shared import (  # noqa: F401
    MAX_ROWS,
    certificate_options,
    default_as_of,
    has_view,
    scheme_names,
    store_as_of,
    viewer_options,
    viewer_schemes,
)
