"""Provider bodies (签约服务机构): no price anywhere — Love Bank records the service, never what it cost."""

import marshmallow as ma

from server.extensions.smorest import EditSchema, LocalDateTime, Phone, Schema, Text


class ProviderQuerySchema(Schema):
    active = ma.fields.Boolean(metadata={"description": "Only active (true) or stopped (false) providers"})
    category_id = ma.fields.Integer(metadata={"description": "Only providers serving this category"})


class ProviderCreateSchema(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=1, max=64))
    contact_name = Text(load_default="", validate=ma.validate.Length(max=32))
    phone = Phone(load_default="", optional=True)
    category_ids = ma.fields.List(ma.fields.Integer(), required=True, validate=ma.validate.Length(min=1, max=20),
                                  metadata={"description": "Service categories it serves (ids from the catalog)"})
    active = ma.fields.Boolean(load_default=True)
    community_id = ma.fields.Integer(load_default=None, allow_none=True,
                                     metadata={"description": "Admins only: the community (default: mine)"})


class ProviderEditSchema(EditSchema):
    name = Text(validate=ma.validate.Length(min=1, max=64))
    contact_name = Text(validate=ma.validate.Length(max=32))
    phone = Phone(optional=True)
    category_ids = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(min=1, max=20))
    active = ma.fields.Boolean()


class ProviderCategorySchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class ProviderSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    name = ma.fields.String()
    contact_name = ma.fields.String()
    phone = ma.fields.String(metadata={"description": "The provider's work phone (coordinators only see it)"})
    active = ma.fields.Boolean()
    status_label = ma.fields.String(metadata={"description": "服务中 | 已停用"})
    categories = ma.fields.List(ma.fields.Nested(ProviderCategorySchema))
    created_at = LocalDateTime()
