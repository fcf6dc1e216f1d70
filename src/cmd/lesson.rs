//! `supportsim lesson`: a grid over a scenario's settings, every point simulated on the same
//! seeds, written into one page a trainer can open anywhere (`lesson.html`, with `lesson.json`
//! beside it holding the same data).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use supportsim::duration::format_duration;
use supportsim::lesson::{self, Lesson, LessonPoint, Question};
use supportsim::model::Model;
use supportsim::report::{self, Summary};
use supportsim::sweep::{self, Setting};

use super::sweep::{sweep_error, typed_document};
use super::{
    Failure, Overrides, check_out, flag_error, prepared, progress_bar, replicate, write_all,
};

#[derive(clap::Args, Clone)]
pub struct LessonArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// A lever of the page: PATH=VALUES as `sweep --set` takes them, e.g.
    /// "agents.email desk.shifts.0.count=2..6" or automation=off,on, with an optional label
    /// for the page: "email agents: agents.email desk.shifts.0.count=2..6". Repeat for
    /// several; every combination is simulated. Default: the scenario's [lesson] vary.
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    vary: Vec<String>,
    /// An exercise for the room, answered over the grid and hidden until "reveal", e.g.
    /// "minimize total_cost where churned_customers < 300". Default: the scenario's [lesson]
    /// question.
    #[arg(long, value_name = "TEXT")]
    question: Option<String>,
    #[command(flatten)]
    overrides: Overrides,
    /// Write lesson.html and lesson.json into this folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write into an --out folder that holds files supportsim did not write there.
    #[arg(long)]
    force: bool,
}

pub fn lesson(args: &LessonArgs) -> Result<(), Failure> {
    let inputs = [args.scenario.as_path()];
    check_out(Some(&args.out), args.force, &inputs)?;
    let o = &args.overrides;
    let base = prepared(&args.scenario, o.replications, o.seed, o.days)?;
    let spec = super::load(&args.scenario)?.lesson.unwrap_or_default();
    let vary = if args.vary.is_empty() {
        &spec.vary
    } else {
        &args.vary
    };
    if vary.is_empty() {
        return Err(flag_error(format!(
            "error: {} has no levers for a lesson\n  = help: give --vary PATH=VALUES (as sweep --set takes them), or write them in the scenario: [lesson] vary = [\"agents.desk.count=2..6\"]",
            args.scenario.display()
        )));
    }
    let (labels, settings) = levers_of(vary)?;
    let question = args
        .question
        .as_deref()
        .or(spec.question.as_deref())
        .map(Question::parse)
        .transpose()
        .map_err(question_error)?;
    let doc = typed_document(&args.scenario)?;
    let file = args.scenario.display().to_string();
    let sweep::Plan { grid: _, models } =
        sweep::plan(&doc, &file, &base, &settings).map_err(sweep_error)?;
    let figures = lesson::figures(&base);
    let series = lesson::series_info(&base);
    check_size(models.len(), &base, figures.len(), series.len())?;
    // A question may fix a lever by its path or by its label.
    let levers: Vec<(String, Vec<String>)> = settings
        .iter()
        .zip(&labels)
        .flat_map(|(s, label)| {
            let values: Vec<String> = s.points.iter().map(|p| p.text.clone()).collect();
            [
                (s.path_text.clone(), values.clone()),
                (label.clone(), values),
            ]
        })
        .collect();
    let (seconds, pilot) = pilot(&models[0], &file)?;
    if let Some(q) = &question {
        q.check(&pilot, &levers).map_err(question_error)?;
    }
    announce(seconds, models.len(), &base);
    let (points, summaries) = simulate(&models, &settings, &figures, &file)?;
    let answer = question.as_ref().map(|q| {
        let at: Vec<Vec<(String, String)>> = points
            .iter()
            .map(|p| {
                p.at.iter()
                    .zip(levers.chunks(2))
                    .flat_map(|(&i, named)| {
                        named.iter().map(move |(n, v)| (n.clone(), v[i].clone()))
                    })
                    .collect()
            })
            .collect();
        q.answer(&summaries, &at)
    });
    let data = Lesson {
        schema: lesson::SCHEMA,
        title: base.name.clone(),
        scenario: file.clone(),
        seed: base.seed,
        replications: base.replications,
        days: base.days,
        period: lesson::period_of(&base),
        period_seconds: lesson::period_of(&base).seconds(&base),
        levers: settings
            .iter()
            .zip(labels)
            .map(|(s, label)| lesson::Lever {
                label,
                path: s.path_text.clone(),
                values: s.points.iter().map(|p| p.text.clone()).collect(),
            })
            .collect(),
        figures,
        series,
        t975: lesson::t975_table(base.replications),
        channels: lesson::channel_info(&base),
        replay_day: lesson::replay_day(&base),
        replay_weekday: (base.demand.start_weekday + lesson::replay_day(&base) as usize) % 7,
        replay_frame_seconds: lesson::FRAME,
        points,
        question,
        answer,
    };
    let page = lesson::html(&data).context("rendering lesson.html")?;
    let json = serde_json::to_vec_pretty(&data).context("rendering lesson.json")?;
    let size = page.len();
    write_all(
        &args.out,
        &[
            ("lesson.html".into(), page.into_bytes()),
            ("lesson.json".into(), json),
        ],
        &inputs,
    )?;
    eprintln!(
        "wrote {} ({:.0} kB, {} points); open it in any browser, no network needed",
        args.out.join("lesson.html").display(),
        size as f64 / 1e3,
        models.len()
    );
    Ok(())
}

