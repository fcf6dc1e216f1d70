//! Who arrives when: first contacts as a non-homogeneous Poisson process per channel (daily
//! volume × weekday × intraday profile × random day factor × growth × customer base), the extra
//! contacts of surges and the thinning of dips, arrivals replayed from a log, and when a
//! returning customer finds a channel open.
//!
//! Everything that belongs to the customer (arrival time, topic, handle time, patience, the seed
//! of the experience draws) is drawn from customer-side streams at arrival, so that two plans run
//! on the same seed see the same customers (common random numbers).

use rand::RngExt;
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};

use super::event::Kind;
use super::journey::attributes;
use super::observe::ContactOutcome;
use super::{Contact, Engine};
use crate::duration::DAY;
use crate::model::Model;
use crate::rng::{self, DrawKey, Purpose, Rng, Stream};

pub(super) struct ArrivalGen {
    /// Rate per second per slot of the day, per weekday (Monday first), before weekday, day
    /// and customer-base factors.
    base: [Vec<f64>; 7],
    slot_len: f64,
    slot: u64,
    slot_end: f64,
    rate: f64,
    t: f64,
}

/// The extra contacts of one surge (factor above 1) on one channel: a Poisson process at
/// (factor − 1) × the concerned share of the channel's rate, from the surge's start to its end.
/// They come from streams of their own, so every other contact is drawn exactly as without
/// the surge (common random numbers when comparing with and without it).
pub(super) struct SurgeGen {
    channel: u32,
    topic: Option<u32>,
    start: f64,
    end: f64,
    /// (factor − 1) × P(topic | channel), or × 1 without a topic.
    extra: f64,
    /// Arrival, customer and experience streams.
    arrival_rng: Rng,
    customer_rng: Rng,
    experience_rng: Rng,
    /// Whether its start has passed.
    started: bool,
    /// Current piece of constant rate: its slot of the channel's profile, end and rate.
    slot: u64,
    seg_end: f64,
    rate: f64,
    t: f64,
}

/// What a replication's arrivals start from: per-day factors, one generator per channel, the
/// surges' generators and dips, and the topic and repeat-channel mixes as cumulative shares.
pub(super) struct Parts {
    pub(super) day_factor: Vec<f64>,
    pub(super) within: Vec<Vec<f64>>,
    pub(super) arrivals: Vec<ArrivalGen>,
    pub(super) surge_gens: Vec<SurgeGen>,
    pub(super) dips: Vec<crate::model::Surge>,
    pub(super) topic_cdf: Vec<Vec<f64>>,
    pub(super) repeat_cdf: Vec<Vec<f64>>,
}

impl Parts {
    pub(super) fn new(m: &Model, rep: u32, horizon: f64) -> Parts {
        let nc = m.channels.len();
        let topic_cdf = (0..nc)
            .map(|c| {
                cdf(m
                    .topics
                    .iter()
                    .map(|t| t.share * t.channel_mix[c])
                    .collect())
            })
            .collect();
        let repeat_cdf = m
            .channels
            .iter()
            .map(|c| cdf(c.repeat_mix.clone()))
            .collect();
        let (surge_gens, dips) = surges(m, rep, horizon);
        Parts {
            day_factor: day_factors(m, rep),
            within: m
                .demand
                .dated
                .as_ref()
                .map_or_else(Vec::new, |d| within_factors(d, m.seed, rep)),
            arrivals: m
                .channels
                .iter()
                .map(|c| {
                    let n = c.intraday[0].len().max(1);
                    let slot_len = DAY / n as f64;
                    ArrivalGen {
                        base: c.intraday.clone().map(|day| {
                            day.iter()
                                .map(|w| m.demand.per_day * c.share * w / slot_len)
                                .collect()
                        }),
                        slot_len,
                        slot: 0,
                        slot_end: 0.0,
                        rate: 0.0,
                        t: 0.0,
                    }
                })
                .collect(),
            surge_gens,
            dips,
            topic_cdf,
            repeat_cdf,
        }
    }
}

/// Cumulative shares of weights `w` (all zero when they sum to zero).
fn cdf(w: Vec<f64>) -> Vec<f64> {
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    w.iter()
        .map(|x| {
            acc += if total > 0.0 { x / total } else { 0.0 };
            acc
        })
        .collect()
}

