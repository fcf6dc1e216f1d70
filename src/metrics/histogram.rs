//! Log-binned histograms of durations, and what the reports keep of them: percentiles without
//! keeping every value.

/// A histogram of non-negative durations for percentiles without keeping every value.
///
/// Bins follow the binary representation of the value: 64 bins per doubling (each about 1.1%
/// wide) from 2⁻⁷ s (8 ms) to 2²⁴ s (194 days), plus an exact bin for zero. Finding a bin takes a
/// few bit operations, no logarithm.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    zero: u64,
    bins: Vec<u64>,
    count: u64,
    /// The bins that may hold values are `lo..hi` (none when empty): an interval's histogram
    /// is cleared and read every interval, and its values seldom span more than a few doublings.
    lo: usize,
    hi: usize,
}

/// Sub-bins per doubling, as a power of two.
const SUB_BITS: u32 = 6;
const MIN_EXP: i64 = -7;
const MAX_EXP: i64 = 24;
const BINS: usize = ((MAX_EXP - MIN_EXP) as usize) << SUB_BITS;

/// The bin key of a positive finite value: its biased exponent and the top mantissa bits.
#[inline]
fn key(x: f64) -> i64 {
    (x.to_bits() >> (52 - SUB_BITS)) as i64
}

#[inline]
fn base_key() -> i64 {
    key(2f64.powi(MIN_EXP as i32))
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            zero: 0,
            bins: vec![0; BINS],
            count: 0,
            lo: BINS,
            hi: 0,
        }
    }
}

impl Histogram {
    /// Records one value, seconds.
    #[inline]
    pub fn record(&mut self, x: f64) {
        self.count += 1;
        if x <= 0.0 || x.is_nan() {
            self.zero += 1;
            return;
        }
        let i = (key(x) - base_key()).clamp(0, BINS as i64 - 1) as usize;
        self.bins[i] += 1;
        self.lo = self.lo.min(i);
        self.hi = self.hi.max(i + 1);
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Forgets every value.
    pub fn clear(&mut self) {
        if self.count > 0 {
            if self.lo < self.hi {
                self.bins[self.lo..self.hi].iter_mut().for_each(|b| *b = 0);
            }
            self.zero = 0;
            self.count = 0;
            self.lo = BINS;
            self.hi = 0;
        }
    }

    /// Adds another histogram into this one.
    pub fn add(&mut self, o: &Histogram) {
        self.zero += o.zero;
        self.count += o.count;
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            *a += b;
        }
        self.lo = self.lo.min(o.lo);
        self.hi = self.hi.max(o.hi);
    }

    fn bin_edges(i: usize) -> (f64, f64) {
        let k = base_key() + i as i64;
        let lo = f64::from_bits((k as u64) << (52 - SUB_BITS));
        let hi = f64::from_bits(((k + 1) as u64) << (52 - SUB_BITS));
        if i == 0 { (0.0, hi) } else { (lo, hi) }
    }

    /// Share of recorded values at or below `x` (bins are counted whole, so `x` is rounded up
    /// to the end of its bin); `None` when empty.
    pub fn share_at_most(&self, x: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        Some(self.count_at_most(x) as f64 / self.count as f64)
    }

    /// Recorded values at or below `x`, counting bins whole as [`Histogram::share_at_most`].
    pub fn count_at_most(&self, x: f64) -> u64 {
        if x < 0.0 {
            return 0;
        }
        let mut n = self.zero;
        if x > 0.0 {
            let last = (key(x) - base_key()).clamp(-1, BINS as i64 - 1);
            let end = (last + 1) as usize;
            if last >= 0 && self.lo < end.min(self.hi) {
                n += self.bins[self.lo..end.min(self.hi)].iter().sum::<u64>();
            }
        }
        n
    }

    /// The `q`-quantile (0 ≤ q ≤ 1), interpolated within its bin; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * self.count as f64;
        if rank <= self.zero as f64 {
            return Some(0.0);
        }
        let mut seen = self.zero as f64;
        let used = self.lo.min(self.hi)..self.hi;
        for (i, &n) in self.bins[used.clone()].iter().enumerate() {
            let i = i + used.start;
            if n == 0 {
                continue;
            }
            let next = seen + n as f64;
            if rank <= next {
                let (lo, hi) = Self::bin_edges(i);
                let f = (rank - seen) / n as f64;
                return Some(lo + f * (hi - lo));
            }
            seen = next;
        }
        let (_, hi) = Self::bin_edges(BINS - 1);
        Some(hi)
    }

    /// The `q`-quantile of a time to an event (0 < q < 1) by Kaplan–Meier (Kaplan & Meier
    /// 1958), `self` holding the times of the events seen and `censored` the times by which
    /// others had not happened yet (each counted at risk through its own bin), interpolated
    /// within its bin as [`Histogram::quantile`] is. `None` when fewer than a share `q` can
    /// be shown to have happened: the quantile lies beyond what was seen. Without censored
    /// times it is [`Histogram::quantile`].
    pub fn km_quantile(&self, censored: &Histogram, q: f64) -> Option<f64> {
        let mut at_risk = (self.count + censored.count) as f64;
        if self.count == 0 || !(0.0..1.0).contains(&q) {
            return None;
        }
        let target = 1.0 - q;
        // The zero bin first: events at once, then every later bin in order.
        let mut surviving = 1.0 - self.zero as f64 / at_risk;
        if surviving <= target {
            return Some(0.0);
        }
        at_risk -= (self.zero + censored.zero) as f64;
        let used = self.lo.min(censored.lo)..self.hi.max(censored.hi);
        for i in used {
            let (e, c) = (self.bins[i] as f64, censored.bins[i] as f64);
            if e > 0.0 {
                let next = surviving * (1.0 - e / at_risk);
                if next <= target {
                    let (lo, hi) = Self::bin_edges(i);
                    let f = (1.0 - target / surviving) * at_risk / e;
                    return Some(lo + f.clamp(0.0, 1.0) * (hi - lo));
                }
                surviving = next;
            }
            at_risk -= e + c;
        }
        None
    }
}

