"""Chinese wording for validation errors: what an elderly resident reads on the phone."""

from http import HTTPStatus

_FIELD_MESSAGES = {
    "Missing data for required field.": "这一项必须填写",
    "Unknown field.": "不认识这一项，请不要提交它",
    "Field may not be null.": "这一项不能为空",
    "Not a valid integer.": "请填写整数",
    "Not a valid number.": "请填写数字",
    "Not a valid string.": "请填写文字",
    "Not a valid boolean.": "请选择是或否",
    "Not a valid date.": "日期格式不对，应为 年-月-日",
    "Not a valid datetime.": "时间格式不对",
    "Not a valid time.": "时间格式不对，应为 时:分",
    "Not a valid list.": "应为一个列表",
    "Invalid input type.": "内容格式不对",
    "Invalid value.": "内容不对",
    "Not a valid email address.": "邮箱格式不对",
}

_STATUS_MESSAGES = {
    400: "请求格式不对",
    401: "请先登录",
    403: "您的身份不能做这件事",
    404: "找不到这条记录，或者您无权查看",
    405: "不支持这种操作",
    409: "这件事已经有人处理过了，请刷新后再看",
    413: "提交的内容太大了",
    422: "提交的内容有误",
    429: "操作太频繁，请稍后再试",
    500: "服务器出了点问题，请稍后再试",
    502: "外部服务暂时不可用，请稍后再试",
    503: "服务暂时不可用，请稍后再试",
}


def _translate(text: str) -> str:
    if text in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[text]
    if text.startswith("Must be one of:"):
        return "只能从这些里选：" + text[len("Must be one of:"):].strip().rstrip(".")
    if text.startswith("Must be greater than or equal to") or text.startswith("Must be less than or equal to"):
        return "数值超出允许范围：" + text
    if text.startswith("Length must be") or text.startswith("Shorter than") or text.startswith("Longer than"):
        return "长度不符合要求：" + text
    return text


def translate_errors(errors):
    """Walk marshmallow's nested error dict, translating each message."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(value) for value in errors]
    if isinstance(errors, str):
        return _translate(errors)
    return errors


def _first_field(errors, path=()):
    if isinstance(errors, dict):
        for key, value in errors.items():
            found = _first_field(value, path if key in ("json", "query", "path", "headers", "form") else path + (str(key),))
            if found:
                return found
    elif isinstance(errors, list) and errors:
        if isinstance(errors[0], str):
            return ".".join(path), errors[0]
        return _first_field(errors[0], path)
    return None


def chinese_message(status: int, errors=None) -> str:
    base = _STATUS_MESSAGES.get(status) or HTTPStatus(status).phrase
    found = _first_field(errors) if errors else None
    if found:
        field, reason = found
        return f"{base}：{field} {reason}" if field else f"{base}：{reason}"
    return base
