"""The websocket upload's decoding (dashboard/file_input.py, issue 24): what the browser
sends is checked again on the server. The component's JavaScript is driven in the browser
test, tests/dashboard/test_upload_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.file_input import ReceivedFile, UploadRejected, decode_files, limits
from dashboard.upload import ingest_uploads
from dashboard.viewer import BODY

CSV = b"a,b\n1,2\n"  # 8 bytes
CSV_B64 = "YSxiCjEsMgo="  # base64 of CSV, 12 characters


def test_files_come_back_with_their_names_and_bytes() -> None:
    files = decode_files([{"name": "lab.csv", "base64": CSV_B64, "size": 8},
                          {"name": "Audit.XLSX", "base64": ""}], max_file_bytes=8)
    assert files == [ReceivedFile("lab.csv", CSV), ReceivedFile("Audit.XLSX", b"")]
    assert files[0].getvalue() == CSV


@pytest.mark.parametrize("sent, kept", [("../../etc/lab.csv", "lab.csv"),
                                        ("C:\\Users\\x\\lab.csv", "lab.csv")])
def test_a_path_in_the_name_is_dropped(sent: str, kept: str) -> None:
    assert decode_files([{"name": sent, "base64": CSV_B64}], 8)[0].name == kept


def test_a_file_over_the_limit_is_refused_by_name() -> None:
    with pytest.raises(UploadRejected, match=r"^lab\.csv.*over the limit of 0\.0 MB per file"):
        decode_files([{"name": "lab.csv", "base64": CSV_B64}], max_file_bytes=7)


def test_the_limit_counts_decoded_bytes_not_base64() -> None:
    # 12 base64 characters are 8 bytes: within a limit of 8 (and of 11)
    assert decode_files([{"name": "lab.csv", "base64": CSV_B64}], max_file_bytes=8)


def test_an_upload_over_the_total_is_refused() -> None:
    two = [{"name": "a.csv", "base64": CSV_B64}, {"name": "b.csv", "base64": CSV_B64}]
    assert len(decode_files(two, max_file_bytes=8, max_total_bytes=16)) == 2
    with pytest.raises(UploadRejected, match="smaller groups"):
        decode_files(two, max_file_bytes=8, max_total_bytes=15)


@pytest.mark.parametrize("payload, reason", [
    ([{"name": "run.exe", "base64": CSV_B64}], r"run\.exe: not taken; only \.csv, \.xlsx"),
    ([{"name": "lab.csv", "base64": "YSxi!jEsMgo="}], "did not arrive intact"),
    ([{"name": "lab.csv"}], "malformed"),
    ([{"name": "", "base64": CSV_B64}], "without a name"),
    ([], "no files"),
    ("lab.csv", "no files"),
    ([["lab.csv", CSV_B64]], "malformed"),
])
def test_malformed_or_wrong_uploads_are_refused(payload: object, reason: str) -> None:
    with pytest.raises(UploadRejected, match=reason):
        decode_files(payload, max_file_bytes=1_000)


def test_limits_follow_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import config

    monkeypatch.setenv("CERT_UPLOAD_MAX_MB", "2")
    before = config.get_option("server.maxWidgetStateSize")
    config.set_option("server.maxWidgetStateSize", 40)
    try:
        per_file, per_upload = limits()
    finally:
        config.set_option("server.maxWidgetStateSize", before)
    assert per_file == 2_000_000
    # a websocket message of 40 MB less 256 KiB of envelope, 3 bytes of file for 4 of base64
    assert per_upload == (40_000_000 - 262_144) * 3 // 4


def test_decoded_files_go_through_the_ingest_pipeline(dash_store: Path) -> None:
    lab = ("certificate_number,site_id,product,lot_id,sample_id,sampled_on,component,value,"
           "unit,lab,lab_report_id\n"
           "BRL-002,S2,daktuinsubstraat,L5,M9,2024-09-01,arsenic,0.4,mg/kg ds,Lab,R9\n")
    import base64

    files = decode_files([{"name": "lab_ws.csv",
                           "base64": base64.b64encode(lab.encode()).decode()}], 10_000)
    (result,) = ingest_uploads(BODY, files, dash_store)
    assert (result.file_name, result.rows_loaded, result.rows_quarantined) == \
        ("lab_ws.csv", 1, 0)


def test_the_imports_page_offers_the_websocket_upload(dash_store: Path) -> None:
    from tests.dashboard.test_app import open_page, run_app

    at = open_page(run_app(), "imports")
    assert not at.exception
    assert [e.proto.component_name for e in at.get("bidi_component")] == ["cert_file_input"]
    assert not at.get("file_uploader")
