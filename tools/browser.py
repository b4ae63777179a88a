"""Open a report in headless Chromium and see what it does: a check, not a dependency.

:func:`open_in_chromium` loads a local HTML file in Debian's ``chromium`` through
the DevTools protocol and returns every request the page made, every console error
and a PNG screenshot. The tests use it to prove the report works offline (pytest
finds this folder through ``pythonpath`` in pyproject.toml); the README's screenshot
is taken with it::

    python tools/browser.py out/demo/report.html docs/report_screenshot.png

It needs the ``chromium`` binary and the ``websocket-client`` package (a dev
dependency), both looked for only when called. It is a development tool, not part
of the installed package.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: where Debian's package puts the browser, then the names tried on PATH
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
    "about:blank",
)


@dataclass
class PageCheck:
    """What a page did while loading: request URLs, console errors, a screenshot (PNG)."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""


def find_chromium() -> str | None:
    """The Chromium binary's path, or None when there is none."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _devtools_port(profile: Path, process: subprocess.Popen[bytes], timeout_s: float) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if marker.exists():
            lines = marker.read_text().splitlines()
            if lines and lines[0].strip().isdigit():
                return int(lines[0])
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with code {process.returncode}")
        time.sleep(0.05)
    raise TimeoutError("chromium did not open its DevTools port")


class _Session:
    """A DevTools websocket: send commands, keep every event seen."""

    def __init__(self, url: str, timeout_s: float) -> None:
        import websocket  # websocket-client: a dev dependency

        self.socket = websocket.create_connection(url, timeout=timeout_s, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, method: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        if any(e.get("method") == method for e in self.events):
            return
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            self.events.append(message)
            if message.get("method") == method:
                return
        raise TimeoutError(f"no {method} within {timeout_s} s")

    def close(self) -> None:
        self.socket.close()


def open_in_chromium(
    html_file: Path,
    *,
    width: int = 1280,
    height: int = 1600,
    full_page: bool = False,
    timeout_s: float = 30.0,
) -> PageCheck:
    """Load ``html_file`` in headless Chromium; return its requests, errors and a screenshot.

    Raises RuntimeError when no Chromium is installed (see :func:`find_chromium`).
    """
    binary = find_chromium()
    if binary is None:
        raise RuntimeError("no chromium found (Debian: apt-get install chromium)")
    url = Path(html_file).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="defplan-chromium-") as profile_dir:
        profile = Path(profile_dir)
        env = {**os.environ, "HOME": profile_dir}
        process = subprocess.Popen(
            [binary, *FLAGS[:-1], f"--user-data-dir={profile}", FLAGS[-1]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            port = _devtools_port(profile, process, timeout_s)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                targets = json.loads(answer.read())
            page = next(t for t in targets if t.get("type") == "page")
            session = _Session(page["webSocketDebuggerUrl"], timeout_s)
            try:
                return _check(session, url, width, height, full_page, timeout_s)
            finally:
                with contextlib.suppress(Exception):
                    session.call("Browser.close")
                session.close()
        finally:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _check(
    session: _Session, url: str, width: int, height: int, full_page: bool, timeout_s: float
) -> PageCheck:
    for domain in ("Network", "Runtime", "Log", "Page"):
        session.call(f"{domain}.enable")
    session.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )
    session.events.clear()
    session.call("Page.navigate", url=url)
    session.wait_for("Page.loadEventFired", timeout_s)
    session.call("Runtime.evaluate", expression="1")  # lets late events arrive
    shot = session.call("Page.captureScreenshot", format="png", captureBeyondViewport=full_page)
    check = PageCheck(screenshot=base64.b64decode(shot["data"]))
    for event in session.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            check.requests.append(str(params["request"]["url"]))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            check.errors.append(json.dumps(params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            check.errors.append(json.dumps(params.get("exceptionDetails", {})))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            check.errors.append(str(params["entry"].get("text")))
    return check


def main(argv: list[str]) -> int:
    """``browser.py PAGE.html SHOT.png [HEIGHT]``: save a full-page screenshot, list problems.

    Returns 0 when the page asked for nothing but itself and its ``data:`` images and
    logged no error, 1 otherwise (each offending request or error printed).
    """
    if len(argv) not in (2, 3):
        print("usage: browser.py PAGE.html SHOT.png [HEIGHT]", file=sys.stderr)
        return 2
    page, shot = Path(argv[0]), Path(argv[1])
    check = open_in_chromium(page, height=int(argv[2]) if len(argv) == 3 else 1600, full_page=True)
    shot.write_bytes(check.screenshot)
    own = page.resolve().as_uri()
    foreign = [url for url in check.requests if url != own and not url.startswith("data:")]
    for problem in [*foreign, *check.errors]:
        print(problem)
    print(f"wrote {shot} ({len(check.screenshot):,} bytes)")
    return 1 if foreign or check.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
