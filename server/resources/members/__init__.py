from server.resources.members.routes import blp

__all__ = ["blp"]
