from server.resources.audits.routes import blp

__all__ = ["blp"]
