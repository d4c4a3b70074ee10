"""Files as responses: a download under a Chinese file name, kept out of shared caches."""

import io

from flask import send_file

from server.text import printable

# A downloaded file in the OpenAPI description: `blp.response(200, FILE, content_type=...)`, and
# `blp.alt_response(200, schema=FILE, content_type=...)` for each other type the same call answers.
FILE = {"type": "string", "format": "binary"}


def download(data: bytes, filename: str, mimetype: str, *, inline: bool = False):
    """`filename` may be Chinese: Flask writes it as RFC 5987 `filename*` with an ASCII fallback."""
    # A community or household name stored with a control character must not break the header.
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=not inline,
                         download_name=printable(filename, multiline=False))
    response.headers["Cache-Control"] = "private, no-store"
    return response
