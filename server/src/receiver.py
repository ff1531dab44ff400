"""A webhook receiver for trying the async mode by hand: prints each callback and verifies it.

Run from server/:  .venv/bin/python -m src.receiver --port 9000
It checks the Standard Webhooks signature with WEBHOOK_SECRET, or with the secret the service
generated in server/data/webhook_secret. It responds 200, or 503 to the first N deliveries of
each webhook-id when started with --fail-first N.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from src.config import get_settings
from src.services.signing import load_or_create_secret

MAX_BODY_BYTES = 10 * 1024 * 1024


def build_handler(secret: str, fail_first: int) -> type[BaseHTTPRequestHandler]:
    deliveries: Counter[str] = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            webhook_id = headers.get("webhook-id", "")
            deliveries[webhook_id] += 1

            try:
                event = Webhook(secret).verify(body, headers)
                verdict = "signature verified"
            except WebhookVerificationError as error:
                event = None
                verdict = f"signature INVALID: {error}"

            status = 503 if deliveries[webhook_id] <= fail_first else 200
            print(f"\n{self.command} {self.path}  webhook-id={webhook_id}  attempt={deliveries[webhook_id]}  {verdict}")
            print(json.dumps(event, indent=2, ensure_ascii=False) if event else body.decode("utf-8", "replace"))
            print(f"-> responding {status}", flush=True)

            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok\n" if status == 200 else b"failing on purpose\n")

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Print and verify webhook callbacks from the report service.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9000, help="port to listen on (default 9000)")
    parser.add_argument(
        "--fail-first", type=int, default=0, help="respond 503 to the first N deliveries of each webhook-id"
    )
    arguments = parser.parse_args()

    settings = get_settings()
    secret = load_or_create_secret(settings.webhook_secret, settings.webhook_secret_file)
    try:
        server = ThreadingHTTPServer((arguments.host, arguments.port), build_handler(secret, arguments.fail_first))
    except OSError as error:
        raise SystemExit(
            f"cannot listen on {arguments.host}:{arguments.port}: {error.strerror}; pick another --port"
        ) from None
    print(f"Listening on http://{arguments.host}:{arguments.port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