/// Times to resolution of a set of issues: each resolved one's, and each other's age at the
/// end of the run (given up, or still open).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolutions {
    /// Times from the first contact to resolution.
    pub resolved: Histogram,
    /// Ages at the end of issues not resolved by then.
    pub unresolved: Histogram,
}

impl Resolutions {
    /// Adds another set of issues into this one.
    pub fn add(&mut self, o: &Resolutions) {
        self.resolved.add(&o.resolved);
        self.unresolved.add(&o.unresolved);
    }
}

/// Upper edges of the buckets of the FRT distribution chart, seconds (a last bucket holds the
/// rest).
pub const FRT_EDGES: [f64; 12] = [
    0.0,
    10.0,
    20.0,
    30.0,
    60.0,
    120.0,
    300.0,
    900.0,
    3600.0,
    4.0 * 3600.0,
    8.0 * 3600.0,
    86_400.0,
];

/// What the reports need of a replication's first-response-time histogram: kept instead of
/// the histogram (16 KB), so that a finished replication stays small however many there are.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrtSummary {
    /// Contacts answered.
    pub count: u64,
    /// Median, 90th and 95th percentile, seconds (`None` without answers).
    pub p50: Option<f64>,
    /// 90th percentile, seconds.
    pub p90: Option<f64>,
    /// 95th percentile, seconds.
    pub p95: Option<f64>,
    /// Contacts answered within each of [`FRT_EDGES`].
    pub at_most: [u64; 12],
    /// Median time from an issue's first contact to its resolution, seconds, over every issue
    /// (Kaplan–Meier: one given up or still open at the end counts as unresolved until then);
    /// `None` when half of them cannot be shown resolved.
    #[serde(default)]
    pub resolution_p50: Option<f64>,
    /// 90th percentile of the same; `None` when nine in ten cannot be shown resolved.
    #[serde(default)]
    pub resolution_p90: Option<f64>,
}

impl FrtSummary {
    /// Summarises a histogram.
    pub fn of(h: &Histogram) -> Self {
        FrtSummary {
            count: h.count(),
            p50: h.quantile(0.5),
            p90: h.quantile(0.9),
            p95: h.quantile(0.95),
            at_most: FRT_EDGES.map(|x| h.count_at_most(x)),
            resolution_p50: None,
            resolution_p90: None,
        }
    }

    /// With the quantiles of the time to resolution: `res` holds the times of the issues
    /// resolved, the ages of the others at the end (given up or still open).
    pub fn with_resolution(mut self, res: &Resolutions) -> Self {
        self.resolution_p50 = res.resolved.km_quantile(&res.unresolved, 0.5);
        self.resolution_p90 = res.resolved.km_quantile(&res.unresolved, 0.9);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_a_bin_of_the_truth() {
        let mut h = Histogram::default();
        for i in 1..=10_000 {
            h.record(f64::from(i));
        }
        for q in [0.1, 0.5, 0.9, 0.99] {
            let exact = q * 10_000.0;
            let got = h.quantile(q).expect("non-empty");
            assert!(
                (got - exact).abs() / exact < 0.012,
                "q {q}: {got} vs {exact}"
            );
        }
        assert_eq!(h.quantile(0.0), Some(h.quantile(0.0).unwrap_or(0.0)));
    }

    #[test]
    fn zeros_tiny_and_huge_values() {
        let mut h = Histogram::default();
        h.record(0.0);
        h.record(0.0);
        h.record(1e-9);
        h.record(1e12);
        assert_eq!(h.count(), 4);
        assert_eq!(h.quantile(0.5), Some(0.0));
        assert!(h.quantile(1.0).expect("some") > 1e7);
        assert_eq!(h.share_at_most(0.0), Some(0.5));
        assert_eq!(h.share_at_most(1e13), Some(1.0));
        h.clear();
        assert_eq!(h.count(), 0);
        assert_eq!(h.quantile(0.5), None);
    }

    #[test]
    fn a_cleared_or_merged_histogram_reads_as_one_filled_afresh() {
        // Clearing and reading touch only the bins in use; nothing of the old values may show.
        let values = |from: u32, to: u32| (from..to).map(|i| f64::from(i * i) * 0.37);
        let fresh = |from: u32, to: u32| {
            let mut h = Histogram::default();
            values(from, to).for_each(|x| h.record(x));
            h
        };
        let mut reused = fresh(1, 3_000);
        reused.clear();
        values(40, 90).for_each(|x| reused.record(x));
        assert_eq!(reused, fresh(40, 90));
        let mut merged = fresh(40, 90);
        merged.add(&fresh(2_000, 2_100));
        let mut both = fresh(40, 90);
        values(2_000, 2_100).for_each(|x| both.record(x));
        assert_eq!(merged, both);
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(merged.quantile(q), both.quantile(q));
        }
        for x in [-1.0, 0.0, 1.0, 600.0, 1e6, 1e13] {
            assert_eq!(merged.count_at_most(x), both.count_at_most(x));
            assert_eq!(
                reused.count_at_most(x),
                values(40, 90).filter(|v| *v <= x).count() as u64,
                "at most {x}"
            );
        }
        let mut empty = Histogram::default();
        empty.add(&Histogram::default());
        assert_eq!(empty.count_at_most(1e9), 0);
        assert_eq!(empty.quantile(0.5), None);
    }
}
