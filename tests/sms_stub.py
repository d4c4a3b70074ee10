"""A small local HTTP server that speaks the parts of Tencent Cloud's SMS API (2021-01-11) we call.

SendSms and PullSmsSendStatus, as the SDK sends them: a JSON POST to `/` with the action in
`X-TC-Action`, signed with TC3-HMAC-SHA256. The stub checks the signature against the secret key
it was given (a wrong one is answered `AuthFailure.SignatureFailure`, as the real API does). Tests
script SendSms's per-phone status code (`stub.script_send("FailedOperation.…")`, or an HTTP status),
read back what was sent (`stub.sent()`), and decide the delivery reports a pull hands out
(`stub.report(serial_no, delivered=False, description=…)`; by default every accepted text is
reported delivered, each report handed out once).
"""

import datetime as dt
import hashlib
import hmac
import json
import threading
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET_ID = "AKIDtest"
SECRET_KEY = "test-sms-secret-key"
APP_ID = "1400000000"
SIGN_NAME = "幸福社区"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def tc3_signature(secret_key: str, *, host: str, content_type: str, body: bytes, timestamp: str,
                  service: str = "sms") -> str:
    """TC3-HMAC-SHA256 over a POST to `/`, as Tencent Cloud documents it (written here, not taken from the SDK)."""
    canonical = "\n".join(["POST", "/", "", f"content-type:{content_type}\nhost:{host}\n", "content-type;host",
                           hashlib.sha256(body).hexdigest()])
    date = dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class SmsStub:
    def __init__(self, port: int = 0, secret_id: str = SECRET_ID, secret_key: str = SECRET_KEY):
        self.secret_id, self.secret_key = secret_id, secret_key
        self._lock = threading.Lock()
        self._send_scripts: deque = deque()
        self._reports: deque = deque()
        self._calls: list[dict] = []
        self.auto_report = True
        self._serial = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, answer = stub._handle(dict(self.headers.items()), raw)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "SmsStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **template_ids) -> dict:
        """The settings that point Love Bank at this stub."""
        return {"SMS_ENABLED": True, "SMS_SECRET_ID": self.secret_id, "SMS_SECRET_KEY": self.secret_key,
                "SMS_APP_ID": APP_ID, "SMS_SIGN_NAME": SIGN_NAME, "SMS_ENDPOINT": self.endpoint,
                "SMS_TEMPLATE_IDS": template_ids}

    # --- scripting and reading back ---

    def script_send(self, *answers) -> None:
        """The next SendSms calls answer these, in order: a status code for the phone ("Ok",
        "FailedOperation.PhoneNumberInBlacklist", "LimitExceeded.PhoneNumberDailyLimit"), or an int: an
        HTTP error status, or an API error code (dict {"Error": code}). Then "Ok" resumes."""
        with self._lock:
            self._send_scripts.extend(answers)

    def report(self, serial_no: str, *, delivered: bool = True, description: str = "") -> None:
        with self._lock:
            self._reports.append((serial_no, delivered, description))

    def calls(self, action: str | None = None) -> list[dict]:
        with self._lock:
            return [c for c in self._calls if action is None or c["action"] == action]

    def sent(self) -> list[dict]:
        """The SendSms bodies that were signed correctly (PhoneNumberSet, TemplateId, TemplateParamSet …)."""
        return [c["body"] for c in self.calls("SendSms") if c["signed"]]

    # --- the API ---

    def _error(self, code: str, message: str):
        return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}

    def _signed(self, headers: dict, raw: bytes) -> bool:
        auth = headers.get("Authorization", "")
        prefix = f"TC3-HMAC-SHA256 Credential={self.secret_id}/"
        if not auth.startswith(prefix) or "SignedHeaders=content-type;host, Signature=" not in auth:
            return False
        given = auth.rsplit("Signature=", 1)[1]
        expected = tc3_signature(self.secret_key, host=headers.get("Host", ""), content_type=headers.get("Content-Type", ""),
                                 body=raw, timestamp=headers.get("X-TC-Timestamp", "0"))
        return hmac.compare_digest(given, expected)

    def _handle(self, headers: dict, raw: bytes):
        action = headers.get("X-TC-Action", "")
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            body = {}
        signed = self._signed(headers, raw)
        with self._lock:
            self._calls.append({"action": action, "version": headers.get("X-TC-Version"), "body": body,
                                "signed": signed})
            scripted = self._send_scripts.popleft() if action == "SendSms" and self._send_scripts else None
        if headers.get("X-TC-Version") != "2021-01-11":
            return self._error("InvalidParameter", "unknown version")
        if not signed:
            return self._error("AuthFailure.SignatureFailure", "请求签名验证失败")
        if action == "SendSms":
            return self._send(body, scripted)
        if action == "PullSmsSendStatus":
            return self._pull(body)
        return self._error("InvalidAction", f"no action {action}")

    def _send(self, body: dict, scripted):
        if isinstance(scripted, int):
            return scripted, {"message": "server error"}
        if isinstance(scripted, dict):
            return self._error(scripted["Error"], "scripted error")
        if body.get("SmsSdkAppId") != APP_ID:
            return self._error("FailedOperation.SdkAppIdNotExist", "SdkAppId不存在")
        statuses = []
        for phone in body.get("PhoneNumberSet") or []:
            code = scripted or "Ok"
            with self._lock:
                self._serial += 1
                serial = f"2433:{self._serial:012d}"
                if code == "Ok" and self.auto_report:
                    self._reports.append((serial, True, "用户接收成功"))
            statuses.append({"SerialNo": serial if code == "Ok" else "", "PhoneNumber": phone, "Fee": 1 if code == "Ok" else 0,
                             "SessionContext": body.get("SessionContext", ""), "Code": code,
                             "Message": "send success" if code == "Ok" else "scripted refusal", "IsoCode": "CN"})
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}}

    def _pull(self, body: dict):
        limit = int(body.get("Limit") or 100)
        items = []
        with self._lock:
            while self._reports and len(items) < limit:
                serial, delivered, description = self._reports.popleft()
                items.append({"UserReceiveTime": "2026-05-15 10:00:05", "CountryCode": "86", "SubscriberNumber": "",
                              "PhoneNumber": "", "SerialNo": serial, "ReportStatus": "SUCCESS" if delivered else "FAIL",
                              "Description": description or ("用户接收成功" if delivered else "用户关机"),
                              "SessionContext": ""})
        return 200, {"Response": {"PullSmsSendStatusSet": items, "RequestId": str(uuid.uuid4())}}
