from server.resources.agreements.routes import blp

__all__ = ["blp"]