/// Each day's volume factor: a gamma draw of mean 1 and the scenario's `day_cv` (forecast
/// error), times the growth trend; with a forecast's demand, a log-normal draw of mean 1 and
/// the date's spread.
fn day_factors(m: &Model, rep: u32) -> Vec<f64> {
    let mut day_rng = rng::stream(m.seed, rep, Stream::Days);
    if let Some(d) = &m.demand.dated {
        return d
            .log_sd
            .iter()
            .map(|sd| {
                let z: f64 = StandardNormal.sample(&mut day_rng);
                (sd * z - sd * sd / 2.0).exp()
            })
            .collect();
    }
    (0..m.days)
        .map(|d| {
            let random = if m.demand.day_cv > 0.0 {
                let shape = 1.0 / (m.demand.day_cv * m.demand.day_cv);
                match Gamma::new(shape, 1.0 / shape) {
                    Ok(g) => g.sample(&mut day_rng),
                    Err(_) => 1.0,
                }
            } else {
                1.0
            };
            random * m.demand.growth(d)
        })
        .collect()
}

/// Each day's within-day factors per slot of a forecast's demand: a log-Gaussian AR(1) path at
/// the process's step, averaged over each slot, scaled so that the day's expected volume is
/// kept (the process moves contacts between intervals; the day factor varies the day).
fn within_factors(d: &crate::model::DatedDemand, seed: u64, rep: u32) -> Vec<Vec<f64>> {
    let Some(w) = d.within.filter(|w| w.sigma > 0.0) else {
        return Vec::new();
    };
    let mut rng = rng::stream(seed, rep, Stream::Within);
    let per_slot = (d.slot_len / w.step).round().max(1.0) as usize;
    let innov = (1.0 - w.rho * w.rho).max(0.0).sqrt();
    d.days
        .iter()
        .map(|day| {
            let mut u: f64 = StandardNormal.sample(&mut rng);
            let mut f: Vec<f64> = day
                .iter()
                .map(|_| {
                    let mut z = 0.0;
                    for _ in 0..per_slot {
                        z += (w.sigma * u).exp();
                        let e: f64 = StandardNormal.sample(&mut rng);
                        u = w.rho * u + innov * e;
                    }
                    z / per_slot as f64
                })
                .collect();
            let total: f64 = day.iter().sum();
            let moved: f64 = day.iter().zip(&f).map(|(x, z)| x * z).sum();
            if total > 0.0 && moved > 0.0 {
                f.iter_mut().for_each(|z| *z *= total / moved);
            }
            f
        })
        .collect()
}

/// Surges above 1 add contacts of their own, one generator per surge and channel; those below
/// 1 (dips) thin the ordinary ones.
fn surges(m: &Model, rep: u32, horizon: f64) -> (Vec<SurgeGen>, Vec<crate::model::Surge>) {
    let nc = m.channels.len();
    let mut surge_gens = Vec::new();
    let mut dips = Vec::new();
    for (k, s) in m.surges.iter().enumerate() {
        if s.factor < 1.0 {
            dips.push(s.clone());
            continue;
        }
        for c in 0..nc {
            let total: f64 = m.topics.iter().map(|t| t.share * t.channel_mix[c]).sum();
            let share = match s.topic {
                Some(t) if total > 0.0 => {
                    let tp = &m.topics[t.0 as usize];
                    tp.share * tp.channel_mix[c] / total
                }
                Some(_) => 0.0,
                None => 1.0,
            };
            let extra = (s.factor - 1.0) * share;
            if !s.channels[c] || extra <= 0.0 || s.start >= horizon {
                continue;
            }
            let stream = |part| {
                rng::stream(
                    m.seed,
                    rep,
                    Stream::Surge {
                        surge: k as u32,
                        channel: c as u32,
                        part,
                    },
                )
            };
            surge_gens.push(SurgeGen {
                channel: c as u32,
                topic: s.topic.map(|t| t.0),
                start: s.start,
                end: s.end.min(horizon),
                extra,
                arrival_rng: stream(0),
                customer_rng: stream(1),
                experience_rng: stream(2),
                started: false,
                slot: 0,
                seg_end: s.start,
                rate: 0.0,
                t: s.start,
            });
        }
    }
    (surge_gens, dips)
}

