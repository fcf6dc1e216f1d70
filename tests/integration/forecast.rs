//! `supportsim forecast`: reading interval counts, forecasting with predictive bands, and the
//! rolling-origin evaluation — on counts drawn from a known model (fitted back within the
//! estimates' standard errors) and on a US bank's 2003 counts (Weinberg, Brown & Stroud, JASA
//! 2007, via fpp3), read from the shared data folder beside the repository.

use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand_distr::{Distribution, Normal, Poisson};

use crate::util::{root, supportsim};

fn json_of(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("JSON output")
}

fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    path.iter()
        .fold(v, |v, k| &v[*k])
        .as_f64()
        .unwrap_or_else(|| panic!("no number at {path:?} in {v}"))
}

/// Runs `forecast` with `args` on `file`; it must succeed: its standard output.
fn succeeds(args: &[&str], file: &Path) -> Vec<u8> {
    supportsim()
        .arg("forecast")
        .args(args)
        .arg(file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// The 2003 counts, or `None` (said plainly) when the shared data folder is absent.
fn bank_counts() -> Option<PathBuf> {
    let p = root().join("../shared/data/us-bank-calls-2003/bank_calls_5min_2003.csv");
    if p.is_file() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: the 2003 bank counts are not at {}; the real-data checks did not run",
            p.display()
        );
        None
    }
}

/// Out of sample on the 2003 counts — twelve weekly origins over the last twelve weeks, four
/// weeks ahead, half-hours — the bands hold what they promise and the forecast beats the
/// seasonal-naive one.
#[test]
fn the_2003_counts_are_forecast_out_of_sample_as_promised() {
    let Some(counts) = bank_counts() else { return };
    let out = succeeds(&["--evaluate", "--json"], &counts);
    let ev = json_of(&out);
    for scored in ["intervals", "days"] {
        let c90 = num(&ev, &["scores", scored, "coverage_90"]);
        let c50 = num(&ev, &["scores", scored, "coverage_50"]);
        assert!(
            (0.85..=0.95).contains(&c90),
            "{scored}: 90% band holds {c90}"
        );
        assert!(
            (0.40..=0.60).contains(&c50),
            "{scored}: 50% band holds {c50}"
        );
        let mase = num(&ev, &["scores", scored, "mase"]);
        let naive = num(&ev, &["scores", scored, "naive_mase"]);
        assert!(
            mase < naive,
            "{scored}: MASE {mase} against seasonal naive {naive}"
        );
    }
}

/// Counts drawn from the fitted model vary within the day as the history does: the dispersion
/// index given the day's total at 5, 30 and 60 minutes within a factor 1.25.
#[test]
fn drawn_counts_vary_within_the_day_as_the_2003_counts_do() {
    let Some(counts) = bank_counts() else { return };
    let out = succeeds(&["--days", "7", "--json"], &counts);
    let f = json_of(&out);
    let checks = f["model"]["dispersion"].as_array().expect("checks");
    for minutes in [5, 30, 60] {
        let c = checks
            .iter()
            .find(|c| c["minutes"] == minutes)
            .unwrap_or_else(|| panic!("no check at {minutes} min"));
        let (h, s) = (num(c, &["history"]), num(c, &["simulated"]));
        assert!(
            h > 1.2,
            "the data vary beyond Poisson at {minutes} min: {h}"
        );
        assert!(
            s / h < 1.25 && h / s < 1.25,
            "{minutes} min: history {h}, model {s}"
        );
    }
}

/// The known model: a level with weekday factors, a log-normal day factor, a correlated
/// within-day process and Poisson counts per 15 minutes, 08:00–20:00, weekdays.
struct Truth {
    level: f64,
    weekday: [f64; 5],
    day_sd: f64,
    within_sd: f64,
    within_rho: f64,
}

const TRUTH: Truth = Truth {
    level: 4000.0,
    weekday: [1.2, 1.0, 0.95, 0.95, 1.05],
    day_sd: 0.05,
    within_sd: 0.08,
    within_rho: 0.85,
};

fn draw_history(seed: u64, weeks: u64) -> String {
    let mut rng = supportsim::rng::Rng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).expect("normal");
    let slots = 48;
    let shape: Vec<f64> = (0..slots)
        .map(|i| 1.0 + 0.6 * (std::f64::consts::PI * i as f64 / slots as f64).sin())
        .collect();
    let total_shape: f64 = shape.iter().sum();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let mut out = String::from("date,time,calls\n");
    for d in 0..weeks * 7 {
        let date = start + chrono::Days::new(d);
        let w = (d % 7) as usize;
        if w >= 5 {
            continue;
        }
        let t = TRUTH.level
            * TRUTH.weekday[w]
            * (TRUTH.day_sd * normal.sample(&mut rng) - TRUTH.day_sd.powi(2) / 2.0).exp();
        let mut u: f64 = normal.sample(&mut rng);
        let mut z = Vec::with_capacity(slots);
        for _ in 0..slots {
            z.push((TRUTH.within_sd * u).exp());
            u = TRUTH.within_rho * u
                + (1.0 - TRUTH.within_rho.powi(2)).sqrt() * normal.sample(&mut rng);
        }
        let norm: f64 = shape.iter().zip(&z).map(|(p, z)| p * z).sum::<f64>() / total_shape;
        for (i, (p, z)) in shape.iter().zip(&z).enumerate() {
            let mean = t * p / total_shape * z / norm;
            let n: f64 = Poisson::new(mean).expect("mean").sample(&mut rng);
            let minutes = 8 * 60 + 15 * i;
            out.push_str(&format!(
                "{date},{:02}:{:02},{n}\n",
                minutes / 60,
                minutes % 60
            ));
        }
    }
    out
}

