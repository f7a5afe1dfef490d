"""Progress of a run's notebooks: a live table on a terminal, plain lines otherwise.

The pool (:mod:`evalkit.report.pool`) reports three kinds of event per task:
``start``, ``done`` and ``failed``. :class:`Display` shows them; it never
decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from evalkit.terminal import safe_text


class Display:
    """Progress of the notebooks of a run: a live table on a terminal, plain lines otherwise."""

    SYMBOLS = {"queued": "·", "running": "…", "done": "✓", "failed": "✗"}

    def __init__(self, console, keys: Sequence[str]):
        self.console = console
        self.state = {key: ["queued", None] for key in keys}
        self.live = None

    def __enter__(self) -> Display:
        if self.console.is_terminal:
            from rich.live import Live

            self.live = Live(self._table(), console=self.console, refresh_per_second=8, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.update(self._table())
            self.live.__exit__(*exc)

    def add(self, key: str) -> None:
        """Show a task that was submitted after the display started."""
        self.state.setdefault(key, ["queued", None])
        self._refresh()

    def is_queued(self, key: str) -> bool:
        """Return whether ``key`` has not started yet."""
        return self.state.get(key, ["queued"])[0] == "queued"

    def event(self, event: dict) -> None:
        """Show one event: ``{"kind": "start" | "done" | "failed", "key": ..., "seconds": ...}``."""
        kind, key = event["kind"], event["key"]
        status = {"start": "running", "done": "done", "failed": "failed"}[kind]
        self.state[key] = [status, event.get("seconds")]
        if self.live is None:
            seconds = f" ({event['seconds']:.1f} s)" if event.get("seconds") is not None else ""
            verb = {"running": "running ", "done": "finished", "failed": "FAILED  "}[status]
            self.console.print(safe_text(f"  {verb} {key}{seconds}"), highlight=False, markup=False)
        self._refresh()

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self._table())

    def _table(self):
        from rich.markup import escape
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("")
        table.add_column("notebook")
        table.add_column("status")
        table.add_column("time", justify="right")
        for key, (status, seconds) in self.state.items():
            style = {"done": "green", "failed": "red", "running": "yellow"}.get(status, "dim")
            table.add_row(
                self.SYMBOLS[status],
                escape(key),
                f"[{style}]{status}[/]",
                "" if seconds is None else f"{seconds:.1f} s",
            )
        return table
