#!/usr/bin/env python3
"""Crash test: a real `motcua serve` killed with SIGKILL under concurrent writes, N cycles.

Each cycle: writers send dossier receipts and payments, each with its own Idempotency-Key;
every 2xx answer is *acknowledged*; the server is killed mid-load; it is started again and
every request left without an answer is retried with the same key and body until it gets
its answer (a key held by the killed process frees itself after 35 s). Then: every
acknowledged write is there (0 lost), nothing is there twice (0 duplicated), and
`motcua verify-audit` passes. Standard library only.

  tests/reliability/kill9.py --bin target/debug/motcua [--db sqlite|postgres|both] [--cycles N]
  tests/reliability/kill9.py --two            # PostgreSQL, two serve processes behind one address
  MOTCUA_CRASH_CYCLES overrides --cycles.

With --two, two `serve` processes share one PostgreSQL database behind a round-robin proxy
(one address, as a load balancer would give them); each cycle kills one of them, in turn,
while the writers go on through the other.

With --sync (implies --two), both processes also run the portal-sync dispatcher against a
standalone `motcua-sim` whose national portal fails a share of requests and loses a share of
answers while the processes are killed in turn. After the faults are lifted the outbox must
drain, and then: 0 messages lost (pending or dead), 0 progress records applied twice, 0 out of
order, and `motcua reconcile` finds the portal equal to the local state.
"""
import argparse, json, os, random, signal, socket, subprocess, sys, tempfile, threading, time, uuid
import urllib.request, urllib.error

PASSWORD = "motcua-demo-2026"
PG_BASE = os.environ.get("MOTCUA_CI_PG_BASE", "postgres://postgres@127.0.0.1:5432")


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class Client:
    def __init__(self, base):
        self.base, self.cookie, self.csrf = base, "", ""

    def call(self, method, path, body=None, headers=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("content-type", "application/json")
        if self.cookie:
            req.add_header("cookie", self.cookie)
            req.add_header("x-csrf-token", self.csrf)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null"), r.headers
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw or b"null"), e.headers
            except ValueError:
                return e.code, raw.decode(errors="replace"), e.headers

    def upload(self, data: bytes) -> str:
        """Stores a scan (POST /api/v1/files); returns its digest."""
        req = urllib.request.Request(self.base + "/api/v1/files", data=data, method="POST")
        req.add_header("content-type", "application/octet-stream")
        req.add_header("cookie", self.cookie)
        req.add_header("x-csrf-token", self.csrf)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())["file"]

    def sign_in(self, username):
        req = urllib.request.Request(self.base + "/api/v1/session", method="POST",
                                     data=json.dumps({"username": username, "password": PASSWORD}).encode())
        req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:
            self.cookie = r.headers["set-cookie"].split(";")[0]
            self.csrf = json.loads(r.read())["csrf_token"]


# A one-page scan for the components the catalogue says must be digitised.
SCAN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The standalone simulator's keys (motcua_sim::SimConfig::default()).
SIM_KEYS = {
    "MOTCUA_OIDC_CLIENT_SECRET": "motcua-sim-oidc-secret",
    "MOTCUA_PAYMENT_SECRET": "motcua-sim-payment-secret",
    "MOTCUA_PORTAL_SECRET": "motcua-sim-portal-secret",
    "MOTCUA_TAX_SECRET": "motcua-sim-tax-secret",
    "MOTCUA_TREASURY_SECRET": "motcua-sim-treasury-secret",
}


