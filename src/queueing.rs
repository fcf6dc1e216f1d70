//! Exact results of queueing theory, used to check the simulator and as analytic first guesses.
//!
//! Notation: arrival rate `lambda` (per second), mean service time `s` (seconds), `c` agents,
//! offered load `a = lambda · s` (Erlangs). Every function is evaluated in a numerically stable
//! way (recursions on ratios, never factorials or powers on their own), so hundreds of agents
//! are fine.

/// Erlang B blocking probability of an M/M/c/c loss system with offered load `a`.
///
/// Stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) (Jagerman, "Some properties of
/// the Erlang loss function", Bell System Technical Journal 53(3), 1974).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    if beyond_reach(c, a) {
        return 0.0;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
        // Once it has underflowed it stays zero: millions of lines cost nothing.
        if b == 0.0 {
            break;
        }
    }
    b
}

/// Whether `c` servers are so far beyond a load of `a` Erlangs that the chance of finding them
/// all busy is below any double: c − a more than 50 standard deviations of the Poisson number
/// busy (and a margin for small loads).
fn beyond_reach(c: u32, a: f64) -> bool {
    f64::from(c) > a + 50.0 * a.sqrt() + 200.0
}

/// Erlang C: probability that an arrival waits in an M/M/c queue, C = c·B / (c − a(1 − B))
/// for a < c; 1 when the queue is unstable (Cooper, *Introduction to Queueing Theory*, 2nd ed.,
/// 1981, §3.4).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let cf = f64::from(c);
    if a >= cf {
        return 1.0;
    }
    let b = erlang_b(c, a);
    cf * b / (cf - a * (1.0 - b))
}

/// Results of a queue model, per offered contact unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    /// Probability an arrival cannot be answered at once (waits, abandons or is blocked).
    pub p_wait: f64,
    /// Answered within the threshold ÷ offered.
    pub service_level: f64,
    /// Mean wait of answered contacts, seconds.
    pub asa: f64,
    /// Mean wait of all offered contacts (abandoned ones until they leave, blocked ones 0).
    pub mean_wait: f64,
    /// Abandoned ÷ offered.
    pub abandon_rate: f64,
    /// Blocked ÷ offered.
    pub blocked_rate: f64,
    /// Busy agent time ÷ available agent time.
    pub occupancy: f64,
}

/// M/M/c (Erlang C): waiting-time distribution P(W > t) = C·exp(−(c − a)·t / s)
/// (Cooper 1981, §3.4; Gross & Harris, *Fundamentals of Queueing Theory*, §2.3).
pub fn mmc(lambda: f64, s: f64, c: u32, threshold: f64) -> Measures {
    let a = lambda * s;
    let cf = f64::from(c);
    let pw = erlang_c(c, a);
    let wq = pw * s / (cf - a);
    Measures {
        p_wait: pw,
        service_level: 1.0 - pw * (-(cf - a) * threshold / s).exp(),
        asa: wq,
        mean_wait: wq,
        abandon_rate: 0.0,
        blocked_rate: 0.0,
        occupancy: a / cf,
    }
}

/// Stationary distribution of a birth–death chain with constant birth rate `lambda` and death
/// rates `mu(n)`, truncated at `n_max`, computed by normalised products of ratios.
fn birth_death(lambda: f64, n_max: usize, mu: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut p = Vec::with_capacity(n_max + 1);
    p.push(1.0);
    for n in 1..=n_max {
        let prev = p[n - 1];
        p.push(prev * lambda / mu(n));
        // Rescale to avoid overflow for large systems.
        if p[n] > 1e250 {
            p.iter_mut().for_each(|x| *x *= 1e-250);
        }
    }
    let total: f64 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= total);
    p
}

/// Erlang A so overloaded that more than two million wait: the fluid limit (Whitt, "Efficiency-
/// driven heavy-traffic approximations for many-server queues with abandonments", *Management
/// Science* 50(10), 2004), whose relative error at that size is below 1e-3. The queue holds
/// (λ − cμ)/θ, a share 1 − cμ/λ abandons, everyone waits, and the served wait w solves
/// e^{−θw} = cμ/λ.
fn erlang_a_fluid(lambda: f64, cmu: f64, theta: f64, threshold: f64) -> Measures {
    let queue = (lambda - cmu) / theta;
    let served_wait = (lambda / cmu).ln() / theta;
    Measures {
        p_wait: 1.0,
        service_level: if served_wait <= threshold {
            1.0 - (lambda - cmu) / lambda
        } else {
            0.0
        },
        asa: served_wait,
        mean_wait: queue / lambda,
        abandon_rate: 1.0 - cmu / lambda,
        blocked_rate: 0.0,
        occupancy: 1.0,
    }
}

