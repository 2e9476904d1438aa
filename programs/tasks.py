"""Thin Celery tasks of the programs app."""
import time

from celery import shared_task
from django.db import OperationalError

from infrastructure.history import acting_as


@shared_task(
    bind=True,
    name="programs.tasks.import_job_process",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def import_job_process(self, job_id: int, action: str) -> str:
    """Preview or confirm a large spreadsheet import; progress goes to the result backend."""
    from .importing.services import import_job_fail, import_job_run

    started = time.time()

    def progress(done: int, total: int) -> None:
        if not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total, "started": started})

    try:
        with acting_as(f"import job {job_id}"):  # authors rows the importer writes without its user
            return import_job_run(job_id=job_id, action=action, task_id=self.request.id or "", progress=progress).status
    except OperationalError:
        if self.request.retries >= self.max_retries:
            import_job_fail(job_id=job_id, message="The database was unreachable; nothing was saved. Upload the file again.")
        raise