class Server:
    def __init__(self, binary, url, folder, demo, gov=None):
        self.binary, self.url, self.folder, self.demo, self.gov = binary, url, folder, demo, gov
        self.port, self.proc = free_port(), None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        cmd = [self.binary, "--database-url", self.url]
        if self.demo:
            cmd += ["demo", "--bind", f"127.0.0.1:{self.port}", "--sim-bind", f"127.0.0.1:{free_port()}",
                    "--dossiers", "20", "--files-dir", os.path.join(self.folder, "files")]
        else:
            cmd += ["serve", "--bind", f"127.0.0.1:{self.port}", "--files-dir", os.path.join(self.folder, "files")]
            # Without the systems, no process dispatches; with them, each one does.
            cmd += [] if self.gov else ["--no-worker"]
        log = open(os.path.join(self.folder, "serve.log"), "ab")
        env = dict(os.environ, **(gov_env(self.gov) if self.gov else {}))
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=self.folder, env=env)
        for _ in range(600):
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except Exception:
                pass
            if self.proc.poll() is not None:
                sys.exit(f"motcua exited: see {self.folder}/serve.log")
            time.sleep(0.1)
        sys.exit("motcua did not become ready")

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        self.proc.wait()


def gov_env(sim_base):
    return dict(SIM_KEYS, MOTCUA_GOV_URL=sim_base)


class Sim:
    """The standalone simulator of the government systems (`motcua-sim`, beside `motcua`)."""

    def __init__(self, binary, folder):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        sim = os.path.join(os.path.dirname(binary), "motcua-sim")
        log = open(os.path.join(folder, "sim.log"), "ab")
        self.proc = subprocess.Popen([sim, f"127.0.0.1:{self.port}"], stdout=log, stderr=log)
        for _ in range(300):
            try:
                with urllib.request.urlopen(self.base + "/_sim/faults", timeout=1):
                    return
            except Exception:
                time.sleep(0.1)
        sys.exit(f"motcua-sim did not start: see {folder}/sim.log")

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
        req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def stop(self):
        self.proc.terminate(); self.proc.wait()


def psql_value(url, sql):
    out = subprocess.run(["psql", url, "-tAc", sql], capture_output=True, text=True, check=True)
    return int(out.stdout.strip() or 0)


