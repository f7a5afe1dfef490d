"""Checking a REFI-QDA project against the REFI-QDA Project schema (``Project.xsd``).

The schema (REFI-QDA 1.0, MIT licence, copied unchanged into this folder; see
``LICENSE-REFI-QDA.txt``) is what the QDA programs claim to write. Real exports
deviate from it, so a deviation is **reported, never refused**: the import
reads what it can and the evaluator sees where the file differs. A project in
another namespace (``urn:QDA-XML:project:1.5`` or none) is checked as if it
were in the schema's namespace, and that difference is reported separately by
:mod:`evalkit.qda.project`.

Validation uses the kept ``xmlschema`` library on the tree that defusedxml
already parsed (nothing is parsed twice, nothing is fetched).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from evalkit.qda.project import NAMESPACE, local

SCHEMA_FILE = Path(__file__).with_name("Project.xsd")
MAX_LISTED = 10


@lru_cache(maxsize=1)
def project_schema():
    """The REFI-QDA Project schema (loaded once)."""
    import xmlschema

    return xmlschema.XMLSchema10(str(SCHEMA_FILE))


def in_schema_namespace(root):
    """``root`` itself if it is in the schema's namespace, else a copy moved into it."""
    if root.tag.startswith("{" + NAMESPACE + "}"):
        return root
    moved = copy.deepcopy(root)
    for element in moved.iter():
        if isinstance(element.tag, str):
            element.tag = "{" + NAMESPACE + "}" + local(element.tag)
    return moved


def schema_deviations(root) -> tuple[int, list[str]]:
    """Check ``root`` against the schema.

    Parameters
    ----------
    root : xml.etree.ElementTree.Element
        The parsed ``project.qde``.

    Returns
    -------
    count : int
        Number of places where the file breaks the schema.
    listed : list of str
        The first few, each as ``path: reason``.
    """
    count, listed = 0, []
    for error in project_schema().iter_errors(in_schema_namespace(root)):
        count += 1
        if len(listed) < MAX_LISTED:
            where = (error.path or "/").replace("{" + NAMESPACE + "}", "")
            reason = " ".join(str(error.reason or error.message).split())
            listed.append(f"{where}: {reason}")
    return count, listed