/// The stationary distribution of Erlang A's birth–death chain (birth rate `lambda`, death
/// rates n·μ up to `c` busy agents, then c·μ + (n − c)·θ): the probability of fewer than `c`
/// in the system, and the probabilities of c, c + 1, … (until negligible: below 1e-18 of the
/// most likely state, at most two million past `c`).
///
/// Each state is computed relative to the most likely one, stepping down and up from it, so no
/// product overflows and memory holds only the states from `c` on, whatever `c` is.
fn erlang_a_chain(lambda: f64, mu: f64, theta: f64, c: usize) -> (f64, Vec<f64>) {
    let cmu = c as f64 * mu;
    let rate = |n: usize| {
        if n <= c {
            n as f64 * mu
        } else {
            cmu + (n - c) as f64 * theta
        }
    };
    // The most likely state: the last one whose death rate does not exceed the birth rate.
    let mode = if lambda < cmu || theta <= 0.0 {
        ((lambda / mu).floor() as usize).min(c)
    } else {
        c + ((lambda - cmu) / theta).floor() as usize
    };
    let mut below = 0.0;
    // States c…mode, found stepping down from the mode (most likely first).
    let mut down = Vec::new();
    let mut r = 1.0;
    let mut n = mode;
    loop {
        if n >= c {
            down.push(r);
        } else {
            below += r;
        }
        if n == 0 || (n < c && r == 0.0) {
            break;
        }
        r *= rate(n) / lambda;
        n -= 1;
    }
    down.reverse();
    let mut tail = down;
    // States above the mode.
    let (mut r, mut n) = (1.0, mode);
    loop {
        n += 1;
        r *= lambda / rate(n);
        if n < c {
            below += r;
            if r == 0.0 {
                break;
            }
        } else {
            tail.push(r);
            if (n > c && r < 1e-18 && lambda < rate(n)) || n >= c + 2_000_000 {
                break;
            }
        }
    }
    if tail.is_empty() {
        // Every state from c on is far below double precision.
        tail.push(0.0);
    }
    let total = below + tail.iter().sum::<f64>();
    tail.iter_mut().for_each(|x| *x /= total);
    (below / total, tail)
}

/// P(Erlang(k, rate) ≤ t): the chance that `k` exponential phases of rate `rate` finish by `t`,
/// 1 − Σ_{i<k} e^{−x} x^i / i!, x = rate·t.
fn erlang_cdf(k: usize, rate: f64, t: f64) -> f64 {
    let x = rate * t;
    let mut term = (-x).exp();
    let mut sum = 0.0;
    for i in 0..k {
        if i > 0 {
            term *= x / i as f64;
        }
        sum += term;
    }
    (1.0 - sum).max(0.0)
}

/// M/M/c/K: `c` agents and `places` waiting places (K = c + places); arrivals that find every
/// place taken are blocked. Birth–death solution with p_n ∝ aⁿ/n! (n ≤ c) and
/// a^c/c!·(a/c)^{n−c} (c < n ≤ K); an admitted arrival finding n ≥ c waits an Erlang(n−c+1, c/s)
/// time (Gross & Harris, *Fundamentals of Queueing Theory*, 4th ed., §2.5).
pub fn mmck(lambda: f64, s: f64, c: u32, places: u32, threshold: f64) -> Measures {
    let mu = 1.0 / s;
    let cu = c as usize;
    let k = cu + places as usize;
    let p = birth_death(lambda, k, |n| n.min(cu) as f64 * mu);
    let pk = p[k];
    let lq: f64 = (cu..=k).map(|n| (n - cu) as f64 * p[n]).sum();
    let delayed: f64 = p[cu..].iter().sum();
    let within: f64 = p[..cu].iter().sum::<f64>()
        + (cu..k)
            .map(|n| p[n] * erlang_cdf(n - cu + 1, f64::from(c) * mu, threshold))
            .sum::<f64>();
    Measures {
        p_wait: delayed,
        service_level: within,
        asa: lq / (lambda * (1.0 - pk)),
        mean_wait: lq / lambda,
        abandon_rate: 0.0,
        blocked_rate: pk,
        occupancy: lambda * (1.0 - pk) * s / f64::from(c),
    }
}

