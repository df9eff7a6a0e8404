"""Sweeps over HTTP: ``POST /v1/sweeps`` starts one in the background, ``GET
/v1/sweeps/{id}`` says how far it got and, once done, what it did.

A sweep re-screens the whole registry — minutes for a million apps — so the request does
not wait for it: the route checks the command (an unknown category is a 422 at once), starts
the same service ``shenhe sweep`` runs (`shenhe.services.sweep.sweep`) in a thread of its
own with the API's screener and rules, and answers 202 with the job. One sweep at a time per
process: a second ``POST`` while one runs is a 409 naming the running one. The job's
``summary`` is the object ``shenhe sweep --json`` prints; ``run_id`` is the ``sweep_runs``
row of a real (not dry) run. Jobs are kept in memory (the last `KEEP`); a sweep cut short by
a restart is resumed by the next one with the same settings (see the service).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from shenhe.api import deps
from shenhe.api.schemas import ErrorOut
from shenhe.domain.audit import format_time
from shenhe.domain.sweeps import SweepSummary
from shenhe.errors import ShenheError
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.sweep import DEFAULT_BATCH_SIZE, Sweep, SweepProgress, check_sweep, sweep

logger = logging.getLogger(__name__)

KEEP = 100
"""Finished jobs remembered for ``GET``."""
MAX_BATCH = 10_000

router = APIRouter()

JobStatus = Literal["running", "finished", "failed"]


@dataclass
class SweepJob:
    """One sweep started over HTTP; its progress is written by the sweep's thread."""

    id: str
    dry_run: bool
    category: str | None
    started_at: datetime
    status: JobStatus = "running"
    total: int | None = None
    done: int = 0
    finished_at: datetime | None = None
    summary: SweepSummary | None = None
    error: str | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self, total: int) -> None:  # SweepProgress
        self.total = total

    def advance(self, count: int) -> None:  # SweepProgress
        self.done += count

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "dry_run": self.dry_run,
            "category": self.category,
            "started_at": format_time(self.started_at),
            "finished_at": None if self.finished_at is None else format_time(self.finished_at),
            "total": self.total,
            "done": self.done,
            "run_id": None if self.summary is None or self.dry_run else self.summary.run_id,
            "summary": None if self.summary is None else self.summary.to_dict(),
            "error": self.error,
        }

    def join(self, timeout: float | None = None) -> None:
        """Wait for the sweep's thread (tests, shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)


class SweepJobs:
    """The sweeps of one API process: at most one running, the last `KEEP` remembered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, SweepJob] = OrderedDict()
        self._running: SweepJob | None = None

    def start(self, command: Sweep, run: Callable[[SweepProgress], SweepSummary]) -> SweepJob:
        """Start `run` (the sweep, given the job as its progress) in a thread; `ConflictError`
        while another runs."""
        with self._lock:
            if self._running is not None:
                raise ConflictError(
                    f"a sweep is running already (id {self._running.id}); wait for it to "
                    f"finish: GET /v1/sweeps/{self._running.id}"
                )
            job = SweepJob(uuid.uuid4().hex, command.dry_run, command.category, _now())
            self._running = job
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        job._thread = threading.Thread(
            target=self._run, args=(job, run), name=f"shenhe-sweep-{job.id[:8]}", daemon=True
        )
        job._thread.start()
        return job

    def get(self, job_id: str) -> SweepJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("sweep", job_id)
        return job

    def _run(self, job: SweepJob, run: Callable[[SweepProgress], SweepSummary]) -> None:
        try:
            job.summary = run(job)
            job.status = "finished"
        except ShenheError as exc:
            job.error, job.status = str(exc), "failed"
            logger.error("sweep %s failed: %s", job.id, exc)
        except Exception:  # the thread must record the failure, whatever it is
            job.error, job.status = "internal error; see the server's log", "failed"
            logger.exception("sweep %s failed", job.id)
        finally:
            job.finished_at = _now()
            with self._lock:
                self._running = None


def jobs(request: Request) -> SweepJobs:
    """The app's sweep jobs (``app.state.sweep_jobs``, made by `create_app`)."""
    found: SweepJobs = request.app.state.sweep_jobs
    return found


class SweepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(default=False, description="Change nothing; report what would be done.")
    category: str | None = Field(
        default=None,
        description="Act only on content of this screening category (loan, porn, ...).",
        max_length=40,
    )
    batch_size: int = Field(default=DEFAULT_BATCH_SIZE, ge=1, le=MAX_BATCH)


class SummaryOut(BaseModel):
    screened: int
    actions: dict[str, int]
    by_category: dict[str, int]
    principals_blacklisted: int


class SweepJobOut(BaseModel):
    id: str
    status: JobStatus
    dry_run: bool
    category: str | None
    started_at: str
    finished_at: str | None
    total: int | None = Field(description="Apps to sweep, once counted.")
    done: int = Field(description="Apps swept so far.")
    run_id: int | None = Field(description="The sweep run's id (not for a dry run).")
    summary: SummaryOut | None = Field(description="What it did, once finished.")
    error: str | None


@router.post(
    "/v1/sweeps",
    response_model=SweepJobOut,
    status_code=202,
    responses={
        409: {"model": ErrorOut, "description": "A sweep is running already."},
        422: {"model": ErrorOut, "description": "An unknown category or a bad batch size."},
    },
    summary="Start a sweep of the registry",
    tags=["sweeps"],
)
def start_sweep(body: SweepIn, request: Request) -> dict[str, Any]:
    """Re-screen every listed, warned or restricted app with the lexicon and policy in use
    and apply the penalties that calls for, in the background (`shenhe sweep`); poll
    `GET /v1/sweeps/{id}`. With `dry_run`, nothing changes: the summary says what would."""
    command = Sweep(category=body.category, dry_run=body.dry_run, batch_size=body.batch_size)
    rules = deps.rules(request)
    check_sweep(command, rules)
    database = deps.database(request)

    def run(progress: SweepProgress) -> SweepSummary:
        return sweep(command, database.unit_of_work(), rules, now=_now(), progress=progress)

    return jobs(request).start(command, run).to_dict()


@router.get(
    "/v1/sweeps/{job_id}",
    response_model=SweepJobOut,
    responses={404: {"model": ErrorOut, "description": "No sweep with that id."}},
    summary="A sweep's progress and summary",
    tags=["sweeps"],
)
def get_sweep(job_id: str, request: Request) -> dict[str, Any]:
    return jobs(request).get(job_id).to_dict()


def _now() -> datetime:
    return datetime.now(UTC)
