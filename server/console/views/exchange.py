"""服务机构 and 通存通兑网络: the providers the station assigns payback services to (added, edited, stopped —
never deleted, since tasks name them), and the exchange networks the community belongs to — each member's
net position against its limit, and a month's settlement — through the providers and networks services
the API calls."""

from flask import flash, redirect, render_template, request, url_for

from server import clock
from server.console import forms, gate
from server.console.blueprint import bp
from server.errors import LoveBankError
from server.extensions import auth
from server.resources.networks.schemas import MonthQuerySchema
from server.resources.providers.schemas import ProviderCreateSchema, ProviderEditSchema
from server.services.board import catalog, providers
from server.services.ledger import networks


def _categories(me) -> list[tuple[int, str]]:
    return [(c["id"], c["name"]) for c in catalog.menu(me.community_id)["categories"]]


def _provider_form() -> tuple[dict, dict]:
    ids = request.form.getlist("category_ids")
    return forms.parse(ProviderCreateSchema(), {"category_ids": ids})


@bp.route("/providers", methods=["GET", "POST"], endpoint="providers")
@gate.staff
def providers_page():
    """The community's providers by name, and adding one."""
    me = auth.current_member()
    values, errors = {}, {}
    if request.method == "POST":
        values, errors = _provider_form()
        if not errors:
            try:
                provider = providers.create(me, values)
                flash(f"已添加服务机构：{provider.name}")
                return redirect(url_for("console.providers"))
            except LoveBankError as error:
                errors = gate.field_errors(error)
    return render_template("console/providers.html", title="签约服务机构", providers=providers.listing(me),
                           categories=_categories(me), values=values, errors=errors), (422 if errors else 200)


@bp.route("/providers/<int:provider_id>/active", methods=["POST"], endpoint="provider_active")
@gate.staff
def provider_active(provider_id):
    """Stop a provider (no new assignments) or take it back into service."""
    body, errors = forms.parse(ProviderEditSchema())
    if errors:
        raise LoveBankError("请选择启用或停用", field="active")
    provider = providers.update(auth.current_member(), auth.scoped_object("provider_id"), {"active": body["active"]})
    flash(f"{provider.name}：{'恢复服务' if provider.active else '已停用'}")
    return redirect(url_for("console.providers"))


@bp.route("/networks", endpoint="networks")
@gate.staff
def networks_page():
    """The networks the community is in (the admin: every network), each member's position and limit."""
    return render_template("console/networks.html", title="通存通兑网络", networks=networks.listing(auth.current_member()),
                           today=clock.today())


@bp.route("/networks/<int:network_id>/settlement", endpoint="settlement")
@gate.staff
def settlement_page(network_id):
    """A month's flows between the network's communities and their positions at its end (closed with the month)."""
    query = forms.query(MonthQuerySchema())
    me = auth.current_member()
    network = networks.view(networks.network_for(me, network_id))
    return render_template("console/settlement.html", title=f"{network['name']} {query['year']}年{query['month']}月结算",
                           network=network, s=networks.settlement_for(me, network_id, query["year"], query["month"]))
