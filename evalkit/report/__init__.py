"""Report machinery behind ``evalkit run`` and ``evalkit audit``.

:mod:`~evalkit.report.pipeline` owns a run (plan → check → execute → publish)
with the stages in :mod:`~evalkit.report.plan`, :mod:`~evalkit.report.checks`
(pre-run checks), :mod:`~evalkit.report.artefacts` (tables computed once per
run), :mod:`~evalkit.report.pool` and :mod:`~evalkit.report.progress` (worker
processes and their display), :mod:`~evalkit.report.publish` (lock and atomic
swap) and :mod:`~evalkit.report.cache`. Below them:
:mod:`~evalkit.report.execute` (papermill execution and notebook
normalisation), :mod:`~evalkit.report.html` (nbconvert pages and the combined
report), :mod:`~evalkit.report.pdf` (headless Chromium),
:mod:`~evalkit.report.manifest` (hashes and versions) and
:mod:`~evalkit.report.determinism` (called from notebooks).
"""