/// M/M/c+M (Erlang A, Palm's model): exponential patience with mean `patience` seconds.
///
/// Birth–death chain with death rates n/s for n ≤ c and c/s + (n − c)/patience above
/// (Garnett, Mandelbaum & Reiman, "Designing a call center with impatient customers",
/// *Manufacturing & Service Operations Management* 4(3), 2002). Abandonment = θ·E(Q)/λ and the
/// mean wait of all = E(Q)/λ (Little). For waits of answered contacts, a tagged arrival finding
/// j waiting ahead moves up at rate c/s + kθ when k are ahead and abandons at rate θ, so its
/// offered wait V is a sum of exponentials with rates r_k = c/s + kθ, k = j…0; it is answered
/// when V < τ ~ Exp(θ): P(answered) = Π r_k/(r_k+θ), E(V; answered) = P·Σ 1/(r_k+θ), and
/// P(V ≤ t; answered) = P·P(V' ≤ t) where V' has rates r_k + θ (exponential tilting; see
/// Mandelbaum & Zeltyn, "Service engineering in action: the Palm/Erlang-A queue", 2007).
pub fn erlang_a(lambda: f64, s: f64, c: u32, patience: f64, threshold: f64) -> Measures {
    if beyond_reach(c, lambda * s) {
        // Nobody waits; the chain would only add states of probability zero.
        return Measures {
            p_wait: 0.0,
            service_level: 1.0,
            asa: 0.0,
            mean_wait: 0.0,
            abandon_rate: 0.0,
            blocked_rate: 0.0,
            occupancy: lambda * s / f64::from(c),
        };
    }
    let mu = 1.0 / s;
    let theta = 1.0 / patience;
    let cu = c as usize;
    let cmu = f64::from(c) * mu;
    if theta <= 0.0 && lambda >= cmu {
        // Nobody abandons and the agents cannot keep up: the queue grows without bound.
        return Measures {
            p_wait: 1.0,
            service_level: 0.0,
            asa: f64::INFINITY,
            mean_wait: f64::INFINITY,
            abandon_rate: 0.0,
            blocked_rate: 0.0,
            occupancy: 1.0,
        };
    }
    if theta > 0.0 && (lambda - cmu) / theta > 2e6 {
        return erlang_a_fluid(lambda, cmu, theta, threshold);
    }
    // below: P(fewer than c in the system); tail[j]: P(c + j).
    let (below, tail) = erlang_a_chain(lambda, mu, theta, cu);
    let lq: f64 = tail.iter().enumerate().map(|(j, pn)| j as f64 * pn).sum();
    let delayed: f64 = tail.iter().sum();
    let p_ab = theta * lq / lambda;
    let mut wait_answered = 0.0;
    let mut within = below;
    // Running products and sums over the positions k = 0…j, extended by one term per state so
    // that the whole pass is linear in the number of states.
    let mut served = 1.0;
    let mut mean_sum = 0.0;
    let mut var_sum = 0.0;
    // The tilted phase rates, and each state's weight P(state)·P(served), for the states whose
    // wait can still fall within the threshold.
    let mut tilted: Vec<f64> = Vec::new();
    let mut weight: Vec<f64> = Vec::new();
    for (j, pn) in tail.iter().enumerate() {
        let r = cmu + j as f64 * theta;
        served *= r / (r + theta);
        mean_sum += 1.0 / (r + theta);
        var_sum += 1.0 / ((r + theta) * (r + theta));
        wait_answered += pn * served * mean_sum;
        // V' grows with j; once it is almost surely beyond the threshold (its mean more than
        // 12 standard deviations past it), no later state contributes to the service level.
        if tilted.len() == j && mean_sum - 12.0 * var_sum.sqrt() <= threshold {
            tilted.push(r + theta);
            weight.push(pn * served);
        }
    }
    // States too unlikely to move the service level by 1e-17 need no waiting-time distribution.
    let last = weight.iter().rposition(|w| *w > 1e-17).map_or(0, |i| i + 1);
    tilted.truncate(last);
    weight.truncate(last);
    // Every state's P(V' ≤ threshold) from one pass over the phases.
    let cdfs = hypoexp_cdfs(&tilted, threshold);
    within += weight.iter().zip(&cdfs).map(|(w, f)| w * f).sum::<f64>();
    Measures {
        p_wait: delayed,
        service_level: within,
        asa: wait_answered / (1.0 - p_ab),
        mean_wait: lq / lambda,
        abandon_rate: p_ab,
        blocked_rate: 0.0,
        occupancy: lambda * (1.0 - p_ab) * s / f64::from(c),
    }
}

