"""Settings that make chapter notebooks produce byte-identical outputs.

Call :func:`configure_plotting` in the first code cell of every chapter
notebook (before any figure is drawn)::

    from evalkit.report.determinism import configure_plotting
    configure_plotting()

It resets matplotlib to its built-in defaults (a user's ``matplotlibrc`` must
not change a report), fixes the SVG id salt and drops the SVG date, makes the
inline backend emit SVG, and seeds Python's and NumPy's random generators.
"""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

SEED = 20190101
SVG_HASHSALT = "evalkit"
SVG_METADATA = {"Date": None}
FONT_FAMILY = ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"]


def plotting_rc() -> dict:
    """Return the matplotlib rcParams :func:`configure_plotting` applies."""
    return {
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "none",  # text stays text: smaller, searchable, no glyph ids
        "font.family": "sans-serif",
        "font.sans-serif": FONT_FAMILY,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.figsize": (7.0, 4.0),
        "figure.autolayout": False,
        "path.simplify": True,
    }


def seed_everything(seed: int = SEED) -> None:
    """Seed :mod:`random` and NumPy's legacy global generator with ``seed``."""
    random.seed(seed)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        return
    np.random.seed(seed % (2**32))


def _configure_inline_backend() -> bool:
    """Make an IPython kernel's inline backend emit dated-free SVG; return whether one was found."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    if shell is None:
        return False
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg", bbox_inches="tight", metadata=dict(SVG_METADATA))
    return True


def configure_plotting(seed: int = SEED) -> None:
    """Configure matplotlib (and seeds) for reproducible figures.

    Parameters
    ----------
    seed : int, optional
        Seed for :mod:`random` and NumPy's global generator.

    Notes
    -----
    Safe to call outside IPython (plain scripts, tests): then only the
    rcParams and seeds are set. Use :func:`save_figure` to write a figure file.
    """
    import matplotlib

    os.environ.setdefault("PYTHONHASHSEED", "0")
    matplotlib.rcdefaults()
    matplotlib.rcParams.update(plotting_rc())
    _configure_inline_backend()
    seed_everything(seed)


def save_figure(figure, path: str | os.PathLike, **kwargs) -> Path:
    """Save ``figure`` reproducibly (no date metadata, tight bounding box).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure to save.
    path : str or path-like
        Target file; the format follows the suffix (``.svg`` recommended).
    **kwargs
        Passed on to :meth:`~matplotlib.figure.Figure.savefig`.

    Returns
    -------
    pathlib.Path
        The written path. The file is written atomically
        (:func:`evalkit.safeio.write_bytes_atomic`), so a reader never sees half a figure.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = target.suffix.lower()
    metadata = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}, ".png": {"Software": None}}.get(suffix)
    kwargs.setdefault("bbox_inches", "tight")
    if metadata is not None:
        kwargs.setdefault("metadata", metadata)
    from evalkit.safeio import write_bytes_atomic

    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix.lstrip(".") or None, **kwargs)
    return write_bytes_atomic(target, buffer.getvalue())
