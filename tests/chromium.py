"""Drive headless Chromium through the DevTools protocol (one browser, many pages).

Chromium is started with ``--remote-debugging-port=0``: it listens on a free
port of the loopback interface only and prints the address; the protocol runs
over a WebSocket (``websocket-client``). A :class:`Page` is a tab attached in
"flat" mode, so every command carries its session id. (The pipe transport,
``--remote-debugging-pipe``, lost its session whenever the Debian build
replaced a tab's renderer, so a port it is.) Used by the accessibility and
table-fit tests (``tests/test_accessibility.py``).

Examples
--------
>>> with Browser() as browser:                                  # doctest: +SKIP
...     with browser.page(Path("report.html"), width=400) as page:
...         page.evaluate("document.title")
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from evalkit.report.pdf import CHROMIUM_FLAGS, find_chromium

_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or a script threw."""


class Browser:
    """A headless Chromium controlled through the DevTools protocol on a loopback port."""

    def __init__(self, chromium: str | None = None, timeout: float = 120):
        self.chromium = chromium or find_chromium()
        if self.chromium is None:
            raise FileNotFoundError("Chromium not found (install the Debian package `chromium`)")
        self.timeout = timeout
        self._next_id = 0
        self._events: list[dict] = []

    def __enter__(self) -> Browser:
        import websocket

        self._profile = tempfile.TemporaryDirectory(prefix="evalkit-cdp-")
        # Chromium's messages go to a file: a pipe nobody reads would fill up and stall the browser.
        self._log = open(Path(self._profile.name) / "chromium.log", "w+", encoding="utf-8")  # noqa: SIM115
        self._process = subprocess.Popen(
            [
                self.chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile.name}/profile",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline, address = time.monotonic() + self.timeout, None
        while address is None and time.monotonic() < deadline and self._process.poll() is None:
            time.sleep(0.05)
            self._log.seek(0)
            if found := _LISTENING.search(self._log.read()):
                address = found.group(1)
        if address is None:
            self._log.seek(0)
            said = self._log.read()[-800:]
            self._stop()
            raise DevToolsError(f"Chromium did not open its DevTools port: {said}")
        self._socket = websocket.create_connection(address, timeout=self.timeout, suppress_origin=True)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.send("Browser.close", timeout=20)
        except Exception:  # noqa: BLE001 - closing a browser that may already be gone
            pass
        self._socket.close()
        self._stop()

    def _stop(self) -> None:
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if os.environ.get("EVALKIT_CDP_DEBUG"):
            self._log.seek(0)
            print(self._log.read())
        self._log.close()
        self._profile.cleanup()

    # ------------------------------------------------------------------ protocol
    def _read_message(self, deadline: float) -> dict:
        self._socket.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            return json.loads(self._socket.recv())
        except Exception as error:  # websocket's timeout and closed-connection errors
            if time.monotonic() >= deadline:
                raise TimeoutError("Chromium did not answer in time") from error
            raise DevToolsError(f"the DevTools connection failed: {error}") from error

    def send(self, method: str, session: str | None = None, timeout: float | None = None, **params) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise DevToolsError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self._events.append(answer)
                gone = answer["method"] == "Target.detachedFromTarget" and answer["params"].get("sessionId")
                if session and gone == session:  # the tab's renderer went away: no answer will come
                    raise DevToolsError(f"{method}: the page was closed or its renderer ended")

    def wait_for(self, method: str, session: str | None = None, timeout: float | None = None) -> dict:
        """Return the first event ``method`` of ``session`` (waiting for it if it has not come yet)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for position, event in enumerate(self._events):
                if event["method"] == method and event.get("sessionId") == session:
                    return self._events.pop(position).get("params", {})
            self._events.append(self._read_message(deadline))

    def page(self, path: Path, width: int = 1280, height: int = 900, media: str = "", tries: int = 4) -> Page:
        """Open the local file ``path`` in a new tab of ``width`` × ``height`` CSS px, loaded.

        Each page gets its own tab: in this Chromium a tab's DevTools session
        does not survive a navigation from one file to another (the renderer
        is replaced), so tabs are not reused. In the first seconds after
        start the Debian build sometimes drops a new tab's renderer ("Render
        process gone"); such a tab is opened again, up to ``tries`` times.
        """
        url = Path(path).resolve().as_uri()
        for attempt in range(tries):
            target = self.send("Target.createTarget", url=url)["targetId"]
            session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            page = Page(self, session, target)
            try:
                page.resize(width, height)
                if media:
                    page.media(media)
                page.wait_until_loaded(url)
                time.sleep(0.3)  # a dropped renderer is reported within moments of the load
                page.evaluate("true", timeout=30)
                return page
            except (DevToolsError, TimeoutError):
                try:
                    page.close()
                except (DevToolsError, TimeoutError):
                    pass
                if attempt == tries - 1:
                    raise
        raise AssertionError("unreachable")


#: A promise that resolves when the page has loaded (at once if it has).
LOADED = (
    "document.readyState === 'complete' ? location.href"
    " : new Promise(done => window.addEventListener('load', () => done(location.href), {once: true}))"
)


class Page:
    """One tab of a :class:`Browser`."""

    def __init__(self, browser: Browser, session: str, target: str):
        self.browser, self.session, self.target = browser, session, target

    def send(self, method: str, **params) -> dict:
        return self.browser.send(method, session=self.session, **params)

    def resize(self, width: int, height: int = 900) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def media(self, media: str = "") -> None:
        """Emulate CSS media ``"print"`` or ``"screen"`` (``""`` for the default)."""
        self.send("Emulation.setEmulatedMedia", media=media)

    def evaluate(self, expression: str, timeout: float | None = None):
        """Evaluate ``expression`` in the page (awaiting a promise) and return its value as JSON data."""
        result = self.browser.send(
            "Runtime.evaluate",
            session=self.session,
            timeout=timeout,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise DevToolsError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def wait_until_loaded(self, url: str, timeout: float = 60) -> None:
        """Wait until the tab shows ``url`` and has loaded it (the tab starts on about:blank)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(LOADED, timeout=timeout) == url:
                    return
            except DevToolsError as error:  # the blank page's context ended as the file's began
                if "renderer ended" in str(error):
                    raise
            time.sleep(0.05)
        raise TimeoutError(f"{url} did not load")

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """Write a PNG of the page (the whole page when ``full_page``)."""
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = self.send("Page.captureScreenshot", **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def close(self) -> None:
        self.browser.send("Target.closeTarget", targetId=self.target)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
