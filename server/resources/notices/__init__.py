from server.resources.notices.routes import blp

__all__ = ["blp"]
