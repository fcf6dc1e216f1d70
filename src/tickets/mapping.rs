//! The mapping of an event log: which column holds what, how dates are written, and which
//! state names mean new, in progress, waiting on the customer or a third party, resolved and
//! closed. Read from a small TOML file (`mappings/servicenow-incidents.toml` is an example).

use serde::Deserialize;

/// How an event log's columns and states map onto ticket lifecycles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventMapping {
    /// Field delimiter: "comma", "tab", "semicolon", "pipe" or the character itself; by
    /// default read from the header line ([`crate::delimiter`]).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// The text that marks a missing value (besides an empty field), e.g. "?".
    #[serde(default)]
    pub missing: Option<String>,
    /// Date layout: "d/m/yyyy", "m/d/yyyy" or "iso" (YYYY-MM-DD); a time of day may follow.
    #[serde(default = "iso")]
    pub date_format: String,
    /// When an update is stamped against the agent's work it records: `"end"` (saved when
    /// the agent is done, as ticketing systems record a form when it is submitted) or
    /// `"start"` (when an agent takes the ticket up). A backtest stamps the simulated first
    /// responses the same way.
    #[serde(default)]
    pub stamped: Stamped,
    /// Column names.
    pub columns: EventColumns,
    /// State names.
    pub states: States,
}

/// When an event log stamps an update ([`EventMapping::stamped`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stamped {
    /// At the end of the work it records.
    #[default]
    End,
    /// When the work starts.
    Start,
}

fn iso() -> String {
    "iso".into()
}

/// Column names of an event log.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventColumns {
    /// Ticket id.
    pub ticket: String,
    /// State after the update.
    pub state: String,
    /// When the update was made.
    pub updated_at: String,
    /// When the ticket was opened.
    pub opened_at: String,
    /// Update sequence number within the ticket (orders updates made in the same minute).
    #[serde(default)]
    pub sequence: Option<String>,
    /// Assignment group.
    #[serde(default)]
    pub group: Option<String>,
    /// Priority.
    #[serde(default)]
    pub priority: Option<String>,
    /// Category (contact reason).
    #[serde(default)]
    pub category: Option<String>,
    /// Channel (contact type).
    #[serde(default)]
    pub channel: Option<String>,
    /// Who made the update (an agent's name or number): tells the days one person swept a
    /// group's oldest tickets.
    #[serde(default)]
    pub agent: Option<String>,
}

/// State names, each a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct States {
    /// Not yet touched by an agent.
    pub new: Vec<String>,
    /// Being worked on.
    pub active: Vec<String>,
    /// Waiting on the customer.
    #[serde(default)]
    pub pending_customer: Vec<String>,
    /// Waiting on a vendor or another team.
    #[serde(default)]
    pub pending_third_party: Vec<String>,
    /// Resolved (may reopen).
    pub resolved: Vec<String>,
    /// Closed.
    #[serde(default)]
    pub closed: Vec<String>,
}

/// A state's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    New,
    Active,
    Pending(super::Waiting),
    Resolved,
    Closed,
}

impl EventMapping {
    /// Reads a mapping; the error names the key and how to fix it.
    pub fn parse(text: &str) -> Result<EventMapping, String> {
        let m: EventMapping = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(Err(e)) = m.delimiter.as_deref().map(crate::delimiter::named) {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("delimiter"))
                .map_or(String::new(), |i| format!("line {}: ", i + 1));
            return Err(format!("{line}{e}\n  = help: {}", crate::delimiter::HELP));
        }
        if !["d/m/yyyy", "m/d/yyyy", "iso"].contains(&m.date_format.as_str()) {
            return Err(format!(
                "date_format `{}` is not known\n  = help: use d/m/yyyy, m/d/yyyy or iso",
                m.date_format
            ));
        }
        Ok(m)
    }

    pub(super) fn state(&self, name: &str) -> Option<State> {
        let s = &self.states;
        let has = |v: &[String]| v.iter().any(|x| x == name);
        if has(&s.new) {
            Some(State::New)
        } else if has(&s.active) {
            Some(State::Active)
        } else if has(&s.pending_customer) {
            Some(State::Pending(super::Waiting::Customer))
        } else if has(&s.pending_third_party) {
            Some(State::Pending(super::Waiting::ThirdParty))
        } else if has(&s.resolved) {
            Some(State::Resolved)
        } else if has(&s.closed) {
            Some(State::Closed)
        } else {
            None
        }
    }

    /// A date and time in the mapping's layout (minutes, seconds or none).
    pub(super) fn datetime(&self, text: &str) -> Option<chrono::NaiveDateTime> {
        let t = text.trim();
        let dates: &[&str] = match self.date_format.as_str() {
            "d/m/yyyy" => &["%d/%m/%Y"],
            "m/d/yyyy" => &["%m/%d/%Y"],
            _ => &["%Y-%m-%d"],
        };
        for d in dates {
            for time in [" %H:%M:%S", " %H:%M", "T%H:%M:%S", "T%H:%M"] {
                if let Ok(x) = chrono::NaiveDateTime::parse_from_str(t, &format!("{d}{time}")) {
                    return Some(x);
                }
            }
            if let Ok(x) = chrono::NaiveDate::parse_from_str(t, d) {
                return x.and_hms_opt(0, 0, 0);
            }
        }
        None
    }
}