/// Six histories drawn from the known model, each forecast through the command line: the
/// mean of each estimate lies within three standard errors (spread of the six / √6) of what
/// the model implies.
#[test]
fn a_known_demand_model_is_fitted_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut est: Vec<[f64; 4]> = Vec::new();
    for seed in 0..6 {
        let path = dir.path().join(format!("h{seed}.csv"));
        std::fs::write(&path, draw_history(100 + seed, 40)).expect("write");
        let out = succeeds(&["--days", "7", "--interval", "15m", "--json"], &path);
        let f = json_of(&out);
        let m = &f["model"];
        // Monday's forecast total against the truth (2024-10-07 is a Monday, 40 weeks on).
        let monday = f["days"]
            .as_array()
            .expect("days")
            .iter()
            .find(|d| d["date"] == "2024-10-07")
            .expect("a Monday");
        let alpha = num(m, &["daily", "params", "alpha"]);
        // One-step error of a level smoothed with α around white noise of variance s²:
        // s²(1 + α/(2 − α)); s² holds the day factor and the Poisson count.
        let s2 =
            TRUTH.day_sd.powi(2) + 1.0 / (TRUTH.level * TRUTH.weekday.iter().sum::<f64>() / 5.0);
        let implied_sd = (s2 * (1.0 + alpha / (2.0 - alpha))).sqrt();
        est.push([
            num(monday, &["total", "mean"]) / (TRUTH.level * TRUTH.weekday[0]),
            num(m, &["daily", "sigma"]) / implied_sd,
            num(m, &["within_day", "sigma"]) / TRUTH.within_sd,
            num(m, &["within_day", "rho"]) / TRUTH.within_rho,
        ]);
    }
    for (i, name) in [
        "Monday's mean",
        "day-to-day sd",
        "within-day sd",
        "within-day rho",
    ]
    .iter()
    .enumerate()
    {
        let x: Vec<f64> = est.iter().map(|e| e[i]).collect();
        let mean = x.iter().sum::<f64>() / x.len() as f64;
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt();
        let se = sd / (x.len() as f64).sqrt();
        assert!(
            (mean - 1.0).abs() < 3.0 * se.max(0.005),
            "{name}: ratio to truth {mean} ± {se} ({x:?})"
        );
    }
}

