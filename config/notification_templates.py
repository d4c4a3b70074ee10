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

SMS (短信, for members without WeChat): a template with `sms` values can also go out as a text.
`sms_text` is the wording to have approved in Tencent Cloud's SMS console (its numbered {1}, {2}
... are our `sms` values in order; `{when:short}` → 5月16日 9:00); each value is cut to
SMS_PARAM_LIMIT characters. A witness request's last value, `{code}`, is the one-time code made
when the text is sent, never stored.
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
    # The SMS copy: the approved template's wording and its values in order (none: no SMS).
    sms_text: str = ""
    sms: tuple[str, ...] = ()


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

# Tencent Cloud approves a notification template's variables up to this many characters each.
SMS_PARAM_LIMIT = 12

_TEMPLATES = (
    Template(
        key="task_offer",
        label="有人需要帮助时通知我",
        title="有邻居需要您的帮助",
        # `origin` names the requester's community to a volunteer of another (a payback opened to the network).
        body="{origin}{category}：{summary}。时间：{when:human}。地点：{place}。愿意帮忙的话，请打开爱心银行接单。",
        page="pages/tasks/detail?id={task_id}",
        fields=(
            Field("thing1", "thing", "{category}：{summary}"),
            Field("time2", "time", "{when:time}"),
            Field("thing3", "thing", "{place}"),
            Field("thing4", "thing", "点击查看详情并接单"),
        ),
        defaults={"origin": ""},
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
        sms_text="您的{1}求助已由志愿者{2}接下，服务时间：{3}。",
        sms=("{category}", "{volunteer}", "{when:short}"),
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
        sms_text="提醒您：{1}有{2}服务，地点：{3}。",
        sms=("{when:short}", "{category}", "{place}"),
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
        sms_text="志愿者{1}为您家做了{2}服务，共{3}。如属实，请把见证码{4}念给志愿者；不属实请不要告诉别人。",
        sms=("{volunteer}", "{category}", "{minutes:hours}", "{code}"),
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
        sms_text="您的{1}服务已确认，记入爱心时间{2}。谢谢您！",
        sms=("{category}", "{minutes:hours}"),
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
        sms_text="提醒您：{1}有{2}活动，地点：{3}。",
        sms=("{when:short}", "{name}", "{place}"),
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
