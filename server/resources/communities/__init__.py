from server.resources.communities.routes import blp

__all__ = ["blp"]