/// P(X₁ + … + X_{j+1} ≤ t) for every j: the chance that the first j + 1 of independent
/// exponential phases with the given rates are all done by `t`. One uniformisation of the
/// pure-birth chain that passes through the phases in order gives the chance of being in each
/// phase at `t`, hence every prefix at once (uniformisation: Tijms, *A First Course in
/// Stochastic Models*, 2003, §5.5). Poisson weights are computed in logarithms, so that a large
/// rate × time does not underflow.
fn hypoexp_cdfs(rates: &[f64], t: f64) -> Vec<f64> {
    let m = rates.len();
    let big = rates.iter().copied().fold(0.0, f64::max);
    if m == 0 || big <= 0.0 || t <= 0.0 {
        return vec![0.0; m];
    }
    let x = big * t;
    // occupancy[k]: P(in phase k at time t), k = 0…m (m: every phase done).
    let mut occupancy = vec![0.0; m + 1];
    let mut state = vec![0.0; m + 1];
    state[0] = 1.0;
    let leave: Vec<f64> = rates.iter().map(|r| r / big).collect();
    let ln_x = x.ln();
    let mut ln_w = -x;
    let mut mass = 0.0;
    let last = (x + 12.0 * x.sqrt() + 30.0).ceil() as usize;
    for n in 0..=last {
        if n > 0 {
            ln_w += ln_x - (n as f64).ln();
        }
        let w = ln_w.exp();
        mass += w;
        if w > 0.0 {
            for (o, s) in occupancy.iter_mut().zip(&state) {
                *o += w * s;
            }
        }
        // Done when the Poisson weights are spent, or when every phase is passed (all the mass
        // absorbed: later jumps add nothing to the phases), whichever comes first.
        let alive: f64 = state[..m].iter().sum();
        if ((n as f64) > x && 1.0 - mass < 1e-15) || alive < 1e-17 {
            break;
        }
        // One uniformised jump: phase k moves on with probability rate_k / big. After n jumps
        // only phases up to n hold any mass.
        for k in (0..m.min(n + 1)).rev() {
            let moved = state[k] * leave[k];
            state[k] -= moved;
            state[k + 1] += moved;
        }
    }
    let mut before = 0.0;
    (0..m)
        .map(|j| {
            before += occupancy[j];
            (1.0 - before).clamp(0.0, 1.0)
        })
        .collect()
}

/// M/G/1 by the Pollaczek–Khinchine formula: Wq = λ·E(S²) / (2(1 − ρ)), E(S²) = (1 + cv²)·s²
/// (Kleinrock, *Queueing Systems*, vol. 1, 1975, eq. 5.105). The service level has no closed
/// form for a general service time and is returned as NaN.
pub fn mg1(lambda: f64, s: f64, cv: f64) -> Measures {
    let rho = lambda * s;
    let wq = lambda * (1.0 + cv * cv) * s * s / (2.0 * (1.0 - rho));
    Measures {
        p_wait: rho,
        service_level: f64::NAN,
        asa: wq,
        mean_wait: wq,
        abandon_rate: 0.0,
        blocked_rate: 0.0,
        occupancy: rho,
    }
}

