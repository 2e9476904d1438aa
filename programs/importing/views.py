"""Pages of the spreadsheet import: upload, report (preview), progress fragment, confirm, templates."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from ..models import ImportStatus
from ..views.paging import paginate
from . import selectors, services
from .blank_templates import template_csv, template_xlsx
from .columns import KINDS, KINDS_BY_KEY
from .forms import ImportUploadForm
from .outcomes import OUTCOME_TILES
from infrastructure.wording import counted

REPORT_PAGE_SIZE = 200
RECENT_JOBS = 10


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    may_import = services.may_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and may_import and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                user=request.user,
                file_name=upload_file.name,
                content=upload_file.read(),
                rationale_category=form.cleaned_data["rationale_category"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect("importing:job", pk=job.pk)
    jobs = list(selectors.import_jobs_visible_to(request.user)[:RECENT_JOBS])
    return render(
        request,
        "importing/upload.html",
        {"form": form, "may_import": may_import, "jobs": jobs, "kinds": KINDS},
    )


def _job_or_404(request: HttpRequest, pk: int):
    job = selectors.import_job_for_page(user=request.user, pk=pk)
    if job is None:
        raise Http404("No such import.")
    return job


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    rows = job.report or []
    show = request.GET.get("show", "all")
    if show == "errors":
        rows = [r for r in rows if r.get("outcome") == "error"]
    page = paginate(request, rows, per_page=REPORT_PAGE_SIZE)
    return render(
        request,
        "importing/job_detail.html",
        {
            "job": job,
            "page": page,
            "show": show,
            "progress": selectors.import_job_progress(job) if job.is_running else None,
            "outcomes": [(key, label, (job.summary or {}).get(key, 0)) for key, label in OUTCOME_TILES],
        },
    )


@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled progress fragment; once the job has finished, the page reloads itself."""
    job = _job_or_404(request, pk)
    if not request.htmx:
        return redirect("importing:job", pk=job.pk)
    if not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "importing/_progress.html", {"job": job, "progress": selectors.import_job_progress(job)})


@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        job = services.import_job_confirm(user=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("importing:job", pk=job.pk)
    if job.status == ImportStatus.IMPORTED:
        messages.success(request, f"Imported {job.file_name}: {counted(job.row_count, 'row')}.")
    elif job.status == ImportStatus.FAILED:
        messages.error(request, job.failure or "The import failed; nothing was saved.")
    return redirect("importing:job", pk=job.pk)


@require_GET
def template_download(request: HttpRequest, name: str) -> HttpResponse:
    """A blank template (``?example=1`` adds example rows): ``<kind>.csv`` or ``workbook.xlsx``."""
    with_examples = request.GET.get("example") == "1"
    stem, _, extension = name.rpartition(".")
    if name == "workbook.xlsx":
        content = template_xlsx(with_examples=with_examples)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif extension == "csv" and stem in KINDS_BY_KEY:
        content = template_csv(KINDS_BY_KEY[stem], with_examples=with_examples)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404("No such template.")
    response = HttpResponse(content, content_type=content_type)
    filename = f"ssa-import-{'example-' if with_examples else ''}{name}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
