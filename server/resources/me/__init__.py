from server.resources.me.routes import blp

__all__ = ["blp"]
