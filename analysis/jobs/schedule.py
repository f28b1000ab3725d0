"""`reviewlens schedule`: run the job on an interval or a cron expression, in the foreground.

APScheduler 3's ``BlockingScheduler`` does the timing (one instance at a time, missed runs
coalesced into one). Each run is a child process (:class:`CommandJob`), so a run that crashes,
leaks memory or is killed never takes the scheduler down; the scheduler logs every run's start,
exit code and duration. SIGTERM or SIGINT stops it cleanly: no new runs, the running child is
asked to stop (SIGTERM, then SIGKILL after a grace period), and the process exits 0.

Example::

    from analysis.jobs.schedule import CommandJob, run_schedule
    job = CommandJob(["reviewlens", "run"])
    run_schedule(job, every="6h")          # or cron="0 */6 * * *"
"""
from __future__ import annotations

import logging
import re
import signal
import subprocess
import threading
import time
from datetime import datetime, timedelta
from typing import Callable, Sequence

log = logging.getLogger("reviewlens.schedule")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"^\s*(?:(\d+)\s*([smhd])\s*)+$", re.I)


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message shows a good one."""


def parse_every(text: str) -> timedelta:
    """An interval like ``6h``, ``30m``, ``1h30m``, ``90s`` or ``1d`` as a timedelta.

    >>> parse_every("1h30m")
    datetime.timedelta(seconds=5400)
    """
    if not text or not _EVERY.match(text):
        raise ScheduleError(f"--every {text!r} is not an interval: write a number and a unit "
                            f"(s, m, h, d), e.g. 6h, 30m, 1h30m")
    seconds = sum(int(n) * _UNITS[u.lower()] for n, u in re.findall(r"(\d+)\s*([smhd])", text, re.I))
    if seconds <= 0:
        raise ScheduleError(f"--every {text!r} must be longer than zero, e.g. 6h")
    return timedelta(seconds=seconds)


def make_trigger(every: str | None = None, cron: str | None = None, timezone=None):
    """The APScheduler trigger for ``--every`` or ``--cron`` (exactly one of them).

    ``--cron`` reads as crontab does: weekday 0 and 7 are Sunday, and when both the day of the
    month and the weekday are restricted (neither starts with ``*``), a day matching either one
    runs ("0 9 1 * 1": the 1st of each month and every Monday), as cron(8) does.
    """
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if bool(every) == bool(cron):
        raise ScheduleError('give exactly one of --every (e.g. 6h) or --cron (e.g. "0 */6 * * *")')
    if every:
        return IntervalTrigger(seconds=int(parse_every(every).total_seconds()), timezone=timezone)
    try:
        fields = cron.split()
        if len(fields) != 5:
            raise ValueError(f"{len(fields)} field{'s' if len(fields) != 1 else ''} given")
        minute, hour, day, month, weekday = fields
        # not CronTrigger.from_crontab: APScheduler 3 counts weekday 0 as Monday, crontab as Sunday
        weekdays = crontab_weekdays(weekday)
        common = dict(minute=minute, hour=hour, month=month, timezone=timezone)
        if day.startswith("*") or weekday.startswith("*"):
            return CronTrigger(day=day, day_of_week=weekdays, **common)
        # crontab runs when EITHER the day of the month OR the weekday matches if both are
        # restricted ("0 9 1 * 1": the 1st and every Monday); one CronTrigger needs both to match
        return OrTrigger([CronTrigger(day=day, **common), CronTrigger(day_of_week=weekdays, **common)])
    except ValueError as exc:
        raise ScheduleError(f"--cron {cron!r} is not a crontab expression ({exc}); it has five fields: "
                            f'minute hour day month weekday, e.g. "0 */6 * * *"') from None


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")   # crontab's numbers: 0 (and 7) is Sunday


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field in APScheduler's words: day names, which both read the same.

    Numbers are crontab's (0 and 7 Sunday, 1 Monday, ... 6 Saturday); names, ranges (``1-5``,
    ``mon-fri``, ``5-7``), lists and steps (``*/2``, ``1-5/2``) are taken too. A field that does
    not pick every day becomes a list of names.

    >>> crontab_weekdays("1-5")
    'mon,tue,wed,thu,fri'
    >>> crontab_weekdays("0"), crontab_weekdays("7"), crontab_weekdays("*")
    ('sun', 'sun', '*')
    """
    days: set[int] = set()
    for part in field.lower().split(","):
        match = re.fullmatch(r"(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(\d+))?", part)
        if not match:
            raise ValueError(f"weekday {part!r} is not a day (0-7 or sun-sat), a range or a step")
        span, step = match.group(1), int(match.group(2) or 1)
        if step < 1:
            raise ValueError(f"weekday {part!r}: the step must be 1 or more")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (_weekday_number(x, part) for x in span.split("-"))
            if first > last:
                raise ValueError(f"weekday {part!r}: the range must run from the earlier day to the later")
        else:
            first = _weekday_number(span, part)
            last = 6 if match.group(2) else first   # "1/2": from Monday on, every second day
        days.update(day % 7 for day in range(first, last + 1, step))
    if days == set(range(7)):
        return "*"
    return ",".join(_WEEKDAYS[day] for day in sorted(days, key=lambda d: (d + 6) % 7))   # Monday first


