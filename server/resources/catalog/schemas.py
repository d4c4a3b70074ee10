"""The service menu as the mini-program shows it."""

import marshmallow as ma

from server.extensions.smorest import Schema


class ItemSchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class CategorySchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ItemSchema))


class TeamSchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    community_id = ma.fields.Integer(allow_none=True, metadata={"description": "null: a seeded team every community has"})
    categories = ma.fields.List(ma.fields.String(), metadata={"description": "Category codes the team serves"})


class CatalogSchema(Schema):
    categories = ma.fields.List(ma.fields.Nested(CategorySchema))
    teams = ma.fields.List(ma.fields.Nested(TeamSchema))
