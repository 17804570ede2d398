//! The measuring core of `motcua bench run`: a bounded load generator (clients × seconds), its
//! samples, and a figure's medians, spreads and ratio against its baseline.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One measured run.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub ops: usize,
    pub seconds: f64,
    pub latencies_us: Vec<u64>,
}

impl Sample {
    pub fn throughput(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ops as f64 / self.seconds
        } else {
            0.0
        }
    }
    fn percentile(&self, p: f64) -> f64 {
        let mut l = self.latencies_us.clone();
        l.sort_unstable();
        let i = ((l.len() as f64 - 1.0) * p).round() as usize;
        l.get(i).copied().unwrap_or(0) as f64 / 1000.0
    }
}

/// Runs `op` from `clients` concurrent tasks for `seconds`; each task stops at the deadline.
pub async fn drive<F, Fut>(clients: usize, seconds: f64, op: Arc<F>) -> Sample
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let op = op.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline && latencies.len() < 5_000_000 {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if !op(i).await {
                    continue;
                }
                latencies.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            latencies
        }));
    }
    let mut sample = Sample::default();
    for t in tasks {
        if let Ok(l) = t.await {
            sample.latencies_us.extend(l);
        }
    }
    sample.seconds = started.elapsed().as_secs_f64();
    sample.ops = sample.latencies_us.len();
    sample
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Median and spread ((max − min) / median) of a list.
fn summary(v: &[f64]) -> (f64, f64) {
    let m = median(v.to_vec());
    let (lo, hi) = v
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    (m, if m > 0.0 { (hi - lo) / m } else { 0.0 })
}

/// One figure: ours and its baseline, run for run.
pub struct Figure {
    pub name: &'static str,
    pub ours: Vec<Sample>,
    pub baseline: Vec<Sample>,
}

impl Figure {
    pub fn json(&self) -> serde_json::Value {
        let stats = |s: &[Sample]| {
            let (tp, spread) = summary(&s.iter().map(Sample::throughput).collect::<Vec<_>>());
            serde_json::json!({
                "throughput_median": tp, "throughput_spread": spread,
                "p50_ms": median(s.iter().map(|x| x.percentile(0.5)).collect()),
                "p99_ms": median(s.iter().map(|x| x.percentile(0.99)).collect()),
                "runs": s.iter().map(Sample::throughput).collect::<Vec<_>>(),
            })
        };
        let ours = stats(&self.ours);
        let base = stats(&self.baseline);
        let tp = |v: &serde_json::Value| {
            v.get("throughput_median")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        let ratio = tp(&ours) / tp(&base).max(f64::MIN_POSITIVE);
        serde_json::json!({"figure": self.name, "ours": ours, "baseline": base, "ratio": ratio})
    }
}
