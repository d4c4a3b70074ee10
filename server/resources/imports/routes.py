"""Imports from paper and Excel (导入): a preview first, then one all-or-nothing commit; the templates."""

from flask.views import MethodView

from server.extensions import auth, parsing
from server.extensions.files import FILE, download
from server.extensions.pager import KeysetPage
from server.extensions.smorest import Blueprint
from server.resources.imports.schemas import (
    ImportFileSchema,
    ImportFormSchema,
    ImportPageSchema,
    ImportQuerySchema,
    ImportSchema,
)
from server.services.imports import core as imports
from server.services.oversight import documents

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Imports from paper and Excel (导入)")
auth.register_scope("import_id", "ImportBatch", join=False)  # its sheet: up to 10,000 rows of JSON


class _Viewed(KeysetPage):
    keyset = imports.LISTING_ORDER

    @property
    def items(self):
        return [imports.import_view(row) for row in super().items]


@blp.route("")
class Imports(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.response(200, ImportPageSchema)
    @blp.paginate(_Viewed)
    def get(self, query):
        """Imports, newest first: my community's (an admin: every community's, or `community_id`'s)"""
        return imports.listing(auth.current_member(), **query)

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ImportFormSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, ImportSchema)
    @parsing.upload("IMPORT_MAX_BYTES")
    def post(self, form, files):
        """Upload a sheet (XLSX or CSV) of one kind and get its preview

        Every row is checked and every problem listed (row as Excel numbers it, column header, reason in
        Chinese), with what a commit would create. Nothing is created yet: `POST /imports/{id}/commit`
        does it. The same file (by its SHA-256) for the same community and kind is the same import: previewed
        again while it waits, answered as it stands once committed. A file that is no XLSX or CSV, an empty
        one, one without the required columns or with more rows than IMPORT_MAX_ROWS: 422 naming `file`.
        """
        upload = files["file"]
        return imports.import_view(imports.upload(
            auth.current_member(), community_id=form.get("community_id", auth.current_member().community_id),
            kind=form["kind"], filename=upload.filename or "", data=upload.read()))


@blp.route("/<int:import_id>")
class ImportDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, ImportSchema)
    def get(self, import_id):
        """One import: its preview (every row's problems), or what its commit created"""
        return imports.import_view(imports.import_for(auth.current_member(), auth.scoped_object("import_id")))


@blp.route("/<int:import_id>/commit")
class ImportCommit(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, ImportSchema)
    def post(self, import_id):
        """Commit an import: everything it previewed, in one transaction, once

        All or nothing: the rows are checked again first, and while any row has a problem nothing is
        created (409 `import_has_problems`, naming the rows; `errors.details.problems` lists them all).
        Committing again answers the first commit's result and creates nothing. An import of more than
        IMPORT_BACKGROUND_ROWS rows is checked now and posted by a worker: answered `committing`; read it
        again (`GET /imports/{id}`) to see it `committed`, or `previewed` again with `commit_error` and its
        problems when rows went wrong meanwhile.
        """
        return imports.import_view(imports.commit(auth.current_member(), auth.scoped_object("import_id")))


@blp.route("/templates/<string:kind>.xlsx")
class ImportTemplate(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, FILE, content_type=documents.XLSX_TYPE,
                  description="The kind's template: Chinese header row, an example row, each column's rule as a comment")
    def get(self, kind):
        """Download the XLSX template of an import kind

        `kind`: volunteers, households, opening_balances or service_records (anything else: 422 naming
        `kind`). Required columns are marked *; a CSV saved from it (UTF-8 or GBK) is read the same way.
        """
        data, name = imports.template(kind)
        return download(data, name, documents.XLSX_TYPE)
