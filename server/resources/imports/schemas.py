"""Import bodies (导入): the upload's form, the preview with every row's problems, the list."""

import marshmallow as ma
from flask_smorest.fields import Upload

from server.extensions.pager import page_of
from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.imports import IMPORT_KINDS, IMPORT_STATES

KIND = ma.validate.OneOf(IMPORT_KINDS, error="导入类型不对：只能是 volunteers、households、opening_balances 或 "
                                            "service_records")


class ImportFormSchema(Schema):
    kind = Text(required=True, validate=KIND, metadata={
        "description": "volunteers (with their teams) | households (with members) | opening_balances (paper "
                       "passbooks) | service_records (historical, paper-signed)"})
    community_id = ma.fields.Integer(metadata={
        "description": "The community imported into; a coordinator's own when left out (an admin names one)"})


class ImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={
        "description": "XLSX, or CSV (UTF-8 with or without BOM, or GBK) with the template's header row"})


class ImportQuerySchema(Schema):
    community_id = ma.fields.Integer(metadata={"description": "An admin's filter; a coordinator sees their own"})
    kind = Text(validate=KIND)
    status = Text(validate=ma.validate.OneOf(IMPORT_STATES))


class ProblemSchema(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "The row number as Excel shows it (the header is row 1)"})
    column = ma.fields.String(metadata={"description": "The column's header"})
    reason = ma.fields.String(metadata={"description": "What is wrong, in Chinese"})


class ImportSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    kind = ma.fields.String(validate=ma.validate.OneOf(IMPORT_KINDS))
    kind_label = ma.fields.String()
    filename = ma.fields.String()
    digest = ma.fields.String(metadata={"description": "SHA-256 of the file: the same file is the same import"})
    status = ma.fields.String(validate=ma.validate.OneOf(IMPORT_STATES), metadata={
        "description": "previewed (waiting for its commit), committing (a worker is posting it: an import of more "
                       "than IMPORT_BACKGROUND_ROWS rows), committed"})
    status_label = ma.fields.String()
    row_count = ma.fields.Integer(metadata={"description": "Data rows read (the template's example row skipped)"})
    ok_rows = ma.fields.Integer()
    problem_rows = ma.fields.Integer()
    problems = ma.fields.List(ma.fields.Nested(ProblemSchema), metadata={
        "description": "Every problem of every row, by row (empty once committed)"})
    plan = ma.fields.Dict(metadata={
        "description": "What commit would create (counts: volunteers, members_new, households_new, teams_new; "
                       "households, members; transfers, minutes; records, minutes), the columns ignored and "
                       "example rows skipped"})
    result = ma.fields.Dict(metadata={"description": "What commit created (counts and the new ids); {} before"})
    created_at = LocalDateTime()
    previewed_at = LocalDateTime()
    committed_at = LocalDateTime(allow_none=True)
    commit_requested_at = LocalDateTime(allow_none=True, metadata={
        "description": "When the station asked a worker to commit it (while committing)"})
    commit_error = ma.fields.String(metadata={
        "description": "Why the worker's last commit did not land, in Chinese (\"\" otherwise): the import is "
                       "previewed again, its problems as the worker found them. While committing: the worker hit "
                       "a fault and is retrying"})


ImportPageSchema = page_of(ImportSchema, name="ImportPage")
