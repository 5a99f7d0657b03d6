#!/usr/bin/env python3
"""The first minutes after `./dev run` on the demo world, measured as people would feel them.

Fills a fresh SQLite database with the demo world, starts `mingle serve` on it and, from the
moment it answers, has a few demo attendees who are checked in at a live event open "Picked for
you" (GET /recommendations/events), "People to meet" (GET /events/{id}/suggestions) and the event
page (GET /events/{id}) over and over, while the recommendation model trains in the background.
Prints p50/p99 per kind, for each minute and overall.

    docs/scripts/first-minutes.py target/release/mingle [--minutes 3] [--people 8]

Run it from the repository root (the server finds the text model in ./.venv from there).
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

PASSWORD = "demo-password"


def call(base, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="POST" if body is not None else "GET")
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            payload = response.read()
            status = response.status
    except urllib.error.HTTPError as e:
        payload, status = e.read(), e.code
    return status, time.monotonic() - started, payload


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument("--port", type=int, default=8097)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="mingle-first-minutes-")
    env = dict(os.environ, MINGLE_DATA_DIR=data, MINGLE_LISTEN=f"127.0.0.1:{args.port}", RUST_LOG="info,sqlx=warn")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run([args.binary, "demo-data"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # Attendees checked in at an event that is on now, and that event.
    db = sqlite3.connect(os.path.join(data, "mingle.db"))
    now = int(time.time() * 1000)
    rows = db.execute(
        """SELECT u.email, e.id FROM rsvps r JOIN users u ON u.id = r.user_id JOIN events e ON e.id = r.event_id
           WHERE r.checked_in_at IS NOT NULL AND e.starts_at <= ? AND e.ends_at > ? AND u.matchmaking = 1
           ORDER BY u.email LIMIT ?""",
        (now, now, args.people),
    ).fetchall()
    db.close()
    people = [(email, str(uuid.UUID(bytes=bytes(event)))) for email, event in rows]
    if not people:
        sys.exit("the demo world has nobody checked in at a live event")

    log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(600):
            try:
                if call(base, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        ready = time.monotonic()
        tokens = []
        for email, event in people:
            status, _, body = call(base, "/api/v1/auth/login", body={"email": email, "password": PASSWORD})
            if status != 200:
                sys.exit(f"signing in {email} failed: {status} {body[:200]!r}")
            tokens.append((json.loads(body)["access_token"], event))
        print(f"{len(tokens)} attendees signed in {time.monotonic() - ready:.1f} s after the server was ready")

        samples = []  # (kind, seconds since ready, latency, status)
        lock = threading.Lock()
        deadline = ready + args.minutes * 60

        def attendee(token, event):
            kinds = [
                ("picked for you", "/api/v1/recommendations/events"),
                ("people to meet", f"/api/v1/events/{event}/suggestions"),
                ("event page", f"/api/v1/events/{event}"),
            ]
            while time.monotonic() < deadline:
                for kind, path in kinds:
                    status, latency, _ = call(base, path, token)
                    with lock:
                        samples.append((kind, time.monotonic() - ready, latency, status))
                time.sleep(0.5)

        threads = [threading.Thread(target=attendee, args=t) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        trained = [line for line in open(os.path.join(data, "server.log")) if "model trained" in line]
        print(f"model trained during the run: {'yes' if trained else 'no'}")
        kinds = ["picked for you", "people to meet", "event page"]
        print("| minute | " + " | ".join(f"{k} p50 / p99 (ms)" for k in kinds) + " |")
        print("| ---: | " + " | ".join("---:" for _ in kinds) + " |")
        minutes = int(args.minutes + 0.999)
        for minute in list(range(minutes)) + ["all"]:
            cells = []
            for kind in kinds:
                values = [
                    s[2] * 1000
                    for s in samples
                    if s[0] == kind and (minute == "all" or minute * 60 <= s[1] < (minute + 1) * 60)
                ]
                cells.append(f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f} (n={len(values)})")
            label = "all" if minute == "all" else f"{minute}–{minute + 1}"
            print(f"| {label} | " + " | ".join(cells) + " |")
        slowest = sorted(samples, key=lambda s: -s[2])[:5]
        print("slowest: " + ", ".join(f"{k} {l * 1000:.0f} ms at {t:.1f} s" for k, t, l, _ in slowest))
        failed = [s for s in samples if s[3] != 200]
        print(f"{len(samples)} requests, {len(failed)} not 200: {sorted({s[3] for s in failed})}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
