//! The per-interval series of every replication, kept within a memory budget.
//!
//! The bands of `intervals.csv` and the charts need, for every interval, each replication's
//! value (P10 and P90 are order statistics across replications). A replication's series is
//! reduced, as soon as it finishes, to the values the report uses (about 15 numbers per
//! interval and channel instead of its full tallies) and kept in memory while the store is
//! under its budget; past the budget each further replication's values go to a file of their
//! own in a temporary folder, and the bands are computed a block of intervals at a time. Every
//! value is kept exactly (f64), so the output is the same whether or not the store spilled.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use super::series::{ACTIVE, compact, days_of, rows_of, series_intervals, stride};
use super::{DayRow, GroupIntervalRow, IntervalRow};
use crate::metrics::RepResult;
use crate::model::Model;

/// Bytes of values read back at once when the store spilled (all replications together).
const BLOCK_BYTES: usize = 64 << 20;

/// A replication's time series reduced to the values the report uses: per interval its
/// channels' and groups' figures, then per day its CSAT; NaN where a figure is undefined.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompactSeries {
    /// Intervals of the series.
    pub intervals: usize,
    /// The values.
    pub values: Vec<f64>,
}

impl CompactSeries {
    /// Takes the series out of `r` (its scalar results stay).
    pub fn take(model: &Model, r: &mut RepResult) -> CompactSeries {
        let series = CompactSeries {
            intervals: series_intervals(model, r),
            values: compact(model, r),
        };
        r.channel_intervals = Vec::new();
        r.group_intervals = Vec::new();
        r.active_customers = Vec::new();
        series
    }
}

/// The rows of the channels' and groups' intervals, and the days.
pub type SeriesRows = (Vec<IntervalRow>, Vec<GroupIntervalRow>, Vec<DayRow>);

/// Where one replication's values are.
enum Slot {
    Missing,
    Memory(Vec<f64>),
    Disk(std::fs::File),
}

struct State {
    used: u64,
    slots: Vec<Slot>,
    /// Intervals of each replication's series (the report uses the fewest).
    intervals: Vec<usize>,
    spill: Option<tempfile::TempDir>,
    spilled: u64,
    error: Option<String>,
}

/// The series of a run's replications, within a memory budget.
pub struct SeriesStore {
    budget: u64,
    state: Mutex<State>,
}

impl SeriesStore {
    /// An empty store for `replications` replications keeping at most `budget` bytes of values
    /// in memory.
    pub fn new(replications: u32, budget: u64) -> SeriesStore {
        SeriesStore {
            budget,
            state: Mutex::new(State {
                used: 0,
                slots: (0..replications).map(|_| Slot::Missing).collect(),
                intervals: vec![0; replications as usize],
                spill: None,
                spilled: 0,
                error: None,
            }),
        }
    }

    /// Bytes of values a replication of `model` keeps: what the budget is spent on.
    pub fn bytes_per_replication(model: &Model) -> u64 {
        let ni = model.stat_intervals() as u64;
        let days = ni.div_ceil(((crate::duration::DAY / model.interval).round() as u64).max(1));
        (ni * stride(model) as u64 + days) * 8
    }

    /// Takes replication `rep`'s series out of `r` into the store (its scalar results stay).
    /// Called from any thread as replications finish; a file that cannot be written is told
    /// when the series are read.
    pub fn keep(&self, model: &Model, rep: u32, r: &mut RepResult) {
        self.put(rep, CompactSeries::take(model, r));
    }

    /// Puts replication `rep`'s reduced series into the store.
    pub fn put(&self, rep: u32, series: CompactSeries) {
        let CompactSeries {
            intervals: ni,
            values,
        } = series;
        let bytes = 8 * values.len() as u64;
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        if let Some(n) = st.intervals.get_mut(rep as usize) {
            *n = ni;
        }
        let slot = if st.used + bytes <= self.budget {
            st.used += bytes;
            Slot::Memory(values)
        } else {
            match spill(&mut st, &values) {
                Ok(f) => {
                    st.spilled += bytes;
                    Slot::Disk(f)
                }
                Err(e) => {
                    st.error.get_or_insert(e);
                    Slot::Missing
                }
            }
        };
        if let Some(s) = st.slots.get_mut(rep as usize) {
            *s = slot;
        }
    }

