//! What a roster writes: `roster.csv` (a row per shift, day and break times), `people.csv` (a
//! row per person-week), `coverage.csv` (required against scheduled per interval) and the
//! scenario with the schedule (`rostered.toml`).

use super::Roster;
use super::schedule::{self, ShiftRow};
use crate::duration::{DAY, WEEKDAY_LABELS, hhmm};
use crate::model::Model;
use crate::scenario::format::{self, Days, ScenarioFile, ShiftBreak, TimeOfDay, Weekday};

/// Table rows, the header first.
pub type Rows = Vec<Vec<String>>;

/// A time of day, or of the next day past midnight, as "HH:MM".
fn clock(seconds: f64) -> String {
    hhmm(seconds.rem_euclid(DAY))
}

/// The breaks of a row as "10:30-10:45 paid; 13:00-13:30 meal".
pub fn breaks_text(r: &ShiftRow) -> String {
    r.breaks
        .iter()
        .map(|b| {
            let from = r.start + b.offset;
            format!("{}-{} {}", clock(from), clock(from + b.length), b.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `roster.csv`: one row per group, weekday, shift and set of break times.
pub fn roster_rows(model: &Model, rows: &[ShiftRow]) -> Rows {
    let mut out = vec![
        [
            "group",
            "weekday",
            "start",
            "end",
            "paid_hours",
            "breaks",
            "count",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in rows {
        out.push(vec![
            model.groups[r.group].name.clone(),
            WEEKDAY_LABELS[r.weekday].to_string(),
            clock(r.start),
            clock(r.start + r.length),
            format!("{:.2}", r.paid_hours),
            breaks_text(r),
            r.count.to_string(),
        ]);
    }
    out
}

/// `people.csv`: one row per person and week: the days worked with their shift and breaks,
/// for a team lead to publish. People of a tour take, day by day, the break times left in
/// the order of the rows.
pub fn people_rows(model: &Model, roster: &Roster) -> Rows {
    let mut header = vec!["person".to_string(), "group".into(), "paid_hours".into()];
    header.extend(WEEKDAY_LABELS.iter().map(|d| d.to_string()));
    let mut out = vec![header];
    // Per (group, weekday, start, length), the rows' people not yet given to a person.
    let mut left: Vec<u32> = roster.rows.iter().map(|r| r.count).collect();
    let mut serial = vec![0usize; model.groups.len()];
    for t in schedule::tours(&roster.choices, &roster.solution) {
        let group = roster.choices.iter().find(|c| c.group == t.group);
        let Some(cand) = group.map(|c| &c.candidates[t.candidate]) else {
            continue;
        };
        for _ in 0..t.count {
            serial[t.group] += 1;
            let mut line = vec![
                format!("{} {}", model.groups[t.group].name, serial[t.group]),
                model.groups[t.group].name.clone(),
                format!("{:.2}", cand.paid_hours * f64::from(t.days.count_ones())),
            ];
            for d in 0..7 {
                if t.days & (1 << d) == 0 {
                    line.push("off".into());
                    continue;
                }
                let k = roster.rows.iter().enumerate().position(|(i, r)| {
                    left[i] > 0
                        && r.group == t.group
                        && r.weekday == d
                        && r.start == cand.start
                        && r.length == cand.length
                });
                line.push(match k {
                    Some(k) => {
                        left[k] -= 1;
                        let r = &roster.rows[k];
                        let text = breaks_text(r);
                        let shift = format!("{}-{}", clock(r.start), clock(r.start + r.length));
                        if text.is_empty() {
                            shift
                        } else {
                            format!("{shift} ({text})")
                        }
                    }
                    None => "on".into(),
                });
            }
            out.push(line);
        }
    }
    out
}

/// `coverage.csv`: per channel and per group, required against scheduled per interval of
/// the week. A channel's `required` is agents on the floor at full speed and `scheduled` what
/// the schedule gives it; a group's `required` is the agents the schedule asks of it (its
/// share of the channels' needs) and `scheduled` its people on the floor (on shift, not on
/// break), with `present` after absence.
pub fn coverage_rows(model: &Model, roster: &Roster) -> Rows {
    let slots = (7.0 * DAY / model.interval).round() as usize;
    let per_day = slots / 7;
    let mut out = vec![
        [
            "scope",
            "name",
            "weekday",
            "time",
            "required",
            "scheduled",
            "present",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let nc = model.channels.len();
    let mut need = vec![vec![0.0; slots]; nc];
    let mut given = vec![vec![0.0; slots]; nc];
    for (n, nd) in roster.needs.iter().enumerate() {
        need[nd.channel][nd.slot] += nd.agents;
        given[nd.channel][nd.slot] += nd.agents - roster.solution.short[n];
    }
    let time = |j: usize| {
        (
            WEEKDAY_LABELS[j / per_day],
            hhmm((j % per_day) as f64 * model.interval),
        )
    };
    for (c, ch) in model.channels.iter().enumerate() {
        for j in 0..slots {
            let (d, t) = time(j);
            out.push(vec![
                "channel".into(),
                ch.name.clone(),
                d.into(),
                t,
                format!("{:.2}", need[c][j]),
                format!("{:.2}", given[c][j]),
                String::new(),
            ]);
        }
    }
    for (gi, choice) in roster.choices.iter().enumerate() {
        let g = choice.group;
        let floor = schedule::on_floor(&roster.rows, g, model.interval);
        let mut asked = vec![0.0; slots];
        for (n, nd) in roster.needs.iter().enumerate() {
            asked[nd.slot] += roster.solution.given[gi][n];
        }
        for j in 0..slots {
            let (d, t) = time(j);
            out.push(vec![
                "group".into(),
                model.groups[g].name.clone(),
                d.into(),
                t,
                format!("{:.2}", asked[j]),
                format!("{:.2}", floor[j]),
                format!("{:.2}", floor[j] * choice.present[j / per_day]),
            ]);
        }
    }
    out
}

/// `file` (of `model`) with the roster: each rostered group's shifts are the roster's rows
/// (its `count` and `planned_shrinkage` removed: the breaks are its time off the floor);
/// everything else as the planner wrote it.
pub fn rostered_file(file: &ScenarioFile, roster: &Roster) -> ScenarioFile {
    let mut f = file.clone();
    for &g in &roster.groups {
        let Some(group) = f.agents.get_mut(g) else {
            continue;
        };
        group.count = None;
        group.planned_shrinkage = None;
        group.shifts = Some(
            roster
                .rows
                .iter()
                .filter(|r| r.group == g)
                .map(file_shift)
                .collect(),
        );
    }
    f
}

/// A row as a scenario-file shift.
fn file_shift(r: &ShiftRow) -> format::Shift {
    let end = r.start + r.length;
    format::Shift {
        days: Some(Days::List(vec![Weekday::of(r.weekday)])),
        start: TimeOfDay(clock(r.start)),
        end: TimeOfDay(clock(end)),
        count: Some(r.count),
        overnight: (end >= DAY).then_some(true),
        breaks: (!r.breaks.is_empty()).then(|| {
            r.breaks
                .iter()
                .map(|b| ShiftBreak {
                    start: TimeOfDay(clock(r.start + b.offset)),
                    length: format::Duration(crate::duration::format_duration(b.length)),
                })
                .collect()
        }),
    }
}
