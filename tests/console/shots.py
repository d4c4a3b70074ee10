"""`make preview`, the console's part: every console page with the demo data, screenshot in Debian's Chromium at
1280×800 (var/preview/console-NAME.png) and as printed on A4 (console-NAME-print.png, print CSS, whole page).

    python -m tests.console.shots [OUT_DIR]
"""

import os
import re
import sys
import tempfile
from pathlib import Path

from server import create_app, migrations
from server.db import database, init_db
from tests.console.browser import browser_context, serving

A4_WIDTH = 794  # CSS pixels of an A4 page at 96 dpi


def _app(folder: str):
    url = f"sqlite:///{folder}/preview.db"
    db = init_db(url)
    migrations.migrate(db)
    db.close()
    app = create_app({"DATABASE_URL": url, "DEV_LOGIN": True, "SECRET_KEY": "preview-" + "x" * 40, "RATE_LIMITS": False,
                      "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")})
    from server.services.people import demo

    with app.app_context():
        database.connect(reuse_if_open=True)
        demo.load()
    return app


def _shoot(page, out: Path, name: str) -> None:
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(out / f"console-{name}.png"))
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.screenshot(path=str(out / f"console-{name}-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})
    print(f"console-{name}.png, console-{name}-print.png")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lovebank-console-preview-") as folder:
        app = _app(folder)
        with serving(app) as base, browser_context() as context:
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(base + "/console/login")
            page.locator(".qr svg").wait_for()
            _shoot(page, out, "login")
            page.locator("button[data-handle=coordinator]").click()
            page.wait_for_url(base + "/console/")
            pages = [("desk", "/console/"), ("households", "/console/households"), ("records", "/console/records"),
                     ("records-credited", "/console/records?status=credited"), ("counter", "/console/counter"),
                     ("corrections", "/console/corrections?status="), ("code-cards", "/console/code-cards"),
                     ("agreements", "/console/agreements"), ("recipient-files", "/console/recipient-files"),
                     ("events", "/console/events"), ("month", "/console/month"), ("audits", "/console/audits"),
                     ("notices", "/console/notices"), ("stars", "/console/stars"), ("reports", "/console/reports"),
                     ("providers", "/console/providers"), ("networks", "/console/networks"),
                     ("imports", "/console/imports")]
            for name, path in pages:
                page.goto(base + path)
                _shoot(page, out, name)
            page.goto(base + "/console/households")
            household = re.search(r"/console/households/(\d+)", page.content()).group(1)
            page.goto(base + f"/console/households/{household}")
            _shoot(page, out, "household")
            page.goto(base + "/console/records?status=credited")
            record = re.search(r"/console/records/(\d+)", page.content())
            if record:
                page.goto(base + record.group(0))
                _shoot(page, out, "record")
            page.goto(base + f"/console/households/{household}")
            page.get_by_role("button", name="发见证码卡").click()
            page.locator("[data-codes]").wait_for()
            _shoot(page, out, "code-card")
        database.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/preview"))
