"""Pre-run checks: the first extension point of the build pipeline.

A pre-run check runs after the study is planned (and, when it asks for
``context.study``, loaded) and before any notebook executes. It either passes
(returns ``None``) or refuses the run with a :class:`Refusal` (a message and
an exit code). A check with an ``override`` flag can be overridden on the
command line (e.g. ``--allow-incomplete``): the refusal is then printed as a
warning, the run goes on, and the manifest records the check as
``"overridden"``.

To add a check, write ``def my_check(context: RunContext) -> Refusal | None``
and append ``PreRunCheck("my-check", my_check, override="--allow-...",
override_help="...")`` to :data:`PRE_RUN_CHECKS` (or call :func:`register`).
``evalkit run`` adds the override flag to its command line by itself. Checks
run in list order; the first refusal stops the run.

A check with ``before_execution=True`` (the default) passes before any
notebook starts: validation and the personal-data scan, so that nothing is
written from a study they refuse. The others (``before_execution=False``:
readiness, published claims) run while the first notebooks already execute,
in the parent; their refusal stops the notebooks and discards everything
they wrote, so the outcome is the same as if they had run first, only sooner.

A check's verdict must depend only on what the run key covers (the study's
files, the notebooks, the parameters, evalkit's source): an unchanged re-run
is served from the cache without running the checks again, unless the cached
report needed an override that is not given now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evalkit.paths import display_path
from evalkit.report.plan import RunContext

SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class Refusal:
    """Why a pre-run check refuses the run.

    Attributes
    ----------
    message : str
        What is wrong and how to fix it (several lines allowed).
    exit_code : int
        What ``evalkit run`` exits with (default 2).
    """

    message: str
    exit_code: int = 2


@dataclass(frozen=True)
class PreRunCheck:
    """One check that may refuse a run before any notebook executes.

    Attributes
    ----------
    name : str
        Short id, recorded in the manifest (``"validation"``).
    check : callable
        ``check(context: RunContext) -> Refusal | None``.
    override : str or None
        Command-line flag that turns a refusal into a warning (``"--allow-incomplete"``);
        ``None``: the refusal is final.
    override_help : str
        Help text of the flag.
    before_execution : bool
        True: no notebook starts before it passed; False: it may run while the
        first notebooks execute (a refusal then discards what they wrote).
    """

    name: str
    check: Callable[[RunContext], Refusal | None]
    override: str | None = None
    override_help: str = ""
    before_execution: bool = True

    @property
    def dest(self) -> str | None:
        """The argparse attribute of the override flag (``allow_incomplete``)."""
        return self.override.lstrip("-").replace("-", "_") if self.override else None


def validation(context: RunContext) -> Refusal | None:
    """Refuse an invalid study, listing its problems, so no notebook runs on invalid data."""
    from evalkit.study import validate_study

    problems = validate_study(context.study_dir)
    if not problems:
        return None
    lines = [str(problem) for problem in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"... and {len(problems) - SHOWN_PROBLEMS} more")
    study = display_path(context.study_dir)
    return Refusal(
        f"the study {study} is not valid ({len(problems)} problem{'s' if len(problems) != 1 else ''}); "
        "nothing was run and no report was changed.\n"
        + "\n".join(lines)
        + f"\nFix the files, then check with: evalkit validate {study}"
    )


def readiness(context: RunContext) -> Refusal | None:
    """Refuse a study lacking what a part of the report needs, naming the tables and counts.

    See :mod:`evalkit.study.readiness`; with ``--allow-incomplete`` those parts show a
    "not enough data" box instead.
    """
    from evalkit.study.readiness import blocking_parts, readiness_table, refusal_message

    table = readiness_table(context.study)
    if blocking_parts(table).empty:
        return None
    return Refusal(refusal_message(table, display_path(context.study_dir)), exit_code=1)


def published_claims(context: RunContext) -> Refusal | None:
    """Refuse a study whose published claims the data do not reproduce, naming each (see ``claims.csv``)."""
    from evalkit.analysis.claims import claims_table, disagreeing, mismatch_message

    table = claims_table(context.study)
    if disagreeing(table).empty:
        return None
    return Refusal(mismatch_message(table, display_path(context.study_dir)), exit_code=1)


SHOWN_PERSONAL_DATA = 50


def personal_data(context: RunContext) -> Refusal | None:
    """Refuse a study whose free text holds personal data, naming each cell (see :mod:`evalkit.privacy`)."""
    from evalkit.study.validate import inspect_study, personal_data

    found = personal_data(inspect_study(context.study_dir))
    if not found:
        return None
    lines = [hit.render() for hit in found[:SHOWN_PERSONAL_DATA]]
    if len(found) > SHOWN_PERSONAL_DATA:
        lines.append(f"... and {len(found) - SHOWN_PERSONAL_DATA} more")
    study = display_path(context.study_dir)
    return Refusal(
        f"the study {study} holds personal data in {len(found)} cell{'s' if len(found) != 1 else ''}; nothing was "
        "run and no report was changed. Reports name roles, never people.\n"
        + "\n".join(lines)
        + "\nRemove the names, personal identity numbers, e-mail addresses and phone numbers, then check with: "
        f"evalkit validate {study}"
    )


PRE_RUN_CHECKS: list[PreRunCheck] = [
    PreRunCheck("validation", validation),
    PreRunCheck(  # safety: personal-data scan (evalkit.privacy)
        "personal-data",
        personal_data,
        override="--allow-personal-data",
        override_help="run although free text holds personal data (names, personnummer, e-mail, phone)",
    ),
    PreRunCheck(
        "readiness",
        readiness,
        override="--allow-incomplete",
        override_help="run a study that lacks what some parts of the report need; those parts show a "
        "'not enough data' box naming what is missing",
        before_execution=False,
    ),
    PreRunCheck(
        "published-claims",
        published_claims,
        override="--allow-claim-mismatch",
        override_help="make the report even if published claims disagree with the data (claims.csv and "
        "chapter 00 show which)",
        before_execution=False,
    ),
]


def register(check: PreRunCheck) -> None:
    """Add ``check`` to :data:`PRE_RUN_CHECKS` (replacing one of the same name)."""
    PRE_RUN_CHECKS[:] = [c for c in PRE_RUN_CHECKS if c.name != check.name] + [check]


def run_checks(checks: Sequence[PreRunCheck], context: RunContext, warn: Callable[[str], None]) -> dict[str, str]:
    """Run ``checks`` in order; return ``{name: "passed" | "overridden"}``.

    Raises
    ------
    evalkit.report.plan.RunError
        With the refusal's message and exit code, for the first check that
        refuses and is not overridden.
    """
    from evalkit.report.plan import RunError

    outcomes = {}
    for check in checks:
        refusal = check.check(context)
        if refusal is None:
            outcomes[check.name] = "passed"
        elif check.override and check.name in context.overrides:
            warn(f"{check.name}: overridden by {check.override}: {refusal.message}")
            outcomes[check.name] = "overridden"
        else:
            hint = f"\n(to run anyway: {check.override})" if check.override else ""
            raise RunError(refusal.message + hint, refusal.exit_code)
    return outcomes


def overrides_still_given(recorded: dict, overrides: frozenset) -> bool:
    """Return whether every check a cached report overrode is overridden now too."""
    return all(name in overrides for name, outcome in (recorded or {}).items() if outcome == "overridden")
