"""Sample client of the Les Communs API (v1): publish a project, update it, then resync.

Standard library only (Python 3.9+). Written as the integration of Mon Espace Collectivité (the
status labels are MEC's own labels); replace them with your service's labels (GET /api/v1/statuts).

Run: LES_COMMUNS_URL=http://127.0.0.1:3000 LES_COMMUNS_API_KEY=lc_test_... python3 docs/samples/python/client.py
Optional: EXTERNAL_ID (your own id of the project, default "exemple-py-001").
Prints one line per step, then a JSON summary as its last line.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

BASE_URL = os.environ.get("LES_COMMUNS_URL", "http://127.0.0.1:3000").rstrip("/")
API_KEY = os.environ.get("LES_COMMUNS_API_KEY")


class LesCommunsError(Exception):
    """An error answered by the hub: {"error": {"code", "message", "details"?}}."""

    def __init__(self, status, code, message, details=None):
        super().__init__(f"{status} {code} : {message}")
        self.status = status
        self.code = code
        self.details = details


def request(method, path, body=None, user_email=None):
    """One call to the API. 429 and 503 are retried after Retry-After (at most 3 times)."""
    headers = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if user_email:
        # Acts on behalf of this user: the hub checks their permission on the project.
        headers["X-User-Email"] = user_email
    for attempt in range(1, 5):
        req = urllib.request.Request(f"{BASE_URL}/api/v1{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read().decode("utf-8")
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            if error.code in (429, 503) and attempt <= 3:
                try:
                    wait = float(error.headers.get("Retry-After", "1"))
                except ValueError:
                    wait = 1.0
                time.sleep(min(wait, 60))
                continue
            try:
                payload = json.loads(text)["error"]
            except (ValueError, KeyError, TypeError):
                payload = {"code": "inconnu", "message": text[:200]}
            raise LesCommunsError(error.code, payload.get("code"), payload.get("message"), payload.get("details"))
    raise RuntimeError("unreachable")


def upsert_projet(projet):
    """Creates or updates the project known under projet["externalId"] by the calling service."""
    return request("POST", "/projets", projet)[1]


def patch_projet(projet_id, changes, user_email=None):
    """Changes some fields; omitted fields keep their value, None (null) clears one."""
    return request("PATCH", f"/projets/{projet_id}", changes, user_email=user_email)[1]


def get_projet(projet_id):
    return request("GET", f"/projets/{projet_id}")[1]


def resync(updated_since, limit=100):
    """Every project changed since updated_since, page after page (for a service that was down)."""
    cursor = None
    while True:
        query = {"updatedSince": updated_since, "limit": str(limit)}
        if cursor:
            query["cursor"] = cursor
        page = request("GET", "/projets?" + urllib.parse.urlencode(query))[1]
        yield from page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            return
        if not page["items"]:
            # An earlier write is still being committed: come back a moment later.
            time.sleep(0.5)


def main():
    if not API_KEY:
        print("LES_COMMUNS_API_KEY manquante (clé créée par npm run communs -- key:create --service <slug>)", file=sys.stderr)
        return 2
    started_at = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    projet = {
        "externalId": os.environ.get("EXTERNAL_ID", "exemple-py-001"),
        "nom": "Réhabilitation de la halle du marché",
        "description": "Mise aux normes et ouverture de la halle aux producteurs locaux.",
        "statut": "Non démarré, intention",
        "collectivites": [{"type": "Commune", "code": "26058"}],
        "budgetPrevisionnel": 640000,
    }

    # 1. Create (201), then send the very same request again: same project, no new version (200).
    created = upsert_projet(projet)
    print(f"créé : {created['id']} (version {created['version']}, created={created['created']})")
    repeated = upsert_projet(projet)
    if repeated["id"] != created["id"] or repeated["version"] != created["version"]:
        raise RuntimeError("le renvoi identique devait rendre le même projet")
    print(f"renvoi identique : même projet, version {repeated['version']}, created={repeated['created']}")

    # 2. Update: a new status label (ours), a new budget.
    updated = patch_projet(created["id"], {"statut": "Etudes pré-opérationnelles en cours", "budgetPrevisionnel": 700000})
    print(f"modifié : version {updated['version']}")

    # 3. An unknown label is refused (422) and nothing is written; details.accepted lists our labels.
    try:
        patch_projet(created["id"], {"statut": "Statut inventé"})
        raise RuntimeError("un libellé inconnu devait être refusé")
    except LesCommunsError as error:
        if error.code != "unknown_status":
            raise
        accepted = (error.details or {}).get("accepted", [])
        print(f"libellé inconnu refusé ({error.status} {error.code}), {len(accepted)} libellés acceptés")

    # 4. Read back, then resync: our project is among those changed since the start.
    read = get_projet(created["id"])
    print(f"relu : statut « {read['statut']['service']} » (générique {read['statut']['generique']}), version {read['version']}")
    seen = 0
    found = False
    for p in resync(started_at, limit=50):
        seen += 1
        found = found or p["id"] == created["id"]
    if not found:
        raise RuntimeError("le projet devait apparaître dans la resynchronisation")
    print(f"resynchronisation : {seen} projet(s) modifié(s) depuis {started_at}")

    print(json.dumps({
        "id": read["id"],
        "version": read["version"],
        "statut": read["statut"],
        "budgetPrevisionnel": read["budgetPrevisionnel"],
        "externalIds": read["externalIds"],
        "resync": seen,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (LesCommunsError, RuntimeError, urllib.error.URLError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        sys.exit(1)
