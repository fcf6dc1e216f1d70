//! The files a run writes with `--out`: summary, time series, charts (SVG and PNG) and the
//! report page, each whole, with the text a reader needs.

use crate::util::{run_json, supportsim};

#[test]
fn out_writes_every_file_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("results");
    let json = run_json(
        &[
            "run",
            "scenarios/quick-start.toml",
            "--days",
            "3",
            "--replications",
            "3",
            "--json",
        ],
        "2",
    );
    let out = supportsim()
        .args([
            "run",
            "scenarios/quick-start.toml",
            "--days",
            "3",
            "--replications",
            "3",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let written = std::fs::read(out_dir.join("summary.json")).expect("summary.json");
    assert_eq!(written, json, "summary.json is what --json prints");
    let csv = std::fs::read_to_string(out_dir.join("intervals.csv")).expect("intervals.csv");
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with(
        "start_seconds,day,weekday,time,channel,offered_mean,offered_p10,offered_p90,"
    ));
    // Two statistics days of 30-minute intervals, two channels.
    assert_eq!(lines.count(), 2 * 48 * 2);
    let agents = std::fs::read_to_string(out_dir.join("agents_intervals.csv"))
        .expect("agents_intervals.csv");
    assert_eq!(agents.lines().count(), 1 + 2 * 48);
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".supportsim-manifest.json",
            "agents_intervals.csv",
            "frt-distribution.svg",
            "frt-email.svg",
            "frt-phone.svg",
            "intervals.csv",
            "occupancy.svg",
            "report.html",
            "service-level.svg",
            "summary.json",
            "backlog.svg",
            "backlog-age.svg",
            "csat.svg",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
        "every file, and no temporary file left"
    );
}

/// The text elements of an SVG, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            Some(
                t.split_once('>')?
                    .1
                    .split("</text>")
                    .next()?
                    .trim()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn charts_have_their_titles_axes_and_series() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = supportsim()
        .args([
            "run",
            "scenarios/slow-response-churn.toml",
            "--days",
            "21",
            "--replications",
            "3",
            "--png",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| {
        std::fs::read_to_string(dir.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let expect = chart_texts();
    for (file, texts) in expect {
        let svg = read(file);
        let found = svg_texts(&svg);
        for t in texts {
            assert!(
                found.iter().any(|x| x == t),
                "{file}: no text {t:?} in {found:?}"
            );
        }
        assert!(
            svg.contains("<polyline") || svg.contains("<rect"),
            "{file} draws data"
        );
        let png = std::fs::read(dir.path().join(file.replace(".svg", ".png"))).expect("png too");
        assert_eq!(&png[..4], b"\x89PNG");
    }
    report_page(&read("report.html"));
}

/// The texts each chart of the slow-response scenario must show.
fn chart_texts() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "service-level.svg",
            vec![
                "Service level per hour (P10–P90 across runs shaded)",
                "answered within target (%)",
                "phone (within 30s)",
                "email (within 8h00m)",
                "phone target 80%",
                "day of the run",
                "Mon 0",
            ],
        ),
        (
            "frt-phone.svg",
            vec![
                "phone: wait to first answer, contacts answered per hour",
                "median wait",
                "answer target 30s",
            ],
        ),
        (
            "backlog.svg",
            vec![
                "Open tickets waiting for a first reply, at the end of each interval",
                "tickets waiting",
                "email",
            ],
        ),
        (
            "backlog-age.svg",
            vec!["Age of the oldest unanswered ticket", "email"],
        ),
        (
            "occupancy.svg",
            vec![
                "phone team",
                "email desk",
                "time busy on contacts (%)",
                "90%: no slack left",
            ],
        ),
        (
            "csat.svg",
            vec![
                "Customer satisfaction (CSAT) per day, from surveys",
                "satisfied (%)",
            ],
        ),
        (
            "customers.svg",
            vec!["Active customers at the end of each day", "customers"],
        ),
        (
            "frt-distribution.svg",
            vec![
                "How long answered contacts waited for a first answer",
                "share of answered contacts (%)",
                "phone",
                "email",
                "at once",
            ],
        ),
    ]
}

/// The report page is self-contained and shows every chart and the warnings.
fn report_page(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    for external in ["<script", " src=", "<link", "url(", "@import"] {
        assert!(!page.contains(external), "self-contained: no {external}");
    }
    for name in [
        "service-level",
        "frt-phone",
        "frt-email",
        "backlog",
        "occupancy",
        "csat",
        "customers",
    ] {
        assert!(
            page.contains(&format!("<figure id=\"chart-{name}\"")),
            "{name} in the page"
        );
    }
    assert!(page.contains("What needs attention"));
    assert!(
        page.contains("email backlog grows every week"),
        "the warning about the email desk"
    );
    assert!(page.contains("slow response, lost customers"));
}

#[test]
fn png_charts_render_text_with_an_empty_font_configuration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("fonts.conf");
    std::fs::write(&empty, "<?xml version=\"1.0\"?><fontconfig></fontconfig>").expect("write");
    let out = supportsim()
        .env("FONTCONFIG_FILE", &empty)
        .env("FONTCONFIG_PATH", dir.path())
        .env_remove("XDG_DATA_DIRS")
        .args([
            "run",
            "scenarios/quick-start.toml",
            "--days",
            "3",
            "--replications",
            "2",
            "--png",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.path().join("out/service-level.png")).expect("png");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("valid PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("frame");
    // The caption strip at the top holds only the title: dark pixels there are its glyphs.
    let strip = (info.width * 30 * 3) as usize;
    let dark = buf[..strip]
        .chunks(3)
        .filter(|p| p.iter().all(|c| *c < 100))
        .count();
    assert!(dark > 100, "the title is drawn ({dark} dark pixels)");
}
