"""Imports from paper and Excel (导入): upload and preview, look, commit; the templates."""

from server.resources.imports.routes import blp

__all__ = ["blp"]
