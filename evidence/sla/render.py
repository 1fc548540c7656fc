"""The SLA report as CSV and as PDF/A (the dossier's renderer and static-files fetcher)."""

from __future__ import annotations

import csv
import hashlib
import io

from django.template.loader import render_to_string
from django.utils import timezone

from claims.dossier.render import data_attachment, page_pdf
from evidence.sla.figures import CSV_HEADER, csv_rows
from evidence.sla.selectors import SlaReport
from outages.intervals import BRUSSELS

PDF_TEMPLATE = "evidence/sla_report_pdf.html"


def sla_csv(report: SlaReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report.services))
    return out.getvalue()


def sla_pdf(report: SlaReport, *, page_url: str) -> bytes:
    """PDF/A-3b with the CSV attached. A file cannot print its own hash (the hash would
    change the file), so the report prints the SHA-256 of its figures, the attached CSV,
    which anyone can recompute from the attachment or from the CSV download."""
    figures_csv = sla_csv(report)
    digest = hashlib.sha256(figures_csv.encode("utf-8")).hexdigest()
    with timezone.override(BRUSSELS):
        html = render_to_string(
            PDF_TEMPLATE, {"report": report, "figures_sha256": digest, "page_url": page_url}
        )
    attachment = data_attachment(
        figures_csv,
        name=f"sla-{report.year}.csv",
        description=f"SLA figures {report.year}",
        dated=report.generated_at,
    )
    return page_pdf(html, attachment=attachment)
