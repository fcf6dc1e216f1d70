//! The waits between a ticket's touches as the fitted scenario writes them: where the log
//! shows more than one kind (on the customer, on a third party, held on the desk), `pending`
//! gives each its share of the waits and its own fitted delay, instead of one `reply_delay`
//! fitted to them all.

use super::scenario::{dist, dist_note};
use crate::mle::DistFit;
use crate::model::Waiting;
use crate::scenario::format::{Channel, Distribution, Note, Pending, PendingState};
use crate::tickets::{OWN_FIT_SPANS, TicketMeasures};

/// Decimals of a written share.
const SHARE_DECIMALS: i32 = 4;

/// The waits between touches of the channel `ch` (named `channel`) from the log's spans
/// (`pooled`: the fit to all of them): `pending` when the log shows more than one kind, else
/// `reply_delay`; and the notes on them.
pub(super) fn waits(
    m: &TicketMeasures,
    pooled: &DistFit,
    ch: &mut Channel,
    channel: &str,
) -> Vec<Note> {
    let count = |w| {
        m.pending
            .get(&w)
            .map_or((0, 0), |(e, c)| (e.len(), c.len()))
    };
    let (cu, tp, desk) = (
        count(Waiting::Customer),
        count(Waiting::ThirdParty),
        count(Waiting::Desk),
    );
    let spans = format!(
        "{} on the customer (+{} still open at the log's end), {} on a third party (+{} open),\n\
         {} held on the desk past an hour after the first response (+{} open)",
        cu.0, cu.1, tp.0, tp.1, desk.0, desk.1
    );
    let all = dist_note(&m.between_touches);
    match pending(m, channel) {
        Some((p, mut notes)) => {
            ch.pending = Some(p);
            notes.insert(
                0,
                Note::before(
                    &["channels", channel, "pending"],
                    format!(
                        "Whom a ticket waits on between two touches, each state with its share of the\n\
                         waits and its own delay, from the log's pending spans and holds:\n\
                         {spans}.\nAll of them as one wait: {all}"
                    ),
                ),
            );
            notes
        }
        None => {
            ch.reply_delay = Some(bounded(pooled));
            vec![Note::before(
                &["channels", channel, "reply_delay"],
                format!("The wait between two touches, from every pending span: {spans}. {all}"),
            )]
        }
    }
}

/// `pending` for the channel `channel` and the notes on its states, or `None` when the log
/// shows a single kind of wait (then `reply_delay` says all of it).
fn pending(m: &TicketMeasures, channel: &str) -> Option<(Pending, Vec<Note>)> {
    let pooled = m.between_touches.first()?;
    let counts: Vec<(Waiting, usize, usize)> = Waiting::ALL
        .iter()
        .filter_map(|w| {
            let (ended, open) = m.pending.get(w)?;
            Some((*w, ended.len(), open.len())).filter(|&(_, e, o)| e + o > 0)
        })
        .collect();
    if counts.len() < 2 {
        return None;
    }
    let shares = shares(&counts.iter().map(|c| c.1 + c.2).collect::<Vec<_>>());
    let mut out = Pending {
        customer: None,
        third_party: None,
        desk: None,
    };
    let mut notes = Vec::new();
    for (&(on, ended, open), share) in counts.iter().zip(shares) {
        if share <= 0.0 {
            continue;
        }
        let own = m.pending_fits.get(&on).and_then(|f| f.first());
        let (delay, how) = match own {
            Some(f) => (bounded(f), dist_note(&m.pending_fits[&on])),
            None => (
                bounded(pooled),
                format!(
                    "Fewer than the {OWN_FIT_SPANS} ended spans a state needs for a fit of its own, so\n\
                     the wait fitted to all of them: {}",
                    dist_note(&m.between_touches)
                ),
            ),
        };
        let state = Some(PendingState { share, delay });
        match on {
            Waiting::Customer => out.customer = state,
            Waiting::ThirdParty => out.third_party = state,
            Waiting::Desk => out.desk = state,
        }
        notes.push(Note::before(
            &["channels", channel, "pending", on.key()],
            format!(
                "{}:\n{ended} spans ended, {open} still open at the log's end.\n{how}",
                what(on)
            ),
        ));
    }
    Some((out, notes))
}

/// The shares of `counts`, rounded, adding up to exactly 1 (the largest takes the remainder).
fn shares(counts: &[usize]) -> Vec<f64> {
    let total = counts.iter().sum::<usize>().max(1) as f64;
    let scale = 10f64.powi(SHARE_DECIMALS);
    let mut s: Vec<f64> = counts
        .iter()
        .map(|&n| (n as f64 / total * scale).round() / scale)
        .collect();
    let largest = (0..s.len()).max_by_key(|&i| counts[i]).unwrap_or(0);
    let rest: f64 = (0..s.len()).filter(|&i| i != largest).map(|i| s[i]).sum();
    s[largest] = ((1.0 - rest) * scale).round() / scale;
    s
}

fn what(on: Waiting) -> &'static str {
    match on {
        Waiting::Customer => "Waiting on the customer (the log's pending-customer states)",
        Waiting::ThirdParty => "Waiting on a third party (the log's pending-third-party states)",
        Waiting::Desk => {
            "Held on the desk: in work with no other update for over an hour after the first response"
        }
    }
}

/// A fit as a scenario distribution, its cv held to what a scenario accepts (at most 20).
fn bounded(d: &DistFit) -> Distribution {
    let mut d = d.clone();
    d.cv = d.cv.min(20.0);
    dist(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_one_whatever_the_rounding() {
        let s = shares(&[1, 1, 1]);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{s:?}");
        assert_eq!(s.iter().filter(|&&x| x == 0.3333).count(), 2, "{s:?}");
        let s = shares(&[2672, 120, 2004]);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{s:?}");
        assert_eq!(s[1], 0.025);
    }
}
