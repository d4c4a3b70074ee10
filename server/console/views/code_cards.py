"""见证码卡: issue a household's card of one-time codes and show its codes once, for printing."""

from flask import render_template, request

from server.console import gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.extensions import auth
from server.services.board import code_cards, directory


@bp.route("/code-cards", endpoint="code_cards")
@gate.staff
def code_cards_page():
    """Choose the household whose elder needs a card (the same search as 成员与家庭)."""
    q = request.args.get("q", "")
    table = Table("家庭", [Column("id", "户号"), Column("name", "户名"), Column("address", "住址"), Column("members", "成员")],
                  {"old": ("开户早的在前", directory.OLDEST_FIRST)}, views=lambda rows: [directory.row_view(r) for r in rows])
    return render_template("console/code_cards.html", title="见证码卡", q=q,
                           table=table.page(directory.search(auth.current_member(), q)))


@bp.route("/households/<int:household_id>/code-cards", methods=["POST"], endpoint="issue_code_card")
@gate.staff
def issue_code_card(household_id):
    """A new card (the old one stops working); its codes are shown on this answer only, never again."""
    card, codes = code_cards.issue(auth.current_member(), auth.scoped_object("household_id"))
    household = directory.household_file(auth.current_member(), auth.scoped_object("household_id"))["household"]
    return render_template("console/code_card.html", title="见证码卡", card=code_cards.card_view(card, codes),
                           household=household)
