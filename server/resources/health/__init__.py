from server.resources.health.routes import blp

__all__ = ["blp"]