/// Mean waits per class of an M/M/c queue with non-preemptive priorities and one exponential
/// service time for all classes: W_k = C(c, a)·s/c / ((1 − σ_{k−1})(1 − σ_k)) with
/// σ_k = Σ_{i≤k} λ_i·s/c (Cobham, "Priority assignment in waiting line problems", *Operations
/// Research* 2(1), 1954; Gross & Harris §3.4). `lambdas` are in priority order, most urgent first.
pub fn mmc_priority_waits(lambdas: &[f64], s: f64, c: u32) -> Vec<f64> {
    let cf = f64::from(c);
    let a: f64 = lambdas.iter().sum::<f64>() * s;
    let w0 = erlang_c(c, a) * s / cf;
    let mut sigma_prev = 0.0;
    lambdas
        .iter()
        .map(|l| {
            let sigma = sigma_prev + l * s / cf;
            let w = w0 / ((1.0 - sigma_prev) * (1.0 - sigma));
            sigma_prev = sigma;
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_and_c_match_tables() {
        // Erlang B, 10 Erlangs on 10 lines: 0.21458 (standard tables, e.g. Cooper 1981, Table I).
        assert!((erlang_b(10, 10.0) - 0.214_58).abs() < 5e-6);
        // Erlang C, 10 Erlangs and 12 agents: 0.44939.
        assert!((erlang_c(12, 10.0) - 0.449_39).abs() < 5e-6);
        // Hundreds of agents stay finite and sane.
        let c = erlang_c(600, 580.0);
        assert!(c > 0.0 && c < 1.0);
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_with_endless_patience() {
        let a = erlang_a(150.0 / 3600.0, 240.0, 12, 1e9, 20.0);
        let c = mmc(150.0 / 3600.0, 240.0, 12, 20.0);
        assert!((a.p_wait - c.p_wait).abs() < 1e-4);
        assert!((a.asa - c.asa).abs() < 0.05);
        assert!((a.service_level - c.service_level).abs() < 1e-4);
    }

    #[test]
    fn erlang_a_waits_are_consistent() {
        // Mean wait of all = P(answered)·ASA + P(abandoned)·(mean wait of abandoned) ≥ answered part.
        let m = erlang_a(2.0 / 60.0, 300.0, 10, 240.0, 30.0);
        assert!(m.mean_wait > (1.0 - m.abandon_rate) * m.asa);
        assert!(m.service_level > 0.0 && m.service_level < 1.0);
    }

    #[test]
    fn mmck_with_no_places_is_erlang_b() {
        let m = mmck(1.0, 9.0, 10, 0, 20.0);
        assert!((m.blocked_rate - erlang_b(10, 9.0)).abs() < 1e-12);
    }

    #[test]
    fn hypoexponential_prefixes_match_their_closed_forms() {
        // One phase: exponential. Two distinct rates a, b: 1 − (b e^{−at} − a e^{−bt})/(b − a).
        let (a, b, t) = (0.5, 2.0, 1.3);
        let f = hypoexp_cdfs(&[a, b], t);
        assert!((f[0] - (1.0 - (-a * t).exp())).abs() < 1e-12);
        let two = 1.0 - (b * (-a * t).exp() - a * (-b * t).exp()) / (b - a);
        assert!((f[1] - two).abs() < 1e-12);
        // Equal rates: Erlang(k).
        let f = hypoexp_cdfs(&[3.0; 4], 0.7);
        for (k, fk) in f.iter().enumerate() {
            assert!((fk - erlang_cdf(k + 1, 3.0, 0.7)).abs() < 1e-12, "{k}");
        }
        // A rate × time far past where e^{−x} underflows.
        let f = hypoexp_cdfs(&[100.0; 3], 10.0);
        assert!(f.iter().all(|p| (p - 1.0).abs() < 1e-12));
    }

    #[test]
    fn erlang_a_at_thousands_of_agents_is_fast_and_sane() {
        // 100,000 calls an hour of 5 minutes (8,333 Erlangs), patience 3 minutes.
        let lambda = 100_000.0 / 3600.0;
        let started = std::time::Instant::now();
        let m = erlang_a(lambda, 300.0, 8_300, 180.0, 20.0);
        assert!(
            started.elapsed().as_secs_f64() < 2.0,
            "took {:?}",
            started.elapsed()
        );
        assert!(m.service_level > 0.0 && m.service_level < 1.0, "{m:?}");
        assert!(m.abandon_rate > 0.0 && m.abandon_rate < 0.1, "{m:?}");
        // Far more agents than load: nobody waits.
        let m = erlang_a(100.0 / 3600.0, 300.0, 3_000_000, 180.0, 20.0);
        assert!(
            m.p_wait < 1e-12 && (m.service_level - 1.0).abs() < 1e-12,
            "{m:?}"
        );
    }

    #[test]
    fn priority_waits_average_to_fcfs() {
        // Conservation: with one service time, the traffic-weighted mean wait equals FCFS.
        let l = [0.35 / 60.0, 1.05 / 60.0];
        let w = mmc_priority_waits(&l, 300.0, 8);
        let avg = (l[0] * w[0] + l[1] * w[1]) / (l[0] + l[1]);
        let fcfs = mmc(l[0] + l[1], 300.0, 8, 20.0).asa;
        assert!((avg - fcfs).abs() < 1e-9);
    }
}
