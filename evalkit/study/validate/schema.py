"""What the validator reads from the canonical study schema.

The canonical schema is ``evalkit/schema/study.datapackage.json`` (a Data
Package with a Table Schema per table); a study's own copy is not trusted.
This module turns it into what the checks need: the tables and their order,
the fields of each, the coded columns, the foreign keys, and how a valid
value of a field is described in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from evalkit import paths
from evalkit.study.model import template_descriptor

DESCRIPTOR_FILE = paths.STUDY_DESCRIPTOR
CODEBOOK_PREFIX = "codebook_"
ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
FREE_CODE_COLUMNS = ("respondent_role", "document_type")


def canonical_resources() -> list[dict]:
    """Return the resources of the canonical descriptor, in their order."""
    return template_descriptor()["resources"]


def file_order() -> dict[str, int]:
    """Return the sort position of every file: descriptor first, then the tables."""
    order = {DESCRIPTOR_FILE: 0}
    for position, resource in enumerate(canonical_resources(), start=1):
        order[resource["path"]] = position
    return order


def field_specs(resource: dict) -> dict[str, dict]:
    """Return the Table Schema fields of a resource by name."""
    return {spec["name"]: spec for spec in resource["schema"]["fields"]}


def numeric_columns(resource: dict) -> list[str]:
    """Return the names of the number and integer fields of a resource."""
    return [spec["name"] for spec in resource["schema"]["fields"] if spec.get("type") in ("number", "integer")]


def short_name(resource_name: str) -> str:
    """Return a resource name without the ``codebook_`` prefix."""
    return resource_name[len(CODEBOOK_PREFIX) :] if resource_name.startswith(CODEBOOK_PREFIX) else resource_name


# What a valid value looks like, in words, for columns where the generic
# description from the constraints would be too vague.
FIELD_EXPECTATIONS = {
    "share_of_post_pct": "a share of a full-time post from 1 to 100 percent",
    "q2_share_of_post_pct": "the share of a full-time post worked as coordinator, from 1 to 100 percent",
    "q3_strategic_pct": "a percentage of the post from 0 to 100",
    "q3_individual_pct": "a percentage of the post from 0 to 100",
    "q3_direct_client_pct": "a percentage of the post from 0 to 100",
    "q3_other_pct": "a percentage of the post from 0 to 100",
    "start_date": "a date written YYYY, YYYY-MM or YYYY-MM-DD, or an empty cell if not known",
    "year": "a calendar year from 1990 to 2100",
    "order": "a whole number from 1 upwards",
    "q1_municipalities": "municipality ids separated by '|', e.g. 'K01|K02'",
}
TABLE_FIELD_EXPECTATIONS = {
    ("case_statistics", "value"): "a count of 0 or more, or an empty cell if not available",
}


def expectation(resource_name: str, spec: dict) -> str:
    """Describe in words what a valid value of a field looks like."""
    name = spec["name"]
    if (resource_name, name) in TABLE_FIELD_EXPECTATIONS:
        return TABLE_FIELD_EXPECTATIONS[(resource_name, name)]
    if name in FIELD_EXPECTATIONS:
        return FIELD_EXPECTATIONS[name]
    constraints = spec.get("constraints", {})
    if "enum" in constraints:
        return "one of " + ", ".join(constraints["enum"])
    if constraints.get("pattern") == ID_PATTERN:
        return "an id of letters, digits, '_', '.' or '-' that starts with a letter or digit and has no spaces"
    kind = {"number": "a number", "integer": "a whole number"}.get(spec.get("type", "string"), "a text")
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None and high is not None:
        return f"{kind} from {low} to {high}"
    if low is not None:
        return f"{kind} of {low} or more"
    if high is not None:
        return f"{kind} of at most {high}"
    return kind


def coded_columns() -> list[tuple[str, str]]:
    """The (resource, column) pairs whose values must be codebook vocabulary codes."""
    pairs = []
    for resource in canonical_resources():
        is_codebook = resource.get("evalkit:codebook", False)
        for spec in resource["schema"]["fields"]:
            enumerated = "enum" in spec.get("constraints", {})
            if not is_codebook and (enumerated or spec["name"] in FREE_CODE_COLUMNS):
                pairs.append((resource["name"], spec["name"]))
            elif resource["name"] == "codebook_indicators" and spec["name"] == "population":
                pairs.append((resource["name"], spec["name"]))
    return pairs


@dataclass(frozen=True)
class Reference:
    """One foreign key of the canonical schema: ``table.column`` names a row of ``target.target_column``.

    Attributes
    ----------
    table, column : str
        The referring resource and column.
    target, target_column : str
        The referred-to resource and its key column.
    what : str
        What the id is, as messages name it (``"municipality id"``, ``"indicator"``).
    """

    table: str
    column: str
    target: str
    target_column: str
    what: str


def reference_noun(target: str, target_column: str) -> str:
    """How a message names an id of ``target``: ``municipality id``, or for a codebook table ``indicator``."""
    words = target_column.replace("_", " ")
    if target.startswith(CODEBOOK_PREFIX) and words.endswith(" id"):
        words = words[: -len(" id")]
    return words


@lru_cache(maxsize=1)
def references() -> tuple[Reference, ...]:
    """The foreign keys declared in the canonical schema (``foreignKeys``), in schema order.

    Only single-column keys are declared; the check
    (:func:`evalkit.study.validate.consistency.check_references`) reports
    every referring cell whose id the target table lacks.
    """
    found = []
    for resource in canonical_resources():
        for key in resource["schema"].get("foreignKeys", []):
            (column,) = key["fields"]
            target = key["reference"]["resource"]
            (target_column,) = key["reference"]["fields"]
            found.append(
                Reference(resource["name"], column, target, target_column, reference_noun(target, target_column))
            )
    return tuple(found)
