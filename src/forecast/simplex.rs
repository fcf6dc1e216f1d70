//! Nelder–Mead minimisation on a box (Nelder & Mead, "A simplex method for function
//! minimization", Computer Journal 1965), for the few smooth parameters of the forecast model.

/// Nelder–Mead on a box: each point is clamped into `lo..=hi` before it is scored.
pub fn minimize(f: &dyn Fn(&[f64]) -> f64, start: &[f64], lo: &[f64], hi: &[f64]) -> Vec<f64> {
    let d = start.len();
    let clamp = |x: &[f64]| -> Vec<f64> {
        x.iter()
            .enumerate()
            .map(|(i, v)| v.clamp(lo[i], hi[i]))
            .collect()
    };
    let mut pts: Vec<(Vec<f64>, f64)> = vec![(start.to_vec(), f(start))];
    for i in 0..d {
        let mut p = start.to_vec();
        p[i] += 0.1 * (hi[i] - lo[i]);
        let p = clamp(&p);
        let v = f(&p);
        pts.push((p, v));
    }
    for _ in 0..200 * d {
        pts.sort_by(|a, b| a.1.total_cmp(&b.1));
        let worst = pts[d].clone();
        let centre: Vec<f64> = (0..d)
            .map(|i| pts[..d].iter().map(|p| p.0[i]).sum::<f64>() / d as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            clamp(
                &(0..d)
                    .map(|i| centre[i] + t * (worst.0[i] - centre[i]))
                    .collect::<Vec<_>>(),
            )
        };
        let r = along(-1.0);
        let fr = f(&r);
        if fr < pts[0].1 {
            let e = along(-2.0);
            let fe = f(&e);
            pts[d] = if fe < fr { (e, fe) } else { (r, fr) };
        } else if fr < pts[d - 1].1 {
            pts[d] = (r, fr);
        } else {
            let c = along(0.5);
            let fc = f(&c);
            if fc < worst.1 {
                pts[d] = (c, fc);
            } else {
                let best = pts[0].0.clone();
                for p in pts.iter_mut().skip(1) {
                    let q: Vec<f64> = (0..d).map(|i| (best[i] + p.0[i]) / 2.0).collect();
                    p.1 = f(&q);
                    p.0 = q;
                }
            }
        }
        let spread = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max)
            - pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        if spread.abs() < 1e-12 {
            break;
        }
    }
    pts.sort_by(|a, b| a.1.total_cmp(&b.1));
    pts.swap_remove(0).0
}
