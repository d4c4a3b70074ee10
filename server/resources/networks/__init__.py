from server.resources.networks.routes import blp

__all__ = ["blp"]
