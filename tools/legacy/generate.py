#!/usr/bin/env python3
"""Write a realistic legacy export: N `DongBoHoSoMC` dossier records, one JSON object a line,
as a provincial one-stop system exports them for the national portal (motcua's
`import dossiers` reads them; see README.md "Bringing another system's dossiers in").

    generate.py --province "Bình Định" --count 100000 --seed 19 \
        --agencies 000.00.12.H52,000.01.12.H52 --procedures 1.013831,1.012784 \
        --from 2025-01-01 --to 2025-06-30 --malformed 100 --out binh_dinh.jsonl

Deterministic for a seed. Exactly K lines (--malformed K) are broken in ways motcua's reader
refuses (crates/motcua-core/src/import/record.rs): their 1-based line numbers go to
FILE.malformed.txt, one a line, and their kinds to FILE.malformed.tsv (line<TAB>kind<TAB>field).
Unknown procedures and agencies are never produced: motcua reports them apart.

Stdlib only (Python 3.8+).
"""

import argparse
import datetime as dt
import json
import random
import sys
import unicodedata

# --- the calendar (Vietnam time, national days off 2024–2026: calendar/vn/*.toml) -------------

DAYS_OFF = set()
for a, b in [
    ("2024-01-01", "2024-01-01"), ("2024-02-08", "2024-02-14"), ("2024-04-18", "2024-04-18"),
    ("2024-04-27", "2024-05-01"), ("2024-08-31", "2024-09-03"),
    ("2025-01-01", "2025-01-01"), ("2025-01-25", "2025-02-02"), ("2025-04-07", "2025-04-07"),
    ("2025-04-30", "2025-05-04"), ("2025-08-30", "2025-09-02"),
    ("2026-01-01", "2026-01-02"), ("2026-02-14", "2026-02-22"), ("2026-04-26", "2026-04-27"),
    ("2026-04-30", "2026-05-01"), ("2026-08-29", "2026-09-02"), ("2026-11-24", "2026-11-24"),
]:
    d, e = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    while d <= e:
        DAYS_OFF.add(d)
        d += dt.timedelta(days=1)

# Civil-service office hours: 07:30–11:30, 13:30–17:00 (minutes of the day).
PERIODS = [(7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60)]
DAY_MINUTES = sum(b - a for a, b in PERIODS)


def is_workday(d):
    return d.weekday() < 5 and d not in DAYS_OFF


class WorkDays:
    """The working days from a start, indexed, so "n working days later" is a lookup."""

    def __init__(self, first, last):
        self.days = []
        d = first
        while d <= last:
            if is_workday(d):
                self.days.append(d)
            d += dt.timedelta(days=1)
        self.index = {d: i for i, d in enumerate(self.days)}

    def at_or_after(self, d):
        while d not in self.index:
            d += dt.timedelta(days=1)
            if d > self.days[-1]:
                return None
        return self.index[d]

    def day(self, i):
        return self.days[min(i, len(self.days) - 1)]


def at_minute(day, m):
    """The instant `m` working minutes into working day `day`."""
    for a, b in PERIODS:
        if m < b - a:
            return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=a + m)
        m -= b - a
    return dt.datetime.combine(day, dt.time(17, 0))


def work_minute(t):
    """How many working minutes of its day have passed at `t`."""
    m = t.hour * 60 + t.minute
    done = 0
    for a, b in PERIODS:
        if m <= a:
            return done
        if m < b:
            return done + m - a
        done += b - a
    return done


def add_work_minutes(cal, t, minutes):
    """`t` moved `minutes` working minutes later (t taken to the next working minute first)."""
    i = cal.at_or_after(t.date())
    m = work_minute(t) if cal.day(i) == t.date() else 0
    m += minutes
    i += m // DAY_MINUTES
    m %= DAY_MINUTES
    return at_minute(cal.day(i), m)


def stamp(t):
    return t.strftime("%Y%m%d%H%M%S")


# --- people -------------------------------------------------------------------------------------

FAMILY = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 9 + ["Phạm"] * 7 + ["Huỳnh"] * 5 + \
    ["Hoàng", "Võ", "Võ", "Võ", "Phan", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
     "Lý", "Đinh", "Đoàn", "Trương", "Lương", "Mai", "Tô", "Hà", "Châu", "Thái", "Cao", "Lâm",
     "Kpă", "Rơ Mah", "Siu", "Ksor", "Rcom", "Nay"]
