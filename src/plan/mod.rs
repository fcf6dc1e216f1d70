//! The long range week by week: what a year of an operation whose workforce changes (attrition,
//! hiring classes, ramp-up, burnout) looks like per week, across replications — headcount,
//! leavers, absence, occupancy, each channel's service level, first response and NPS, customer
//! effort, the chance that every service-level target is met, and cost.
//!
//! Each replication's time series and workforce days are folded into its weeks as it finishes
//! ([`weeks_of`]), so memory holds weeks, not intervals; [`Plan::of`] gives each week's mean and
//! P10–P90 band across replications. Weeks run from day 0 (Monday or not); a last week shorter
//! than seven days is kept and says how many days it has.

mod chart;
pub mod hiring;
pub mod tally;

pub use chart::chart;

use crate::duration::DAY;
use crate::metrics::{RepResult, Tally};
use crate::model::Model;
use crate::report::Band;

/// What a column of a week holds, and how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Agents or contacts.
    Count,
    /// A share from 0 to 1.
    Share,
    /// Seconds.
    Seconds,
    /// Money.
    Money,
    /// A score from −100 to +100 (NPS).
    Score,
}

/// A column of the weekly table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Name, as in the CSV and JSON (`headcount`, `phone.service_level`).
    pub name: String,
    /// How it reads.
    pub unit: Unit,
}

/// The columns of a model's weeks, in order: the workforce, then per channel its contacts
/// offered, service level, mean first response and NPS, then satisfaction, NPS and effort
/// overall, the targets and cost.
pub fn columns(m: &Model) -> Vec<Column> {
    let col = |name: &str, unit| Column {
        name: name.to_string(),
        unit,
    };
    let mut out = vec![
        col("headcount", Unit::Count),
        col("in_training", Unit::Count),
        col("hires_on_floor", Unit::Count),
        col("leavers", Unit::Count),
        col("absence", Unit::Share),
        col("occupancy", Unit::Share),
        col("strain", Unit::Share),
    ];
    for c in &m.channels {
        out.push(col(&format!("{}.offered", c.name), Unit::Count));
        out.push(col(&format!("{}.service_level", c.name), Unit::Share));
        out.push(col(&format!("{}.frt_mean_seconds", c.name), Unit::Seconds));
        out.push(col(&format!("{}.nps_expected", c.name), Unit::Score));
    }
    out.push(col("csat_expected", Unit::Share));
    out.push(col("nps_expected", Unit::Score));
    out.push(col("contacts_per_resolution", Unit::Count));
    out.push(col("targets_met", Unit::Share));
    out.push(col("agent_cost", Unit::Money));
    out
}

/// Weeks of a run of `days` days (a last, shorter week included).
pub fn week_count(days: u32) -> usize {
    days.div_ceil(7) as usize
}

/// One replication's weeks: one row per week, values in the order of [`columns`] (NaN where a
/// week has no value, e.g. no contact offered). Needs the replication's time series.
pub fn weeks_of(m: &Model, r: &RepResult) -> Vec<Vec<f64>> {
    let nw = week_count(m.days);
    let (nc, ng) = (m.channels.len(), m.groups.len());
    let week_of_time = |t: f64| ((t / DAY) as usize / 7).min(nw.saturating_sub(1));
    // Contacts and agent time per week, from the intervals after the warm-up.
    let mut tallies = vec![vec![Tally::default(); nc]; nw];
    let mut busy = vec![0.0; nw];
    let mut floor = vec![0.0; nw];
    let mut cost = vec![0.0; nw];
    let warmup = m.warmup_end();
    for (i, row) in r.channel_intervals.iter().enumerate() {
        let w = week_of_time(warmup + i as f64 * m.interval);
        for (c, x) in row.iter().enumerate() {
            tallies[w][c].add(&x.tally);
        }
    }
    for (i, row) in r.group_intervals.iter().enumerate() {
        let w = week_of_time(warmup + i as f64 * m.interval);
        for (g, s) in row.iter().enumerate() {
            busy[w] += s.busy;
            floor[w] += s.available;
            let group = &m.groups[g];
            let paid = if group.billed_by_handle_time {
                s.busy
            } else {
                s.scheduled
            };
            cost[w] += paid / 3600.0 * group.cost_per_hour;
        }
    }
    (0..nw)
        .map(|w| {
            let days = (w * 7)..((w * 7 + 7).min(m.days as usize));
            let len = days.len().max(1) as f64;
            let (mut strength, mut training, mut joined, mut leavers) = (0.0, 0.0, 0.0, 0.0);
            let (mut scheduled, mut absent, mut strain) = (0.0, 0.0, 0.0f64);
            for d in days {
                for g in 0..ng {
                    let Some(x) = r.workforce.get(d * ng + g) else {
                        continue;
                    };
                    strength += f64::from(x.strength);
                    training += f64::from(x.training);
                    joined += f64::from(x.joined);
                    leavers += f64::from(x.leavers);
                    scheduled += f64::from(x.scheduled);
                    absent += f64::from(x.absent);
                    strain = strain.max(f64::from(x.strain));
                    let group = &m.groups[g];
                    if !group.billed_by_handle_time {
                        cost[w] += x.training_paid / 3600.0 * group.cost_per_hour;
                    }
                }
            }
            let mut row = vec![
                strength / len,
                training / len,
                joined,
                leavers,
                ratio(absent, scheduled),
                ratio(busy[w], floor[w]),
                strain,
            ];
            // Whether every channel with a target met it, among those offered contacts this
            // week; a week none of them was offered anything (the warm-up, a closed week) has
            // no answer rather than a met one.
            let (mut met, mut targets) = (true, false);
            let mut all = Tally::default();
            for (c, t) in tallies[w].iter().enumerate() {
                let sl = ratio(t.within as f64, t.offered() as f64);
                row.push(t.offered() as f64);
                row.push(sl);
                row.push(ratio(t.wait_answered, t.answered as f64));
                row.push(t.nps_expected(&m.csat).unwrap_or(f64::NAN));
                if let Some(target) = m.channels[c].service_level_target
                    && !sl.is_nan()
                {
                    targets = true;
                    met &= sl >= target;
                }
                all.add(t);
            }
            row.push(ratio(all.p_satisfied, all.served as f64));
            row.push(all.nps_expected(&m.csat).unwrap_or(f64::NAN));
            row.push(ratio(all.arrived as f64, all.resolved as f64));
            row.push(match (targets, met) {
                (false, _) => f64::NAN,
                (true, true) => 1.0,
                (true, false) => 0.0,
            });
            row.push(cost[w]);
            row
        })
        .collect()
}

