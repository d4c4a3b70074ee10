"""The app served on a free port in a thread, and Debian's Chromium driven by Playwright (never a downloaded
browser): what the browser tests and `make preview`'s console screenshots share."""

import contextlib
import shutil
import socket
import tempfile
import threading

from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--lang=zh-CN"]


def chromium_installed() -> bool:
    return shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None


@contextlib.contextmanager
def serving(app):
    """The app on 127.0.0.1:<free port> (threaded, as gunicorn's threads would be); yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)


@contextlib.contextmanager
def browser_context(**options):
    """A fresh Chromium profile (its own user-data-dir, removed afterwards)."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="lovebank-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=ARGS, locale="zh-CN",
                timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800}, accept_downloads=True, **options)
            context.set_default_timeout(60_000)
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
