from server.resources.stars.routes import blp

__all__ = ["blp"]
