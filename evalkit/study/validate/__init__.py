"""Check a study folder and report every problem (what ``evalkit validate`` runs).

Validation runs in three layers and always reports every problem it finds:

1. **Files** (:mod:`~evalkit.study.validate.files`, :mod:`~evalkit.study.validate.sheets`) –
   the study descriptor ``datapackage.json`` exists, parses and lists every
   required table; each table file exists and is UTF-8 (see
   :mod:`evalkit.study.csvio`) or is a sheet of the study's workbook; the
   header has exactly the expected columns.
2. **Cells** (:mod:`~evalkit.study.validate.cells`) – each table is checked
   with the ``frictionless`` library against the *canonical* Table Schema in
   ``evalkit/schema/study.datapackage.json`` (types, required cells, allowed
   codes, patterns, minimum and maximum, unique keys). The study's own copy
   of the schema is not trusted.
3. **Consistency** (:mod:`~evalkit.study.validate.consistency`,
   :mod:`~evalkit.study.validate.organisation`) – checks across tables: ids
   that must exist elsewhere (the schema's ``foreignKeys``), indicator
   populations and their assessments, the organisation model of each
   municipality against its coordinators, the coordinator survey against the
   coordinator-municipality link, dates, codebook codes, provenance and the
   structural conditions.

A cell that fails layer 2 is reported once and then ignored by layer 3, so a
single typing mistake does not cascade into many messages.
:mod:`~evalkit.study.validate.inspection` puts the layers together.

Each problem is a :class:`Problem` with a stable ``code`` (see
:data:`~evalkit.study.validate.problems.CODES`), rendered as one line, for
example::

    coordinator_municipalities.csv, row 4, column share_of_post_pct: value '120'
    is above the maximum 100. Expected a share of a full-time post from 1 to 100
    percent; correct the value.

Rows are spreadsheet rows: the header is row 1, the first data row is row 2.
The command itself is :mod:`evalkit.commands.validate`.
"""

from evalkit.study.validate.cells import cell_errors
from evalkit.study.validate.files import TableInput
from evalkit.study.validate.inspection import StudyInspection, inspect_study, personal_data, validate_study
from evalkit.study.validate.problems import CODES, Problem, StudyValidationError
from evalkit.study.validate.records import Checked, problem_at
from evalkit.study.validate.schema import CODEBOOK_PREFIX, DESCRIPTOR_FILE, references
from evalkit.study.validate.sheets import sheet_label

__all__ = [
    "CODEBOOK_PREFIX",
    "CODES",
    "DESCRIPTOR_FILE",
    "Checked",
    "Problem",
    "StudyInspection",
    "StudyValidationError",
    "TableInput",
    "cell_errors",
    "inspect_study",
    "personal_data",
    "problem_at",
    "references",
    "sheet_label",
    "validate_study",
]
