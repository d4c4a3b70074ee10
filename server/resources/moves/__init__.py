from server.resources.moves.routes import blp

__all__ = ["blp"]
