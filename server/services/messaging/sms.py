"""Tencent Cloud SMS through its SDK (tencentcloud-sdk-python-sms), behind one small interface.

`SmsClient.send(...)` makes one SendSms call for one phone and answers a `SendResult` whose
`verdict` says what to do: `sent` (the provider accepted it), `retry` (network, HTTP error, the
provider busy or rate-limiting: the same call later will probably work) or `failed` (the provider
refused this text and will refuse it again). `pull_reports()` fetches delivery reports
(PullSmsSendStatus: each report is handed out once). The endpoint and scheme come from
SMS_ENDPOINT, so tests talk to a local stand-in (tests/sms_stub.py). Nothing else in Love Bank
imports the SDK: another provider (Aliyun) would be another class with these two methods.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from server import runtime

OK = "Ok"
# Error codes after which the same text later will probably go through.
RETRY_CODES = ("ClientNetworkError", "ServerNetworkError", "InternalError", "RequestLimitExceeded",
               "LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberOneHourLimit")


@dataclass(frozen=True)
class SendResult:
    verdict: str  # sent | retry | failed
    code: str  # "Ok", or the provider's error code
    message: str
    serial_no: str | None = None


@dataclass(frozen=True)
class Report:
    """A delivery report: the phone received the text (or not, and why)."""

    serial_no: str
    delivered: bool
    code: str  # SUCCESS, or FAIL and the provider's reason
    received_at: dt.datetime | None


def _verdict(code: str) -> str:
    if code == OK:
        return "sent"
    return "retry" if any(code == c or code.startswith(c + ".") for c in RETRY_CODES) else "failed"


def mainland(phone: str) -> str:
    """E.164 for a mainland mobile number (what SendSms wants)."""
    return phone if phone.startswith("+") else "+86" + phone


class SmsClient:
    """One configured Tencent Cloud SMS application (SdkAppId and signature)."""

    def __init__(self, secret_id: str, secret_key: str, app_id: str, sign_name: str, endpoint: str,
                 region: str = "ap-guangzhou", timeout: int = 5):
        parts = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint)
        profile = ClientProfile(httpProfile=HttpProfile(protocol=parts.scheme, endpoint=parts.netloc,
                                                        reqTimeout=timeout))
        self.app_id, self.sign_name = app_id, sign_name
        self._client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region, profile)

    def send(self, phone: str, template_id: str, params: list[str], context: str = "") -> SendResult:
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [mainland(phone)]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = list(params)
        request.SessionContext = context
        try:
            response = self._client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or "ClientError"
            return SendResult(_verdict(code), code, str(exc.get_message() or "")[:200])
        statuses = response.SendStatusSet or []
        if not statuses:
            return SendResult("retry", "Empty", "no send status in the answer")
        status = statuses[0]
        code = status.Code or ""
        return SendResult(_verdict(code), code, (status.Message or "")[:200], status.SerialNo or None)

    def pull_reports(self, limit: int = 100) -> list[Report]:
        """Delivery reports not pulled before (the provider hands each out once)."""
        request = models.PullSmsSendStatusRequest()
        request.Limit = limit
        request.SmsSdkAppId = self.app_id
        response = self._client.PullSmsSendStatus(request)
        reports = []
        for item in response.PullSmsSendStatusSet or []:
            received = None
            if item.UserReceiveTime:
                try:
                    received = dt.datetime.fromisoformat(item.UserReceiveTime)
                except ValueError:
                    received = None
            delivered = item.ReportStatus == "SUCCESS"
            code = "SUCCESS" if delivered else f"FAIL {item.Description or ''}".strip()
            reports.append(Report(item.SerialNo, delivered, code[:64], received))
        return reports


CREDENTIALS = ("SMS_SECRET_ID", "SMS_SECRET_KEY", "SMS_APP_ID", "SMS_SIGN_NAME")


def configured() -> bool:
    """SMS is on and configured (what `make_client` needs), without building a client."""
    return bool(runtime.setting("SMS_ENABLED")) and all(runtime.setting(name) for name in CREDENTIALS)


def make_client() -> SmsClient | None:
    """The configured client, or None when SMS is off or not configured."""
    if not configured():
        return None
    return SmsClient(*(runtime.setting(name) for name in CREDENTIALS), runtime.setting("SMS_ENDPOINT"),
                     runtime.setting("SMS_REGION"), runtime.setting("SMS_TIMEOUT_SECONDS"))
