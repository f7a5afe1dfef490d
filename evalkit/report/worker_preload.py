"""Imported first in the fork server that starts ``evalkit run``'s worker processes.

``jsonschema`` (imported by ``nbformat``) loads the optional package
``rfc3987_syntax`` when it is installed, only to check the ``iri`` string
formats; building that package's grammar costs about two seconds in every
process, and nbformat's notebook schema never uses those formats. Marking
the module as absent in the worker processes makes ``jsonschema`` skip it.
The main process (and anything else that validates IRIs) is not affected.

The fork server also asks to be killed when ``evalkit run`` exits
(:mod:`evalkit.report.lifetime`), so a killed run leaves no fork server behind,
and ignores Ctrl-C (so do the workers forked from it): an interrupted run is
stopped by ``evalkit run`` itself, with one line instead of a traceback from
every process.
"""

import sys

from evalkit.report.lifetime import die_with_parent, ignore_interrupts

die_with_parent()
ignore_interrupts()

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