/// Refuses, before anything runs, a grid whose page would pass [`lesson::MAX_PAGE_BYTES`].
fn check_size(points: usize, base: &Model, figures: usize, series: usize) -> Result<(), Failure> {
    let bytes = lesson::PAGE_BYTES + points as u64 * lesson::point_bytes(base, figures, series);
    if bytes <= lesson::MAX_PAGE_BYTES {
        return Ok(());
    }
    Err(flag_error(format!(
        "error: a lesson of {points} points × {} replications would make a page of about {:.1} MB; a lesson page stays under {:.0} MB so that it opens at once on any laptop\n  = help: give fewer values to --vary, fewer levers, or fewer --replications",
        base.replications,
        bytes as f64 / 1e6,
        lesson::MAX_PAGE_BYTES as f64 / 1e6
    )))
}

/// The levers' labels and settings from their texts (`LABEL: PATH=VALUES` or `PATH=VALUES`).
fn levers_of(vary: &[String]) -> Result<(Vec<String>, Vec<Setting>), Failure> {
    let mut labels = Vec::new();
    let mut settings = Vec::new();
    for text in vary {
        let (label, rest) = lesson::split_label(text).map_err(flag_error)?;
        let setting = sweep::parse_setting(rest).map_err(sweep_error)?;
        let label = label.map_or_else(|| setting.path_text.clone(), str::to_string);
        if labels.contains(&label) {
            return Err(flag_error(format!(
                "error: two levers are called `{label}`; give each its own label"
            )));
        }
        labels.push(label);
        settings.push(setting);
    }
    Ok((labels, settings))
}

/// Every point of the grid simulated, with its summary (for the question's answer).
fn simulate(
    models: &[Model],
    settings: &[Setting],
    figures: &[lesson::Figure],
    file: &str,
) -> Result<(Vec<LessonPoint>, Vec<Summary>), Failure> {
    let reps_each = models.first().map_or(0, |m| u64::from(m.replications));
    let bar = progress_bar(models.len() as u64 * reps_each);
    let mut points = Vec::with_capacity(models.len());
    let mut summaries = Vec::with_capacity(models.len());
    for (i, m) in models.iter().enumerate() {
        let mut sink = lesson::ReplaySink::new(m);
        let options = supportsim::RunOptions {
            cancel: Some(&super::INTERRUPTED),
            series: true,
            sink: Some(&mut sink),
            keep: None,
        };
        let reps = supportsim::run_replications(m, &|| bar.inc(1), options)
            .map_err(|e| super::stopped(e, &m.name, &bar))?;
        let replay = sink.finish(m, &reps[0]);
        let summary = report::summarize(m, file, &reps);
        points.push(LessonPoint {
            at: at_of(settings, i),
            figures: figures
                .iter()
                .filter_map(|f| Some((f.key.clone(), lesson::point_figure(&summary, &f.key)?)))
                .collect(),
            series: lesson::series(m, &reps),
            replay,
        });
        summaries.push(summary);
    }
    bar.finish_and_clear();
    Ok((points, summaries))
}

/// The index of each lever's value at grid point `i` (the first lever varying slowest).
fn at_of(settings: &[Setting], mut i: usize) -> Vec<usize> {
    let mut at = vec![0; settings.len()];
    for (k, s) in settings.iter().enumerate().rev() {
        let n = s.points.len();
        at[k] = i % n;
        i /= n;
    }
    at
}

/// The error of a question (from --question or the scenario's [lesson]).
fn question_error(e: lesson::QuestionError) -> Failure {
    flag_error(format!("error: the lesson's question: {e}"))
}

/// One replication of the first point, timed (for the estimate) and summarised (to check the
/// question's metrics before the grid runs).
fn pilot(first: &Model, file: &str) -> Result<(f64, Summary), Failure> {
    let mut pilot = first.clone();
    pilot.replications = 1;
    let started = Instant::now();
    let reps = replicate(&pilot, &indicatif::ProgressBar::hidden(), true)?;
    Ok((
        started.elapsed().as_secs_f64(),
        report::summarize(&pilot, file, &reps),
    ))
}

/// Says how much will be simulated and about how long it takes, from one replication timed.
fn announce(one: f64, points: usize, base: &Model) {
    let sims = points as f64 * f64::from(base.replications);
    let threads = rayon::current_num_threads().max(1) as f64;
    let estimate = one * sims / threads.min(f64::from(base.replications));
    eprintln!(
        "lesson: {points} points × {} replications = {} simulations, about {} on {} threads",
        base.replications,
        sims as u64,
        format_duration(estimate.max(1.0)),
        threads as u64
    );
}
