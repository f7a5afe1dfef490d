"""What a run is doing, from its first second: a progress bar with the time left on a terminal, plain lines otherwise.

``evalkit run``, ``evalkit audit`` and ``evalkit preview`` report *steps*:
checking the study, the shared analyses, each notebook (``notebook 3 of 10``),
each language's combined report and PDF. :class:`Progress` shows them

* on a terminal, as one live bar (rich) whose length is the time the run is
  expected to take, with the time left and the steps running now;
* otherwise (a log, CI, a pipe), as one plain line per step started and done,
  with the seconds it took.

The time each step took is kept per study in the content store (kind
``timings``), so the next run's bar and estimate come from this machine's
own earlier runs; a step never timed before counts with a default.
:class:`Progress` only shows; it never decides anything.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable

from evalkit.terminal import safe_text

TIMINGS_KIND = "timings"
#: Seconds assumed for a step no earlier run has timed (by the first word of its key).
DEFAULT_SECONDS = {"check": 3.0, "analyses": 8.0, "notebook": 8.0, "product": 8.0, "start": 4.0}
#: Weight of the newest measurement in the running estimate.
SMOOTHING = 0.5


class Timings:
    """Durations of a study's steps in earlier runs, kept in the content store."""

    def __init__(self, store, study_name: str):
        from evalkit.cache import key

        self.store = store
        self.key = key(TIMINGS_KIND, {"study": study_name})
        self.known: dict[str, float] = {}
        self.measured: dict[str, float] = {}
        data = store.get_value(TIMINGS_KIND, self.key) if store is not None else None
        if data:
            try:
                loaded = json.loads(data)
                self.known = {str(k): float(v) for k, v in loaded.items() if isinstance(v, (int, float))}
            except (ValueError, AttributeError):
                self.known = {}

    def expected(self, step: str) -> float:
        if step in self.known:
            return self.known[step]
        return DEFAULT_SECONDS.get(step.split(":", 1)[0], 5.0)

    def measure(self, step: str, seconds: float) -> None:
        self.measured[step] = seconds

    def save(self) -> None:
        if self.store is None or not self.measured:
            return
        merged = dict(self.known)
        for step, seconds in self.measured.items():
            old = merged.get(step)
            merged[step] = seconds if old is None else SMOOTHING * seconds + (1 - SMOOTHING) * old
        try:
            self.store.put_value(TIMINGS_KIND, self.key, json.dumps(merged, sort_keys=True).encode("utf-8"))
        except OSError:
            pass


