"""The run layer: a :class:`Job` cleans files, directories or standard input, on one of the engines
(:mod:`cleaner.run.engine` serial, :mod:`cleaner.run.pool` processes, :mod:`cleaner.run.rayengine` Ray),
with a first pass for corpus statistics (:mod:`cleaner.run.firstpass`), the resume journal
(:mod:`cleaner.run.journal`) and a report (:mod:`cleaner.run.reportfile`); one item's work is
:mod:`cleaner.run.items`; :mod:`cleaner.run.progress` draws a run's progress on a terminal.
"""

from cleaner.run.job import Job, JobError, Observer, Progress, Stopped
from cleaner.summary import RunSummary

__all__ = ["Job", "JobError", "Observer", "Progress", "RunSummary", "Stopped"]
