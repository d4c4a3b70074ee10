from server.resources.teams.routes import blp

__all__ = ["blp"]
