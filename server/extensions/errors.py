"""The one place domain errors become HTTP responses, in flask-smorest's body shape."""

import logging
from http import HTTPStatus

from flask import jsonify
from peewee import IntegrityError

from server.errors import LoveBankError

log = logging.getLogger(__name__)


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def init_app(app) -> None:
    @app.errorhandler(LoveBankError)
    def _domain_error(error: LoveBankError):
        errors = {"rule": error.rule}
        if error.field:
            errors["json"] = {error.field: [error.message]}
        if error.details:
            errors["details"] = error.details
        response = jsonify(error_body(error.status, error.message, errors))
        response.status_code = error.status
        return response

    @app.errorhandler(IntegrityError)
    def _integrity_error(error: IntegrityError):
        # A unique or foreign-key constraint refused the write: someone got there first.
        log.info("integrity error mapped to 409: %s", type(error).__name__)
        response = jsonify(error_body(409, "这条记录和已有的记录冲突，请刷新后再试", {"rule": "integrity"}))
        response.status_code = 409
        return response
