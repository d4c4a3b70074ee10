from server.resources.requests.routes import blp

__all__ = ["blp"]