def check_sync(binary, url, folder, sim):
    """After the faults: wait for the outbox to drain, then count what the portal got."""
    sim.call("DELETE", "/_sim/faults")
    pending = lambda: psql_value(url, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL")
    deadline = time.time() + 300
    while pending() and time.time() < deadline:
        time.sleep(2)
    lost = pending() + psql_value(url, "SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL")
    sent = psql_value(url, "SELECT count(*) FROM outbox")
    portal = sim.call("GET", "/_sim/dvcqg")
    twice = 0
    for records in portal["progress"].values():
        seqs = [r.get("STT") for r in records]
        twice += len(seqs) - len(set(seqs))
    check = subprocess.run([binary, "--database-url", url, "reconcile"], cwd=folder, capture_output=True,
                           text=True, env=dict(os.environ, **gov_env(sim.base)))
    equal = check.returncode == 0
    print(f"sync two processes: messages {sent}, lost {lost}, applied twice {twice}, "
          f"out of order {portal['out_of_order']}, repeats recognised {portal['duplicates']}, "
          f"portal = local {'yes' if equal else 'NO'}")
    if not equal:
        print(check.stdout[-2000:], check.stderr[-2000:])
    return lost == 0 and twice == 0 and portal["out_of_order"] == 0 and equal


class Proxy:
    """A round-robin TCP proxy: one address in front of several servers; a server that does
    not accept a connection is skipped, as a load balancer's health check would."""

    def __init__(self, ports):
        self.ports, self.next = ports, 0
        self.sock = socket.socket(); self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0)); self.sock.listen(256)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            client, _ = self.sock.accept()
            threading.Thread(target=self.handle, args=(client,), daemon=True).start()

    def handle(self, client):
        upstream = None
        for _ in range(len(self.ports)):
            port = self.ports[self.next % len(self.ports)]; self.next += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", port), timeout=2); break
            except OSError:
                continue
        if upstream is None:
            client.close(); return
        upstream.settimeout(None)

        def pipe(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                for x in (a, b):
                    try: x.shutdown(socket.SHUT_RDWR)
                    except OSError: pass
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        pipe(upstream, client)


def dossier_body(unit, documents, tag):
    return {
        "procedure_code": "1.013833", "channel": "counter",
        "receiving_agency": unit, "resolving_agency": "000.11.12.H48",
        "applicant": {"type": "person", "id": "048190000001", "name": tag, "born": None,
                      "address": "Phường Hải Châu, Thành phố Đà Nẵng", "phone": "0905123456", "email": None},
        "documents": documents,
    }


def run(binary, kind, cycles, writers, two=False, sync=False):
    folder = tempfile.mkdtemp(prefix=f"motcua-kill9-{kind}-")
    if kind == "sqlite":
        url, dbname = f"sqlite:{folder}/motcua.db", None
    else:
        dbname = f"kill9_{os.getpid()}_{int(time.time())}"
        subprocess.run(["psql", f"{PG_BASE}/postgres", "-qc", f"CREATE DATABASE {dbname}"], check=True)
        url = f"{PG_BASE}/{dbname}"
    try:
        # The demo seeds the province once; the cycles run `serve` on it. With the portal
        # sync under test, nothing may have been sent anywhere before: seed only.
        sim = Sim(binary, folder) if sync else None
        if sync:
            subprocess.run([binary, "--database-url", url, "demo", "--seed-only", "--dossiers", "20",
                            "--files-dir", os.path.join(folder, "files")], cwd=folder, check=True,
                           stdout=subprocess.DEVNULL)
        else:
            seed = Server(binary, url, folder, demo=True)
            seed.start(); seed.kill(signal.SIGTERM)
        servers = [Server(binary, url, folder, demo=False, gov=sim and sim.base) for _ in range(2 if two else 1)]
        if sync:
            # A fifth of the portal's answers fail, half of those after the work was done.
            sim.call("POST", "/_sim/faults", [
                {"path_prefix": "/dvcqg/DongBo", "error_rate_percent": 20, "lose_answer": True},
                {"path_prefix": "/dvcqg/CapNhat", "error_rate_percent": 20, "status": 502},
            ])
        for one in servers:
            one.start()
        base = Proxy([one.port for one in servers]).base if two else servers[0].base
        c = Client(base); c.sign_in("mc1")
        unit = c.call("GET", "/api/v1/session")[1]["units"][0]
        proc = c.call("GET", "/api/v1/procedures/1.013833")[1]
        # The land forms must be digitised at the desk: each comes with its scan.
        scan = c.upload(SCAN)
        documents = [{"code": d["code"], "name": d["name"], "originals": 1, "copies": 0,
                      "file": scan if d.get("digitise") else None,
                      "reused_from": None} for d in proc["documents"] if d.get("mandatory")]
        acked, unknown, lock = {}, {}, threading.Lock()
        created = []  # dossier ids acknowledged, for payments
        stats = {"acknowledged": 0, "retried": 0, "committed_before_kill": 0, "5xx": 0}

        def writer(stop):
            while not stop.is_set():
                key = str(uuid.uuid4())
                with lock:
                    target = random.choice(created) if created and random.random() < 0.5 else None
                if target:
                    ref = "BL-" + key[:12]
                    req = ("POST", f"/api/v1/dossiers/{target}/commands/record_payment",
                           {"reference": ref, "purpose": "fees", "amount": 1000}, ("payment", target, ref))
                else:
                    tag = "Kiểm thử " + key[:13]
                    req = ("POST", "/api/v1/dossiers", dossier_body(unit, documents, tag), ("dossier", tag))
                try:
                    status, body, _ = c.call(req[0], req[1], req[2], {"idempotency-key": key}, timeout=5)
                except Exception:
                    with lock:
                        unknown[key] = req
                    continue
                with lock:
                    if status >= 500:
                        stats["5xx"] += 1
                    if 200 <= status < 300:
                        acked[key] = req
                        stats["acknowledged"] += 1
                        if req[3][0] == "dossier":
                            created.append(body["id"])
                    elif status not in (409, 412, 422):
                        unknown[key] = req

        for cycle in range(cycles):
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(stop,)) for _ in range(writers)]
            for t in threads: t.start()
            time.sleep(random.uniform(0.8, 2.0))
            victim = servers[cycle % len(servers)]
            victim.kill()
            # With two processes the writers go on through the other one for a while.
            time.sleep(1.0 if two else 0)
            stop.set()
            for t in threads: t.join()
            victim.start()
            # Every request left without an answer gets one now: the committed result, or
            # the command run once if it had not committed. A key the dead process held
            # frees itself after 35 s.
            for key, req in list(unknown.items()):
                deadline = time.time() + 50
                while True:
                    status, body, _ = c.call(req[0], req[1], req[2], {"idempotency-key": key})
                    if status == 409 and time.time() < deadline:
                        time.sleep(2); continue
                    break
                if status >= 500:
                    stats["5xx"] += 1
                if not 200 <= status < 300:
                    sys.exit(f"{kind}: retry of {key} answered {status}: {body}")
                stats["retried"] += 1
                acked[key] = req
                if req[3][0] == "dossier":
                    created.append(body["id"])
                del unknown[key]
        # Lost: an acknowledged dossier or payment missing. Duplicated: one there twice.
        lost = duplicated = 0
        names = {}
        cursor = None
        while True:
            path = "/api/v1/dossiers?limit=200" + (f"&cursor={cursor}" if cursor else "")
            page = c.call("GET", path)[1]
            for item in page["items"]:
                names[item["applicant_name"]] = names.get(item["applicant_name"], 0) + 1
            cursor = page.get("next_cursor")
            if not cursor:
                break
        payments = {}
        for key, req in acked.items():
            what = req[3]
            if what[0] == "dossier":
                n = names.get(what[1], 0)
                lost += n == 0
                duplicated += max(0, n - 1)
            else:
                payments.setdefault(what[1], []).append(what[2])
        for dossier, refs in payments.items():
            d = c.call("GET", f"/api/v1/dossiers/{dossier}")[1]
            seen = [p["reference"] for p in d["payments"]]
            for ref in refs:
                lost += ref not in seen
                duplicated += max(0, seen.count(ref) - 1)
        synced = check_sync(binary, url, folder, sim) if sync else True
        for one in servers:
            one.kill(signal.SIGTERM)
        if sim:
            sim.stop()
        audit = subprocess.run([binary, "--database-url", url, "verify-audit"], capture_output=True, text=True)
        clean = audit.returncode == 0
        label = f"{kind}, two processes" if two else kind
        print(f"crash {label}: cycles {cycles}, acknowledged {stats['acknowledged']}, retried {stats['retried']}, "
              f"lost {lost}, duplicated {duplicated}, 5xx {stats['5xx']}, verify-audit {'clean' if clean else 'BROKEN'}")
        if not clean:
            print(audit.stdout, audit.stderr)
        return lost == 0 and duplicated == 0 and stats["5xx"] == 0 and clean and synced
    finally:
        if dbname:
            subprocess.run(["psql", f"{PG_BASE}/postgres", "-qc", f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"])


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--bin", default=os.environ.get("MOTCUA_BIN", os.path.expanduser("~/.cache/motcua-target/debug/motcua")))
    a.add_argument("--db", default="both", choices=["sqlite", "postgres", "both"])
    a.add_argument("--cycles", type=int, default=int(os.environ.get("MOTCUA_CRASH_CYCLES", "2")))
    a.add_argument("--writers", type=int, default=6)
    a.add_argument("--two", action="store_true", help="PostgreSQL, two serve processes behind one address")
    a.add_argument("--sync", action="store_true", help="--two, and both dispatch to a faulty national portal")
    args = a.parse_args()
    if args.two or args.sync:
        ok = run(args.bin, "postgres", args.cycles, args.writers, two=True, sync=args.sync)
        sys.exit(0 if ok else 1)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    ok = all([run(args.bin, k, args.cycles, args.writers) for k in kinds])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