    /// Bytes written to disk past the budget.
    pub fn spilled(&self) -> u64 {
        self.state.lock().map_or(0, |s| s.spilled)
    }

    /// The rows of `intervals.csv` and `agents_intervals.csv`, and the days, as
    /// [`super::intervals`] and [`super::daily`] compute them from whole replications.
    pub fn series(&self, model: &Model) -> Result<SeriesRows, String> {
        let mut st = self
            .state
            .lock()
            .map_err(|_| "the time series were lost".to_string())?;
        if let Some(e) = &st.error {
            return Err(format!("keeping the time series on disk: {e}"));
        }
        if st.slots.iter().any(|s| matches!(s, Slot::Missing)) {
            return Err("the time series of a replication are missing".into());
        }
        let ni = st.intervals.iter().copied().min().unwrap_or(0);
        let stride = stride(model);
        let reps = st.slots.len().max(1);
        let block = (BLOCK_BYTES / (8 * stride.max(1) * reps)).max(1);
        let (mut rows, mut grows) = (Vec::new(), Vec::new());
        // Per replication: its per-day CSAT and its active customers at each day's end.
        let mut day_values: Vec<Vec<f64>> = vec![Vec::new(); st.slots.len()];
        let mut actives: Vec<Vec<f64>> = vec![Vec::new(); st.slots.len()];
        let per_day = ((crate::duration::DAY / model.interval).round() as usize).max(1);
        let mut first = 0;
        while first < ni {
            let n = block.min(ni - first);
            let mut buffers = Vec::with_capacity(st.slots.len());
            for slot in st.slots.iter_mut() {
                buffers.push(read(slot, first * stride, n * stride)?);
            }
            let slices: Vec<&[f64]> = buffers.iter().map(Vec::as_slice).collect();
            rows_of(model, first, n, &slices, &mut rows, &mut grows);
            for (d, v) in slices.iter().enumerate() {
                for k in 0..n {
                    let end = first + k + 1;
                    if end % per_day == 0 || end == ni {
                        actives[d].push(v[k * stride + ACTIVE]);
                    }
                }
            }
            first += n;
        }
        let days = ni.div_ceil(per_day);
        let State {
            slots, intervals, ..
        } = &mut *st;
        for ((slot, own), out) in slots
            .iter_mut()
            .zip(intervals.iter())
            .zip(day_values.iter_mut())
        {
            *out = read(slot, own * stride, days)?;
        }
        let csat: Vec<&[f64]> = day_values.iter().map(Vec::as_slice).collect();
        let day_rows = days_of(model, ni, &csat, &|d, end| {
            actives[d].get(end.div_ceil(per_day) - 1).copied()
        });
        Ok((rows, grows, day_rows))
    }
}

/// Writes `values` to a new file in the store's temporary folder.
fn spill(st: &mut State, values: &[f64]) -> Result<std::fs::File, String> {
    if st.spill.is_none() {
        st.spill = Some(
            tempfile::Builder::new()
                .prefix("supportsim-series.")
                .tempdir()
                .map_err(|e| format!("creating a temporary folder: {e}"))?,
        );
    }
    let dir = st.spill.as_ref().map(|d| d.path().to_path_buf());
    let dir = dir.ok_or("no temporary folder")?;
    let mut f = tempfile::tempfile_in(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut bytes = Vec::with_capacity(values.len() * 8);
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    f.write_all(&bytes)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(f)
}

/// Values `from..from + n` of a replication.
fn read(slot: &mut Slot, from: usize, n: usize) -> Result<Vec<f64>, String> {
    match slot {
        Slot::Missing => Err("the time series of a replication are missing".into()),
        Slot::Memory(v) => Ok(v.get(from..from + n).unwrap_or_default().to_vec()),
        Slot::Disk(f) => {
            let mut bytes = vec![0u8; n * 8];
            f.seek(SeekFrom::Start(from as u64 * 8))
                .and_then(|_| f.read_exact(&mut bytes))
                .map_err(|e| format!("reading the time series back: {e}"))?;
            Ok(bytes
                .chunks_exact(8)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(c);
                    f64::from_le_bytes(b)
                })
                .collect())
        }
    }
}