/// Runs `m`'s replications, folding each into its weeks ([`weeks_of`]) as it finishes so that
/// memory holds weeks, not intervals; the weeks in replication order.
pub fn simulate(
    m: &Model,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    progress: &(dyn Fn() + Sync),
) -> Result<hiring::RepWeeks, crate::engine::Stopped> {
    let weeks: std::sync::Mutex<Vec<Option<Vec<Vec<f64>>>>> =
        std::sync::Mutex::new(vec![None; m.replications as usize]);
    let keep = |rep: u32, r: &mut RepResult| {
        let w = weeks_of(m, r);
        r.channel_intervals = Vec::new();
        r.group_intervals = Vec::new();
        r.workforce = Vec::new();
        if let Ok(mut all) = weeks.lock() {
            all[rep as usize] = Some(w);
        }
    };
    let options = crate::RunOptions {
        cancel,
        series: true,
        sink: None,
        keep: Some(&keep),
    };
    crate::run_replications(m, progress, options)?;
    // A replication that panicked while keeping its weeks would poison the lock; its result
    // is then missing, as is that of a replication whose weeks could not be kept.
    let all = weeks.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(all.into_iter().flatten().collect())
}

/// `a ÷ b`, NaN when `b` is 0.
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// A week across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    /// Day the week starts, from 0.
    pub start_day: u32,
    /// Days in the week (7 but for a last, shorter one).
    pub days: u32,
    /// Hiring classes hired (`hired`) or first on the floor (`joining`) this week.
    pub hiring: Vec<HiringMark>,
    /// One band per column of [`columns`].
    pub values: Vec<Band>,
}

/// A hiring class in a week.
#[derive(Debug, Clone, PartialEq)]
pub struct HiringMark {
    /// The class, from 1 in the scenario's order.
    pub class: usize,
    /// Its group's name.
    pub group: String,
    /// Agents.
    pub size: u32,
    /// Whether the class is hired this week (else it joins the floor this week).
    pub hired: bool,
}

/// The plan: its columns and its weeks across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Scenario name.
    pub name: String,
    /// Replications.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
    /// The columns.
    pub columns: Vec<Column>,
    /// The weeks.
    pub weeks: Vec<Week>,
}

impl Plan {
    /// The plan of `m` from each replication's weeks ([`weeks_of`]), in replication order.
    pub fn of(m: &Model, reps: &[Vec<Vec<f64>>]) -> Plan {
        let columns = columns(m);
        let weeks = (0..week_count(m.days))
            .map(|w| {
                let start_day = (w * 7) as u32;
                let values = (0..columns.len())
                    .map(|k| {
                        let xs: Vec<Option<f64>> = reps
                            .iter()
                            .map(|r| r.get(w).and_then(|row| row.get(k)).copied())
                            .collect();
                        Band::of(&xs)
                    })
                    .collect();
                Week {
                    start_day,
                    days: (m.days - start_day).min(7),
                    hiring: hiring_in(m, start_day),
                    values,
                }
            })
            .collect();
        Plan {
            name: m.name.clone(),
            replications: reps.len() as u32,
            seed: m.seed,
            columns,
            weeks,
        }
    }

    /// Index of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// The hiring classes hired or joining the floor in the week starting on `start_day`.
fn hiring_in(m: &Model, start_day: u32) -> Vec<HiringMark> {
    let week = start_day..start_day + 7;
    let mut out = Vec::new();
    for (i, h) in m.hires.iter().enumerate() {
        let mark = |hired| HiringMark {
            class: i + 1,
            group: m.groups[h.group as usize].name.clone(),
            size: h.size,
            hired,
        };
        if week.contains(&h.day) {
            out.push(mark(true));
        }
        if week.contains(&h.joins) && h.joins != h.day {
            out.push(mark(false));
        }
    }
    out
}
