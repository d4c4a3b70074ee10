from server.resources.desk.routes import blp

__all__ = ["blp"]
