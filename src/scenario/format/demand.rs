//! Demand: `[volume]` and `[[surges]]`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Duration, Intraday, TimeOfDay};

/// `[volume]`: contacts arrive as a non-homogeneous Poisson process whose rate is constant
/// within each slot of the intraday profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Contacts on a day of weekday weight 1 (contacts a day, more than 0). Required unless
    /// `[customers] contacts_per_month` drives volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1e9))]
    pub per_day: Option<f64>,
    /// Multipliers of `per_day` per weekday, all seven; 0 closes a day. Default: all 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<WeekdayWeights>,
    /// How a day's contacts spread over the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "flat"))]
    pub intraday: Option<Intraday>,
    /// Weekdays' own intraday profiles (e.g. a Friday that closes at 14:00), replacing
    /// `intraday` on those days for channels without a profile of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday_intraday: Option<WeekdayIntraday>,
    /// Day-to-day variation: each day's volume × gamma(mean 1, this coefficient of variation);
    /// 0 to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = 0, max = 5))]
    pub day_cv: Option<f64>,
    /// Trend: day d brings (1 + growth)^(d ÷ 30.4375) times the volume, e.g. 0.02 for +2% a
    /// month (a share per month, −0.5 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0), range(min = -0.5, max = 1))]
    pub growth_per_month: Option<f64>,
    /// A forecast written by `supportsim forecast` (its `forecast.csv`, relative to the
    /// scenario's folder): each date's volume and profile, and, from `forecast-days.csv`
    /// beside it, each date's spread and the within-day process, drawn per replication.
    /// Replaces every other key of `[volume]`; needs `[simulation] start_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<String>,
}

/// A weight per weekday (relative volumes, 0 closes a day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct WeekdayWeights {
    #[schemars(range(min = 0, max = 1e6))]
    pub mon: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub tue: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub wed: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub thu: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub fri: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub sat: f64,
    #[schemars(range(min = 0, max = 1e6))]
    pub sun: f64,
}

impl WeekdayWeights {
    /// Weights from an array, Monday first.
    pub fn from_array(w: [f64; 7]) -> WeekdayWeights {
        let [mon, tue, wed, thu, fri, sat, sun] = w;
        WeekdayWeights {
            mon,
            tue,
            wed,
            thu,
            fri,
            sat,
            sun,
        }
    }
}

/// An intraday profile per weekday; weekdays left out keep `[volume] intraday`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct WeekdayIntraday {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<Intraday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<Intraday>,
}

impl WeekdayIntraday {
    /// The profile of weekday `index` (Monday 0).
    pub fn day_mut(&mut self, index: usize) -> &mut Option<Intraday> {
        match index % 7 {
            0 => &mut self.mon,
            1 => &mut self.tue,
            2 => &mut self.wed,
            3 => &mut self.thu,
            4 => &mut self.fri,
            5 => &mut self.sat,
            _ => &mut self.sun,
        }
    }
}

/// `[[surges]]`: the arrivals it concerns multiplied by `factor` for a stretch of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Surge {
    /// For reports. Default: "surge N".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Day of the run, from 0.
    #[schemars(range(max = 36_600))]
    pub day: u32,
    /// Start, a time of day before 24:00.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "00:00"))]
    pub start: Option<TimeOfDay>,
    /// How long it lasts (may run past midnight).
    pub duration: Duration,
    /// Multiplier of the volume it concerns: 3 triples it, 0.5 halves it, 0 stops it (0 to
    /// 1,000).
    #[schemars(range(min = 0, max = 1000))]
    pub factor: f64,
    /// The topic it concerns. Default: every topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The channels it concerns, by name. Default: every channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
}