MIDDLE_M = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Ngọc", "Công", "Xuân",
            "Đình", "Trọng", "Hoàng", "Anh", "Tấn", "Thành", "Nhật"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Bích", "Hồng",
            "Phương", "Diễm", "Khánh", "Thùy", "Bảo"]
GIVEN_M = ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh",
           "Khoa", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phúc", "Quang", "Quân", "Sơn", "Tài",
           "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Vũ", "Phát",
           "Tâm", "Trí", "Hưng", "Lâm", "Đông", "Bảo", "Nhân", "Thuận"]
GIVEN_F = ["Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
           "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh",
           "Phương", "Quyên", "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Vy", "Yến",
           "Xuân", "Diệu", "Nguyệt", "Lệ"]
COMPANY = ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã",
           "Công ty TNHH MTV"]
COMPANY_NAME = ["Thương mại Dịch vụ", "Xây dựng", "Nông sản", "Thủy sản", "Gỗ", "Vận tải",
                "Du lịch", "Cà phê", "Hồ tiêu", "Đá granite", "Cơ khí", "Điện mặt trời",
                "Chế biến lâm sản", "Muối", "Dừa"]
PLACES = ["Phước Lộc", "Hoài Nhơn", "Tam Quan", "An Nhơn", "Tuy Phước", "Phù Cát", "Phù Mỹ",
          "Tây Sơn", "Vĩnh Thạnh", "Hoài Ân", "Vân Canh", "Quy Nhơn", "Nhơn Hội", "Pleiku",
          "An Khê", "Ayun Pa", "Chư Sê", "Đak Đoa", "Ia Grai", "Kbang", "Mang Yang", "Đức Cơ",
          "Chư Prông", "Krông Pa", "Phú Thiện"]
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hùng Vương", "Quang Trung", "Lý Thường Kiệt",
           "Phan Bội Châu", "Ngô Mây", "Xuân Diệu", "Tăng Bạt Hổ", "Trường Chinh", "Lê Duẩn"]
# Old (pre-2025) provinces' three-digit codes on the citizen identity card.
CCCD_PROVINCE = {"binh dinh": "052", "gia lai": "064", "da nang": "048", "ha noi": "001",
                 "ha tinh": "042", "quang nam": "049", "kon tum": "062"}
CCCD_OTHERS = ["001", "040", "042", "044", "046", "048", "049", "051", "054", "056", "062",
               "064", "066", "079"]

DOCUMENTS = [("don", "Đơn đề nghị"), ("to-khai", "Tờ khai"), ("cccd", "Bản sao Căn cước công dân"),
             ("gcn", "Bản gốc Giấy chứng nhận đã cấp"), ("hop-dong", "Hợp đồng chuyển nhượng đã công chứng"),
             ("ban-ve", "Bản vẽ sơ đồ thửa đất"), ("giay-uy-quyen", "Giấy ủy quyền"),
             ("khac", "Giấy tờ khác có liên quan")]
FEES = [("le-phi", "Lệ phí cấp giấy chứng nhận", [15000, 25000, 50000, 100000]),
        ("phi-tham-dinh", "Phí thẩm định hồ sơ", [150000, 300000, 500000, 1200000]),
        ("le-phi-dang-ky", "Lệ phí đăng ký", [10000, 20000, 30000])]
RESULTS = ["Giấy chứng nhận", "Quyết định", "Văn bản chấp thuận", "Giấy phép", "Văn bản trả lời"]
MISSING = ["Bản vẽ có chữ ký của chủ sử dụng", "Bản sao hợp đồng đã công chứng",
           "Tờ khai lệ phí trước bạ", "Giấy ủy quyền có chứng thực", "Trích lục bản đồ địa chính"]


def fold(text):
    """Without diacritics, lower case ("Bình Định" → "binh dinh")."""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in t if not unicodedata.combining(c)).lower().strip()


def default_prefix(province):
    words = fold(province).replace("tinh ", "").split()
    return "".join(w[0] for w in words).upper() or "HS"


# --- one record ---------------------------------------------------------------------------------

