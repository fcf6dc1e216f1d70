//! Agent groups and their shifts: who works which channels and skills, when, with which
//! breaks, and the work rules a roster must keep.

/// A shift pattern: `count` agents work from `start` to `end` on the listed weekdays.
#[derive(Debug, Clone)]
pub struct Shift {
    /// Weekdays the shift starts on, Monday first.
    pub days: [bool; 7],
    /// Start, seconds after midnight.
    pub start: f64,
    /// End, seconds after midnight of the start day (more than a day for overnight shifts).
    pub end: f64,
    /// Agents working this shift.
    pub count: u32,
    /// Breaks at set times, in time order: off the floor, after the contact in hand.
    pub breaks: Vec<Break>,
}

/// A break of a shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Start, seconds after the shift's start.
    pub start: f64,
    /// Length, seconds.
    pub length: f64,
}

/// A group of agents who share channels, skills and schedule rules.
#[derive(Debug, Clone)]
pub struct Group {
    /// Name, as in the scenario.
    pub name: String,
    /// Channels the group works, indexed by [`ChannelId`](super::ChannelId).
    pub channels: Vec<bool>,
    /// Rank of each channel in the group's `channel_order` (0 first), indexed by
    /// [`ChannelId`](super::ChannelId); all 0 without an order. An agent who frees up serves the lowest rank
    /// with contacts waiting.
    pub channel_rank: Vec<u32>,
    /// Proficiency per topic, indexed by [`TopicId`](super::TopicId); `None` when the group lacks the skill.
    /// Handle time is divided by the proficiency.
    pub proficiency: Vec<Option<f64>>,
    /// Chats held at once.
    pub concurrency: u32,
    /// Shifts; empty means `around_the_clock` agents.
    pub shifts: Vec<Shift>,
    /// Agents working around the clock (when there are no shifts).
    pub around_the_clock: u32,
    /// Planned shrinkage: share of scheduled time off the floor (meetings, training, breaks).
    pub planned_shrinkage: f64,
    /// Unplanned shrinkage: probability an agent is absent for a whole scheduled day.
    pub absence: f64,
    /// Day-to-day spread of the group's absence rate: each day the rate is drawn from a beta
    /// distribution with mean [`absence`](Self::absence) and this standard deviation, shared by
    /// the group's agents (absences come together, as on a flu week, instead of one by one).
    /// 0 keeps each agent's absence independent.
    pub absence_sd: f64,
    /// [`absence`](Self::absence) on Saturdays and Sundays (a weekend desk of a few, whose
    /// presence varies far more than the weekday team's); the weekday one when not set.
    pub weekend_absence: f64,
    /// [`absence_sd`](Self::absence_sd) on Saturdays and Sundays.
    pub weekend_absence_sd: f64,
    /// How much of the day-to-day spread of the group's absence rate it shares with the other
    /// groups (0 to 1): its day's normal score is √s of a factor of the day common to every
    /// group and √(1 − s) of its own, so two groups that share s correlate by s (a Gaussian
    /// copula; each group's own beta of absence rates is kept). 0 draws the group's day alone.
    pub absence_shared: f64,
    /// [`absence_shared`](Self::absence_shared) on Saturdays and Sundays.
    pub weekend_absence_shared: f64,
    /// Share of an agent's working days on which it sweeps: takes every channel it works
    /// oldest first, whatever the channel's `queue_order` (a desk that mostly answers what just
    /// came in, where now and then one person works through the oldest). Drawn for each agent
    /// and day from the agent's own stream. 0: nobody sweeps.
    pub sweep_days: f64,
    /// Share of the group's agents who leave in a month ([`MONTH_DAYS`](crate::model::MONTH_DAYS)):
    /// each agent's time to leaving is exponential with rate −ln(1 − attrition) a month, so
    /// that a share (1 − attrition)^t of them is still there after t months. 0: nobody leaves.
    pub attrition: f64,
    /// How new hires come up to speed: proficiency `from` on their first day on the floor,
    /// rising linearly to 1 over `over` seconds. `None`: hires are fully proficient at once.
    pub ramp_up: Option<RampUp>,
    /// Per topic, indexed by [`TopicId`](super::TopicId): a skill's own ramp where it is learnt
    /// faster or slower than [`ramp_up`](Self::ramp_up) says; `None` follows the group's.
    pub ramp_by_topic: Vec<Option<RampUp>>,
    /// How sustained overload wears the group down: `None` when it does not (see [`Burnout`]).
    pub burnout: Option<Burnout>,
    /// Support tier: 1 takes new contacts, 2 takes only escalations from tier 1.
    pub tier: u8,
    /// Cost of an agent-hour: of each scheduled hour, or of each hour busy on contacts when
    /// `billed_by_handle_time` (outsourced agents paid per handled minute).
    pub cost_per_hour: f64,
    /// Whether the group is paid for time busy on contacts instead of scheduled time.
    pub billed_by_handle_time: bool,
    /// The rules its schedules follow, when the scenario gives them (`supportsim roster`).
    pub rules: Option<WorkRules>,
}

/// A new hire's proficiency over time on the floor (see [`Group::ramp_up`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RampUp {
    /// Proficiency on the first day on the floor, in (0, 1].
    pub from: f64,
    /// Seconds to full proficiency.
    pub over: f64,
}

impl RampUp {
    /// Proficiency after `t` seconds on the floor.
    pub fn at(&self, t: f64) -> f64 {
        if t >= self.over {
            1.0
        } else {
            self.from + (1.0 - self.from) * (t / self.over).max(0.0)
        }
    }
}