def _weekday_number(text: str, part: str) -> int:
    if text in _WEEKDAYS:
        return _WEEKDAYS.index(text)
    if text.isdigit() and int(text) <= 7:
        return int(text)
    raise ValueError(f"weekday {part!r}: {text!r} is not a day (0-7, where 0 and 7 are Sunday, or sun-sat)")


class CommandJob:
    """Runs one command as a child process per call and remembers it, so :meth:`stop` can end it."""

    def __init__(self, argv: Sequence[str], stop_grace: float = 30.0):
        self.argv = list(argv)
        self.stop_grace = stop_grace
        self._child: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            self._child = subprocess.Popen(self.argv)
        try:
            return self._child.wait()
        finally:
            with self._lock:
                self._child = None

    def stop(self) -> None:
        """Ask the running child to stop (SIGTERM), and kill it if it does not within the grace."""
        with self._lock:
            child = self._child
        if child is None or child.poll() is not None:
            return
        log.info("stopping the running job (pid %s)", child.pid)
        child.terminate()
        try:
            child.wait(self.stop_grace)
        except subprocess.TimeoutExpired:
            log.warning("the job (pid %s) did not stop within %.0fs; killing it", child.pid, self.stop_grace)
            child.kill()
            child.wait()


def run_schedule(job: Callable[[], int | None], *, every: str | None = None, cron: str | None = None,
                 run_at_start: bool | None = None, stop: Callable[[], None] | None = None,
                 max_runs: int | None = None) -> int:
    """Run ``job`` on the schedule until SIGTERM/SIGINT (or ``max_runs``); return the runs made.

    ``run_at_start`` (default: yes for ``every``, no for ``cron``) runs once right away.
    ``stop`` is called on a stop signal to end a running job (``CommandJob.stop``).
    """
    from apscheduler.schedulers.blocking import BlockingScheduler

    timezone = _local_timezone()
    trigger = make_trigger(every, cron, timezone)
    scheduler = BlockingScheduler(timezone=timezone)
    runs = {"n": 0}
    idle = threading.Event()
    idle.set()

    def one_run() -> None:
        idle.clear()
        try:
            _one_run()
        finally:
            idle.set()

    def _one_run() -> None:
        runs["n"] += 1
        number = runs["n"]
        started = time.monotonic()
        log.info("run #%d started", number)
        try:
            code = job()
        except Exception:  # a failed run is logged; the schedule goes on
            log.exception("run #%d failed with an error after %.1fs", number, time.monotonic() - started)
        else:
            code = 0 if code is None else code
            outcome = {0: "ok", 3: "partial: some sources failed or missed pages", 4: "skipped: another job was running"}.get(
                code, "failed")
            level = logging.INFO if code == 0 else logging.WARNING
            log.log(level, "run #%d finished: exit %s (%s) in %.1fs", number, code, outcome,
                    time.monotonic() - started)
        if max_runs is not None and number >= max_runs:
            scheduler.shutdown(wait=False)
            return
        upcoming = scheduler.get_job("reviewlens-run")
        if upcoming is not None and upcoming.next_run_time:
            log.info("next run at %s", upcoming.next_run_time.isoformat(timespec="seconds"))

    if run_at_start is None:
        run_at_start = bool(every)
    scheduler.add_job(one_run, trigger, id="reviewlens-run", max_instances=1, coalesce=True,
                      misfire_grace_time=None,
                      next_run_time=datetime.now(timezone) if run_at_start else _first(trigger, timezone))

    stopping = {"signal": None}

    def on_signal(signum, frame) -> None:
        if stopping["signal"] is not None:
            return
        stopping["signal"] = signum
        log.info("got %s: stopping the schedule", signal.Signals(signum).name)
        # shutdown from a helper thread: it must not wait on the job from inside a signal handler
        threading.Thread(target=_stop_all, args=(scheduler, stop), daemon=True).start()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    what = f"every {every}" if every else f"on cron {cron!r}"
    log.info("schedule started: `reviewlens run` %s; stop with Ctrl+C or SIGTERM", what)
    try:
        scheduler.start()
        # the scheduler has stopped; a run still going was asked to stop: let it record itself
        idle.wait(getattr(job, "stop_grace", 30.0) + 10.0)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    log.info("schedule stopped after %d run(s)", runs["n"])
    return runs["n"]


def _stop_all(scheduler, stop: Callable[[], None] | None) -> None:
    try:
        scheduler.shutdown(wait=False)
    except Exception:  # already stopped
        pass
    if stop is not None:
        stop()


def _first(trigger, timezone):
    now = datetime.now(timezone)
    return trigger.get_next_fire_time(None, now)


def _local_timezone():
    try:
        from tzlocal import get_localzone

        return get_localzone()
    except Exception:  # no zone configured (containers): UTC
        from datetime import timezone

        return timezone.utc
