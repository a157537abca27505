#!/usr/bin/env python3
"""Helpers for scripts/faults (Python 3 standard library only, loopback only).

  faults.py sink  --port P --out FILE [--delay-ms N]   SMTP sink: one JSON line per accepted message
  faults.py load  --base URL --out FILE --secs S --rate R [--threads T] [--readyz-out FILE]
  faults.py wait-ready --base URL [--secs S]
  faults.py check --base URL --load FILE --sink FILE --db URL [--events FILE] [--drill NAME] ...

`check` waits (bounded) until every outbox row is sent and the sink has it, then prints
sent / acknowledged / found / delivered / duplicated / lost and exits 1 when a rule is broken.
"""

import argparse
import collections
import http.client
import json
import os
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time


def now():
    return time.time()


# ------------------------------------------------------------------ SMTP sink


class SmtpHandler(socketserver.StreamRequestHandler):
    """A subset of RFC 5321, enough for lettre: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        server = self.server
        self.reply("220 faults-sink ESMTP")
        rcpt = []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            verb = line.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 faults-sink")
            elif verb == "MAIL":
                rcpt = []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt.append(line.decode("utf-8", "replace").strip())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                message_id = None
                in_headers = True
                while True:
                    data = self.rfile.readline(1 << 20)
                    if not data:
                        return
                    if data in (b".\r\n", b".\n"):
                        break
                    if in_headers:
                        if data in (b"\r\n", b"\n"):
                            in_headers = False
                        elif data.lower().startswith(b"message-id:"):
                            message_id = data.split(b":", 1)[1].strip().decode("ascii", "replace")
                if server.delay:
                    time.sleep(server.delay)
                with server.lock:
                    server.out.write(json.dumps({"message_id": message_id, "rcpt": rcpt, "at": now()}) + "\n")
                    server.out.flush()
                self.reply("250 OK queued")
            elif verb == "RSET":
                rcpt = []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def cmd_sink(args):
    server = SmtpServer(("127.0.0.1", args.port), SmtpHandler)
    server.delay = args.delay_ms / 1000.0
    server.lock = threading.Lock()
    server.out = open(args.out, "a", encoding="utf-8")
    server.serve_forever()


# ------------------------------------------------------------------ load


def split_base(base):
    hostport = base.split("://", 1)[1].rstrip("/")
    host, port = hostport.rsplit(":", 1)
    return host, int(port)


def request(base, method, path, body=None, timeout=30):
    """One request on a new connection. Returns a dict with what happened."""
    host, port = split_base(base)
    result = {"method": method, "path": path, "start": now(), "sent": None, "status": None,
              "error": None, "retry_after": None, "body": None}
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Connection": "close"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        result["sent"] = now()
        response = conn.getresponse()
        result["status"] = response.status
        result["retry_after"] = response.getheader("Retry-After")
        result["body"] = response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        result["error"] = type(e).__name__ + ": " + str(e)
    finally:
        conn.close()
        result["end"] = now()
    return result


def report_body(run, n):
    return {
        "article_url": f"https://www.example.com/drill/{run}/article-{n}",
        "category": "false_claim",
        "passage": "More than 10,000 people were evacuated.",
        "explanation": "The regional authority's bulletin says 1,000 people were evacuated, not 10,000.",
        "evidence_urls": ["https://gov.example.org/bulletin/42"],
        "language": "en",
        "reporter_name": "Drill Reader",
        "reporter_email": f"reader-{n}@example.org",
        "wants_outcome": True,
    }


def cmd_load(args):
    deadline = now() + args.secs
    interval = args.threads / args.rate
    counter = iter(range(10**9))
    lock = threading.Lock()
    out = open(args.out, "w", encoding="utf-8")
    run = f"{os.getpid()}-{int(now())}"

    def worker():
        next_at = now()
        while now() < deadline:
            with lock:
                n = next(counter)
            r = request(args.base, "POST", "/api/v1/reports", report_body(run, n))
            if r["status"] == 201:
                try:
                    r["tracking_code"] = json.loads(r["body"])["tracking_code"]
                except (ValueError, KeyError):
                    r["tracking_code"] = None
            if r["status"] in (201, 503):
                r["body"] = None  # keep the file small; errors keep theirs
            with lock:
                out.write(json.dumps(r) + "\n")
            next_at += interval
            time.sleep(max(0.0, next_at - now()))

    def readyz():
        with open(args.readyz_out, "w", encoding="utf-8") as f:
            while now() < deadline:
                r = request(args.base, "GET", "/readyz", timeout=10)
                f.write(json.dumps(r) + "\n")
                f.flush()
                time.sleep(0.25)

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    if args.readyz_out:
        threads.append(threading.Thread(target=readyz))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.close()


def cmd_slow(args):
    """Requests that are in flight on purpose: headers and half the body sent, then (after the
    release file appears) the rest. Writes `ready` once all are half sent."""
    host, port = split_base(args.base)
    run = f"slow-{os.getpid()}-{int(now())}"
    results = []
    lock = threading.Lock()
    half_sent = threading.Barrier(args.count + 1)

    def client(n):
        r = {"method": "POST", "path": "/api/v1/reports", "start": now(), "sent": None, "status": None,
             "error": None, "retry_after": None, "body": None, "slow": True}
        payload = json.dumps(report_body(run, n)).encode()
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.putrequest("POST", "/api/v1/reports")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(payload)))
            conn.endheaders()
            conn.send(payload[: len(payload) // 2])
            r["sent"] = now()
        except OSError as e:
            r["error"] = f"{type(e).__name__}: {e}"
        half_sent.wait()
        try:
            if r["error"] is None:
                while not os.path.exists(args.release_file):
                    time.sleep(0.02)
                time.sleep(0.2)
                conn.send(payload[len(payload) // 2:])
                response = conn.getresponse()
                r["status"] = response.status
                body = response.read().decode("utf-8", "replace")
                if r["status"] == 201:
                    r["tracking_code"] = json.loads(body)["tracking_code"]
                else:
                    r["body"] = body
        except (OSError, http.client.HTTPException, ValueError, KeyError) as e:
            r["error"] = f"{type(e).__name__}: {e}"
        finally:
            conn.close()
            r["end"] = now()
        with lock:
            results.append(r)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.count)]
    for t in threads:
        t.start()
    half_sent.wait()
    with open(args.ready_file, "w", encoding="utf-8") as f:
        f.write("ready\n")
    for t in threads:
        t.join()
    with open(args.out, "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")


def cmd_wait_ready(args):
    deadline = now() + args.secs
    while now() < deadline:
        r = request(args.base, "GET", "/readyz", timeout=5)
        if r["status"] == 200:
            return 0
        time.sleep(0.1)
    print(f"faults: server at {args.base} not ready within {args.secs} s", file=sys.stderr)
    return 1


# ------------------------------------------------------------------ check


def read_jsonl(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def outbox_rows(db):
    """(message token, status, claimed_by) of every outbox row."""
    sql = "SELECT message_id, status, COALESCE(claimed_by, '') FROM outbox"
    if db.startswith("postgres"):
        out = subprocess.run(["psql", db, "-qAtX", "-F", "\t", "-c", sql], check=True,
                             capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]
    path = db.split("://", 1)[1] if db.startswith("sqlite://") else db
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def token(message_id):
    return (message_id or "").strip("<>").split("@", 1)[0]


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def cmd_check(args):
    problems = []
    events = {}
    for line in open(args.events, encoding="utf-8") if args.events else []:
        name, at = line.split()
        events[name] = float(at)

    load = read_jsonl(args.load)
    slow = read_jsonl(args.slow)
    load += slow
    sent = len(load)
    acked = [r for r in load if r["status"] == 201]
    codes = [r.get("tracking_code") for r in acked]
    statuses = collections.Counter(r["status"] if r["status"] is not None else "no answer" for r in load)
    server_errors = [r for r in load if r["status"] is not None and r["status"] >= 500 and r["status"] != 503]
    if server_errors:
        problems.append(f"{len(server_errors)} answers 5xx other than 503, e.g. {server_errors[0]}")
    no_retry_after = [r for r in load if r["status"] == 503 and not r["retry_after"]]
    if no_retry_after:
        problems.append(f"{len(no_retry_after)} answers 503 without Retry-After")
    if None in codes:
        problems.append("a 201 without a tracking code")

    # Found: every tracking code that got a 201 is there after the fault.
    found = 0
    missing = []
    lock = threading.Lock()
    queue = list(codes)

    def lookup():
        nonlocal found
        while True:
            with lock:
                if not queue:
                    return
                code = queue.pop()
            r = request(args.base, "GET", f"/api/v1/reports/{code}", timeout=10)
            with lock:
                if r["status"] == 200:
                    found += 1
                else:
                    missing.append((code, r["status"], r["error"]))

    threads = [threading.Thread(target=lookup) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if missing:
        problems.append(f"{len(missing)} acknowledged reports not found, e.g. {missing[:3]}")

    # Delivered: wait (bounded) until every outbox row is sent and the sink has its Message-ID.
    deadline = now() + args.deliver_secs
    waited_from = now()
    while True:
        rows = outbox_rows(args.db)
        received = collections.Counter(token(m["message_id"]) for m in read_jsonl(args.sink))
        undelivered = [r for r in rows if r[1] != "sent" or received[r[0]] == 0]
        if not undelivered or now() > deadline:
            break
        time.sleep(0.25)
    delivered_in = now() - waited_from
    time.sleep(1.0)  # a late second delivery would show up now
    received = collections.Counter(token(m["message_id"]) for m in read_jsonl(args.sink))
    tokens = {r[0] for r in rows}
    delivered = sum(1 for t in tokens if received[t] > 0)
    duplicated = sum(n - 1 for t, n in received.items() if n > 1)
    strangers = sum(n for t, n in received.items() if t not in tokens)
    if undelivered:
        states = collections.Counter(r[1] for r in undelivered)
        problems.append(f"{len(undelivered)} outbox messages not delivered within {args.deliver_secs} s: {dict(states)}")
    if strangers:
        problems.append(f"{strangers} messages at the sink that are not in the outbox")
    if args.no_duplicates and duplicated:
        problems.append(f"{duplicated} messages delivered twice")
    lost = len(missing) + len(undelivered)

    print(f"[{args.drill}] sent {sent} / acknowledged {len(acked)} / found {found} / "
          f"messages {len(tokens)} / delivered {delivered} / duplicated {duplicated} / lost {lost}")
    print(f"[{args.drill}] answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
    print(f"[{args.drill}] all messages delivered {delivered_in:.1f} s after the load ended")

    if args.min_acked and len(acked) < args.min_acked:
        problems.append(f"only {len(acked)} reports acknowledged (expected at least {args.min_acked})")
    if args.all_acked and len(acked) != sent:
        problems.append(f"{sent - len(acked)} of {sent} reports not acknowledged (intake should be unaffected)")

    if "pg_stop" in events and "pg_start" in events:
        down, up = events["pg_stop"], events["pg_start"]
        # Answers to requests made while the database was stopped (after pg_ctl stop returned).
        during = [r for r in load if down <= r["start"] < up]
        failed = [r for r in during if r["status"] != 201]
        latencies = [r["end"] - r["start"] for r in failed]
        unavailable = [r for r in during if r["status"] == 503]
        print(f"[{args.drill}] while stopped: {len(during)} requests, {len(unavailable)} answered 503; "
              f"time to 503 p50 {percentile(latencies, 50) * 1000:.0f} ms, p99 "
              f"{percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms "
              f"(bound {args.fail_fast_ms} ms)")
        if not unavailable:
            problems.append("no request saw the database down (503)")
        slow = [r for r in failed if r["end"] - r["start"] > args.fail_fast_ms / 1000.0]
        if slow:
            problems.append(f"{len(slow)} requests took more than {args.fail_fast_ms} ms to fail with the database down")
        other = [r for r in failed if r["status"] != 503]
        if other:
            problems.append(f"{len(other)} requests with the database down got no 503: e.g. {other[0]}")
        ready = read_jsonl(args.readyz)
        ready_down = [r for r in ready if down <= r["start"] < up]
        # A public probe says the database cannot be reached and nothing more: the cause (with
        # its host and port) is for the log, checked by the drill's shell half.
        bad_ready = [r for r in ready_down if r["status"] != 503 or r["end"] - r["start"] > args.fail_fast_ms / 1000.0
                     or "cannot be reached" not in (r["body"] or "")]
        leaky = [r for r in ready_down if "refused" in (r["body"] or "").lower()
                 or "127.0.0.1" in (r["body"] or "")]
        print(f"[{args.drill}] /readyz while stopped: {len(ready_down)} probes, "
              f"{len(ready_down) - len(bad_ready)} answered 503 at once, "
              f"{len(leaky)} naming the database's address or the driver's message, e.g. "
              f"{(ready_down[-1]['body'] if ready_down else '')[:160]}")
        if not ready_down or bad_ready:
            problems.append(f"/readyz while stopped: {len(bad_ready)} of {len(ready_down)} probes not a quick 503 saying the database cannot be reached, e.g. {bad_ready[:1]}")
        if leaky:
            problems.append(f"/readyz told the public the database's address or the driver's message: {leaky[:1]}")
        back = [r for r in load if r["status"] == 201 and r["start"] >= up]
        if back:
            recovered = min(r["end"] for r in back) - up
            print(f"[{args.drill}] first 201 {recovered:.1f} s after PostgreSQL was started again (no restart)")
            if recovered > args.recover_secs:
                problems.append(f"recovered only {recovered:.1f} s after the database returned (bound {args.recover_secs} s)")
        else:
            problems.append("no 201 after the database returned: the service did not recover by itself")
        ready_after = [r for r in ready if r["start"] >= up + args.recover_secs]
        if ready_after and ready_after[-1]["status"] != 200:
            problems.append(f"/readyz still {ready_after[-1]['status']} after the database returned")

    if "sigterm" in events:
        signalled = events["sigterm"]
        # The slow clients had sent half their body before the signal; the rest goes after it.
        in_flight = [r for r in load if r["sent"] is not None and r["sent"] < signalled and r["end"] > signalled]
        answered = [r for r in in_flight if r["status"] == 201]
        print(f"[{args.drill}] requests in flight at SIGTERM: {len(in_flight)} ({len(slow)} slow on purpose), "
              f"answered 201: {len(answered)}")
        if len(answered) != len(in_flight) or len(slow) == 0:
            problems.append(f"requests in flight at SIGTERM not all answered 201: {[r for r in in_flight if r['status'] != 201][:2]}")

    for p in problems:
        print(f"[{args.drill}] PROBLEM: {p}")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sink")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--delay-ms", type=int, default=0)
    p = sub.add_parser("load")
    p.add_argument("--base", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--secs", type=float, required=True)
    p.add_argument("--rate", type=float, default=40)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--readyz-out")
    p = sub.add_parser("slow")
    p.add_argument("--base", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, default=4)
    p.add_argument("--ready-file", required=True)
    p.add_argument("--release-file", required=True)
    p = sub.add_parser("wait-ready")
    p.add_argument("--base", required=True)
    p.add_argument("--secs", type=float, default=60)
    p = sub.add_parser("check")
    p.add_argument("--drill", required=True)
    p.add_argument("--base", required=True)
    p.add_argument("--load", required=True)
    p.add_argument("--sink", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--events")
    p.add_argument("--slow")
    p.add_argument("--readyz")
    p.add_argument("--deliver-secs", type=float, default=60)
    p.add_argument("--no-duplicates", action="store_true")
    p.add_argument("--all-acked", action="store_true")
    p.add_argument("--min-acked", type=int, default=1)
    p.add_argument("--fail-fast-ms", type=float, default=2000)
    p.add_argument("--recover-secs", type=float, default=10)
    args = parser.parse_args()
    handler = {"sink": cmd_sink, "load": cmd_load, "slow": cmd_slow, "wait-ready": cmd_wait_ready, "check": cmd_check}
    sys.exit(handler[args.command](args) or 0)


if __name__ == "__main__":
    main()
