"""Scheduled jobs: the sources file, the single-instance lock, one job run, the schedule.

- :mod:`analysis.jobs.sources`: read and validate ``reviewlens.toml``.
- :mod:`analysis.jobs.lock`: one job at a time per store (``fcntl.flock`` + pid file).
- :mod:`analysis.jobs.runner`: crawl every source, analyze, write reports; exit codes.
- :mod:`analysis.jobs.schedule`: run the job on an interval or cron (APScheduler).

Example::

    from analysis.jobs.runner import run_job
    from analysis.jobs.sources import load_sources
    run_job("data/reviewlens.duckdb", load_sources("reviewlens.toml"))
"""
