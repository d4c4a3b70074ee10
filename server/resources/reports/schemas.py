"""Query bodies of the coordinators' downloads: the monthly register."""

import marshmallow as ma

from server.extensions.smorest import Schema

YEAR = {"required": True, "validate": ma.validate.Range(2000, 2100)}


class RegisterQuerySchema(Schema):
    year = ma.fields.Integer(**YEAR)
    month = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 12))

