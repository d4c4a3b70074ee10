"""Files as responses: a download under a Chinese file name, kept out of shared caches."""

import io

from flask import send_file


def download(data: bytes, filename: str, mimetype: str, *, inline: bool = False):
    """`filename` may be Chinese: Flask writes it as RFC 5987 `filename*` with an ASCII fallback."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=not inline, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