class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.first = dt.date.fromisoformat(a.date_from)
        self.last = dt.date.fromisoformat(a.date_to)
        if self.last < self.first:
            sys.exit("--to trước --from")
        self.cal = WorkDays(self.first - dt.timedelta(days=10), self.last + dt.timedelta(days=400))
        self.submit_days = [d for d in self.cal.days if self.first <= d <= self.last]
        if not self.submit_days:
            sys.exit("không có ngày làm việc nào trong khoảng --from..--to")
        # The export was taken at midnight after the last day: nothing later has happened.
        self.as_of = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time())
        self.agencies = [c.strip() for c in a.agencies.split(",") if c.strip()]
        self.procedures = [c.strip() for c in a.procedures.split(",") if c.strip()]
        if not self.agencies or not self.procedures:
            sys.exit("--agencies và --procedures cần ít nhất một mã")
        # Each procedure's statutory time (working days) and fee, fixed per code.
        self.statutory = {}
        self.fee = {}
        for p in self.procedures:
            r = random.Random(f"{a.seed}:{p}")
            self.statutory[p] = r.choice([3, 5, 7, 8, 10, 12, 15, 20])
            self.fee[p] = r.choice(FEES + [None])
        # Agencies handle some procedures more than others.
        self.weights = [self.rng.uniform(0.3, 3.0) for _ in self.agencies]
        province = fold(a.province)
        self.cccd_home = CCCD_PROVINCE.get(province.replace("tinh ", ""), "052")
        self.place_suffix = a.province
        self.seq = {}

    def code(self, submitted):
        y = submitted.year
        self.seq[y] = self.seq.get(y, 0) + self.rng.randint(1, 3)
        return f"{self.a.code_prefix}.{y}.{self.seq[y]:06d}"

    def person(self):
        r = self.rng
        female = r.random() < 0.52
        fam = r.choice(FAMILY)
        mid = r.choice(MIDDLE_F if female else MIDDLE_M)
        given = r.choice(GIVEN_F if female else GIVEN_M)
        if r.random() < 0.25:
            given = r.choice(GIVEN_F if female else GIVEN_M) + " " + given
        name = f"{fam} {mid} {given}"
        born = r.randint(1945, 2006)
        century = (born - 1900) // 100 * 2 + (1 if female else 0)
        home = self.cccd_home if r.random() < 0.85 else r.choice(CCCD_OTHERS)
        number = f"{home}{century}{born % 100:02d}{r.randrange(10**6):06d}"
        return 1, name, number

    def organisation(self):
        r = self.rng
        name = f"{r.choice(COMPANY)} {r.choice(COMPANY_NAME)} {r.choice(PLACES)}"
        tax = f"{r.choice(['41', '59', '01', '03'])}{r.randrange(10**8):08d}"
        if r.random() < 0.1:
            tax += f"-{r.randint(1, 20):03d}"
        return 2, name, tax

    def address(self):
        r = self.rng
        if r.random() < 0.5:
            return f"Thôn {r.randint(1, 12)}, xã {r.choice(PLACES)}, tỉnh {self.place_suffix}"
        return (f"{r.randint(1, 400)} {r.choice(STREETS)}, phường {r.choice(PLACES)}, "
                f"tỉnh {self.place_suffix}")

    def phone(self):
        r = self.rng
        return "0" + r.choice("3579") + "".join(r.choice("0123456789") for _ in range(8))

    def instant_on(self, i):
        return at_minute(self.cal.day(i), self.rng.randrange(DAY_MINUTES))

    def between(self, lo, hi):
        """A working instant in [lo, hi] (lo when the window is empty)."""
        if hi <= lo:
            return lo
        i, j = self.cal.at_or_after(lo.date()), self.cal.at_or_after(hi.date())
        lo_m = work_minute(lo) if self.cal.day(i) == lo.date() else 0
        hi_m = work_minute(hi) if self.cal.day(j) == hi.date() else 0
        a, b = i * DAY_MINUTES + lo_m, j * DAY_MINUTES + hi_m
        if b <= a:
            return lo
        m = self.rng.randrange(a, b + 1)
        t = at_minute(self.cal.day(m // DAY_MINUTES), m % DAY_MINUTES)
        return max(lo, min(t, hi))

    def record(self):
        r = self.rng
        proc = r.choice(self.procedures)
        resolving = r.choices(self.agencies, self.weights)[0]
        receiving = resolving if r.random() < 0.85 or len(self.agencies) == 1 else r.choice(self.agencies)
        channel = r.choices([1, 2, 3], [55, 38, 7])[0]
        day_i = self.cal.index[r.choice(self.submit_days)]
        if channel == 2:
            # Filed online at any hour; acknowledged within 8 working hours.
            day = self.cal.day(day_i) - dt.timedelta(days=r.choice([0, 0, 0, 0, 1, 2]))
            submitted = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                minutes=r.randrange(24 * 60), seconds=r.randrange(60))
            if submitted.date() < self.first:
                submitted = self.instant_on(day_i)
            received = add_work_minutes(self.cal, submitted, r.randint(5, 480))
        elif channel == 3:
            submitted = self.instant_on(day_i)
            received = self.instant_on(day_i + r.randint(1, 3))
        else:
            submitted = self.instant_on(day_i)
            received = add_work_minutes(self.cal, submitted, r.randint(0, 20)) + dt.timedelta(
                seconds=r.randrange(60))
        kind, name, number = self.person() if r.random() < 0.9 else self.organisation()
        rec = {
            "MaHoSo": "",  # given once every record is drawn, in filing order
            "MaTTHC": proc,
            "ChuHoSo": name,
            "LoaiDoiTuong": kind if r.random() < 0.9 else str(kind),
            "MaDoiTuong": number,
            "SoDienThoai": self.phone(),
            "DiaChi": self.address(),
        }
        if r.random() < 0.3:
            rec["Email"] = fold(name).replace(" ", ".") + f"{r.randint(1, 99)}@gmail.com"
        if r.random() < 0.2:
            rec["MaHoSoDiaPhuong"] = f"{resolving}-{submitted:%y%m%d}-{r.randrange(10000):04d}"
        rec["NgayNopHoSo"] = stamp(submitted)
        status, dates, supplements, results = self.outcome(proc, channel, submitted, received)
        rec.update(dates)
        rec["TrangThaiHoSo"] = status if r.random() < 0.95 else str(status)
        rec["KenhThucHien"] = channel if r.random() < 0.95 else str(channel)
        rec["DonViTiepNhan"] = receiving
        rec["DonViXuLy"] = resolving if (receiving != resolving or r.random() < 0.97) else ""
        rec["DungDanCu"] = 1 if kind == 1 and r.random() < 0.6 else 0
        docs = r.sample(DOCUMENTS, r.randint(1, 4))
        rec["DanhSachGiayToNop"] = [
            {"MaThanhPhanHoSo": c, "TenGiayTo": n, "DuocSoHoa": r.random() < 0.7,
             "DuocTaiSuDung": r.random() < 0.1} for c, n in docs]
        fee = self.fee[proc]
        if fee and status != 3:
            code, fname, amounts = fee
            amount = r.choice(amounts)
            rec["DanhSachLePhi"] = [{"MaPhiLePhi": code, "TenPhiLePhi": fname, "Gia": amount}]
            got = rec.get("NgayTiepNhan")
            if got and r.random() < 0.75:
                online = channel == 2 and r.random() < 0.7 or r.random() < 0.15
                paid = dt.datetime.strptime(got, "%Y%m%d%H%M%S") + dt.timedelta(minutes=r.randint(1, 90))
                rec["DanhSachThanhToan"] = [{
                    "MaGiaoDich": ("PAY" if online else "BL") + f"{r.randrange(10**10):010d}",
                    "SoTien": amount if r.random() < 0.97 else str(amount),
                    "HinhThucThu": 2 if online else 1,
                    "NgayThanhToan": stamp(min(paid, self.as_of - dt.timedelta(seconds=1)))}]
        if supplements:
            rec["DanhSachHoSoBoSung"] = supplements
        if results:
            rec["DanhSachKetQua"] = results
        return rec

    def outcome(self, proc, channel, submitted, received):
        """Status, dates, supplement rounds and results of a dossier as of the export."""
        r = self.rng
        if received >= self.as_of or (channel == 2 and r.random() < 0.015):
            # Not acknowledged yet (an online filing waiting), no received date.
            return 1, {"NgayTiepNhan": "", "NgayHenTra": ""}, [], []
        if channel == 2 and r.random() < 0.02:
            return 3, {"NgayTiepNhan": ""}, [], []
        ri = self.cal.at_or_after(received.date())
        days = self.statutory[proc]
        due_day = self.cal.day(ri + days)
        due = dt.datetime.combine(due_day, dt.time(17, 0)) if r.random() < 0.7 else \
            dt.datetime.combine(due_day, received.time().replace(second=0))
        due = max(due, received + dt.timedelta(hours=1))
        supplements = []
        if r.random() < 0.08:
            asked = self.between(received, min(due, self.as_of))
            wait = r.randint(2, 10)
            supplied = add_work_minutes(self.cal, asked, wait * DAY_MINUTES)
            round_ = {"NoiDungBoSung": "; ".join(r.sample(MISSING, r.randint(1, 2))),
                      "LyDo": "Hồ sơ chưa đầy đủ thành phần theo quy định",
                      "NguoiYeuCauBoSung": " ".join(self.person()[1].split()[:3]),
                      "NgayYeuCauBoSung": stamp(asked), "NgayHenTraTruoc": stamp(due)}
            if supplied >= self.as_of:
                supplements.append(round_)
                return 5, {"NgayTiepNhan": stamp(received), "NgayHenTra": stamp(due)}, supplements, []
            due = add_work_minutes(self.cal, due, wait * DAY_MINUTES)
            round_["NgayTiepNhanBoSung"] = stamp(supplied)
            round_["NgayHenTraMoi"] = stamp(due)
            supplements.append(round_)
            received_for_end = supplied
        else:
            received_for_end = received
        dates = {"NgayTiepNhan": stamp(received), "NgayHenTra": stamp(due)}
        kind = r.choices(["early", "on_time", "late", "refused", "withdrawn", "slow"],
                         [47, 20, 14, 4, 3, 12])[0]
        di = self.cal.at_or_after(due.date())
        if kind == "early":
            end = self.between(received_for_end, dt.datetime.combine(self.cal.day(di - 1), dt.time(17, 0)))
        elif kind == "on_time":
            end = self.between(max(received_for_end, dt.datetime.combine(due.date(), dt.time(7, 30))), due)
        elif kind in ("late", "slow"):
            extra = r.randint(1, 10) if kind == "late" else r.randint(10, 60)
            end = self.instant_on(di + extra)
        else:
            end = self.between(received_for_end, due + dt.timedelta(days=r.randint(0, 10)))
        end = max(end, received_for_end)
        if end >= self.as_of:
            status = r.choices([4, 2, 6], [85, 5, 10])[0]
            return status, dates, supplements, []
        dates["NgayKetThucXuLy"] = stamp(end)
        if kind in ("refused", "withdrawn"):
            dates["NgayTra"] = ""
            return (8 if kind == "refused" else 7), dates, supplements, []
        results = [{"TenGiayTo": r.choice(RESULTS), "KetQuaDienTu": r.random() < 0.4,
                    "DaKySo": r.random() < 0.3}]
        back = self.instant_on(self.cal.at_or_after(end.date()) + r.choice([0, 0, 1, 1, 2, 3, 5, 8]))
        back = max(back, end)
        if back >= self.as_of or r.random() < 0.1:
            dates["NgayTra"] = ""
            return 9, dates, supplements, results
        dates["NgayTra"] = stamp(back)
        return 10, dates, supplements, results


# --- what a reader refuses ------------------------------------------------------------------------

def _late(text, minutes):
    t = dt.datetime.strptime(text, "%Y%m%d%H%M%S") + dt.timedelta(minutes=minutes)
    return stamp(t)


def break_record(rng, rec, kind):
    """`rec` broken in the way `kind` names; the line's text and the field refused."""
    got = rec.get("NgayTiepNhan") or ""
    if kind in ("received_before_submitted", "finished_before_received",
                "returned_before_finished", "bad_date") and not got:
        # These need a received record.
        rec["TrangThaiHoSo"], rec["NgayTiepNhan"] = 4, _late(rec["NgayNopHoSo"], 30)
        rec["NgayHenTra"] = _late(rec["NgayTiepNhan"], 60 * 24 * 7)
    field = None
    if kind == "not_json":
        text = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        return text[: rng.randint(20, len(text) - 5)], "(bản ghi)"
    if kind == "not_object":
        return json.dumps([rec["MaHoSo"], rec["MaTTHC"]], ensure_ascii=False), "(bản ghi)"
    if kind == "bad_date":
        field = rng.choice(["NgayNopHoSo", "NgayTiepNhan", "NgayHenTra"])
        t = dt.datetime.strptime(rec[field], "%Y%m%d%H%M%S")
        rec[field] = rng.choice([t.strftime("%d/%m/%Y %H:%M"), t.strftime("%Y-%m-%dT%H:%M:%S"),
                                 t.strftime("%Y%m%d") + "25" + "0000", t.strftime("%Y") + "0230170000"])
    elif kind == "missing_required":
        field = rng.choice(["MaHoSo", "MaTTHC", "ChuHoSo", "MaDoiTuong", "DonViTiepNhan", "NgayNopHoSo"])
        if rng.random() < 0.5:
            del rec[field]
        else:
            rec[field] = rng.choice(["", "  ", None])
    elif kind == "unknown_status":
        field = "TrangThaiHoSo"
        rec[field] = rng.choice([0, 11, 12, 99, "đã xong", -1])
    elif kind == "unknown_channel":
        field = "KenhThucHien"
        rec[field] = rng.choice([0, 4, 5, "trực tuyến"])
    elif kind == "received_before_submitted":
        field = "NgayTiepNhan"
        rec[field] = _late(rec["NgayNopHoSo"], -rng.randint(60, 60 * 24 * 3))
    elif kind == "finished_before_received":
        field = "NgayKetThucXuLy"
        rec["TrangThaiHoSo"] = 9
        rec[field] = _late(rec["NgayTiepNhan"], -rng.randint(1, 60 * 24))
        rec["NgayTra"] = ""
    elif kind == "returned_before_finished":
        field = "NgayTra"
        rec["TrangThaiHoSo"] = 10
        rec["NgayKetThucXuLy"] = _late(rec["NgayTiepNhan"], 60 * 24 * 2)
        rec[field] = _late(rec["NgayKetThucXuLy"], -rng.randint(1, 600))
    elif kind == "negative_fee":
        if rng.random() < 0.6:
            field = "DanhSachLePhi[0].Gia"
            rec["DanhSachLePhi"] = [{"MaPhiLePhi": "le-phi", "TenPhiLePhi": "Lệ phí",
                                     "Gia": -rng.choice([15000, 50000, 100000])}]
        else:
            field = "DanhSachThanhToan[0].SoTien"
            rec["DanhSachThanhToan"] = [{"MaGiaoDich": "BL0000000001", "HinhThucThu": 1,
                                         "SoTien": -50000, "NgayThanhToan": rec["NgayNopHoSo"]}]
    elif kind == "overlong":
        field = rng.choice(["ChuHoSo", "DiaChi", "MaHoSo", "SoDienThoai"])
        org = rec.get("LoaiDoiTuong") in (2, "2")
        n = {"ChuHoSo": 301 if org else 101, "DiaChi": 301, "MaHoSo": 101, "SoDienThoai": 21}[field]
        base = rec.get(field) or "x"
        rec[field] = (base + " ") * (n // (len(base) + 1) + 1)
        rec[field] = rec[field][: n + rng.randint(0, 30)].rstrip() + "ẫ"
    elif kind == "bad_identity":
        field = "MaDoiTuong"
        if rec["LoaiDoiTuong"] in (1, "1"):
            rec[field] = rng.choice([rec[field][:11], "000" + rec[field][3:], rec[field][:6] + "ABC123"])
        else:
            rec[field] = rec[field][:9]
    elif kind == "bad_applicant_kind":
        field = "LoaiDoiTuong"
        rec[field] = rng.choice([0, 3, "cá nhân"])
    elif kind == "control_character":
        field = rng.choice(["ChuHoSo", "DiaChi"])
        s = rec[field]
        k = rng.randrange(1, len(s))
        rec[field] = s[:k] + rng.choice(["\u0007", "\t", "\u202e", "\u0000"]) + s[k:]
    elif kind == "supplement_without_date":
        field = "DanhSachHoSoBoSung[0].NgayYeuCauBoSung"
        rec["DanhSachHoSoBoSung"] = [{"NoiDungBoSung": "Bản sao hợp đồng", "LyDo": "Thiếu giấy tờ"}]
    elif kind == "too_many_documents":
        field = "DanhSachGiayToNop"
        rec[field] = [{"MaThanhPhanHoSo": "khac", "TenGiayTo": f"Giấy tờ {i + 1}"} for i in range(101)]
    elif kind == "wrong_type":
        field = rng.choice(["ChuHoSo", "DanhSachLePhi", "DiaChi"])
        rec[field] = {"ChuHoSo": ["Nguyễn", "Văn A"], "DanhSachLePhi": "50000",
                      "DiaChi": {"xa": "Phước Lộc"}}[field]
    else:
        raise ValueError(kind)
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")), field


KINDS = ["bad_date", "missing_required", "unknown_status", "not_json", "received_before_submitted",
         "negative_fee", "overlong", "unknown_channel", "finished_before_received",
         "returned_before_finished", "bad_identity", "bad_applicant_kind", "not_object",
         "control_character", "supplement_without_date", "too_many_documents", "wrong_type"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--province", required=True, help='the exporting province, e.g. "Bình Định"')
    p.add_argument("--count", type=int, required=True, help="records (lines) to write")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--agencies", required=True,
                   help="comma-separated agency identifiers that exist in the installation")
    p.add_argument("--procedures", required=True,
                   help="comma-separated procedure codes that exist in its catalogue (or former codes)")
    p.add_argument("--from", dest="date_from", required=True, help="first filing day YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True,
                   help="last filing day YYYY-MM-DD; the export is taken at the end of it")
    p.add_argument("--malformed", type=int, default=0, help="lines to break (listed in FILE.malformed.txt)")
    p.add_argument("--out", required=True, help="FILE.jsonl")
    p.add_argument("--code-prefix", help="dossier code prefix (default: the province's initials, BD)")
    a = p.parse_args(argv)
    if a.count < 1 or not 0 <= a.malformed <= a.count:
        p.error("need --count ≥ 1 and 0 ≤ --malformed ≤ --count")
    if not a.code_prefix:
        a.code_prefix = default_prefix(a.province)
    g = Gen(a)
    broken_rng = random.Random(f"{a.seed}:malformed")
    broken = sorted(broken_rng.sample(range(1, a.count + 1), a.malformed))
    broken_rng.shuffle(broken)  # kinds spread over the file, not in order
    kinds = {line: KINDS[i % len(KINDS)] for i, line in enumerate(broken)}
    fields = {}
    stats = {}
    with open(a.out, "w", encoding="utf-8", newline="\n") as out:
        # Filed in order: the codes follow the filing instants, as the old system gave them.
        recs = [g.record() for _ in range(a.count)]
        recs.sort(key=lambda x: x["NgayNopHoSo"])
        for rec in recs:
            rec["MaHoSo"] = g.code(dt.datetime.strptime(rec["NgayNopHoSo"], "%Y%m%d%H%M%S"))
        buf = []
        for line, rec in enumerate(recs, 1):
            if line in kinds:
                text, fields[line] = break_record(broken_rng, rec, kinds[line])
            else:
                text = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
                st = int(rec["TrangThaiHoSo"])
                stats[st] = stats.get(st, 0) + 1
            buf.append(text)
            if len(buf) >= 5000:
                out.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            out.write("\n".join(buf) + "\n")
    with open(a.out + ".malformed.txt", "w", encoding="utf-8") as f:
        f.write("".join(f"{n}\n" for n in sorted(kinds)))
    with open(a.out + ".malformed.tsv", "w", encoding="utf-8") as f:
        f.write("dong\tloai\ttruong\n")
        f.write("".join(f"{n}\t{kinds[n]}\t{fields[n]}\n" for n in sorted(kinds)))
    names = {1: "mới nộp", 2: "đã tiếp nhận", 3: "không tiếp nhận", 4: "đang xử lý",
             5: "yêu cầu bổ sung", 6: "chờ nghĩa vụ tài chính", 7: "rút", 8: "dừng xử lý",
             9: "đã xử lý xong", 10: "đã trả kết quả"}
    summary = ", ".join(f"{names[k]} {v}" for k, v in sorted(stats.items()))
    print(f"{a.out}: {a.count} bản ghi ({a.malformed} hỏng: {a.out}.malformed.txt); {summary}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
