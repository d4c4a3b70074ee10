from server.resources.volunteers.routes import blp

__all__ = ["blp"]
