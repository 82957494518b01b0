"""Sample webhook receiver for Les Communs, standard library only (Python 3.9+).

Verifies the Standard Webhooks signature by hand: HMAC-SHA256 over "webhook-id.webhook-timestamp.body"
with the base64-decoded secret that follows "whsec_", compared in constant time against every
"v1,<base64>" signature of the header, and a timestamp no more than 5 minutes away from now.
Ignores duplicates (same webhook-id) and stale versions, and answers 2xx quickly.

Run: LES_COMMUNS_WEBHOOK_SECRET=whsec_... PORT=8080 python3 docs/samples/python/receiver.py
Optional: HOST (listening address, default 0.0.0.0).
Prints one JSON line per event it accepts.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    pass


def decode_secret(secret):
    if not secret or not secret.startswith("whsec_"):
        raise ValueError("le secret doit commencer par whsec_")
    return base64.b64decode(secret[len("whsec_"):])


def verify(key, headers, body, now=None):
    """Returns the decoded event, or raises InvalidSignature. `body` is the raw bytes received."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        raise InvalidSignature("en-têtes webhook-id, webhook-timestamp ou webhook-signature absents")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise InvalidSignature("webhook-timestamp illisible")
    now = int(time.time()) if now is None else now
    # Refuses old messages (replay attacks) and messages from the future.
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        raise InvalidSignature("webhook-timestamp hors de la tolérance de 5 minutes")
    signed = msg_id.encode("utf-8") + b"." + timestamp.encode("utf-8") + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    # The header may carry several signatures (secret rotation): "v1,<sig> v1,<sig>".
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode("utf-8"), expected):
            return json.loads(body)
    raise InvalidSignature("aucune signature ne correspond")


KEY = None
# In production keep both in your database: delivery is at-least-once (a retry or a replay brings
# the same webhook-id again) and a receiver may see an older version after a newer one.
seen_ids = set()
applied_versions = {}
state_lock = Lock()


def handle(event, webhook_id):
    with state_lock:
        if webhook_id in seen_ids:
            return "doublon"
        seen_ids.add(webhook_id)
        projet = event.get("data", {}).get("projet")
        if projet:
            if applied_versions.get(projet["id"], 0) >= projet["version"]:
                return "version périmée"
            applied_versions[projet["id"]] = projet["version"]
            # Here: create or update your own record, using projet["statut"]["service"] (your own label).
    data = event.get("data", {})
    print(json.dumps({
        "webhookId": webhook_id,
        "type": event.get("type"),
        "projet": projet["id"] if projet else None,
        "version": projet["version"] if projet else None,
        "statut": projet["statut"] if projet else None,
        "auteur": data.get("auteur"),
        "changements": data.get("changements", []),
    }, ensure_ascii=False), flush=True)
    return "appliqué"


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)  # the raw bytes: re-serialised JSON would not match
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            event = verify(KEY, headers, body)
        except (InvalidSignature, ValueError) as error:
            print(f"refusé : {error}", file=sys.stderr, flush=True)
            self._answer(401, "signature invalide")
            return
        self._answer(200, handle(event, headers["webhook-id"]))

    def _answer(self, status, text):
        payload = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep stdout for the accepted events
        pass


def main():
    global KEY
    try:
        KEY = decode_secret(os.environ.get("LES_COMMUNS_WEBHOOK_SECRET"))
    except ValueError as error:
        print(f"LES_COMMUNS_WEBHOOK_SECRET invalide : {error}", file=sys.stderr)
        return 2
    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer((host, port), WebhookHandler)
    print(f"récepteur de webhooks à l'écoute sur {host}:{port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
