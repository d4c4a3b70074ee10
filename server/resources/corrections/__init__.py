from server.resources.corrections.routes import blp

__all__ = ["blp"]
