"""What each notification says: the inbox text, the page it opens and its WeChat subscribe-message fields.

Our template keys are stable names used by the code (`notify(..., "task_offer", data)`);
WeChat's template ids come from settings (WECHAT_TEMPLATE_IDS), because each
mini-program picks its own templates from WeChat's public library. The `fields`
below must match the keywords of the template picked there (thing1, time2, ...):
change them here when a different library template is chosen.

Texts are format strings over the `data` the caller passes. Beyond Python's usual
`{name}`, a few presentation specs keep callers passing raw values:
  {when:human}  ISO datetime → 5月16日（周六）上午9:00   (for the inbox, easy to read aloud)
  {when:time}   ISO datetime → 2026年5月16日 09:00       (WeChat's `time` type)
  {when:date}   ISO date/datetime → 2026年5月16日        (WeChat's `date` type)
  {minutes:hours} integer minutes → 1.5小时
WeChat values are then cut to their type's limit (thing 20 characters, name 10, ...).
Inbox texts are short plain sentences for elderly readers.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    key: str  # WeChat's keyword in the template: thing1, time2, ...
    type: str  # thing, name, number, time, date, phrase, character_string, ...
    value: str  # format string over the data


@dataclass(frozen=True)
class Template:
    key: str
    label: str  # what the member is asked to allow (the consent list in the mini-program)
    title: str
    body: str
    page: str
    fields: tuple[Field, ...]
    # Values for data names a later version added: messages queued before still render.
    defaults: dict = field(default_factory=dict)


# WeChat's limits per field type (characters); `None`: the value must be a well-formed time/date.
FIELD_LIMITS = {
    "thing": 20,
    "name": 10,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "character_string": 32,
    "phrase": 5,
    "phone_number": 17,
    "car_number": 8,
    "amount": 11,
    "time": None,
    "date": None,
}

_TEMPLATES = (
    Template(
        key="task_offer",
        label="有人需要帮助时通知我",
        title="有邻居需要您的帮助",
        body="{category}：{summary}。时间：{when:human}。地点：{place}。愿意帮忙的话，请打开爱心银行接单。",
        page="pages/tasks/detail?id={task_id}",
        fields=(
            Field("thing1", "thing", "{category}：{summary}"),
            Field("time2", "time", "{when:time}"),
            Field("thing3", "thing", "{place}"),
            Field("thing4", "thing", "点击查看详情并接单"),
        ),
    ),
    Template(
        key="task_claimed",
        label="我的求助有人接单时通知我",
        title="已有志愿者接单",
        body="您的{category}求助已由志愿者{volunteer}接下。服务时间：{when:human}。",
        page="pages/requests/detail?id={request_id}",
        fields=(
            Field("thing1", "thing", "{category}"),
            Field("name2", "name", "{volunteer}"),
            Field("time3", "time", "{when:time}"),
        ),
    ),
    Template(
        key="task_reminder",
        label="服务的前一天提醒我",
        title="明天有服务安排",
        body="提醒您：{when:human}，{category}：{summary}。地点：{place}。",
        page="pages/tasks/detail?id={task_id}",
        fields=(
            Field("thing1", "thing", "{category}：{summary}"),
            Field("time2", "time", "{when:time}"),
            Field("thing3", "thing", "{place}"),
        ),
    ),
    Template(
        key="witness_request",
        label="需要我确认服务时通知我",
        title="请确认一次服务",
        body="志愿者{volunteer}记下了一次{category}服务，时长{minutes:hours}，请您作见证。请打开爱心银行确认。",
        page="pages/records/confirm?id={record_id}",
        fields=(
            Field("thing1", "thing", "{category}"),
            Field("name2", "name", "{volunteer}"),
            Field("thing3", "thing", "时长{minutes:hours}，请确认"),
        ),
    ),
    Template(
        key="hours_credited",
        label="爱心时间存入时通知我",
        title="爱心时间已记入",
        # `outcome` says where the minutes went (records.credit_outcome): the household's
        # passbook, or part or all of them the love pool when the passbook is at its cap.
        body="您的{category}服务已确认，记入{minutes:hours}，{outcome}。谢谢您！",
        page="pages/passbook/index",
        fields=(
            Field("thing1", "thing", "{category}"),
            Field("number2", "number", "{minutes}"),
            Field("thing3", "thing", "{outcome}"),
        ),
        defaults={"outcome": "已存入您家的爱心存折"},
    ),
    Template(
        key="event_reminder",
        label="集中服务活动前一天提醒我",
        title="明天有集中服务活动",
        body="{name}，时间：{when:human}，地点：{place}。到场后请扫码签到。",
        page="pages/events/detail?id={event_id}",
        fields=(
            Field("thing1", "thing", "{name}"),
            Field("time2", "time", "{when:time}"),
            Field("thing3", "thing", "{place}"),
        ),
    ),
    Template(
        key="record_reversed",
        label="我的服务记录被冲正时通知我",
        title="一条服务记录已冲正",
        body="您{service_date:date}的{category}服务经服务站核查未能证实，{minutes:hours}已从存折中冲正。原因：{reason}",
        page="pages/passbook/index",
        fields=(
            Field("thing1", "thing", "{category}"),
            Field("number2", "number", "{minutes}"),
            Field("thing3", "thing", "{reason}"),
        ),
    ),
    Template(
        key="record_corrected",
        label="我的服务记录时间被更正时通知我",
        title="一条服务记录的时间已更正",
        body="您{service_date:date}的服务记录经服务站更正，原来存入{old_minutes:hours}，现在存入{minutes:hours}。原因：{reason}",
        page="pages/passbook/index",
        fields=(
            Field("date1", "date", "{service_date:date}"),
            Field("number2", "number", "{minutes}"),
            Field("thing3", "thing", "{reason}"),
        ),
    ),
    Template(
        key="star_award",
        label="星级评定有进展时通知我",
        title="{subject}",
        body="{summary}",
        page="pages/stars/index",
        fields=(
            Field("thing1", "thing", "{subject}"),
            Field("phrase2", "phrase", "{stars}星"),
            Field("thing3", "thing", "{summary}"),
        ),
    ),
    Template(
        key="volunteer_review",
        label="志愿者申请审核后通知我",
        title="{subject}",
        body="{summary}",
        page="pages/volunteer/index",
        fields=(
            Field("thing1", "thing", "{subject}"),
            Field("phrase2", "phrase", "{result}"),
            Field("thing3", "thing", "{summary}"),
        ),
    ),
    Template(
        key="coordinator_alert",
        label="有事项需要我处理时通知我",
        title="有事项需要您处理",
        body="{subject}：{summary}",
        page="{page}",
        fields=(
            Field("thing1", "thing", "{subject}"),
            Field("thing2", "thing", "{summary}"),
            Field("time3", "time", "{when:time}"),
        ),
    ),
)

TEMPLATES: dict[str, Template] = {template.key: template for template in _TEMPLATES}
