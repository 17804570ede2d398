//! The population registry (CSDL quốc gia về dân cư): a synthetic population with realistic
//! Vietnamese names, dates of birth and 2025 addresses, looked up by CCCD number.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::Sim;

/// A citizen as the registry returns them (field names as in the national schemas).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Citizen {
    /// Personal identification number (12 digits).
    pub so_dinh_danh: String,
    /// Full name.
    pub ho_va_ten: String,
    /// Date of birth, YYYY-MM-DD.
    pub ngay_sinh: String,
    /// "Nam" or "Nữ".
    pub gioi_tinh: String,
    /// Permanent residence (2025 two-level address).
    pub noi_thuong_tru: String,
}

/// Everyone in the simulated registry, by CCCD number.
pub struct Population {
    people: HashMap<String, Citizen>,
    order: Vec<String>,
}

const PROVINCES: [(&str, &str, &[&str]); 4] = [
    (
        "048",
        "Thành phố Đà Nẵng",
        &[
            "Phường Hải Châu",
            "Phường Thanh Khê",
            "Phường An Khê",
            "Phường Hòa Cường",
            "Phường An Hải",
            "Phường Sơn Trà",
        ],
    ),
    (
        "001",
        "Thành phố Hà Nội",
        &[
            "Phường Ba Đình",
            "Phường Hoàn Kiếm",
            "Phường Cầu Giấy",
            "Phường Đống Đa",
            "Phường Hai Bà Trưng",
        ],
    ),
    (
        "079",
        "Thành phố Hồ Chí Minh",
        &[
            "Phường Sài Gòn",
            "Phường Bến Thành",
            "Phường Tân Định",
            "Phường Chợ Lớn",
        ],
    ),
    (
        "046",
        "Thành phố Huế",
        &["Phường Thuận Hóa", "Phường Phú Xuân", "Phường Vỹ Dạ"],
    ),
];
const FAMILY: [&str; 14] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô",
];
const MALE_MIDDLE: [&str; 6] = ["Văn", "Minh", "Đức", "Quốc", "Hữu", "Thanh"];
const FEMALE_MIDDLE: [&str; 6] = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ"];
const MALE_GIVEN: [&str; 10] = [
    "An", "Bình", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân",
];
const FEMALE_GIVEN: [&str; 10] = [
    "Châu", "Giang", "Hà", "Hạnh", "Lan", "Linh", "Mai", "Thảo", "Trang", "Yến",
];

fn pick<'a>(items: &[&'a str], n: u64) -> &'a str {
    let i = usize::try_from(n % items.len().max(1) as u64).unwrap_or(0);
    items.get(i).copied().unwrap_or("")
}

impl Population {
    /// The same `n` people on every run.
    pub fn generate(n: usize) -> Self {
        let mut people = HashMap::with_capacity(n);
        let mut order = Vec::with_capacity(n);
        let mut seed: u64 = 0x6d6f_7463_7561;
        for i in 0..n {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = seed >> 20;
            let Some(&(code, province, wards)) = PROVINCES.get(i % PROVINCES.len()) else {
                continue;
            };
            let female = r % 2 == 1;
            let year = 1945 + (r >> 3) % 62;
            let month = 1 + (r >> 9) % 12;
            let day = 1 + (r >> 13) % 28;
            let century = if year >= 2000 { 2 } else { 0 } + u64::from(female);
            let id = format!("{code}{century}{:02}{:06}", year % 100, i);
            let (middle, given) = if female {
                (&FEMALE_MIDDLE[..], &FEMALE_GIVEN[..])
            } else {
                (&MALE_MIDDLE[..], &MALE_GIVEN[..])
            };
            let citizen = Citizen {
                so_dinh_danh: id.clone(),
                ho_va_ten: format!(
                    "{} {} {}",
                    pick(&FAMILY, r >> 17),
                    pick(middle, r >> 23),
                    pick(given, r >> 27)
                ),
                ngay_sinh: format!("{year:04}-{month:02}-{day:02}"),
                gioi_tinh: if female { "Nữ" } else { "Nam" }.into(),
                noi_thuong_tru: format!(
                    "Số {}, {}, {province}",
                    1 + (r >> 31) % 200,
                    pick(wards, r >> 35)
                ),
            };
            order.push(id.clone());
            people.insert(id, citizen);
        }
        Self { people, order }
    }

    /// A citizen by CCCD number.
    pub fn get(&self, id: &str) -> Option<&Citizen> {
        self.people.get(id)
    }

    /// The `i`-th citizen (for tests and demos).
    pub fn nth(&self, i: usize) -> Option<&Citizen> {
        self.order.get(i).and_then(|id| self.people.get(id))
    }

    /// How many people.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/registry/citizens/{id}", get(lookup))
        .route("/_sim/people", get(people))
}

#[derive(serde::Deserialize)]
struct PeopleQuery {
    #[serde(default)]
    limit: Option<usize>,
}

/// The first people of the synthetic population, for demos and browser tests to sign in as.
async fn people(
    State(sim): State<Sim>,
    axum::extract::Query(q): axum::extract::Query<PeopleQuery>,
) -> Json<Vec<Citizen>> {
    let n = q.limit.unwrap_or(10).min(100);
    Json(
        (0..n)
            .filter_map(|i| sim.population.nth(i).cloned())
            .collect(),
    )
}

async fn lookup(State(sim): State<Sim>, Path(id): Path<String>) -> Response {
    match sim.population.get(id.trim()) {
        Some(c) => Json(c.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"MaLoi": "KHONG_TIM_THAY", "MoTa": "Không tìm thấy công dân"})),
        )
            .into_response(),
    }
}