/// Burnout: when a group's mean occupancy over its last `window` days worked is above
/// `threshold`, its agents are absent more often and leave faster, in proportion to the excess
/// `(occupancy − threshold) ÷ (1 − threshold)` (0 at the threshold, 1 at full occupancy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Burnout {
    /// Occupancy above which the strain starts, in (0, 1).
    pub threshold: f64,
    /// Days worked whose occupancy is averaged (days with nobody on the floor do not count).
    pub window: u32,
    /// Absence added at full excess: a day's absence rate is `absence + this × excess`.
    pub absence: f64,
    /// Rise of the attrition rate at full excess: the rate is multiplied by `1 + this × excess`.
    pub attrition: f64,
}

impl Burnout {
    /// The defaults (docs/scenario-format.md gives their grounds).
    pub const DEFAULT: Burnout = Burnout {
        threshold: 0.85,
        window: 14,
        absence: 0.05,
        attrition: 1.0,
    };

    /// The excess of a mean occupancy over the threshold, in [0, 1].
    pub fn excess(&self, occupancy: f64) -> f64 {
        ((occupancy - self.threshold) / (1.0 - self.threshold)).clamp(0.0, 1.0)
    }
}

/// Work rules of a group: the shifts a roster may give its people. Read by `supportsim
/// roster`; a simulation runs the shifts as written.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRules {
    /// Allowed shift lengths on site, breaks included, seconds.
    pub lengths: Vec<f64>,
    /// Earliest and latest start, seconds after midnight, and the step between starts.
    pub starts: (f64, f64, f64),
    /// Breaks, in time order; each applies to the shifts its window fits in.
    pub breaks: Vec<BreakRule>,
    /// Days worked in a week (the same shift on each).
    pub days_per_week: u32,
    /// Whether the days off of a week come together (e.g. two in a row).
    pub days_off_together: bool,
    /// Paid hours a week, least and most.
    pub week_hours: (f64, f64),
    /// Most people the group can have.
    pub max_people: Option<u32>,
}

/// A break a shift must carry, somewhere within its window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakRule {
    /// Length, seconds.
    pub length: f64,
    /// Whether the break is paid (a meal break is not).
    pub paid: bool,
    /// Whether it is the meal break.
    pub meal: bool,
    /// Earliest start and latest end, seconds after the shift's start.
    pub window: (f64, f64),
}

impl WorkRules {
    /// The breaks that apply to a shift of `length` seconds: those whose window fits in it.
    pub fn breaks_for(&self, length: f64) -> impl Iterator<Item = &BreakRule> {
        self.breaks.iter().filter(move |b| b.window.1 <= length)
    }

    /// Paid hours of a shift of `length` seconds.
    pub fn paid_hours(&self, length: f64) -> f64 {
        let unpaid: f64 = self
            .breaks_for(length)
            .filter(|b| !b.paid)
            .map(|b| b.length)
            .sum();
        (length - unpaid) / 3600.0
    }
}

impl Group {
    /// The group's mean absence and its day-to-day spread on `weekday` (0 = Monday).
    pub fn absence_on(&self, weekday: usize) -> (f64, f64) {
        if weekday % 7 >= 5 {
            (self.weekend_absence, self.weekend_absence_sd)
        } else {
            (self.absence, self.absence_sd)
        }
    }

    /// How much of its day-to-day absence spread the group shares on `weekday`.
    pub fn shared_on(&self, weekday: usize) -> f64 {
        if weekday % 7 >= 5 {
            self.weekend_absence_shared
        } else {
            self.absence_shared
        }
    }

    /// Share of the group's scheduled agents present on `weekday`, on average.
    pub fn present_on(&self, weekday: usize) -> f64 {
        1.0 - self.absence_on(weekday).0
    }

    /// Days of the listed weekdays (Monday first) on which a scheduled agent is present, on
    /// average: the count of `days` less their absence.
    pub fn days_present(&self, days: &[bool; 7]) -> f64 {
        (0..7)
            .filter(|d| days[*d])
            .map(|d| self.present_on(d))
            .sum()
    }

    /// The agents a run keeps a record of for the group: one per place in each shift row, or
    /// its around-the-clock count (its hiring classes come on top).
    pub fn agent_records(&self) -> u64 {
        if self.shifts.is_empty() {
            return u64::from(self.around_the_clock);
        }
        self.shifts.iter().map(|s| u64::from(s.count)).sum()
    }

    /// People needed to work the group's shifts, each on at most five days a week: the
    /// agent-days of a week ÷ 5, and never fewer than the busiest day's agents (the
    /// around-the-clock count for a group without shifts). A plan written as one shift row per
    /// weekday counts its people, not its rows.
    pub fn headcount(&self) -> u32 {
        if self.shifts.is_empty() {
            return self.around_the_clock;
        }
        let mut per_day = [0u64; 7];
        for s in &self.shifts {
            for (d, on) in s.days.iter().enumerate() {
                if *on {
                    per_day[d] += u64::from(s.count);
                }
            }
        }
        let agent_days: u64 = per_day.iter().sum();
        let busiest = per_day.iter().copied().max().unwrap_or(0);
        u32::try_from(busiest.max(agent_days.div_ceil(5))).unwrap_or(u32::MAX)
    }
}

/// The agents a run keeps a record of: every group's (see [`Group::agent_records`]) and every
/// hiring class's.
pub fn agents_in_all(groups: &[Group], hires: &[super::Hire]) -> u64 {
    groups.iter().map(Group::agent_records).sum::<u64>()
        + hires.iter().map(|h| u64::from(h.size)).sum::<u64>()
}
