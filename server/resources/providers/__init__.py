from server.resources.providers.routes import blp

__all__ = ["blp"]
