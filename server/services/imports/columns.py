"""Each kind's columns: the Chinese header, whether it is required, an example and the rule (the template's
comment). The templates are written from these and the preview reads by these headers."""

from dataclasses import dataclass

from server.errors import RuleBroken


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    example: str
    rule: str


_ADDRESS = (
    Column("楼栋", True, "3栋", "楼栋号，和系统里家庭的地址一致"),
    Column("单元", False, "2单元", "没有单元可以空着"),
    Column("房号", True, "301", "房号"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "volunteers": (
        Column("姓名", True, "王建国", "志愿者姓名"),
        Column("手机号", True, "13800138001", "11位手机号；同一社区里不能重复"),
        Column("性别", False, "男", "男或女，可空"),
        Column("出生日期", False, "1960-05-01", "如 1960-05-01，可空"),
        *_ADDRESS,
        Column("服务队", False, "居家养老服务队", "服务队名称，几个队用顿号隔开；没有的队会新建"),
        Column("职业", False, "退休教师", "可空"),
        Column("特长", False, "理发、修家电", "可空"),
    ),
    "households": (
        *_ADDRESS,
        Column("户名", False, "王建国家", "可空：空着用户主姓名加“家”"),
        Column("姓名", True, "王建国", "家庭成员姓名；一户每人一行，同一地址的行是一户"),
        Column("手机号", False, "13800138001", "11位手机号，没有手机可空"),
        Column("与户主关系", True, "本人", "户主写“本人”；其他写配偶、儿子、女儿、父亲、母亲等"),
        Column("性别", False, "男", "男或女，可空"),
        Column("出生日期", False, "1950-01-01", "如 1950-01-01，可空"),
    ),
    "opening_balances": (
        *_ADDRESS,
        Column("户主姓名", True, "王建国", "和系统里这一户的户主姓名一致"),
        Column("纸质存折号", True, "ZZ-0001", "纸质存折上的编号"),
        Column("结余小时数", True, "12.5", "纸质存折上最后的结余，单位小时，如 12.5（要能换成整分钟）"),
        Column("结余日期", False, "2024-06-30", "纸质存折最后一笔的日期，可空"),
    ),
    "service_records": (
        Column("志愿者姓名", True, "王建国", "志愿者姓名"),
        Column("志愿者手机号", True, "13800138001", "系统里这位志愿者的手机号"),
        Column("服务对象楼栋", False, "5栋", "服务对象家的楼栋；公益服务（巡逻、绿化等）不填地址"),
        Column("服务对象单元", False, "1单元", "可空"),
        Column("服务对象房号", False, "102", "服务对象家的房号"),
        Column("服务对象姓名", False, "李秀英", "可空：空着算户主"),
        Column("服务类别", True, "帮困", "服务菜单上的类别名称"),
        Column("服务项目", False, "精神抚慰（陪伴聊天）", "服务菜单上的项目名称，可空"),
        Column("服务地点", True, "李秀英家", "服务地点"),
        Column("服务日期", True, "2024-05-20", "如 2024-05-20"),
        Column("开始时间", True, "09:00", "如 09:00"),
        Column("结束时间", True, "10:30", "如 10:30，同一天"),
        Column("服务内容", True, "陪老人聊天、打扫卫生", "做了什么"),
        Column("见证人姓名", True, "李小红", "在纸质服务记录单上签字的人，不能是志愿者本人或家里人"),
        Column("见证人电话", True, "13900139002", "见证人的电话"),
    ),
}

KIND_LABELS = {"volunteers": "志愿者和服务队", "households": "家庭和成员", "opening_balances": "纸质存折期初结余",
               "service_records": "历史服务记录"}


def columns(kind: str) -> tuple[Column, ...]:
    if kind not in COLUMNS:
        raise RuleBroken("导入类型不对：只能是志愿者、家庭、期初结余或历史服务记录", field="kind", rule="unknown_kind")
    return COLUMNS[kind]


def check_headers(kind: str, headers: list[str]) -> list[str]:
    """The headers the kind does not know (ignored); 422 naming the required columns the sheet lacks."""
    known = {column.header for column in columns(kind)}
    missing = [column.header for column in columns(kind) if column.required and column.header not in headers]
    if missing:
        raise RuleBroken(f"表格缺少必填的列：{'、'.join(missing)}。请用下载的模板，第一行是表头",
                         field="file", rule="missing_columns", columns=missing)
    return [header for header in headers if header and header not in known]


def example_row(kind: str) -> dict:
    return {column.header: column.example for column in columns(kind)}
