#!/usr/bin/env python3
"""Crash test: `motcua serve` killed with SIGKILL under concurrent writes, restarted, checked.

For each database (SQLite, PostgreSQL or both) a province is set up from nothing the way an IT
centre would: `motcua init --province 48` in a fresh folder, then an API token for a desk system
(`motcua accounts token-create --role desk_officer --unit <the province's service centre>`).
Then N cycles of:

  1. `motcua serve` is started and /readyz awaited;
  2. W writer threads send POSTs, each with its own Idempotency-Key: dossier receipts
     (`POST /api/v1/dossiers`) and payments on the writer's own dossiers
     (`POST /api/v1/dossiers/{id}/commands/record_payment`); a 2xx answer is *acknowledged*
     (with the id, code and version it answered), a request without an answer is *unknown*;
  3. after a random 0.5-2 s the process is killed with SIGKILL;
  4. `motcua verify-audit` runs on the database as the crash left it;
  5. serve is started again on the same database, and every unknown request is sent again
     with the same key and the same bytes: it must answer 2xx with the committed result (the
     same dossier, the same version) when it had committed, or run once now when it had not.
     A key the dead process had reserved answers 409 until its reservation expires; such a key
     is tried again after every later restart and, at the end, with backoff until 70 s have
     passed since the kill that orphaned it (then it is *stuck*). Any 5xx fails;
  6. every write acknowledged or retried in this cycle is read back.

At the end every dossier and payment is read back once more: 0 lost (an acknowledged write
missing or different), 0 duplicated (a receipt or payment reference there twice, more dossiers
than creation keys), 0 phantom (a write no request asked for), 0 5xx, 0 unexpected answers,
0 stuck keys, and `motcua verify-audit` clean. Exit status 1 otherwise.

Standard library only (Python 3.11). No build: give it a binary.

  tests/reliability/crash.py [--bin PATH] [--db sqlite|postgres|both] [--cycles N] [--writers W]
  MOTCUA_BIN, MOTCUA_CRASH_CYCLES (overrides --cycles), MOTCUA_CI_PG_BASE
  (default postgres://postgres@127.0.0.1:5432; a database crash_<pid>_<n> is made and dropped).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

PROVINCE = "48"
PROCEDURE = "1.013833"
PG_BASE = os.environ.get("MOTCUA_CI_PG_BASE", "postgres://postgres@127.0.0.1:5432")
DEFAULT_BIN = os.path.expanduser("~/.cache/motcua-target/debug/motcua")
STUCK_AFTER = 70.0  # seconds after the kill; the service frees an orphaned key after 35 s
LOAD_TIMEOUT = 15.0  # a writer's request timeout


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Transport(Exception):
    """No HTTP answer. `sent` is False when the connection was refused (nothing reached the
    server), True when the request may have reached it."""

    def __init__(self, sent: bool, what: str):
        super().__init__(what)
        self.sent = sent


# A one-page scan for the components the catalogue says must be digitised.
SCAN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(base, token, data: bytes) -> str:
    """Stores a scan (POST /api/v1/files); returns its digest."""
    req = urllib.request.Request(base + "/api/v1/files", data=data, method="POST")
    req.add_header("authorization", f"Bearer {token}")
    req.add_header("content-type", "application/octet-stream")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["file"]


def call(base, token, method, path, body: bytes | None = None, key=None, timeout=10.0):
    req = urllib.request.Request(base + path, data=body, method=method)
    req.add_header("authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("content-type", "application/json")
    if key:
        req.add_header("idempotency-key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        try:
            raw = e.read()
        except (OSError, http.client.HTTPException) as inner:
            raise Transport(True, f"{e.code} then {inner!r}")
        status = e.code
    except urllib.error.URLError as e:
        refused = isinstance(e.reason, ConnectionRefusedError)
        raise Transport(not refused, repr(e.reason))
    except ConnectionRefusedError as e:
        raise Transport(False, repr(e))
    except (OSError, http.client.HTTPException) as e:
        raise Transport(True, repr(e))
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


@dataclass
class Req:
    key: str
    kind: str  # "create" | "pay"
    path: str
    body: bytes
    cycle: int
    tag: str = ""  # create: the applicant's name, unique
    ref: str = ""  # pay: the payment reference, unique
    dossier: str = ""  # pay: the dossier; create: the id it answered
    code: str = ""  # create: the code it answered
    version: int = 0  # the version it answered
    state: str = "new"  # acked | unknown | retried
    committed_before_retry: bool | None = None
    orphaned_at: float = 0.0  # time of the kill that left it unanswered
    was_held: bool = False  # a retry was answered 409
    checked: bool = False


@dataclass
class Tally:
    acknowledged: int = 0
    unknown: int = 0
    retried: int = 0
    retried_committed: int = 0
    held: int = 0  # retries answered 409 (reservation of a dead process)
    longest_hold: float = 0.0
    lost: int = 0
    duplicated: int = 0
    phantom: int = 0
    status5xx: int = 0
    unexpected: int = 0
    stuck: int = 0
    audit_failures: int = 0
    cycles: int = 0
    problems: list = field(default_factory=list)

    def problem(self, what, text):
        setattr(self, what, getattr(self, what) + 1)
        if len(self.problems) < 40:
            self.problems.append(f"{what}: {text}")


class Server:
    def __init__(self, binary, url, folder):
        self.binary, self.url, self.folder = binary, url, folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, label):
        log = open(os.path.join(self.folder, "serve.log"), "ab")
        log.write(f"\n===== crash.py: start ({label}) =====\n".encode())
        log.flush()
        cmd = [self.binary, "--database-url", self.url, "serve", "--bind", f"127.0.0.1:{self.port}",
               "--public-url", self.base, "--files-dir", os.path.join(self.folder, "files"),
               "--signing-key", os.path.join(self.folder, "signing.key")]
        started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=self.folder)
        log.close()
        while time.monotonic() - started < 60:
            if self.proc.poll() is not None:
                raise SystemExit(f"motcua serve exited with {self.proc.returncode}: see {self.folder}/serve.log")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise SystemExit(f"motcua serve not ready after 60 s: see {self.folder}/serve.log")

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def run_cli(binary, url, args, cwd):
    out = subprocess.run([binary, "--database-url", url, *args], cwd=cwd, capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def psql(sql):
    subprocess.run(["psql", f"{PG_BASE}/postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                   check=True, capture_output=True, text=True)


class Run:
    """One database: set up, cycles, final check."""

    def __init__(self, binary, kind, n, cycles, writers, seed, keep):
        self.binary, self.kind, self.cycles, self.writers, self.keep = binary, kind, cycles, writers, keep
        self.rng = random.Random(seed)
        self.folder = tempfile.mkdtemp(prefix=f"motcua-crash-{kind}-")
        self.dbname = None
        if kind == "sqlite":
            self.url = f"sqlite:{self.folder}/motcua.db"
        else:
            self.dbname = f"crash_{os.getpid()}_{n}"
            self.url = f"{PG_BASE}/{self.dbname}"
        self.t = Tally()
        self.lock = threading.Lock()
        self.reqs: list[Req] = []
        self.owned: list[list[str]] = [[] for _ in range(writers)]
        self.server: Server | None = None

    # ---- set-up, as an IT centre does it ----
    def setup(self):
        if self.dbname:
            psql(f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)")
            psql(f"CREATE DATABASE {self.dbname}")
        rc, out, err = run_cli(self.binary, self.url, ["init", "--province", PROVINCE, "--json"], self.folder)
        if rc != 0:
            raise SystemExit(f"motcua init failed ({rc}): {out}{err}")
        with open(os.path.join(self.folder, json.loads(out)["agency_file"]), "rb") as f:
            agencies = tomllib.load(f)["agency"]
        centre = next(a["code"] for a in agencies if a["kind"] == "public_service_centre")
        branch = next(a["code"] for a in agencies if a["kind"] == "land_registration_branch")
        rc, out, err = run_cli(self.binary, self.url, ["accounts", "token-create", "--role", "desk_officer",
                                                        "--unit", centre, "crash-test"], self.folder)
        found = re.search(r"\b([0-9a-f]{64})\b", out)
        if rc != 0 or not found:
            raise SystemExit(f"motcua accounts token-create failed ({rc}): {out}{err}")
        self.token = found.group(1)
        self.centre, self.branch = centre, branch
        self.server = Server(self.binary, self.url, self.folder)
        self.server.start("set-up")
        status, proc = call(self.server.base, self.token, "GET", f"/api/v1/procedures/{PROCEDURE}")
        if status != 200:
            raise SystemExit(f"procedure {PROCEDURE}: {status} {proc}")
        # The land forms must be digitised at the desk: each comes with its scan.
        scan = upload(self.server.base, self.token, SCAN)
        self.documents = [{"code": d["code"], "name": d["name"], "originals": 1, "copies": 0,
                           "file": scan if d.get("digitise") else None,
                           "reused_from": None} for d in proc["documents"] if d["mandatory"]]
        self.server.kill(signal.SIGTERM)

    # ---- requests ----
    def new_create(self, cycle) -> Req:
        key = f"crash-{uuid.uuid4().hex}"
        tag = f"Kiểm thử sập nguồn {key[6:22]}"
        body = {"procedure_code": PROCEDURE, "channel": "counter", "receiving_agency": self.centre,
                "resolving_agency": self.branch,
                "applicant": {"type": "person", "id": "048190000001", "name": tag, "born": None,
                              "address": "Phường Hải Châu, Thành phố Đà Nẵng", "phone": "0905123456",
                              "email": None},
                "documents": self.documents}
        return Req(key, "create", "/api/v1/dossiers", json.dumps(body, ensure_ascii=False).encode(), cycle, tag=tag)

    def new_payment(self, cycle, dossier) -> Req:
        key = f"crash-{uuid.uuid4().hex}"
        ref = f"BL-{key[6:22]}"
        body = {"reference": ref, "purpose": "fees", "amount": 1000}
        return Req(key, "pay", f"/api/v1/dossiers/{dossier}/commands/record_payment",
                   json.dumps(body).encode(), cycle, ref=ref, dossier=dossier)

    def check_answer(self, req: Req, status, body, when) -> bool:
        """A 2xx answer: is it the answer to this request? Records what it answered."""
        if not isinstance(body, dict) or "id" not in body:
            self.t.problem("unexpected", f"{when} {req.key}: {status} without a dossier: {str(body)[:200]}")
            return False
        req.version = int(body.get("version", 0))
        if req.kind == "create":
            if body["applicant"]["name"] != req.tag:
                self.t.problem("unexpected", f"{when} {req.key}: answered dossier {body['id']} of {body['applicant']['name']!r}")
                return False
            req.dossier, req.code = body["id"], body["code"]
        else:
            refs = [p["reference"] for p in body.get("payments", [])]
            if body["id"] != req.dossier or refs.count(req.ref) != 1:
                self.t.problem("unexpected", f"{when} {req.key}: answer shows {req.ref} {refs.count(req.ref)} times on {body['id']}")
                return False
        return True

    def writer(self, w, cycle, stop: threading.Event):
        rng = random.Random(self.rng.random())
        base = self.server.base
        while not stop.is_set():
            own = self.owned[w]
            if own and rng.random() < 0.6:
                req = self.new_payment(cycle, rng.choice(own[-4:]))
            else:
                req = self.new_create(cycle)
            try:
                status, body = call(base, self.token, "POST", req.path, req.body, req.key, timeout=LOAD_TIMEOUT)
            except Transport as e:
                if e.sent:
                    req.state = "unknown"
                    with self.lock:
                        self.reqs.append(req)
                        self.t.unknown += 1
                else:
                    # Refused: the server is gone; nothing was sent.
                    time.sleep(0.05)
                continue
            with self.lock:
                self.reqs.append(req)
                if 200 <= status < 300:
                    if self.check_answer(req, status, body, "answer"):
                        req.state = "acked"
                        self.t.acknowledged += 1
                        if req.kind == "create":
                            own.append(req.dossier)
                    else:
                        req.state = "bad"
                elif status >= 500:
                    req.state = "bad"
                    self.t.problem("status5xx", f"load {req.kind} {req.key}: {status} {str(body)[:200]}")
                else:
                    # Unique keys, each dossier written by one writer at a time: nothing here
                    # should be refused.
                    req.state = "bad"
                    self.t.problem("unexpected", f"load {req.kind} {req.key}: {status} {str(body)[:200]}")

    # ---- reading back ----
    def all_dossiers(self):
        items, cursor = [], None
        while True:
            path = "/api/v1/dossiers?limit=200" + (f"&cursor={cursor}" if cursor else "")
            status, page = call(self.server.base, self.token, "GET", path, timeout=30)
            if status != 200:
                raise SystemExit(f"{self.kind}: listing dossiers answered {status}: {page}")
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    def dossier(self, id_):
        status, d = call(self.server.base, self.token, "GET", f"/api/v1/dossiers/{id_}", timeout=30)
        if status == 404:
            return None
        if status != 200:
            raise SystemExit(f"{self.kind}: GET dossier {id_} answered {status}: {d}")
        return d

    def db_count(self, sql):
        if self.kind == "sqlite":
            con = sqlite3.connect(f"file:{self.folder}/motcua.db?mode=ro", uri=True, timeout=30)
            try:
                return con.execute(sql).fetchone()[0]
            finally:
                con.close()
        out = subprocess.run(["psql", self.url, "-qAtc", sql], check=True, capture_output=True, text=True)
        return int(out.stdout.strip())

    # ---- after a restart: every unknown request again, with its key ----
    def retry_pending(self, final):
        pending = [r for r in self.reqs if r.state == "unknown"]
        if not pending:
            return
        by_tag = {}
        for item in self.all_dossiers():
            by_tag.setdefault(item["applicant_name"], []).append(item["id"])
        cache = {}
        for r in pending:
            if r.committed_before_retry is not None:
                continue  # known from an earlier look (a held key): the first look stands
            if r.kind == "create":
                r.committed_before_retry = r.tag in by_tag
            else:
                if r.dossier not in cache:
                    cache[r.dossier] = self.dossier(r.dossier)
                refs = [p["reference"] for p in (cache[r.dossier] or {}).get("payments", [])]
                r.committed_before_retry = r.ref in refs
        backoff = 0.5
        while pending:
            still = []
            for r in pending:
                try:
                    status, body = call(self.server.base, self.token, "POST", r.path, r.body, r.key, timeout=30)
                except Transport as e:
                    self.t.problem("unexpected", f"retry {r.key}: no answer from a running server: {e}")
                    r.state = "bad"
                    continue
                waited = time.monotonic() - r.orphaned_at
                if 200 <= status < 300:
                    if not self.check_answer(r, status, body, "retry"):
                        r.state = "bad"
                        continue
                    r.state = "retried"
                    self.t.retried += 1
                    if r.was_held:
                        self.t.longest_hold = max(self.t.longest_hold, waited)
                    if r.kind == "create":
                        if r.committed_before_retry:
                            self.t.retried_committed += 1
                            if body["id"] not in by_tag.get(r.tag, []):
                                self.t.problem("duplicated", f"retry {r.key}: receipt had committed as {by_tag[r.tag]} but the retry answered {body['id']}")
                        self.owned[hash(r.key) % self.writers].append(r.dossier)
                    elif r.committed_before_retry:
                        self.t.retried_committed += 1
                elif status == 409:
                    self.t.held += 1
                    r.was_held = True
                    if waited > STUCK_AFTER:
                        self.t.problem("stuck", f"{r.kind} {r.key}: still 409 {waited:.0f} s after the kill: {str(body)[:200]}")
                        r.state = "bad"
                    else:
                        still.append(r)
                elif status >= 500:
                    self.t.problem("status5xx", f"retry {r.kind} {r.key}: {status} {str(body)[:200]}")
                    r.state = "bad"
                else:
                    self.t.problem("unexpected", f"retry {r.kind} {r.key} (committed before: {r.committed_before_retry}): {status} {str(body)[:200]}")
                    r.state = "bad"
            pending = still
            if not final:
                return  # held keys are tried again after the next restart
            if pending:
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    # ---- checks ----
    def check(self, reqs, label):
        """Every write in `reqs` that was acknowledged or retried is there, once, as answered."""
        done = [r for r in reqs if r.state in ("acked", "retried")]
        for r in done:
            r.checked = True
        touched = {r.dossier for r in done}
        seen = {}
        for id_ in touched:
            seen[id_] = self.dossier(id_)
        for r in done:
            d = seen[r.dossier]
            if d is None:
                self.t.problem("lost", f"{label}: {r.kind} {r.key} ({r.state}): dossier {r.dossier} is gone")
                continue
            if r.kind == "create":
                if d["code"] != r.code or d["applicant"]["name"] != r.tag:
                    self.t.problem("lost", f"{label}: receipt {r.key}: {r.dossier} is {d['code']} / {d['applicant']['name']!r}, answered {r.code} / {r.tag!r}")
                opened = [h for h in d.get("history", []) if h["kind"] == "opened"]
                if len(opened) != 1:
                    self.t.problem("duplicated", f"{label}: dossier {r.dossier} opened {len(opened)} times")
            else:
                refs = [p["reference"] for p in d["payments"]]
                n = refs.count(r.ref)
                if n == 0:
                    self.t.problem("lost", f"{label}: payment {r.ref} ({r.key}, {r.state}) missing from {r.dossier}")
                elif n > 1:
                    self.t.problem("duplicated", f"{label}: payment {r.ref} {n} times on {r.dossier}")
                events = [h for h in d.get("history", []) if h["kind"] == "payment_recorded"
                          and h["event"]["payment"]["reference"] == r.ref]
                if len(events) != 1 or events[0]["seq"] != r.version:
                    self.t.problem("lost", f"{label}: payment {r.ref}: history {[e['seq'] for e in events]}, answered version {r.version}")
        return seen

    def final_check(self):
        items = self.all_dossiers()
        ids = [i["id"] for i in items]
        codes = [i["code"] for i in items]
        if len(set(ids)) != len(ids):
            self.t.problem("duplicated", "the dossier list shows an id twice")
        if len(set(codes)) != len(codes):
            dup = sorted({c for c in codes if codes.count(c) > 1})[:5]
            self.t.problem("duplicated", f"dossier codes given twice: {dup}")
        creations = {r.tag: r for r in self.reqs if r.kind == "create" and r.state in ("acked", "retried")}
        payments = {r.ref: r for r in self.reqs if r.kind == "pay" and r.state in ("acked", "retried")}
        asked = {r.tag for r in self.reqs if r.kind == "create"}
        by_tag = {}
        for i in items:
            by_tag.setdefault(i["applicant_name"], []).append(i["id"])
        for tag, ids_ in by_tag.items():
            if len(ids_) > 1:
                self.t.problem("duplicated", f"receipt {tag!r} is there {len(ids_)} times: {ids_}")
            elif tag not in creations:
                what = "refused or failed request" if tag in asked else "no request"
                self.t.problem("phantom", f"dossier {ids_[0]} ({tag!r}) written by a {what}")
        if len(items) != len(creations):
            self.t.problem("duplicated" if len(items) > len(creations) else "lost",
                           f"{len(items)} dossiers for {len(creations)} creation keys answered 2xx")
        stored = self.db_count("SELECT count(*) FROM dossiers")
        if stored != len(items):
            self.t.problem("unexpected", f"the database holds {stored} dossiers, the list shows {len(items)}")
        seen = self.check(self.reqs, "final")
        for tag, r in creations.items():
            if tag not in by_tag:
                self.t.problem("lost", f"final: receipt {r.key} ({r.state}, {r.dossier}) not in the list")
        # Every payment on every dossier was asked for, once.
        for id_ in set(ids) - set(seen):
            seen[id_] = self.dossier(id_)
        all_refs = [p["reference"] for d in seen.values() if d for p in d["payments"]]
        for ref in set(all_refs):
            if all_refs.count(ref) > 1:
                self.t.problem("duplicated", f"payment {ref} {all_refs.count(ref)} times")
            if ref not in payments:
                self.t.problem("phantom", f"payment {ref} written by no answered request")
        held = self.db_count("SELECT count(*) FROM idempotency_keys WHERE status = 0")
        return len(items), len(all_refs), held

    def audit(self, label):
        rc, out, err = run_cli(self.binary, self.url, ["verify-audit"], self.folder)
        if rc != 0:
            self.t.problem("audit_failures", f"verify-audit {label} exited {rc}: {(out + err).strip()[:500]}")

    # ---- the run ----
    def run(self):
        t0 = time.monotonic()
        recover = []
        try:
            self.setup()
            for cycle in range(1, self.cycles + 1):
                recover.append(self.server.start(f"cycle {cycle}"))
                if cycle > 1:
                    self.retry_pending(final=False)
                    self.check([r for r in self.reqs if not r.checked], f"after cycle {cycle - 1}")
                stop = threading.Event()
                threads = [threading.Thread(target=self.writer, args=(w, cycle, stop), daemon=True)
                           for w in range(self.writers)]
                for th in threads:
                    th.start()
                time.sleep(self.rng.uniform(0.5, 2.0))
                self.server.kill(signal.SIGKILL)
                killed = time.monotonic()
                stop.set()
                for th in threads:
                    th.join()
                for r in self.reqs:
                    if r.state == "unknown" and not r.orphaned_at:
                        r.orphaned_at = killed
                self.t.cycles += 1
                self.audit(f"after the kill of cycle {cycle}")
            recover.append(self.server.start("final"))
            self.retry_pending(final=True)
            dossiers, payments, held = self.final_check()
            self.server.kill(signal.SIGTERM)
            self.audit("at the end")
        finally:
            if self.server:
                self.server.kill()
            if self.dbname:
                try:
                    psql(f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)")
                except subprocess.CalledProcessError as e:
                    print(f"could not drop {self.dbname}: {e.stderr}", file=sys.stderr)
        t = self.t
        ok = not (t.lost or t.duplicated or t.phantom or t.status5xx or t.unexpected or t.stuck or t.audit_failures)
        print(f"crash {self.kind}: cycles {t.cycles}, acknowledged {t.acknowledged}, lost {t.lost}, "
              f"duplicated {t.duplicated}, phantom {t.phantom}, retried {t.retried} "
              f"(answered with the committed result {t.retried_committed}; 409 while held {t.held} times, "
              f"longest {t.longest_hold:.0f} s after the kill), "
              f"5xx {t.status5xx}, unexpected {t.unexpected}, stuck {t.stuck}, "
              f"verify-audit {'clean' if not t.audit_failures else 'FAILED'}; "
              f"{dossiers} dossiers, {payments} payments, {held} reservations left; "
              f"restart to ready max {max(recover):.1f} s; {time.monotonic() - t0:.0f} s", flush=True)
        for p in t.problems:
            print(f"  {self.kind}: {p}", file=sys.stderr)
        if ok and not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            print(f"  {self.kind}: folder kept: {self.folder} (serve.log)", file=sys.stderr)
        return ok, t


def main():
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("--bin", default=os.environ.get("MOTCUA_BIN", DEFAULT_BIN))
    a.add_argument("--db", default="both", choices=["sqlite", "postgres", "both"])
    a.add_argument("--cycles", type=int, default=5)
    a.add_argument("--writers", type=int, default=8)
    a.add_argument("--seed", type=int, default=None, help="random seed (printed)")
    a.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = a.parse_args()
    if os.environ.get("MOTCUA_CRASH_CYCLES"):
        args.cycles = int(os.environ["MOTCUA_CRASH_CYCLES"])
    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        sys.exit(f"no motcua binary at {args.bin} (give --bin or MOTCUA_BIN)")
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    print(f"crash test: {args.bin}, {args.cycles} cycles, {args.writers} writers, seed {seed}", flush=True)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    started = time.monotonic()
    results = [Run(args.bin, k, n, args.cycles, args.writers, seed + n, args.keep).run() for n, k in enumerate(kinds)]
    ok = all(r[0] for r in results)
    s = lambda name: sum(getattr(r[1], name) for r in results)
    print(f"crash total: {len(kinds)} databases, cycles {s('cycles')}, acknowledged {s('acknowledged')}, "
          f"lost {s('lost')}, duplicated {s('duplicated')}, phantom {s('phantom')}, retried {s('retried')} "
          f"(answered with the committed result {s('retried_committed')}), 5xx {s('status5xx')}, "
          f"unexpected {s('unexpected')}, stuck {s('stuck')}, verify-audit failures {s('audit_failures')}: "
          f"{'PASS' if ok else 'FAIL'} in {time.monotonic() - started:.0f} s", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
