//! `[volume] forecast`: arrivals drawn from a forecast by date, with its day factor and its
//! within-day process per replication — checked against cases whose answer is known.

use std::path::Path;

use supportsim::forecast::intraday::dispersion;

use crate::util::supportsim;

/// Two dates, 08:00–18:00 in half-hours, 100 contacts expected in each (2,000 a day).
fn write_forecast(dir: &Path, log_sd: f64, within_sd: f64) {
    let mut f = String::from("date,interval_start,mean,p05,p10,p25,p50,p75,p90,p95\n");
    let mut d = String::from(
        "date,weekday,closed,factor,mean,log_sd,within_sd,within_rho,within_step_seconds\n",
    );
    for date in ["2024-03-04", "2024-03-05"] {
        for i in 0..20 {
            let m = 8 * 60 + 30 * i;
            f.push_str(&format!(
                "{date},{:02}:{:02},100,0,0,0,0,0,0,0\n",
                m / 60,
                m % 60
            ));
        }
        d.push_str(&format!(
            "{date},x,false,,2000,{log_sd},{within_sd},0.9,300\n"
        ));
    }
    std::fs::write(dir.join("forecast.csv"), f).expect("write");
    std::fs::write(dir.join("forecast-days.csv"), d).expect("write");
}

const SCENARIO: &str = r#"
[simulation]
days = 2
replications = 300
seed = 3
interval = "30m"
start_date = "2024-03-04"

[volume]
forecast = "forecast.csv"

[channels.phone]
kind = "call"
handle_time = { dist = "exponential", mean = "1m" }
patience = { dist = "exponential", mean = "5m" }

[[agents]]
name = "team"
count = 200
channels = ["phone"]
"#;

/// Every replication of the scenario at `path`, with its interval series.
fn replications(path: &Path) -> Vec<supportsim::metrics::RepResult> {
    let loaded = supportsim::scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    let options = supportsim::RunOptions {
        series: true,
        ..Default::default()
    };
    supportsim::run_replications(&loaded.model, &|| {}, options).unwrap_or_else(|e| panic!("{e}"))
}

/// Each replication's arrivals per day, per half-hour (08:00–18:00).
fn simulate(dir: &Path) -> Vec<Vec<f64>> {
    let path = dir.join("s.toml");
    std::fs::write(&path, SCENARIO).expect("write");
    let reps = replications(&path);
    reps.iter()
        .flat_map(|r| {
            (0..2).map(move |day| {
                (16..36)
                    .map(|i| r.channel_intervals[day * 48 + i][0].tally.arrived as f64)
                    .collect::<Vec<f64>>()
            })
        })
        .collect()
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (
        m,
        x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

/// Daily volume: the forecast's mean, and the variance of a Poisson count whose mean is
/// log-normal — M + M²(exp(s²) − 1) — each within three standard errors.
#[test]
fn a_forecast_sets_each_days_volume_and_its_spread() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_forecast(dir.path(), 0.1, 0.0);
    let days = simulate(dir.path());
    let totals: Vec<f64> = days.iter().map(|d| d.iter().sum()).collect();
    let (m, v) = mean_var(&totals);
    let n = totals.len() as f64;
    let expected_v = 2000.0 + 2000.0f64.powi(2) * (0.01f64.exp() - 1.0);
    assert!((m - 2000.0).abs() < 3.0 * (v / n).sqrt(), "mean {m}");
    // The variance of a sample variance, for a near-normal variable: 2σ⁴/(n − 1).
    let se_v = expected_v * (2.0 / (n - 1.0)).sqrt();
    assert!(
        (v - expected_v).abs() < 3.0 * se_v,
        "variance {v} against {expected_v} ± {se_v}"
    );
}

/// Within the day: without the process, counts given the day's total are multinomial (index
/// (1 − 1/cells)(1 − 1/days), the profile estimated from the same days); with it, counts vary
/// as the forecast's own sampler draws them.
#[test]
fn a_forecast_moves_contacts_within_the_day_as_its_process_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).expect("date");
    write_forecast(dir.path(), 0.0, 0.0);
    let plain = simulate(dir.path());
    let plain: Vec<(chrono::NaiveDate, &[f64])> =
        plain.iter().map(|d| (date, d.as_slice())).collect();
    let n = plain.len() as f64;
    for k in [1, 4] {
        let cells = (20 / k) as f64;
        let expected = (1.0 - 1.0 / cells) * (1.0 - 1.0 / n);
        let got = dispersion(&plain, k).expect("index");
        let tol = 3.0 * (2.0 / (cells * n)).sqrt();
        assert!(
            (got - expected).abs() < tol,
            "Poisson at {k}: {got} against {expected}"
        );
    }
    write_forecast(dir.path(), 0.0, 0.08);
    let moved = simulate(dir.path());
    let moved: Vec<(chrono::NaiveDate, &[f64])> =
        moved.iter().map(|d| (date, d.as_slice())).collect();
    // The same process drawn directly: a 5-minute AR(1) path averaged over each half-hour,
    // renormalised over the day, times 2,000, Poisson.
    let reference = reference_draws(600);
    let reference: Vec<(chrono::NaiveDate, &[f64])> =
        reference.iter().map(|d| (date, d.as_slice())).collect();
    for k in [1, 4] {
        let (a, b) = (
            dispersion(&moved, k).expect("index"),
            dispersion(&reference, k).expect("index"),
        );
        assert!(a > 1.2, "the process adds variation at {k}: {a}");
        assert!(
            (a / b - 1.0).abs() < 0.12,
            "engine {a} against direct draws {b} at {k}"
        );
    }
}

