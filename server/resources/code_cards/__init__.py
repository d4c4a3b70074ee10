from server.resources.code_cards.routes import blp

__all__ = ["blp"]
