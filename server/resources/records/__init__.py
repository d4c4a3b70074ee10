from server.resources.records.routes import blp

__all__ = ["blp"]
