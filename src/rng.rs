//! Named random streams: every replication draws each purpose (arrivals of a channel, customer
//! attributes of a channel, day factors, staffing decisions) from its own generator, seeded from
//! (base seed, replication, stream). Customer-side streams do not depend on staffing, so two
//! plans run with the same seed see the same customers (common random numbers).

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The portable generator used everywhere.
pub type Rng = Xoshiro256PlusPlus;

/// What a stream is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Arrival times on one channel.
    Arrivals(u32),
    /// Topic, handle time and patience of the customers of one channel.
    Customers(u32),
    /// Random day factors of demand.
    Days,
    /// Absence and shrinkage of agents (an operation-side stream).
    Staffing,
}

impl Stream {
    fn id(self) -> u64 {
        match self {
            Stream::Days => 1,
            Stream::Staffing => 2,
            Stream::Arrivals(c) => 0x1_0000 + u64::from(c),
            Stream::Customers(c) => 0x2_0000 + u64::from(c),
        }
    }
}

/// SplitMix64 finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a bijective mix used to derive well-separated seeds.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of `stream` in replication `rep` of a run with base seed `seed`.
pub fn stream(seed: u64, rep: u32, stream: Stream) -> Rng {
    let s = mix(mix(mix(seed) ^ u64::from(rep)) ^ stream.id());
    Rng::seed_from_u64(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_differ_and_repeat() {
        let a: u64 = stream(1, 0, Stream::Days).random();
        let b: u64 = stream(1, 1, Stream::Days).random();
        let c: u64 = stream(1, 0, Stream::Staffing).random();
        let a2: u64 = stream(1, 0, Stream::Days).random();
        assert_eq!(a, a2);
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    /// Value stability: the first draw of a named stream is pinned so that results of a
    /// scenario do not silently change between versions.
    #[test]
    fn first_draw_is_pinned() {
        let x: u64 = stream(42, 3, Stream::Arrivals(0)).random();
        assert_eq!(x, stream(42, 3, Stream::Arrivals(0)).random::<u64>());
        assert_eq!(x, 12_207_967_673_097_518_531);
    }

    /// Uniformity of the draws: chi-squared over 100 equal bins at a fixed seed (99 degrees of
    /// freedom; the 0.999 quantile is 148.2).
    #[test]
    fn uniform_chi_squared() {
        let mut r = stream(7, 0, Stream::Customers(0));
        let n = 100_000;
        let mut bins = [0u32; 100];
        for _ in 0..n {
            let u: f64 = r.random();
            bins[(u * 100.0) as usize] += 1;
        }
        let e = f64::from(n) / 100.0;
        let chi2: f64 = bins.iter().map(|&o| (f64::from(o) - e).powi(2) / e).sum();
        assert!(chi2 < 148.2, "chi2 = {chi2}");
    }
}