#[test]
fn forecast_files_have_the_documented_columns_and_calendar_days_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = dir.path().join("history.csv");
    std::fs::write(&history, draw_history(7, 12)).expect("write");
    // 2024-03-25 is the Monday after the last week of history.
    let calendar = dir.path().join("calendar.csv");
    std::fs::write(
        &calendar,
        "date,factor,name\n2024-03-25,closed,a holiday\n2024-03-26,1.5,after it\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let plain = succeeds(&["--days", "7", "--json"], &history);
    let special = supportsim()
        .args(["forecast", "--days", "7", "--json", "--calendar"])
        .arg(&calendar)
        .arg(&history)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let day = |v: &serde_json::Value, date: &str| {
        v["days"]
            .as_array()
            .expect("days")
            .iter()
            .find(|d| d["date"] == date)
            .expect("date")
            .clone()
    };
    let (plain, special) = (json_of(&plain), json_of(&special));
    assert_eq!(day(&special, "2024-03-25")["closed"], true);
    let ratio = num(&day(&special, "2024-03-26"), &["total", "mean"])
        / num(&day(&plain, "2024-03-26"), &["total", "mean"]);
    assert!(
        (ratio - 1.5).abs() < 0.03,
        "a factor of 1.5 multiplies the day: {ratio}"
    );
    let csv = std::fs::read_to_string(out.join("forecast.csv")).expect("forecast.csv");
    assert!(
        csv.starts_with("date,interval_start,mean,p05,p10,p25,p50,p75,p90,p95\n"),
        "{}",
        &csv[..80]
    );
    // 7 days × 24 half-hours from 08:00 to 19:30.
    assert_eq!(csv.lines().count(), 1 + 7 * 24);
    let days = std::fs::read_to_string(out.join("forecast-days.csv")).expect("forecast-days.csv");
    assert!(
        days.starts_with("date,weekday,closed,factor,mean,p05,"),
        "{days}"
    );
    for f in ["forecast-days.svg", "forecast-week.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
}

#[test]
fn a_missing_day_is_missing_not_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = draw_history(9, 12);
    // Leave out one Wednesday (2024-02-07) whole.
    let gap: String = full
        .lines()
        .filter(|l| !l.starts_with("2024-02-07"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (a, b) = (dir.path().join("full.csv"), dir.path().join("gap.csv"));
    std::fs::write(&a, &full).expect("write");
    std::fs::write(&b, &gap).expect("write");
    let run = |p: &PathBuf| {
        json_of(
            &supportsim()
                .args(["forecast", "--days", "3", "--json"])
                .arg(p)
                .assert()
                .success()
                .get_output()
                .stdout,
        )
    };
    let (f, g) = (run(&a), run(&b));
    assert_eq!(g["model"]["missing"], serde_json::json!(["2024-02-07"]));
    // The first forecast day is Monday 2024-03-25 (after a weekend, closed).
    let m = |v: &serde_json::Value| num(&v["days"][2], &["total", "mean"]);
    assert_eq!(f["days"][2]["date"], "2024-03-25");
    assert!(
        (m(&f) / m(&g) - 1.0).abs() < 0.02,
        "{} against {}",
        m(&f),
        m(&g)
    );
}

/// Runs `forecast` with `args` and the file `history`: it must exit 2; its message.
fn refused(history: &Path, args: &[&std::ffi::OsStr]) -> String {
    let out = supportsim()
        .arg("forecast")
        .arg(history)
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn bad_counts_and_flags_are_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let history = dir.path().join("h.csv");
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let to_out = [os("--out"), out.as_os_str()];
    std::fs::write(
        &history,
        "when,amount\n2024-01-01 08:00,3\n2024-01-01 08:05,1\n",
    )
    .expect("write");
    let err = refused(&history, &to_out);
    assert!(
        err.contains("--timestamp-column") && err.contains("when, amount"),
        "{err}"
    );
    let named = [
        "--timestamp-column",
        "when",
        "--count-column",
        "amount",
        "--interval",
        "7m",
    ]
    .map(os);
    let err = refused(&history, &named);
    assert!(err.contains("not a multiple"), "{err}");
    // An evaluation has origins and a horizon; --until and --days would be ignored.
    for flag in [["--until", "2024-01-01"], ["--days", "3"]] {
        let err = refused(&history, &[os("--evaluate"), os(flag[0]), os(flag[1])]);
        assert!(err.contains("cannot be used with"), "{err}");
    }
    std::fs::write(
        &history,
        "date,time,calls\n2024-01-01,08:00,3\n2024-01-01,08:30,-1\n",
    )
    .expect("write");
    let err = refused(&history, &to_out);
    assert!(err.contains("line 3: column `calls`"), "{err}");
    let good = dir.path().join("g.csv");
    std::fs::write(&good, draw_history(3, 6)).expect("write");
    let calendar = dir.path().join("cal.csv");
    std::fs::write(&calendar, "date,factor\n2024-02-30,closed\n").expect("write");
    let err = refused(
        &good,
        &[os("--calendar"), calendar.as_os_str(), to_out[0], to_out[1]],
    );
    assert!(err.contains("line 2"), "{err}");
    assert!(!out.exists(), "nothing is written on bad input");
}

#[test]
fn the_same_forecast_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = dir.path().join("h.csv");
    std::fs::write(&history, draw_history(5, 10)).expect("write");
    let run = |threads: &str| {
        supportsim()
            .env("RAYON_NUM_THREADS", threads)
            .args(["forecast", "--days", "5", "--json"])
            .arg(&history)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run("1"), run("3"));
}

/// A contact log's arrivals are counted per 5 minutes and forecast (the Anonymous Bank's
/// February 1999 log, Technion SEE Laboratory).
#[test]
fn a_contact_log_is_forecast_from_its_arrivals() {
    let p = root().join("../shared/data/anonymous-bank-feb-1999/data_anonymous_bank_february.txt");
    if !p.is_file() {
        eprintln!("SKIPPED: the Anonymous Bank log is not at {}", p.display());
        return;
    }
    let out = supportsim()
        .args(["forecast", "--days", "7", "--json", "--log-mapping"])
        .arg(root().join("mappings/anonymous-bank.toml"))
        .arg(&p)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let f = json_of(&out);
    assert_eq!(f["model"]["start"], "1999-02-01");
    assert_eq!(f["model"]["end"], "1999-02-28");
    // About 1,100 calls reach the queue on a weekday (31,000 in 28 days, fewer at weekends).
    let monday = num(&f["days"][0], &["total", "mean"]);
    assert!((700.0..2000.0).contains(&monday), "{monday}");
}
