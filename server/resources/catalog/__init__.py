from server.resources.catalog.routes import blp

__all__ = ["blp"]
