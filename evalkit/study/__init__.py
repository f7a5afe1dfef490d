"""Study format: loading, validation and the in-memory :class:`Study`."""

from evalkit.study.model import Study

__all__ = ["Study"]
