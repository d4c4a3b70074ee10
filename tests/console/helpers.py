"""Logging a test client in to the console the way a station does: the QR code, the approval over the API."""

import re

from tests.factories import headers

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HX_CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')
PAYLOAD = re.compile(r'data-payload="([^"]+)"')


def login_page(client) -> tuple[str, str]:
    """(the QR payload, the page's CSRF token) of a fresh login page."""
    page = client.get("/console/login")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    return PAYLOAD.search(html).group(1), HX_CSRF.search(html).group(1)


def approve(client, app, member, payload: str):
    return client.post(f"/api/v1/console-sessions/{payload}/approve", headers=headers(app, member))


def console_login(client, app, member) -> str:
    """Scan, approve, claim: the client holds the session cookie; answers the CSRF token of its pages."""
    payload, csrf = login_page(client)
    assert approve(client, app, member, payload).status_code == 200
    claimed = client.post("/console/login/status", headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert claimed.status_code == 200 and claimed.headers["HX-Redirect"] == "/console/", claimed.get_data(as_text=True)
    return page_csrf(client)


def page_csrf(client, url: str = "/console/") -> str:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return HX_CSRF.search(page.get_data(as_text=True)).group(1)