class Progress:
    """The progress of one run: steps announced, started and finished.

    Parameters
    ----------
    console : rich.console.Console
        Where to show it (a live bar when ``console.is_terminal``).
    timings : Timings, optional
        Earlier durations, for the bar's length and the time left.
    title : str
        What the run is (``"evalkit run vastmanland-2019"``).
    """

    def __init__(self, console, timings: Timings | None = None, title: str = ""):
        self.console = console
        self.timings = timings
        self.title = title
        self.started_at = time.perf_counter()
        self._lock = threading.Lock()
        self._steps: dict[str, dict] = {}  # key -> {label, expected, start, end}
        self._live = None
        self._bar = None
        self._task = None
        self._notebooks = 0
        self._notebooks_done = 0
        self._notebooks_started = 0

    # ----------------------------------------------------------------- life cycle

    def __enter__(self) -> Progress:
        if self.console.is_terminal:
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(bar_width=30),
                TextColumn("{task.fields[left]}"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[running]}", style="dim"),
                console=self.console,
                transient=True,
                refresh_per_second=4,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(safe_text(self.title), total=1.0, left="", running="")
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None
        if self.timings is not None and exc[0] is None:
            self.timings.save()

    def say(self, text: str, style: str | None = None) -> None:
        """Print a line above the bar (or as a plain line)."""
        self.console.print(safe_text(text), style=style, highlight=False, markup=False, soft_wrap=True)

    # ----------------------------------------------------------------- steps

    def plan(self, steps: Iterable[tuple[str, str]]) -> None:
        """Announce steps ``(key, label)`` that will run (the bar's length is their expected time)."""
        with self._lock:
            for step, label in steps:
                if step not in self._steps:
                    expected = self.timings.expected(step) if self.timings else DEFAULT_SECONDS.get(step, 5.0)
                    self._steps[step] = {"label": label, "expected": expected, "start": None, "end": None}
                    if step.startswith("notebook:"):
                        self._notebooks += 1
        self._refresh()

    def drop(self, step: str) -> None:
        """Forget an announced step that will not run (a chapter served from the cache)."""
        with self._lock:
            info = self._steps.pop(step, None)
            if info is not None and step.startswith("notebook:"):
                self._notebooks -= 1
        self._refresh()

    def start(self, step: str, label: str | None = None) -> None:
        """A step started."""
        self.plan([(step, label or step)])
        with self._lock:
            info = self._steps[step]
            if info["start"] is not None:
                return
            info["start"] = time.perf_counter()
            if step.startswith("notebook:"):
                self._notebooks_started += 1
                info["number"] = self._notebooks_started
            text = self._numbered(step, info["label"])
        if self._bar is None:
            self._line(f"{text} …")
        self._refresh()

    def finish(self, step: str, ok: bool = True, note: str = "") -> None:
        """A step finished (``ok=False``: it failed)."""
        self.start(step)
        with self._lock:
            info = self._steps[step]
            if info["end"] is not None:
                return
            info["end"] = time.perf_counter()
            seconds = info["end"] - info["start"]
            if step.startswith("notebook:"):
                self._notebooks_done += 1
            text = self._numbered(step, info["label"], done=True)
        if ok and self.timings is not None:
            self.timings.measure(step, seconds)
        verdict = "done" if ok else "FAILED"
        line = f"{text}: {verdict} ({seconds:.1f} s){' ' + note if note else ''}"
        if self._bar is None:
            self._line(line)
        elif not ok:
            self.say(line, style="red")
        self._refresh()

    def _numbered(self, step: str, label: str, done: bool = False) -> str:
        number = self._steps.get(step, {}).get("number")
        if number is None:
            return label
        return f"notebook {number} of {self._notebooks}: {label}"

    def _line(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started_at
        self.say(f"[{elapsed:6.1f} s] {text}")

    # ----------------------------------------------------------------- the bar

    def estimate(self) -> tuple[float, float]:
        """Return (fraction done, seconds left), from the expected time of each step and what has run."""
        with self._lock:
            now = time.perf_counter()
            total = sum(i["expected"] for i in self._steps.values()) or 1.0
            done = 0.0
            for info in self._steps.values():
                if info["end"] is not None:
                    done += info["expected"]
                elif info["start"] is not None:
                    done += min(now - info["start"], 0.95 * info["expected"])
            fraction = min(done / total, 1.0)
        elapsed = now - self.started_at
        left = (
            elapsed * (1 - fraction) / fraction
            if fraction > 0.02
            else sum(i["expected"] for i in self._steps.values()) / 2
        )
        return fraction, left

    def _refresh(self) -> None:
        if self._bar is None or self._task is None:
            return
        fraction, left = self.estimate()
        with self._lock:
            running = [
                self._numbered(k, i["label"]) if k.startswith("notebook:") else i["label"]
                for k, i in self._steps.items()
                if i["start"] is not None and i["end"] is None
            ]
        shown = "; ".join(running[:3]) + (f" (+{len(running) - 3})" if len(running) > 3 else "")
        self._bar.update(
            self._task,
            completed=fraction,
            left=f"about {left:.0f} s left" if left >= 1 else "",
            running=safe_text(shown),
        )

    def tick(self) -> None:
        """Update the bar's estimate (called while waiting)."""
        self._refresh()