impl Engine<'_> {
    /// Schedules the first arrivals: the replayed log's first contact, or each channel's first
    /// arrival and each surge's start.
    pub(super) fn start_arrivals(&mut self) {
        if let Some(trace) = &self.m.trace {
            if let Some(first) = trace.first()
                && first.time < self.horizon
            {
                self.schedule(first.time.max(0.0), Kind::Replay { index: 0 });
            }
        } else {
            for c in 0..self.nc {
                self.start_channel(c);
            }
            for g in 0..self.surge_gens.len() {
                let at = self.surge_gens[g].start;
                self.schedule(at, Kind::SurgeArrival { index: g as u32 });
            }
        }
    }

    fn slot_rate(&self, c: usize, slot: u64) -> f64 {
        let g = &self.arrivals[c];
        let per_day = g.base[0].len() as u64;
        let day = (slot / per_day) as usize;
        let weekday = (self.m.demand.start_weekday + day) % 7;
        let factor = self.day_factor.get(day).copied().unwrap_or(1.0);
        // With a customer base, volume follows the number of active customers.
        let base = if self.active0 > 0.0 {
            self.active / self.active0
        } else {
            1.0
        };
        let s = (slot % per_day) as usize;
        if let Some(d) = &self.m.demand.dated {
            // A forecast's demand: the date's own volume per slot, its day factor, and the
            // within-day process.
            let mean = d
                .days
                .get(day)
                .and_then(|v| v.get(s))
                .copied()
                .unwrap_or(0.0);
            let within = self
                .within
                .get(day)
                .and_then(|v| v.get(s))
                .copied()
                .unwrap_or(1.0);
            return mean * self.m.channels[c].share / d.slot_len * factor * within * base;
        }
        g.base[weekday][s] * self.m.demand.weekday[weekday] * factor * base
    }

    fn start_channel(&mut self, c: usize) {
        let rate = self.slot_rate(c, 0);
        let g = &mut self.arrivals[c];
        g.slot = 0;
        g.t = 0.0;
        g.slot_end = g.slot_len;
        g.rate = rate;
        self.next_arrival(c);
    }

    /// Schedules the next arrival of a non-homogeneous Poisson process with a piecewise
    /// constant rate: an exponential gap at the slot's rate, restarted at each slot boundary
    /// (exact, by memorylessness).
    pub(super) fn next_arrival(&mut self, c: usize) {
        loop {
            let (rate, t, slot_end) = {
                let g = &self.arrivals[c];
                (g.rate, g.t, g.slot_end)
            };
            if rate > 0.0 {
                let e: f64 = Exp1.sample(&mut self.arrival_rng[c]);
                let next = t + e / rate;
                if next < slot_end {
                    self.arrivals[c].t = next;
                    if next < self.horizon {
                        self.agenda.schedule_arrival(next, c as u32);
                    }
                    return;
                }
            }
            if slot_end >= self.horizon {
                return;
            }
            let slot = self.arrivals[c].slot + 1;
            let rate = self.slot_rate(c, slot);
            let g = &mut self.arrivals[c];
            g.slot = slot;
            g.t = slot_end;
            g.slot_end = (slot + 1) as f64 * g.slot_len;
            g.rate = rate;
        }
    }

    /// The arrival at `index` of the replayed trace; schedules the next one.
    pub(super) fn replay(&mut self, index: usize) {
        let Some(trace) = &self.m.trace else { return };
        let Some(a) = trace.get(index).copied() else {
            return;
        };
        if let Some(next) = trace.get(index + 1)
            && next.time < self.horizon
        {
            let at = next.time.max(self.now);
            self.schedule(
                at,
                Kind::Replay {
                    index: index as u32 + 1,
                },
            );
        }
        let c = (a.channel.0 as usize).min(self.nc.saturating_sub(1));
        let t = (a.topic.0 as usize).min(self.nt.saturating_sub(1));
        self.contact_with_past(c, Some(t), None, (a.age.max(0.0), a.touch));
    }

    /// A first contact on channel `c`, about `topic` when it is known (replayed), else drawn.
    pub(super) fn arrival(&mut self, c: usize, topic: Option<usize>) {
        self.first_contact(c, topic, None);
    }

    /// The start of a surge's extra contacts on a channel, or one of them arriving.
    pub(super) fn surge_arrival(&mut self, g: usize) {
        let c = self.surge_gens[g].channel as usize;
        if self.surge_gens[g].started {
            let topic = self.surge_gens[g].topic.map(|t| t as usize);
            self.first_contact(c, topic, Some(g));
        } else {
            // The first piece of constant rate: from the start to the next slot boundary.
            let slot_len = self.arrivals[c].slot_len;
            let start = self.surge_gens[g].start;
            let slot = (start / slot_len) as u64;
            let rate = self.slot_rate(c, slot) * self.surge_gens[g].extra;
            let s = &mut self.surge_gens[g];
            s.started = true;
            s.slot = slot;
            s.t = start;
            s.seg_end = ((slot + 1) as f64 * slot_len).min(s.end);
            s.rate = rate;
        }
        self.next_surge_arrival(g);
    }

    /// Schedules the next extra contact of surge generator `g`: exponential gaps at its piece of
    /// constant rate, restarted at each slot boundary of the channel's profile (exact, as for
    /// the ordinary arrivals).
    fn next_surge_arrival(&mut self, g: usize) {
        let c = self.surge_gens[g].channel as usize;
        let slot_len = self.arrivals[c].slot_len;
        loop {
            let (rate, t, seg_end, end) = {
                let s = &self.surge_gens[g];
                (s.rate, s.t, s.seg_end, s.end)
            };
            if rate > 0.0 {
                let e: f64 = Exp1.sample(&mut self.surge_gens[g].arrival_rng);
                let next = t + e / rate;
                if next < seg_end {
                    self.surge_gens[g].t = next;
                    self.schedule(next, Kind::SurgeArrival { index: g as u32 });
                    return;
                }
            }
            if seg_end >= end {
                return;
            }
            let slot = self.surge_gens[g].slot + 1;
            let rate = self.slot_rate(c, slot) * self.surge_gens[g].extra;
            let s = &mut self.surge_gens[g];
            s.slot = slot;
            s.t = seg_end;
            s.seg_end = ((slot + 1) as f64 * slot_len).min(s.end);
            s.rate = rate;
        }
    }

    /// A first contact on channel `c`; from surge generator `surge` when given (its own
    /// streams), else from the channel's.
    fn first_contact(&mut self, c: usize, topic: Option<usize>, surge: Option<usize>) {
        self.contact_with_past(c, topic, surge, (0.0, 0));
    }

    /// [`Self::first_contact`] of a ticket that was already open `past.0` seconds and had
    /// `past.1` touches (a replayed open ticket; (0, 0) for a new contact). Inlined into both
    /// callers, so that new contacts pay nothing for it.
    #[inline(always)]
    fn contact_with_past(
        &mut self,
        c: usize,
        topic: Option<usize>,
        surge: Option<usize>,
        past: (f64, u16),
    ) {
        let now = self.now;
        // Customer-side draws, always in the same order, whatever happens next.
        let rng = match surge {
            Some(g) => &mut self.surge_gens[g].customer_rng,
            None => &mut self.customer_rng[c],
        };
        let u: f64 = rng.random();
        let cdf = &self.topic_cdf[c];
        let t = topic.unwrap_or_else(|| cdf.iter().position(|&p| u < p).unwrap_or(cdf.len() - 1));
        let (handle, patience) = attributes(self.m, c, t, rng);
        // One seed per customer issue, from which all its experience draws derive.
        let seed: u64 = match surge {
            Some(g) => self.surge_gens[g].experience_rng.random(),
            None => self.experience_rng[c].random(),
        };
        let contact = Contact {
            arrival: now,
            origin: now - past.0,
            counted_at: now,
            handle,
            patience,
            channel: c as u32,
            topic: t as u16,
            route: t as u16,
            key: DrawKey {
                seed,
                attempt: 0,
                tier: 0,
            },
            failed_bot: false,
            touch: past.1,
            waited: 0.0,
            switched: false,
        };
        // A dip in demand: only a share `factor` of the contacts it concerns come at all.
        if surge.is_none() && self.m.trace.is_none() && !self.dips.is_empty() {
            let keep: f64 = self
                .dips
                .iter()
                .filter(|d| {
                    now >= d.start
                        && now < d.end
                        && d.topic.is_none_or(|x| x.0 as usize == t)
                        && d.channels[c]
                })
                .map(|d| d.factor)
                .product();
            if keep < 1.0 && contact.key.unit(Purpose::Dip) >= keep {
                return;
            }
        }
        let deflection = self.m.topics[t].kb_deflection;
        if deflection > 0.0 && contact.key.unit(Purpose::Deflect) < deflection {
            self.tally(c, t, now, |x| x.deflected += 1);
            self.log(&contact, ContactOutcome::Deflected, 0.0, None);
            return;
        }
        self.incoming(contact);
    }

    /// When a customer who meant to come back at `t` reaches channel `c`: `t` itself if the
    /// channel takes contacts then; otherwise a time drawn from the channel's intraday profile
    /// on its next open day (`u` uniform in [0, 1)), so returns spread over the open hours
    /// instead of piling up at opening time. A channel closed all week is taken as it is.
    pub(super) fn next_open(&self, c: usize, t: f64, u: f64) -> f64 {
        let g = &self.arrivals[c];
        let n = g.base[0].len();
        let weekday = |day: usize| (self.m.demand.start_weekday + day) % 7;
        let open_day = |day: usize| self.m.demand.weekday[weekday(day)] > 0.0;
        let t = t.max(0.0);
        let day = (t / DAY) as usize;
        let slot = ((t - day as f64 * DAY) / g.slot_len) as usize;
        if open_day(day) && g.base[weekday(day)][slot.min(n - 1)] > 0.0 {
            return t;
        }
        for d in day..day + 8 {
            if !open_day(d) {
                continue;
            }
            let base = &g.base[weekday(d)];
            // Open slots of day d, after t on t's own day.
            let from = if d == day { slot + 1 } else { 0 };
            let total: f64 = base[from.min(n)..].iter().sum();
            if total <= 0.0 {
                continue;
            }
            let mut target = u * total;
            for (k, w) in base.iter().enumerate().skip(from) {
                if target < *w {
                    let within = if *w > 0.0 { target / w } else { 0.0 };
                    return d as f64 * DAY + (k as f64 + within) * g.slot_len;
                }
                target -= w;
            }
        }
        t
    }
}
