//! A parcel's map drawn as SVG from the register's shapes: the parcel and its neighbours on
//! the same map sheet, no tiles and no external service. Coordinates are planar (VN-2000
//! metres; WGS84 degrees are scaled by the cosine of the latitude so shapes keep their form).

use motcua_core::land::{Crs, LandObject, Version};
use uuid::Uuid;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 420.0;
const PAD: f64 = 12.0;

/// The outer rings of a GeoJSON Polygon or MultiPolygon, as (x, y) points.
fn rings(geometry: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| {
                        let a = p.as_array()?;
                        Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let coords = geometry.get("coordinates");
    match geometry.get("type").and_then(serde_json::Value::as_str) {
        Some("Polygon") => coords
            .and_then(|c| c.as_array())
            .and_then(|c| c.first())
            .map(|r| vec![ring(r)])
            .unwrap_or_default(),
        Some("MultiPolygon") => coords
            .and_then(|c| c.as_array())
            .map(|polys| {
                polys
                    .iter()
                    .filter_map(|p| p.as_array().and_then(|p| p.first()).map(ring))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

struct Shape {
    id: Uuid,
    number: u32,
    rings: Vec<Vec<(f64, f64)>>,
}

fn shape(v: &Version) -> Option<Shape> {
    let LandObject::Parcel(p) = &v.value else {
        return None;
    };
    let g = p.geometry.as_ref()?;
    let mut rs = rings(g);
    if p.crs == Crs::Wgs84 {
        // Degrees of longitude shrink with latitude.
        for r in &mut rs {
            for pt in r.iter_mut() {
                pt.0 *= pt.1.to_radians().cos();
            }
        }
    }
    rs.retain(|r| r.len() >= 3);
    (!rs.is_empty()).then_some(Shape {
        id: v.object.id,
        number: p.number.number,
        rings: rs,
    })
}

type Bbox = (f64, f64, f64, f64);

fn bbox(s: &Shape) -> Bbox {
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for r in &s.rings {
        for (x, y) in r {
            b = (b.0.min(*x), b.1.min(*y), b.2.max(*x), b.3.max(*y));
        }
    }
    b
}

/// The SVG of `target` among `others` (those near it), or `None` when it has no shape.
pub fn svg(target: &Version, others: &[Version], label: &str) -> Option<String> {
    let main = shape(target)?;
    let (x0, y0, x1, y1) = bbox(&main);
    // The window: the parcel with twice its size around it.
    let span = (x1 - x0).max(y1 - y0).max(1.0);
    let window = (x0 - span, y0 - span, x1 + span, y1 + span);
    let near: Vec<Shape> = others
        .iter()
        .filter(|v| v.object.id != main.id)
        .filter_map(shape)
        .filter(|s| {
            let b = bbox(s);
            b.2 >= window.0 && b.0 <= window.2 && b.3 >= window.1 && b.1 <= window.3
        })
        .collect();
    let (wx, wy) = (window.2 - window.0, window.3 - window.1);
    let scale = ((WIDTH - 2.0 * PAD) / wx).min((HEIGHT - 2.0 * PAD) / wy);
    let to = |(x, y): (f64, f64)| {
        (
            PAD + (x - window.0) * scale,
            HEIGHT - PAD - (y - window.1) * scale,
        )
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\" class=\"land-map\" data-testid=\"parcel-map\">",
        askama_escape(label)
    );
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f2\"/>");
    let mut draw = |s: &Shape, main: bool| {
        for r in &s.rings {
            let pts: Vec<String> = r
                .iter()
                .map(|p| {
                    let (x, y) = to(*p);
                    format!("{x:.1},{y:.1}")
                })
                .collect();
            let style = if main {
                "fill=\"#f4c542\" stroke=\"#7a4f00\" stroke-width=\"2\""
            } else {
                "fill=\"#ffffff\" stroke=\"#6b7280\" stroke-width=\"1\""
            };
            out.push_str(&format!("<polygon points=\"{}\" {style}/>", pts.join(" ")));
        }
        // The number at the centre of the first ring's box.
        if let Some(r) = s.rings.first() {
            let n = r.len() as f64;
            let cx = r.iter().map(|p| p.0).sum::<f64>() / n;
            let cy = r.iter().map(|p| p.1).sum::<f64>() / n;
            let (x, y) = to((cx, cy));
            let weight = if main { "bold" } else { "normal" };
            let link = if main {
                String::new()
            } else {
                format!("/dia-chinh/thua/{}", s.id)
            };
            if link.is_empty() {
                out.push_str(&format!(
                    "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"13\" font-weight=\"{weight}\" text-anchor=\"middle\">{}</text>",
                    s.number
                ));
            } else {
                out.push_str(&format!(
                    "<a href=\"{link}\"><text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f4e79\">{}</text></a>",
                    s.number
                ));
            }
        }
    };
    for s in &near {
        draw(s, false);
    }
    draw(&main, true);
    out.push_str("</svg>");
    Some(out)
}

/// Escapes text for an attribute.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
