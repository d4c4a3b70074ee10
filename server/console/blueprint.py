"""The console's one blueprint: its templates and its static files (htmx, the style sheet), served locally."""

from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates", static_folder="static",
               static_url_path="/static")

# The navigation bar: (endpoint, label). A new page adds its line here.
NAV = [
    ("console.desk", "今日工作台"),
    ("console.households", "成员与家庭"),
    ("console.review", "待审核记录"),
    ("console.counter", "柜台登记"),
    ("console.corrections", "更正"),
    ("console.code_cards", "见证码卡"),
    ("console.agreements", "服务协议"),
    ("console.events", "活动"),
    ("console.month", "月结"),
    ("console.audits", "检查与回访"),
    ("console.notices", "公示"),
    ("console.stars", "星级"),
    ("console.reports", "报表"),
    ("console.providers", "服务机构"),
    ("console.networks", "通存通兑"),
    ("console.imports", "导入"),
]
