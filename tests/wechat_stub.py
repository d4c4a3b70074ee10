"""A small local HTTP server that speaks the parts of WeChat's server API we call.

code2session, the access token, subscribeMessage.send and msg_sec_check v2. Tests
script its answers (`stub.script(path, answer, ...)`) and read back what it was asked
(`stub.calls(path)`). `stub.hold(path)` makes the next call wait, recorded but not yet
answered, until the test releases it: a worker can be killed while its call is in flight. It runs in a thread, or as its own process
(`python -m tests.wechat_stub PORT`) when a test needs it to outlive a worker.
"""

import json
import sys
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CODE2SESSION = "/sns/jscode2session"
TOKEN = "/cgi-bin/token"
SUBSCRIBE_SEND = "/cgi-bin/message/subscribe/send"
MSG_SEC_CHECK = "/wxa/msg_sec_check"


class Hold:
    """A scripted answer that waits: `reached` is set once the call arrived, `release()` answers it."""

    def __init__(self, answer=(200, {"errcode": 0, "errmsg": "ok"}), timeout: float = 60):
        self.answer = answer
        self.timeout = timeout
        self.reached = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait(self):
        self.reached.set()
        self._released.wait(self.timeout)
        return self.answer


class WeChatStub:
    def __init__(self, port: int = 0):
        self._lock = threading.Lock()
        self._scripts: dict[str, deque] = defaultdict(deque)
        self._calls: dict[str, list] = defaultdict(list)
        self.tokens_issued = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def handle(self):
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):  # the caller was killed meanwhile
                    pass

            def _answer(self, status: int, body):
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, body: dict | None):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                status, answer = stub._next(url.path, query, body)
                self._answer(status, answer)

            def do_GET(self):
                self._handle(None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else {}
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                self._handle(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}/"
        # a short poll interval: stopping the stub after each test should not take half a second
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "WeChatStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, path: str, *answers) -> None:
        """Queue answers for `path`: a dict (200 JSON) or (status, body). Then defaults resume."""
        with self._lock:
            for answer in answers:
                self._scripts[path].append(answer if isinstance(answer, tuple) else (200, answer))

    def hold(self, path: str, answer=None, timeout: float = 60) -> Hold:
        """The next call to `path` is recorded, then waits for `release()` before answering."""
        held = Hold(answer or ((200, {"access_token": "held-token", "expires_in": 7200}) if path == TOKEN
                               else (200, {"errcode": 0, "errmsg": "ok"})), timeout)
        with self._lock:
            self._scripts[path].append(held)
        return held

    def calls(self, path: str) -> list:
        with self._lock:
            return list(self._calls[path])

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self._calls.clear()
            self.tokens_issued = 0

    def _next(self, path: str, query: dict, body: dict | None):
        with self._lock:
            self._calls[path].append({"query": query, "body": body})
            scripted = self._scripts[path].popleft() if self._scripts[path] else None
            if scripted is None:
                return self._default(path, query, body)
        return scripted.wait() if isinstance(scripted, Hold) else scripted

    def _default(self, path: str, query: dict, body):
        if path == CODE2SESSION:
            code = query.get("js_code", "")
            if not code or code.startswith("bad"):
                return 200, {"errcode": 40029, "errmsg": "invalid code"}
            return 200, {"openid": f"openid-{code}", "session_key": f"SECRET-session-key-{code}", "unionid": None}
        if path == TOKEN:
            self.tokens_issued += 1
            return 200, {"access_token": f"token-{self.tokens_issued}", "expires_in": 7200}
        if path == SUBSCRIBE_SEND:
            return 200, {"errcode": 0, "errmsg": "ok"}
        if path == MSG_SEC_CHECK:
            content = (body or {}).get("content", "")
            suggest = "risky" if "违禁" in content else ("review" if "可疑" in content else "pass")
            return 200, {"errcode": 0, "errmsg": "ok", "result": {"suggest": suggest, "label": 100 if suggest == "pass" else 20001}}
        return 404, {"errcode": 404, "errmsg": "not found"}


if __name__ == "__main__":  # python -m tests.wechat_stub PORT
    stub = WeChatStub(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(stub.port, flush=True)
    stub.server.serve_forever()
