"""导入: a station's Excel sheets and paper passbooks into Love Bank — download a template, upload a sheet, read
every row's problems (row, column, reason), fix and upload again, then commit everything at once; through the
imports service the API calls (docs/station.md, "Imports")."""

from flask import flash, redirect, render_template, request, url_for

from server.console import gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.errors import LoveBankError
from server.extensions import auth, parsing
from server.extensions.files import download
from server.services.imports import columns
from server.services.imports import core as imports
from server.services.oversight import documents

# How the console names the figures of a preview's plan and a commit's result (words only; the service counts).
FIGURES = {"households": "家庭", "households_new": "新开家庭", "members": "成员", "members_new": "新登记成员",
           "members_found": "已有成员", "volunteers": "志愿者", "teams_new": "新建服务队", "transfers": "期初结余（户）",
           "records": "服务记录", "minutes": "时长（小时）", "overflow_minutes": "超出存储上限、转入爱心池（小时）",
           "ignored_columns": "没有用到的列", "example_rows_skipped": "跳过的示例行"}


def _table() -> Table:
    return Table("导入记录", [
        Column("id", "编号", link=lambda r: url_for("console.import_batch", import_id=r["id"])),
        Column("kind_label", "内容"), Column("filename", "文件"), Column("row_count", "行数"),
        Column("problem_rows", "有问题的行"), Column("status_label", "状态"), Column("created_at", "上传时间"),
    ], {"new": ("最新在前", imports.LISTING_ORDER)}, views=lambda rows: [imports.import_view(r) for r in rows])


def _page(errors: dict, status: int = 200):
    me = auth.current_member()
    return render_template("console/imports.html", title="导入", kinds=columns.KIND_LABELS, errors=errors,
                           table=_table().page(imports.listing(me))), status


@bp.route("/imports", methods=["GET", "POST"], endpoint="imports")
@parsing.upload("IMPORT_MAX_BYTES")
@gate.staff
def imports_page():
    """The templates, the upload form and the imports so far; an upload answers its preview."""
    if request.method == "GET":
        return _page({})
    kind, upload = request.form.get("kind", ""), request.files.get("file")
    if kind not in columns.KIND_LABELS:
        return _page({"kind": ["请选择要导入的内容"]}, 422)
    if upload is None or not upload.filename:
        return _page({"file": ["请选择要上传的Excel或CSV文件"]}, 422)
    me = auth.current_member()
    try:
        batch = imports.upload(me, community_id=me.community_id, kind=kind, filename=upload.filename,
                               data=upload.read())
    except LoveBankError as error:
        return _page(gate.field_errors(error), error.status)
    return redirect(url_for("console.import_batch", import_id=batch.id))


@bp.route("/imports/<int:import_id>", endpoint="import_batch")
@gate.staff
def import_page(import_id):
    """One import: every row's problems, what a commit would create (or what it created)."""
    view = imports.import_view(imports.import_for(auth.current_member(), auth.scoped_object("import_id")))
    return render_template("console/import.html", title=f"导入：{view['kind_label']}", i=view, figures=FIGURES)


@bp.route("/imports/<int:import_id>/commit", methods=["POST"], endpoint="commit_import")
@gate.staff
def commit_import(import_id):
    """Everything the preview showed, in one transaction, once (refused while any row has a problem)."""
    batch = imports.commit(auth.current_member(), auth.scoped_object("import_id"))
    if imports.state_of(batch) == "committing":
        flash(f"正在后台导入：{columns.KIND_LABELS[batch.kind]}，共{batch.row_count}行，请稍后刷新查看结果")
    else:
        flash(f"已导入：{columns.KIND_LABELS[batch.kind]}，共{batch.row_count}行")
    return redirect(url_for("console.import_batch", import_id=batch.id))


@bp.route("/imports/templates/<string:kind>.xlsx", endpoint="import_template")
@gate.staff
def import_template(kind):
    """The kind's XLSX template (Chinese headers, an example row, each column's rule as a comment)."""
    data, name = imports.template(kind)
    return download(data, name, documents.XLSX_TYPE)
