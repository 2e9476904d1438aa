"""Malformed spreadsheets through the import service: no crash, no partial write.

Hypothesis builds files from a valid programs CSV / XLSX and breaks them: truncation at any
byte, random bytes spliced in, other encodings (UTF-16, Latin-1, Shift-JIS), formula
payloads in every column ("=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1+1"), huge cells, binary
garbage, zip files that are not workbooks. Each file goes through ``import_job_create``
(preview) and, when the preview offers it, ``import_job_confirm``.

Allowed outcomes: a ValidationError naming the ``file`` (refused before any row), a job
whose report names its error rows (confirm refused, nothing written), or a clean job whose
confirm imports everything. Never another exception, and whenever the import does not end
as IMPORTED, not a single row anywhere changes (a digest of every table of the portal's
apps, import jobs aside).

CI runs ``FUZZ_EXAMPLES`` (default 60) examples per test; for a long run:
``SSA_FUZZ_EXAMPLES=2000 pytest tests/security/test_import_fuzzing.py``.
"""
from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from programs.importing.columns import PROGRAMS
from programs.importing.services import import_job_confirm, import_job_create
from programs.models import ImportJob, ImportStatus, Program
from tests.importing.conftest import csv_file, program_row, xlsx_file
from tests.security.test_access_matrix import database_digest

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("SSA_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not os.environ.get("SSA_FUZZ_RANDOM"),
                suppress_health_check=list(HealthCheck))

FORMULAS = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+1", "-1+1", "=1/0", "\t=1", "=" * 5000]
ENCODINGS = ["utf-16", "utf-16-be", "latin-1", "cp1252", "shift_jis", "utf-32"]


def _rows(count: int) -> list[list[object]]:
    return [program_row(code=f"DOS-2027-{i:04d}", title=f"Côte d’Ivoire border program {i}", countries="CIV; KEN")
            for i in range(count)]


@st.composite
def cell_values(draw) -> str:
    return draw(st.one_of(
        st.sampled_from(FORMULAS),
        st.text(max_size=40),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)), max_size=20),
        st.integers(min_value=1000, max_value=200_000).map(lambda n: "x" * n),  # huge cells
        st.sampled_from(["", " ", "NaN", "inf", "-0", "1e309", "$-1", "(1)", "2027-02-30", "FY9999", "0x10", "None"]),
    ))


@st.composite
def malformed_csv(draw) -> bytes:
    rows = _rows(draw(st.integers(min_value=1, max_value=4)))
    for row in rows:  # overwrite some cells with hostile values
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = draw(cell_values())
    header = list(PROGRAMS.names)
    if draw(st.booleans()):
        del header[draw(st.integers(min_value=0, max_value=len(header) - 1))]  # a missing column
    text = csv_file(header, rows).decode("utf-8")
    kind = draw(st.sampled_from(["as-is", "encoding", "truncate", "splice", "delimiter", "nul"]))
    if kind == "encoding":
        return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    content = text.encode("utf-8")
    if kind == "truncate":
        return content[: draw(st.integers(min_value=0, max_value=len(content)))]
    if kind == "splice":
        at = draw(st.integers(min_value=0, max_value=len(content)))
        return content[:at] + draw(st.binary(min_size=1, max_size=64)) + content[at:]
    if kind == "delimiter":
        return text.replace(",", draw(st.sampled_from([";", "\t", "|", '"', "\n"]))).encode("utf-8")
    if kind == "nul":
        return content.replace(b",", b"\x00", draw(st.integers(min_value=1, max_value=5)))
    return content


@st.composite
def malformed_xlsx(draw) -> bytes:
    rows = _rows(draw(st.integers(min_value=1, max_value=3)))
    for row in rows:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            # a workbook cannot hold control characters (openpyxl refuses them), nor more
            # than 32,767 characters in a cell
            value = ILLEGAL_CHARACTERS_RE.sub("", draw(cell_values()))[:32_000]
            row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = value
    content = xlsx_file({"Programs": [PROGRAMS.names, *rows]})
    kind = draw(st.sampled_from(["as-is", "truncate", "flip", "not-a-workbook"]))
    if kind == "truncate":
        return content[: draw(st.integers(min_value=0, max_value=len(content) - 1))]
    if kind == "flip":
        at = draw(st.integers(min_value=0, max_value=len(content) - 1))
        return content[:at] + bytes([content[at] ^ 0xFF]) + content[at + 1:]
    if kind == "not-a-workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", draw(st.binary(max_size=200)))
            archive.writestr("xl/workbook.xml", draw(st.binary(max_size=200)))
        return buffer.getvalue()
    return content


def _digest_without_jobs() -> dict[str, str]:
    digest = database_digest()
    digest.pop(ImportJob._meta.db_table, None)
    return digest


def _import(user, name: str, content: bytes) -> None:
    """One file through preview and (when offered) confirm, rolled back afterwards."""
    with transaction.atomic():
        before = _digest_without_jobs()
        try:
            job = import_job_create(user=user, file_name=name, content=content)
        except ValidationError as exc:
            assert "file" in exc.message_dict, exc.message_dict  # refused as a whole, naming the file
            assert _digest_without_jobs() == before
            transaction.set_rollback(True)
            return
        job.refresh_from_db()
        assert job.status in (ImportStatus.PREVIEWED, ImportStatus.FAILED), job.status
        assert _digest_without_jobs() == before, "a preview wrote data"
        try:
            job = import_job_confirm(user=user, job=job)
        except ValidationError:
            job.refresh_from_db()
        assert job.status in (ImportStatus.IMPORTED, ImportStatus.PREVIEWED, ImportStatus.FAILED), job.status
        if job.status != ImportStatus.IMPORTED:
            assert _digest_without_jobs() == before, f"partial write by a {job.status} import"
        else:
            assert Program.objects.exists()
        transaction.set_rollback(True)


@FUZZ
@given(content=malformed_csv())
def test_malformed_csv_never_crashes_and_never_half_writes(analyst_a, content):
    _import(analyst_a, "programs.csv", content)


@FUZZ
@given(content=malformed_xlsx())
def test_malformed_xlsx_never_crashes_and_never_half_writes(analyst_a, content):
    _import(analyst_a, "programs.xlsx", content)


@FUZZ
@given(content=st.binary(max_size=4096), name=st.sampled_from(["programs.csv", "programs.xlsx", "programs.txt", "x"]))
def test_binary_garbage_is_refused_or_reported(analyst_a, content, name):
    _import(analyst_a, name, content)


def test_a_file_with_one_bad_row_among_good_ones_writes_nothing(analyst_a):
    """All or nothing: 49 good rows and one with a formula for an amount import nothing."""
    rows = _rows(50)
    rows[37][PROGRAMS.names.index("planned")] = "=cmd|' /C calc'!A0"
    job = import_job_create(user=analyst_a, file_name="programs.csv", content=csv_file(PROGRAMS.names, rows))
    with pytest.raises(ValidationError):
        import_job_confirm(user=analyst_a, job=job)
    assert not Program.objects.exists()
