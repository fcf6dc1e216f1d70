//! Hours when customers call or chat and nobody who works that channel is on shift: a gap in
//! the schedule that no amount of speed can fix. Found from the model alone (the channel's
//! weekday and intraday volume against the shifts of the groups that take it), so `validate`,
//! the run's "needs attention" list and the report all name the same channel, days and times.

use crate::duration::{DAY, WEEKDAYS};
use crate::model::{ChannelKind, Group, Model};

/// A channel's hours with arrivals and nobody on shift, per weekday (Monday first): runs of
/// (start, end) in seconds after midnight.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Channel name.
    pub channel: String,
    /// Uncovered runs per weekday.
    pub days: [Vec<(f64, f64)>; 7],
}

impl Gap {
    /// The gap in words, days with the same hours together: "Sat, Sun 07:00–08:00, 20:00–22:00".
    pub fn describe(&self) -> String {
        let mut parts: Vec<(Vec<usize>, String)> = Vec::new();
        for (d, runs) in self.days.iter().enumerate() {
            if runs.is_empty() {
                continue;
            }
            let hours = if runs == &[(0.0, DAY)] {
                "all day".to_string()
            } else {
                runs.iter()
                    .map(|(a, b)| format!("{}–{}", hhmm(*a), hhmm(*b)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match parts.iter_mut().find(|(_, h)| *h == hours) {
                Some((ds, _)) => ds.push(d),
                None => parts.push((vec![d], hours)),
            }
        }
        parts
            .iter()
            .map(|(ds, h)| {
                let names: Vec<String> = ds
                    .iter()
                    .map(|d| {
                        let w = WEEKDAYS[*d];
                        w[..1].to_uppercase() + &w[1..]
                    })
                    .collect();
                format!("{} {h}", names.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn hhmm(t: f64) -> String {
    let m = (t / 60.0).round() as u32;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Whether some agent of `g` is scheduled at `t` seconds into the week (Monday 00:00 is 0);
/// `hired`: a hiring class joins the group (around the clock, when the group has no shifts).
fn on_shift(g: &Group, hired: bool, t: f64) -> bool {
    if g.shifts.is_empty() {
        return g.around_the_clock > 0 || hired;
    }
    let week = 7.0 * DAY;
    g.shifts.iter().filter(|s| s.count > 0).any(|s| {
        (0..7).filter(|d| s.days[*d]).any(|d| {
            let start = d as f64 * DAY + s.start;
            let len = s.end - s.start;
            // A shift late on Sunday runs into Monday: look one week back as well.
            [t, t + week]
                .iter()
                .any(|x| *x >= start && *x < start + len)
        })
    })
}

/// The gaps of every call and chat channel (written work waits by design, so it has none).
pub fn gaps(m: &Model) -> Vec<Gap> {
    let mut out = Vec::new();
    for (ci, ch) in m.channels.iter().enumerate() {
        if ch.kind == ChannelKind::Async || ch.share <= 0.0 {
            continue;
        }
        let groups: Vec<(&Group, bool)> = m
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.channels[ci] && g.tier == 1)
            .map(|(gi, g)| (g, m.hires.iter().any(|h| h.group as usize == gi)))
            .collect();
        let mut days: [Vec<(f64, f64)>; 7] = Default::default();
        for (w, runs) in days.iter_mut().enumerate() {
            let slots = ch.intraday[w].len().max(1);
            let len = DAY / slots as f64;
            for k in 0..slots {
                let busy =
                    m.demand.weekday[w] > 0.0 && ch.intraday[w].get(k).is_some_and(|x| *x > 0.0);
                let mid = w as f64 * DAY + (k as f64 + 0.5) * len;
                if !busy || groups.iter().any(|(g, hired)| on_shift(g, *hired, mid)) {
                    continue;
                }
                let (a, b) = (k as f64 * len, (k as f64 + 1.0) * len);
                match runs.last_mut() {
                    Some(last) if (last.1 - a).abs() < 1e-6 => last.1 = b,
                    _ => runs.push((a, b)),
                }
            }
        }
        if days.iter().any(|r| !r.is_empty()) {
            out.push(Gap {
                channel: ch.name.clone(),
                days,
            });
        }
    }
    out
}
