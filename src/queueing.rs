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
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
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

/// Like [`birth_death`] for an infinite chain whose death rates eventually exceed the birth
/// rate: states are added past `c` until their probability is negligible (below 1e-18 of the
/// largest), at most two million.
fn birth_death_tail(lambda: f64, c: usize, mu: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut p = vec![1.0];
    let mut peak: f64 = 1.0;
    let mut n = 1;
    loop {
        let x = p[n - 1] * lambda / mu(n);
        p.push(x);
        peak = peak.max(x);
        if x > 1e250 {
            p.iter_mut().for_each(|v| *v *= 1e-250);
            peak *= 1e-250;
        }
        if (n > c && p[n] < 1e-18 * peak && lambda < mu(n)) || n >= 2_000_000 {
            break;
        }
        n += 1;
    }
    let total: f64 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= total);
    p
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
    let mu = 1.0 / s;
    let theta = 1.0 / patience;
    let cu = c as usize;
    let cmu = f64::from(c) * mu;
    let p = birth_death_tail(lambda, cu, |n| {
        if n <= cu {
            n as f64 * mu
        } else {
            cmu + (n - cu) as f64 * theta
        }
    });
    let lq: f64 = p
        .iter()
        .enumerate()
        .skip(cu)
        .map(|(n, pn)| (n - cu) as f64 * pn)
        .sum();
    let delayed: f64 = p[cu..].iter().sum();
    let p_ab = theta * lq / lambda;
    let mut wait_answered = 0.0;
    let mut within: f64 = p[..cu].iter().sum();
    // Running products and sums over the positions k = 0…j, extended by one term per state so
    // that the whole pass is linear in the number of states.
    let mut served = 1.0;
    let mut mean_sum = 0.0;
    let mut var_sum = 0.0;
    let mut tilted: Vec<f64> = Vec::new();
    let mut sl_done = false;
    for (n, pn) in p.iter().enumerate().skip(cu) {
        let j = n - cu;
        let r = cmu + j as f64 * theta;
        served *= r / (r + theta);
        mean_sum += 1.0 / (r + theta);
        var_sum += 1.0 / ((r + theta) * (r + theta));
        tilted.push(r + theta);
        if *pn < 1e-300 {
            continue;
        }
        wait_answered += pn * served * mean_sum;
        // V' grows with j; once it is almost surely beyond the threshold (its mean more than
        // 12 standard deviations past it), no later state contributes to the service level.
        if !sl_done {
            if mean_sum - 12.0 * var_sum.sqrt() > threshold {
                sl_done = true;
            } else {
                within += pn * served * hypoexp_cdf(&tilted, threshold);
            }
        }
    }
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

/// P(X₁ + … + X_m ≤ t) for independent exponentials with the given rates, by uniformisation
/// of the pure-death chain that passes through them (stable for any number of phases).
fn hypoexp_cdf(rates: &[f64], t: f64) -> f64 {
    let big = rates.iter().copied().fold(0.0, f64::max);
    let m = rates.len();
    // state[i] = probability of being in phase i after the jumps so far; done = absorbed.
    let mut state = vec![0.0; m];
    state[0] = 1.0;
    let mut done = 0.0;
    let x = big * t;
    let mut poisson = (-x).exp();
    let mut cdf = 0.0;
    let mut total_poisson = 0.0;
    let mut jumps = 0usize;
    loop {
        cdf += poisson * done;
        total_poisson += poisson;
        if 1.0 - total_poisson < 1e-13 || jumps > 100_000 {
            // Remaining Poisson mass goes with at least the current absorbed share.
            return (cdf + (1.0 - total_poisson) * done).min(1.0);
        }
        // One uniformised jump.
        let mut next = vec![0.0; m];
        for i in 0..m {
            let leave = rates[i] / big;
            next[i] += state[i] * (1.0 - leave);
            if i + 1 < m {
                next[i + 1] += state[i] * leave;
            } else {
                done += state[i] * leave;
            }
        }
        state = next;
        jumps += 1;
        poisson *= x / jumps as f64;
    }
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
    fn hypoexponential_of_one_phase_is_exponential() {
        let f = hypoexp_cdf(&[0.5], 2.0);
        assert!((f - (1.0 - (-1.0f64).exp())).abs() < 1e-10);
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
