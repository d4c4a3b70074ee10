"""成员与家庭: find a household by name, phone tail or address; its file (members, passbook, kin, statements,
code cards) with links to print the passbook and issue a code card."""

from flask import render_template, request, url_for

from server.console import gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.extensions import auth
from server.extensions.files import download
from server.services.board import directory
from server.services.oversight import documents
from server.services.oversight import passbook_pdf as passbook_printout


def _table() -> Table:
    return Table("家庭", [
        Column("id", "户号"), Column("name", "户名", link=lambda r: url_for("console.household", household_id=r["id"])),
        Column("address", "住址"), Column("members", "成员"), Column("opened_at", "开户时间"), Column("closed", "已销户"),
    ], {"old": ("开户早的在前", directory.OLDEST_FIRST), "new": ("开户晚的在前", directory.NEWEST_FIRST)},
        views=lambda rows: [directory.row_view(row) for row in rows])


@bp.route("/households", endpoint="households")
@gate.staff
def households_page():
    """Search by name, phone tail (at least 3 digits) or address (5号楼1单元102); htmx refreshes the table."""
    q = request.args.get("q", "")
    table = _table()
    query = directory.search(auth.current_member(), q)
    if request.args.get("format") == "xlsx":
        return table.export(query, "households.xlsx")
    template = "console/_households_table.html" if gate.is_htmx() else "console/households.html"
    return render_template(template, title="成员与家庭", table=table.page(query), q=q)


@bp.route("/households/<int:household_id>", endpoint="household")
@gate.staff
def household_page(household_id):
    """One household's file."""
    file = directory.household_file(auth.current_member(), auth.scoped_object("household_id"))
    return render_template("console/household.html", title=f"家庭：{file['household']['name']}", file=file)


@bp.route("/households/<int:household_id>/passbook.pdf", endpoint="passbook_pdf")
@gate.staff
def passbook_pdf(household_id):
    """Print the passbook (the API's printout: it goes on where the last printout stopped)."""
    pdf, name = passbook_printout.printout(auth.current_member(), auth.scoped_object("household_id"))
    return download(pdf, name, documents.PDF_TYPE, inline=True)
