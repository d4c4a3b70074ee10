"""Health: is the database answering, is Redis answering."""

import marshmallow as ma
from flask.views import MethodView

from server import runtime
from server.extensions import auth
from server.extensions.smorest import Blueprint, Schema
from server.redis_conn import redis_ok, resolve_url
from server.services.oversight import health

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Service health")


class HealthSchema(Schema):
    status = ma.fields.String(metadata={"description": "`ok`, or `degraded` when Redis is down (writes still work)"})
    database = ma.fields.String()
    database_backend = ma.fields.String()
    redis = ma.fields.String()


class PingSchema(Schema):
    pong = ma.fields.Boolean()


@blp.route("/ping")
class Ping(MethodView):
    @auth.public
    @blp.response(200, PingSchema)
    def get(self):
        """Liveness: the process answers (touches neither the database nor Redis)

        For load balancers, and the trivial baseline the benchmarks compare with.
        """
        return {"pong": True}


@blp.route("")
class Health(MethodView):
    @auth.public
    @blp.response(200, HealthSchema)
    def get(self):
        """Database and Redis state

        The API keeps accepting writes with Redis down (work waits in the outbox),
        so a missing Redis makes the status `degraded`, not an error.
        """
        backend = health.check_database()
        redis_state = "ok" if redis_ok(resolve_url(runtime.setting("REDIS_URL"))) else "down"
        return {
            "status": "ok" if redis_state == "ok" else "degraded",
            "database": "ok",
            "database_backend": backend,
            "redis": redis_state,
        }
