#!/usr/bin/env python3
"""The periodic report (KPI.md §2) computed straight from legacy `DongBoHoSoMC` exports,
independently of motcua's code, to check what `motcua report` says once they are imported.

    report.py binh_dinh.jsonl gia_lai.jsonl --from 2025-03-01 --to 2025-03-31 --by agency --json \
        --agencies agencies-52.toml --catalog catalog/

prints the same JSON as `motcua --json report --from … --to … --by agency` (keys, order, rows),
so the two can be diffed. Records motcua's importer refuses are left out: the reader's rules
(crates/motcua-core/src/import/record.rs) are re-implemented here, and a code repeated in a
batch of 500 is refused as the importer does. With --agencies (the installation's agency file)
and --catalog (a `motcua catalog export` folder) records naming unknown units or procedures are
left out too, former procedure codes count under today's, units merged away count in their
successor's row (--units current) and rows are named; without them every code is taken as it is.
--malformed FILE.malformed.txt (from generate.py) is compared with what this script refuses.

Counting (KPI.md §1–2), all instants Vietnam time as the record writes them:
  received   NgayTiepNhan, unless the status is 3 (không tiếp nhận);
  ended      status 9/10: finished at NgayKetThucXuLy, else NgayTra, classified against
             NgayHenTra (early: an earlier calendar day; on time: the due day, at or before the
             due instant; late: after it); status 8: refused, 7: withdrawn, at NgayKetThucXuLy;
  unit       the resolving agency DonViXuLy (DonViTiepNhan when empty);
  row        carried over = received before the period and not ended before it; received in the
             period by channel; ended in the period by kind; in process at the end = received
             by the end and not ended by then, overdue when NgayHenTra is before the end.
A dossier the record says ended but gives no instant or due date for cannot be placed in a
period: it stays in process (as motcua counts it) and is named on stderr.

Stdlib only (Python 3.8+; 3.11+ reads TOML with tomllib, older with a small reader).
"""

import argparse
import datetime as dt
import json
import os
import re
import sys
import unicodedata

# --- reading records as the importer does ------------------------------------------------------