fn reference_draws(n: usize) -> Vec<Vec<f64>> {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal, Poisson};
    let mut rng = supportsim::rng::Rng::seed_from_u64(99);
    let normal = Normal::new(0.0, 1.0).expect("normal");
    (0..n)
        .map(|_| {
            let mut u: f64 = normal.sample(&mut rng);
            let z: Vec<f64> = (0..20)
                .map(|_| {
                    let mut s = 0.0;
                    for _ in 0..6 {
                        s += (0.08 * u).exp();
                        u = 0.9 * u + (1.0 - 0.81f64).sqrt() * normal.sample(&mut rng);
                    }
                    s / 6.0
                })
                .collect();
            let norm: f64 = z.iter().sum::<f64>() / 20.0;
            z.iter()
                .map(|x| {
                    Poisson::new(100.0 * x / norm)
                        .expect("mean")
                        .sample(&mut rng)
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_forecast_is_refused_with_the_reason_at_its_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_forecast(dir.path(), 0.1, 0.0);
    let cases = [
        (
            SCENARIO.replace("start_date = \"2024-03-04\"\n", ""),
            "needs the date of day 0",
        ),
        (SCENARIO.replace("days = 2", "days = 5"), "fall outside it"),
        (
            SCENARIO.replace(
                "forecast = \"forecast.csv\"",
                "forecast = \"forecast.csv\"\nper_day = 100",
            ),
            "`per_day` is not used with a forecast",
        ),
        (
            SCENARIO.replace("forecast.csv", "nothing.csv"),
            "cannot read",
        ),
        (
            SCENARIO.replace(
                "start_date = \"2024-03-04\"",
                "start_date = \"2024-03-04\"\nstart_weekday = \"tue\"",
            ),
            "is a mon",
        ),
    ];
    for (text, message) in cases {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, text).expect("write");
        let err = supportsim()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8_lossy(&err);
        assert!(err.contains(message), "{message}: {err}");
    }
    // Without forecast-days.csv the days vary by Poisson alone, and a warning says so.
    std::fs::remove_file(dir.path().join("forecast-days.csv")).expect("remove");
    let path = dir.path().join("ok.toml");
    std::fs::write(&path, SCENARIO).expect("write");
    let out = supportsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&out).contains("Poisson alone"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

/// From the 2003 bank counts (Weinberg, Brown & Stroud 2007, via fpp3) to a simulation: a
/// forecast fitted up to 26 September 2003 drives five weekdays of arrivals, and the simulated
/// daily totals fall inside the forecast's 90% band as often as it promises, while half-hours
/// and hours vary within the day as the data do (dispersion index within a factor 1.25).
#[test]
fn a_forecast_of_the_2003_counts_drives_a_run_with_its_spread() {
    let counts =
        crate::util::root().join("../shared/data/us-bank-calls-2003/bank_calls_5min_2003.csv");
    if !counts.is_file() {
        eprintln!(
            "SKIPPED: the 2003 bank counts are not at {}; the real-data check did not run",
            counts.display()
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    supportsim()
        .args([
            "forecast",
            "--until",
            "2003-09-26",
            "--days",
            "10",
            "--interval",
            "30m",
            "--out",
        ])
        .arg(dir.path().join("fc"))
        .arg(&counts)
        .assert()
        .success();
    let scenario = SCENARIO
        .replace("days = 2", "days = 5")
        .replace("replications = 300", "replications = 200")
        .replace("2024-03-04", "2003-09-29")
        .replace("forecast.csv\"", "fc/forecast.csv\"")
        .replace("count = 200", "count = 400");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, scenario).expect("write");
    let reps = replications(&path);
    let bands: Vec<(f64, f64)> = std::fs::read_to_string(dir.path().join("fc/forecast-days.csv"))
        .expect("days")
        .lines()
        .skip(1)
        .filter(|l| {
            l.starts_with("2003-09-29") || l.starts_with("2003-09-30") || l.starts_with("2003-10-0")
        })
        .take(5)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[5].parse().expect("p05"), f[11].parse().expect("p95"))
        })
        .collect();
    let mut inside = 0;
    let mut days: Vec<Vec<f64>> = Vec::new();
    for r in &reps {
        for (day, (lo, hi)) in bands.iter().enumerate() {
            // 07:00–21:00: half-hours 14 to 41.
            let v: Vec<f64> = (14..42)
                .map(|i| r.channel_intervals[day * 48 + i][0].tally.arrived as f64)
                .collect();
            let total: f64 = v.iter().sum();
            inside += usize::from((*lo..=*hi).contains(&total));
            days.push(v);
        }
    }
    let n = (reps.len() * bands.len()) as f64;
    let share = inside as f64 / n;
    eprintln!("simulated days inside the forecast's 90% band: {share}");
    // Binomial: 0.9 ± 3 × √(0.09/n).
    assert!(
        (share - 0.9).abs() < 3.0 * (0.09 / n).sqrt(),
        "{share} of simulated days inside the 90% band"
    );
    let history = supportsim::forecast::counts::read(
        std::fs::File::open(&counts).expect("counts"),
        &Default::default(),
        None,
    )
    .expect("counts")
    .coarsened(1800)
    .until(chrono::NaiveDate::from_ymd_opt(2003, 9, 26).expect("date"));
    let data: Vec<(chrono::NaiveDate, &[f64])> = history
        .days
        .iter()
        .map(|(d, v)| (*d, v.as_slice()))
        .collect();
    let dates = [
        "2003-09-29",
        "2003-09-30",
        "2003-10-01",
        "2003-10-02",
        "2003-10-03",
    ]
    .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date"));
    let sim: Vec<(chrono::NaiveDate, &[f64])> = days
        .iter()
        .enumerate()
        .map(|(i, v)| (dates[i % 5], v.as_slice()))
        .collect();
    for k in [1, 2] {
        let (h, s) = (
            dispersion(&data, k).expect("index"),
            dispersion(&sim, k).expect("index"),
        );
        eprintln!(
            "dispersion at {} min: history {h:.2}, simulated {s:.2}",
            30 * k
        );
        assert!(
            h / s < 1.25 && s / h < 1.25,
            "{} min: history {h}, simulated {s}",
            30 * k
        );
    }
}
