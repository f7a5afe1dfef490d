"""Report machinery behind ``evalkit run`` and ``evalkit audit``.

Submodules: :mod:`~evalkit.report.determinism` (called from notebooks),
:mod:`~evalkit.report.execute` (papermill execution and notebook
normalisation), :mod:`~evalkit.report.html` (nbconvert pages and the combined
report), :mod:`~evalkit.report.pdf` (headless Chromium), :mod:`~evalkit.report.manifest`
(hashes and versions) and :mod:`~evalkit.report.cache`.
"""
