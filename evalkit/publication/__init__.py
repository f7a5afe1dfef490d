"""The publication: the evaluation report a county publishes, built from the study and its analyses.

Beside the analysis (the executed chapter notebooks, for students and auditors),
every run makes the publication in each language: a title page, a summary,
findings chapters whose headings state findings, the evaluator's own
interpretation where the study has it, appendices and numbered source notes,
with nothing of the machinery (no file names, commands or code ids).

* :mod:`~evalkit.publication.document` — the document model, numbering, text;
* :mod:`~evalkit.publication.build` — :func:`build_document` (with
  :mod:`~evalkit.publication.chapters` and :mod:`~evalkit.publication.appendices`);
* :mod:`~evalkit.publication.wording` — every generated word, Swedish and English;
* :mod:`~evalkit.publication.evidence` — when the evidence carries a statement;
* :mod:`~evalkit.publication.notes` — sources and the evaluator's footnotes as numbered notes;
* :mod:`~evalkit.publication.html` — the accessible HTML page (printed to PDF);
* :mod:`~evalkit.publication.product` — the pipeline step of ``evalkit run``.
"""
