//! Demand by date, read from a forecast (`[volume] forecast`).

/// Demand by date, from a forecast file, for each day of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedDemand {
    /// The date of day 0.
    pub start_date: chrono::NaiveDate,
    /// Seconds per slot (the forecast's interval).
    pub slot_len: f64,
    /// Expected contacts (all channels) per slot of each day of the run; the slots cover the
    /// whole day.
    pub days: Vec<Vec<f64>>,
    /// Standard deviation of each day's log volume: its volume is drawn log-normal with this
    /// spread and the forecast's mean, once per replication.
    pub log_sd: Vec<f64>,
    /// The within-day rate process, drawn per replication and day; `None` for Poisson alone.
    pub within: Option<WithinDay>,
}

/// A log-Gaussian AR(1) rate process across a day's intervals (see `forecast::intraday`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WithinDay {
    /// Standard deviation of the log rate.
    pub sigma: f64,
    /// Lag-one correlation per `step`.
    pub rho: f64,
    /// Seconds per step of the process.
    pub step: f64,
}
