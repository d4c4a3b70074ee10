"""The one place domain errors become HTTP responses, in flask-smorest's body shape."""

import logging
from http import HTTPStatus

from flask import jsonify
from peewee import IntegrityError, InterfaceError, OperationalError

from server.db import connection_lost, discard_connection
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

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _connection_lost(error):
        # PostgreSQL dropped the connection under a write that cannot safely run twice (reads and
        # idempotent writes were repeated: server.extensions.reconnect). Its transaction was most
        # likely rolled back, but one that committed just before cannot be told apart: say so.
        if not connection_lost(error):
            raise error
        log.warning("database connection lost: %s", str(error).strip().splitlines()[0] if str(error) else error)
        discard_connection()
        response = jsonify(error_body(503, "服务器连接中断了，这次操作可能没有完成。请稍等片刻，刷新看看结果再决定是否重试",
                                      {"rule": "database_unavailable"}))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response
