from server.resources.tasks.routes import blp

__all__ = ["blp"]
