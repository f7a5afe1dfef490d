"""Study format: loading, validation and the in-memory :class:`Study`."""

from evalkit.study.load import load_study
from evalkit.study.model import Study
from evalkit.study.validate import Problem, StudyValidationError, validate_study

__all__ = ["Problem", "Study", "StudyValidationError", "load_study", "validate_study"]