# Rust's char::is_whitespace (Unicode White_Space), for str::trim.
WHITESPACE = "\t\n\u000b\u000c\r \u0085\u00a0\u1680" + "".join(
    chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"

# Limits (crates/motcua-core/src/limits.rs): characters at most, multi-line allowed.
EXTERNAL_CODE, DOCUMENT_CODE, REFERENCE = (100, False), (50, False), (100, False)
PERSON_NAME, ORGANISATION_NAME, ID_PAPER = (100, False), (300, False), (20, False)
PHONE, EMAIL, ADDRESS = (20, False), (254, False), (300, False)
DOCUMENT_NAME, TITLE, REASON = (300, False), (300, False), (2000, True)
MAX_ITEMS = 100


def rtrim(s):
    return s.strip(WHITESPACE)


def refused_char(c, multiline):
    if c in "\t\n\r":
        return not multiline
    o = ord(c)
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return True
    return unicodedata.category(c) == "Cc"


class Reader:
    def __init__(self, obj):
        self.obj = obj
        self.problems = []  # (field, reason)

    def refuse(self, field, reason):
        self.problems.append((field, reason))

    def has(self, field):
        return any(f == field for f, _ in self.problems)

    def text(self, field, limit):
        v = self.obj.get(field)
        if v is None:
            value = ""
        elif isinstance(v, str):
            value = rtrim(v)
        elif isinstance(v, bool) or isinstance(v, (list, dict)):
            self.refuse(field, "không phải chuỗi ký tự")
            return ""
        elif isinstance(v, (int, float)):
            value = str(v)
        else:
            self.refuse(field, "không phải chuỗi ký tự")
            return ""
        mx, multiline = limit
        if any(refused_char(c, multiline) for c in value):
            self.refuse(field, "chứa ký tự điều khiển")
            return ""
        if len(value) > mx:
            self.refuse(field, f"dài {len(value)} ký tự, tối đa {mx}")
            return ""
        return value

    def required(self, field, limit):
        value = self.text(field, limit)
        if not value and not self.has(field):
            self.refuse(field, "bắt buộc")
        return value

    def code(self, field):
        v = self.obj.get(field)
        n = None
        if isinstance(v, int) and not isinstance(v, bool):
            n = v if v >= 0 else None
        elif isinstance(v, str) and re.fullmatch(r"\+?[0-9]+", rtrim(v)):
            n = int(rtrim(v))
        if n is None or n > 255:
            self.refuse(field, "thiếu hoặc không phải mã số")
            return None
        return n

    def instant(self, field):
        t = self.text(field, REFERENCE)
        if not t:
            return None
        if re.fullmatch(r"[0-9]{14}", t):
            try:
                return dt.datetime.strptime(t, "%Y%m%d%H%M%S")
            except ValueError:
                pass
        self.refuse(field, f'"{t}" không đúng dạng ngày giờ')
        return None

    def items(self, field):
        v = self.obj.get(field)
        if v is None:
            return []
        if not isinstance(v, list):
            self.refuse(field, "không phải danh sách")
            return []
        if len(v) > MAX_ITEMS:
            self.refuse(field, f"quá {len(v)} mục")
            return []
        objects = [x for x in v if isinstance(x, dict)]
        if len(objects) != len(v):
            self.refuse(field, "có mục không phải đối tượng JSON")
        return objects

    def amount(self, field):
        v = self.obj.get(field)
        n = None
        if isinstance(v, int) and not isinstance(v, bool):
            n = v
        elif isinstance(v, str) and re.fullmatch(r"[+-]?[0-9]+", rtrim(v)):
            n = int(rtrim(v))
        if n is None or n < 0 or n > 2**63 - 1:
            self.refuse(field, "số tiền phải là số nguyên không âm")

    def inner(self, field, i, obj, read):
        r = Reader(obj)
        value = read(r)
        for f, why in r.problems:
            self.refuse(f"{field}[{i}].{f}", why)
        return value


STATUS = {1: "submitted", 2: "in_process", 3: "not_accepted", 4: "in_process",
          5: "supplement_requested", 6: "awaiting_obligation", 7: "withdrawn", 8: "refused",
          9: "result_ready", 10: "returned"}
CHANNEL = {1: "counter", 2: "online", 3: "post"}


def citizen_id_ok(t):
    t = rtrim(t)
    return len(t) == 12 and t.isascii() and t.isdigit() and 1 <= int(t[:3]) <= 96


def tax_code_ok(t):
    t = rtrim(t)
    d = lambda s, n: len(s) == n and s.isascii() and s.isdigit()  # noqa: E731
    if d(t, 10) or d(t, 13):
        return True
    a, _, b = t.partition("-")
    return "-" in t and d(a, 10) and d(b, 3)


def read_record(value):
    """The record's facts, or the problems that make the importer refuse it."""
    if not isinstance(value, dict):
        return None, [("(bản ghi)", "không phải đối tượng JSON")]
    r = Reader(value)
    code = r.required("MaHoSo", EXTERNAL_CODE)
    r.text("MaHoSoDiaPhuong", EXTERNAL_CODE)
    procedure = r.required("MaTTHC", DOCUMENT_CODE)
    receiving = r.required("DonViTiepNhan", REFERENCE)
    resolving = r.text("DonViXuLy", REFERENCE)
    # The applicant.
    kind = r.code("LoaiDoiTuong")
    number = r.required("MaDoiTuong", ID_PAPER)
    r.text("SoDienThoai", PHONE)
    r.text("Email", EMAIL)
    r.text("DiaChi", ADDRESS)
    if kind == 1:
        r.required("ChuHoSo", PERSON_NAME)
        if not citizen_id_ok(number):
            r.refuse("MaDoiTuong", "số định danh cá nhân phải gồm 12 chữ số")
    elif kind == 2:
        r.required("ChuHoSo", ORGANISATION_NAME)
        if not tax_code_ok(number):
            r.refuse("MaDoiTuong", "mã số thuế phải gồm 10 hoặc 13 chữ số")
    elif kind is not None:
        r.refuse("LoaiDoiTuong", "chỉ nhận 1 hoặc 2")
    channel = r.code("KenhThucHien")
    if channel is not None and channel not in CHANNEL:
        r.refuse("KenhThucHien", f"mã kênh {channel} không có")
    status = r.code("TrangThaiHoSo")
    if status is not None and status not in STATUS:
        r.refuse("TrangThaiHoSo", f"mã trạng thái {status} không có")
    submitted = r.instant("NgayNopHoSo")
    if submitted is None and not r.has("NgayNopHoSo"):
        r.refuse("NgayNopHoSo", "bắt buộc")
    received = r.instant("NgayTiepNhan")
    due = r.instant("NgayHenTra")
    finished = r.instant("NgayKetThucXuLy")
    returned = r.instant("NgayTra")
    for i, d in enumerate(r.items("DanhSachGiayToNop")):
        r.inner("DanhSachGiayToNop", i, d, lambda x: (
            x.text("MaThanhPhanHoSo", DOCUMENT_CODE), x.required("TenGiayTo", DOCUMENT_NAME)))
    for i, f in enumerate(r.items("DanhSachLePhi")):
        r.inner("DanhSachLePhi", i, f, lambda x: (
            x.text("MaPhiLePhi", DOCUMENT_CODE), x.required("TenPhiLePhi", TITLE), x.amount("Gia")))
    for i, p in enumerate(r.items("DanhSachThanhToan")):
        r.inner("DanhSachThanhToan", i, p, lambda x: (
            x.required("MaGiaoDich", REFERENCE), x.amount("SoTien"), x.code("HinhThucThu"),
            x.instant("NgayThanhToan")))

    def supplement(x):
        x.text("NoiDungBoSung", REASON)
        x.text("LyDo", REASON)
        x.text("NguoiYeuCauBoSung", PERSON_NAME)
        if x.instant("NgayYeuCauBoSung") is None:
            return False
        x.instant("NgayHenTraTruoc")
        x.instant("NgayTiepNhanBoSung")
        x.instant("NgayHenTraMoi")
        return True

    for i, s in enumerate(r.items("DanhSachHoSoBoSung")):
        if not r.inner("DanhSachHoSoBoSung", i, s, supplement):
            r.refuse(f"DanhSachHoSoBoSung[{i}].NgayYeuCauBoSung", "bắt buộc")
    for i, x in enumerate(r.items("DanhSachKetQua")):
        r.inner("DanhSachKetQua", i, x, lambda y: y.required("TenGiayTo", DOCUMENT_NAME))
    # Each date against the nearest earlier one given; then the dates a status implies.
    last = None
    for field, at in [("NgayNopHoSo", submitted), ("NgayTiepNhan", received),
                      ("NgayKetThucXuLy", finished), ("NgayTra", returned)]:
        if at is None:
            continue
        if last is not None and at < last:
            r.refuse(field, "ngày trước ngày của bước trước")
        last = at
    name = STATUS.get(status)
    if name is not None:
        if name not in ("submitted", "not_accepted") and received is None:
            r.refuse("NgayTiepNhan", "bắt buộc với trạng thái này")
        if name in ("result_ready", "returned"):
            if due is None:
                r.refuse("NgayHenTra", "bắt buộc khi đã giải quyết")
            if name == "returned" and returned is None:
                r.refuse("NgayTra", "bắt buộc khi đã trả")
            elif finished is None and returned is None:
                r.refuse("NgayKetThucXuLy", "bắt buộc khi đã giải quyết")
        if name in ("refused", "withdrawn") and finished is None:
            r.refuse("NgayKetThucXuLy", "bắt buộc khi dừng xử lý hoặc rút")
    if r.problems:
        return None, r.problems
    return {
        "code": code, "procedure": procedure, "receiving": receiving,
        "resolving": resolving or receiving, "channel": CHANNEL[channel],
        "status": STATUS[status], "submitted": submitted, "received": received, "due": due,
        "finished": finished, "returned": returned,
    }, []


def lines_of(path):
    """(line number, text) of a .jsonl file's non-blank lines, as `str::lines` splits them."""
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    for i, line in enumerate(parts, 1):
        if line.endswith("\r"):
            line = line[:-1]
        if rtrim(line):
            yield i, line


def _no_constants(name):
    raise ValueError(name)


def parse_json(text):
    try:
        return json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return None


def records_of(paths):
    """Every record of the paths in the importer's order: (file, row, value)."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            inside = sorted(os.path.join(p, f) for f in os.listdir(p)
                            if f.lower().endswith((".json", ".jsonl")))
            files.extend(inside)
        else:
            files.append(p)
    for f in files:
        if f.lower().endswith(".jsonl"):
            for i, line in lines_of(f):
                yield f, i, parse_json(line)
        else:
            with open(f, encoding="utf-8") as h:
                value = parse_json(h.read())
            if value is None:
                sys.exit(f"{f} không phải JSON hợp lệ")
            for i, v in enumerate(value if isinstance(value, list) else [value], 1):
                yield f, i, v


# --- the installation: agencies and catalogue (optional) ---------------------------------------

def load_toml(path):
    try:
        import tomllib
        with open(path, "rb") as f:
            return tomllib.load(f)
    except ImportError:
        return mini_toml(path)


def mini_toml(path):
    """Enough TOML for an agency file and a procedure's top-level keys (Python < 3.11)."""
    out, table = {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"\[\[\s*([A-Za-z0-9_.]+)\s*\]\]", line)
            if m:
                table = {}
                out.setdefault(m.group(1), []).append(table)
                continue
            if line.startswith("["):
                table = {}  # a nested table: not read
                continue
            m = re.fullmatch(r'([A-Za-z0-9_]+)\s*=\s*(.+?)\s*(#.*)?', line)
            if not m:
                continue
            key, val = m.group(1), m.group(2)
            if val.startswith('"'):
                val = json.loads(val[: val.rindex('"') + 1])
            elif val.startswith("["):
                val = re.findall(r'"((?:[^"\\]|\\.)*)"', val)
            (out if table is None else table)[key] = val
    return out


class Installation:
    def __init__(self, agencies_file, catalog_dir, units):
        self.agencies = None  # code -> spec
        self.procedures = None  # any code -> current code
        self.procedure_names = {}
        self.province_name = None
        if agencies_file:
            data = load_toml(agencies_file)
            self.agencies = {a["code"]: a for a in data.get("agency", [])}
            for a in self.agencies.values():
                m = re.match(r"Ủy ban nhân dân (tỉnh|thành phố) (.+)$", a.get("name", ""))
                if m and not a.get("parent") and not a.get("merged_into"):
                    self.province_name = m.group(2)
        if catalog_dir:
            self.procedures = {}
            for f in sorted(os.listdir(catalog_dir)):
                if not f.endswith(".toml"):
                    continue
                p = load_toml(os.path.join(catalog_dir, f))
                if "code" not in p:
                    continue
                self.procedures[p["code"]] = p["code"]
                self.procedure_names[p["code"]] = p.get("name", p["code"])
                for old in p.get("former_codes", []):
                    self.procedures.setdefault(old, p["code"])
        self.units = units

    def procedure(self, code):
        if self.procedures is None:
            return code
        return self.procedures.get(code)

    def agency_known(self, code):
        return self.agencies is None or code in self.agencies

    def current(self, code):
        """The code a unit's figures go under: its successor's, read by today's units."""
        if self.agencies is None or self.units != "current":
            return code
        seen = set()
        while code in self.agencies and self.agencies[code].get("merged_into") and code not in seen:
            seen.add(code)
            code = self.agencies[code]["merged_into"]
        return code

    def in_scope(self, code):
        if self.agencies is None:
            return True
        a = self.agencies.get(code)
        return a is not None and (self.units != "current" or not a.get("merged_into"))

    def name(self, code):
        if self.agencies and code in self.agencies:
            return self.agencies[code].get("name", code)
        return code

    def boundary_free(self, receiving, resolving):
        if self.agencies is None:
            return False
        a, b = self.agencies.get(receiving), self.agencies.get(resolving)
        if not a or not b or not a.get("admin_unit") or not b.get("admin_unit"):
            return False
        return a["admin_unit"] != b["admin_unit"]


# --- the report ----------------------------------------------------------------------------------

BATCH = 500


def accepted(paths, inst, malformed_lists):
    """The dossiers the importer keeps (a later record of the same dossier restates it)."""
    kept = {}  # code -> facts
    refused = []  # (file, row, field)
    batch_codes = set()
    n = 0
    for f, row, value in records_of(paths):
        if n % BATCH == 0:
            batch_codes = set()
        n += 1
        facts, problems = read_record(value)
        if problems:
            refused.append((f, row, problems[0][0]))
            continue
        code = facts["code"]
        if code in batch_codes:
            refused.append((f, row, "MaHoSo"))
            continue
        batch_codes.add(code)
        current = inst.procedure(facts["procedure"])
        if current is None:
            refused.append((f, row, "MaTTHC"))
            continue
        facts["procedure"] = current
        if not inst.agency_known(facts["receiving"]):
            refused.append((f, row, "DonViTiepNhan"))
            continue
        if not inst.agency_known(facts["resolving"]):
            refused.append((f, row, "DonViXuLy"))
            continue
        earlier = kept.get(code)
        if earlier is not None and earlier["submitted"] != facts["submitted"]:
            # Another dossier already carries the code.
            refused.append((f, row, "MaHoSo"))
            continue
        kept[code] = facts
    for path in malformed_lists:
        base = path[: -len(".malformed.txt")] if path.endswith(".malformed.txt") else path
        with open(path, encoding="utf-8") as h:
            listed = {int(x) for x in h.read().split()}
        mine = {row for f, row, _ in refused if os.path.abspath(f) == os.path.abspath(base)}
        if listed != mine:
            print(f"{path}: khác với các bản ghi bị từ chối — chỉ trong danh sách: "
                  f"{sorted(listed - mine)[:20]}, chỉ ở đây: {sorted(mine - listed)[:20]}",
                  file=sys.stderr)
    return list(kept.values()), refused


def classify(at, due):
    if at > due:
        return "late"
    if at.date() < due.date():
        return "early"
    return "on_time"


def ending(d, odd):
    s = d["status"]
    if s in ("refused", "withdrawn"):
        if d["finished"] is None:
            odd.append((d["code"], f"{s} không có NgayKetThucXuLy"))
            return None
        return s, d["finished"]
    if s in ("result_ready", "returned"):
        at = d["finished"] or d["returned"]
        if at is None or d["due"] is None:
            odd.append((d["code"], "đã giải quyết nhưng thiếu ngày kết thúc hoặc NgayHenTra"))
            return None
        return classify(at, d["due"]), at
    return None


def blank_row(key, name):
    return {"key": key, "name": name, "carried_over": 0,
            "received": {"online": 0, "counter": 0, "postal": 0, "portal": 0, "total": 0,
                         "boundary_free": 0},
            "finished": {"early": 0, "on_time": 0, "late": 0, "late_with_apology": 0, "total": 0},
            "refused": 0, "withdrawn": 0,
            "in_process": {"not_due": 0, "overdue": 0, "total": 0}}


def add(row, other):
    for k, v in other.items():
        if isinstance(v, dict):
            add(row[k], v)
        elif isinstance(v, int):
            row[k] += v


CHANNEL_NAME = {"counter": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính công ích",
                "national_portal": "Cổng Dịch vụ công quốc gia"}
RECEIVED_COLUMN = {"counter": "counter", "online": "online", "post": "postal",
                   "national_portal": "portal"}


def report(dossiers, inst, first, last, by, total_name):
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    rows = {}
    odd = []
    for d in dossiers:
        if d["status"] == "not_accepted" or d["received"] is None or d["received"] >= end:
            continue
        resolving = inst.current(d["resolving"])
        receiving = inst.current(d["receiving"])
        if not inst.in_scope(resolving):
            continue
        if by == "agency":
            key, name = resolving, inst.name(resolving)
        elif by == "desk":
            key, name = receiving, inst.name(receiving)
        elif by == "procedure":
            key, name = d["procedure"], inst.procedure_names.get(d["procedure"], d["procedure"])
        else:
            key, name = d["channel"], CHANNEL_NAME[d["channel"]]
        row = rows.get(key)
        if row is None:
            row = rows[key] = blank_row(key, name)
        e = ending(d, odd)
        # The row exists once the unit has a dossier received by the period's end.
        if d["received"] < start:
            if e is not None and e[1] < start:
                continue
            row["carried_over"] += 1
        else:
            row["received"][RECEIVED_COLUMN[d["channel"]]] += 1
            row["received"]["total"] += 1
            if inst.boundary_free(receiving, resolving):
                row["received"]["boundary_free"] += 1
        if e is not None and e[1] < end:
            kind = e[0]
            if kind in ("refused", "withdrawn"):
                row[kind] += 1
            else:
                row["finished"][kind] += 1
                row["finished"]["total"] += 1
        else:
            due = d["due"]
            row["in_process"]["overdue" if due is not None and due < end else "not_due"] += 1
            row["in_process"]["total"] += 1
    total = blank_row("", total_name)
    for r in rows.values():
        add(total, r)
    body = {"from": first.isoformat(), "to": last.isoformat(), "by": by,
            "rows": [rows[k] for k in sorted(rows)], "total": total}
    return body, odd


def balances(r):
    return r["carried_over"] + r["received"]["total"] == (
        r["finished"]["total"] + r["refused"] + r["withdrawn"] + r["in_process"]["total"])


def pct(n, d):
    return "—" if d == 0 else f"{100 * n / d:.1f} %"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", help=".jsonl / .json exports or folders of them")
    p.add_argument("--from", dest="date_from", required=True, help="first day YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="last day YYYY-MM-DD (included)")
    p.add_argument("--by", default="agency", choices=["agency", "desk", "procedure", "channel"])
    p.add_argument("--json", action="store_true", help="print motcua's report JSON")
    p.add_argument("--agencies", help="the installation's agency file (agencies-NN.toml)")
    p.add_argument("--catalog", help="a `motcua catalog export` folder (former procedure codes)")
    p.add_argument("--units", default="current", choices=["current", "as-they-were"])
    p.add_argument("--total-name", help="the total row's name (motcua: the province's name)")
    p.add_argument("--malformed", action="append", default=[],
                   help="FILE.malformed.txt from generate.py: checked against what is refused here")
    a = p.parse_args(argv)
    first, last = dt.date.fromisoformat(a.date_from), dt.date.fromisoformat(a.date_to)
    if last < first:
        p.error("--to trước --from")
    inst = Installation(a.agencies, a.catalog, a.units)
    dossiers, refused = accepted(a.files, inst, a.malformed)
    total_name = a.total_name or inst.province_name or "Tổng"
    body, odd = report(dossiers, inst, first, last, a.by, total_name)
    print(f"{len(dossiers)} hồ sơ nhận, {len(refused)} bản ghi bị từ chối", file=sys.stderr)
    for code, why in odd[:10]:
        print(f"  không xếp được vào kỳ: {code}: {why}", file=sys.stderr)
    if len(odd) > 10:
        print(f"  … và {len(odd) - 10} hồ sơ nữa", file=sys.stderr)
    if a.json:
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        print(f"Báo cáo kết quả giải quyết TTHC — {total_name}, từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}")
        head = ["K.trước", "Nhận", "TT", "S.hạn", "Đ.hạn", "Q.hạn", "T.chối", "Rút", "Đang",
                "Q.hạn", "Đúng hạn", "T.tuyến"]
        print(f"{'':<58} " + " ".join(f"{h:>6}" for h in head[:10]) + f" {head[10]:>8} {head[11]:>8}")
        for r in body["rows"] + [body["total"]]:
            rec, fin = r["received"], r["finished"]
            cells = [r["carried_over"], rec["total"], rec["online"] + rec["portal"], fin["early"],
                     fin["on_time"], fin["late"], r["refused"], r["withdrawn"],
                     r["in_process"]["total"], r["in_process"]["overdue"]]
            name = (r["name"] if r["key"] else "Tổng")[:58]
            print(f"{name:<58} " + " ".join(f"{c:>6}" for c in cells)
                  + f" {pct(fin['early'] + fin['on_time'], fin['total']):>8}"
                  + f" {pct(rec['online'] + rec['portal'], rec['total']):>8}")
    bad = [r["key"] for r in body["rows"] if not balances(r)]
    if bad:
        sys.exit(f"dòng không cân đối: {bad}")


if __name__ == "__main__":
    main()
