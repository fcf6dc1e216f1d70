//! Reading an event log into ticket lifecycles.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};

use chrono::NaiveDateTime;

use super::mapping::State;
use super::{EventLog, EventMapping, Lifecycle, Pending, Skip};

/// One update as read.
struct Update {
    line: u64,
    sequence: i64,
    at: NaiveDateTime,
    state: State,
    opened: Option<NaiveDateTime>,
    /// The optional columns' texts, as their numbers in [`Names`].
    group: Option<u32>,
    priority: Option<u32>,
    category: Option<u32>,
    channel: Option<u32>,
    agent: Option<u32>,
}

/// Each distinct text of the optional columns (groups, priorities, categories, channels,
/// agents), kept once: a log's rows repeat a few hundred names, and an update holding its own
/// copies took about 600 bytes where it now takes about 100.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    list: Vec<String>,
}

impl Names {
    fn id(&mut self, text: Option<&str>) -> Option<u32> {
        let text = text?;
        if let Some(&id) = self.ids.get(text) {
            return Some(id);
        }
        let id = self.list.len() as u32;
        self.list.push(text.to_string());
        self.ids.insert(text.to_string(), id);
        Some(id)
    }

    fn text(&self, id: Option<u32>) -> Option<String> {
        id.map(|i| self.list[i as usize].clone())
    }
}

fn column(headers: &[String], name: &str, key: &str) -> Result<usize, String> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        format!(
            "the log has no column `{name}` (mapping key `columns.{key}`)\n  = help: columns in the file: {}",
            headers.join(", ")
        )
    })
}

/// Reads an event log through `mapping`.
pub fn read(input: impl Read, mapping: &EventMapping) -> Result<EventLog, String> {
    let mut input = BufReader::new(input);
    // The header line decides the delimiter when the mapping does not (as far as the
    // buffer holds it: a header line longer than a buffer is read as its first part).
    let buffered = input.fill_buf().map_err(|e| e.to_string())?;
    let header = buffered.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let delimiter = crate::delimiter::of(mapping.delimiter.as_deref(), header)
        .map_err(|e| format!("{e}\n  = help: {}", crate::delimiter::HELP))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(input);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let c = &mapping.columns;
    let (ticket, state, updated, opened) = (
        column(&headers, &c.ticket, "ticket")?,
        column(&headers, &c.state, "state")?,
        column(&headers, &c.updated_at, "updated_at")?,
        column(&headers, &c.opened_at, "opened_at")?,
    );
    let optional = |name: &Option<String>, key: &str| -> Result<Option<usize>, String> {
        name.as_ref().map(|n| column(&headers, n, key)).transpose()
    };
    let (seq, group, priority, category, channel, agent) = (
        optional(&c.sequence, "sequence")?,
        optional(&c.group, "group")?,
        optional(&c.priority, "priority")?,
        optional(&c.category, "category")?,
        optional(&c.channel, "channel")?,
        optional(&c.agent, "agent")?,
    );
    let missing = mapping.missing.as_deref();
    fn value<'r>(
        r: &'r csv::StringRecord,
        i: Option<usize>,
        missing: Option<&str>,
    ) -> Option<&'r str> {
        let v = r.get(i?)?.trim();
        (!v.is_empty() && Some(v) != missing).then_some(v)
    }
    let mut names = Names::default();
    let mut log = EventLog {
        stamped: mapping.stamped,
        ..EventLog::default()
    };
    let mut by_ticket: BTreeMap<String, Vec<Update>> = BTreeMap::new();
    for r in rdr.records() {
        let r = r.map_err(|e| e.to_string())?;
        let line = r.position().map_or(0, |p| p.line());
        log.rows += 1;
        let value = |i: Option<usize>| value(&r, i, missing);
        let Some(id) = value(Some(ticket)) else {
            log.skip(Skip::NoTicket, line);
            continue;
        };
        let Some(at) = value(Some(updated)).and_then(|t| mapping.datetime(t)) else {
            log.skip(Skip::BadUpdateTime, line);
            continue;
        };
        let name = r.get(state).unwrap_or("").trim();
        let Some(st) = mapping.state(name) else {
            log.skip(Skip::UnknownState(name.to_string()), line);
            continue;
        };
        let update = Update {
            line,
            sequence: value(seq).and_then(|s| s.parse().ok()).unwrap_or(0),
            at,
            state: st,
            opened: value(Some(opened)).and_then(|t| mapping.datetime(t)),
            group: names.id(value(group)),
            priority: names.id(value(priority)),
            category: names.id(value(category)),
            channel: names.id(value(channel)),
            agent: names.id(value(agent)),
        };
        match by_ticket.get_mut(id) {
            Some(updates) => updates.push(update),
            None => {
                by_ticket.insert(id.to_string(), vec![update]);
            }
        }
    }
    for (id, mut updates) in by_ticket {
        updates.sort_by(|a, b| {
            a.at.cmp(&b.at)
                .then(a.sequence.cmp(&b.sequence))
                .then(a.line.cmp(&b.line))
        });
        match lifecycle(id, &updates, &names) {
            Some(l) => log.tickets.push(l),
            None => log.skip(Skip::NoOpened, updates.first().map_or(0, |u| u.line)),
        }
    }
    Ok(log)
}

/// A ticket's timeline from its updates in time order.
fn lifecycle(id: String, updates: &[Update], names: &Names) -> Option<Lifecycle> {
    let opened = updates.iter().find_map(|u| u.opened)?;
    let first = |f: fn(&Update) -> Option<u32>| names.text(updates.iter().find_map(f));
    let mut l = Lifecycle {
        id,
        opened,
        first_response: None,
        first_responder: None,
        pending: Vec::new(),
        reassignments: 0,
        group: first(|u| u.group),
        queue: None,
        handed: None,
        resolved: None,
        reopens: Vec::new(),
        closed: None,
        priority: first(|u| u.priority),
        category: first(|u| u.category),
        channel: first(|u| u.channel),
        updates: updates.len() as u32,
        opened_in_work: updates.first().is_some_and(|u| u.state != State::New),
        opened_resolved: updates
            .first()
            .is_some_and(|u| matches!(u.state, State::Resolved | State::Closed)),
    };
    let mut previous: Option<&Update> = None;
    // The group whose queue it waits in (as `l.queue`).
    let mut queue: Option<u32> = None;
    for u in updates {
        if l.first_response.is_some() && l.handed.is_none() && u.group.is_some() && u.group != queue
        {
            l.handed = names.text(u.group).map(|g| (u.at, g));
        }
        if u.group.is_some() && l.first_response.is_none() {
            queue = u.group;
        }
        if l.first_response.is_none() && u.state != State::New {
            l.first_response = Some(u.at.max(opened));
            l.first_responder = names.text(u.agent);
        }
        if let Some(p) = previous {
            if p.group.is_some() && u.group.is_some() && p.group != u.group {
                l.reassignments += 1;
            }
            if p.state == State::Resolved
                && matches!(u.state, State::New | State::Active | State::Pending(_))
            {
                l.reopens.push(u.at);
            }
            // A pending span ends at the first update in another state.
            if let State::Pending(_) = p.state
                && u.state != p.state
                && let Some(last) = l.pending.last_mut()
                && last.end.is_none()
            {
                last.end = Some(u.at);
            }
        }
        if let State::Pending(on) = u.state
            && previous.is_none_or(|p| p.state != u.state)
        {
            l.pending.push(Pending {
                on,
                start: u.at,
                end: None,
            });
        }
        if u.state == State::Resolved && l.resolved.is_none() {
            l.resolved = Some(u.at);
        }
        if u.state == State::Closed && l.closed.is_none() {
            l.closed = Some(u.at);
        }
        previous = Some(u);
    }
    l.queue = names.text(queue);
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"
missing = "?"
date_format = "d/m/yyyy"
[columns]
ticket = "number"
state = "state"
updated_at = "updated"
opened_at = "opened"
sequence = "seq"
group = "group"
[states]
new = ["New"]
active = ["Active"]
pending_customer = ["Awaiting User Info"]
resolved = ["Resolved"]
closed = ["Closed"]
"#;

    #[test]
    fn builds_a_timeline_and_counts_what_it_leaves_out() {
        let m = EventMapping::parse(MAPPING).expect("mapping");
        let log = "number,state,updated,opened,seq,group\n\
            INC1,New,1/3/2016 09:00,1/3/2016 08:55,0,G1\n\
            INC1,Active,1/3/2016 09:30,1/3/2016 08:55,1,G1\n\
            INC1,Awaiting User Info,1/3/2016 10:00,1/3/2016 08:55,2,G2\n\
            INC1,Active,2/3/2016 10:00,1/3/2016 08:55,3,G2\n\
            INC1,Resolved,2/3/2016 11:00,1/3/2016 08:55,4,G2\n\
            INC1,Active,3/3/2016 08:00,1/3/2016 08:55,5,G2\n\
            INC1,Resolved,3/3/2016 09:00,1/3/2016 08:55,6,G2\n\
            INC1,Closed,8/3/2016 09:00,1/3/2016 08:55,7,G2\n\
            INC2,Weird,1/3/2016 09:00,1/3/2016 08:00,0,G1\n\
            INC3,New,?,1/3/2016 08:00,0,G1\n\
            ,New,1/3/2016 09:00,1/3/2016 08:00,0,G1\n\
            INC4,New,1/3/2016 09:00,?,0,G1\n";
        let r = read(log.as_bytes(), &m).expect("reads");
        assert_eq!(r.rows, 12);
        assert_eq!(r.tickets.len(), 1);
        let t = &r.tickets[0];
        let at = |s: &str| m.datetime(s).expect("date");
        assert_eq!(t.first_response, Some(at("1/3/2016 09:30")));
        // It waited in G1's queue, which answered it, and was then passed to G2.
        assert_eq!(t.queue.as_deref(), Some("G1"));
        assert_eq!(t.handed, Some((at("1/3/2016 10:00"), "G2".to_string())));
        assert_eq!(t.pending.len(), 1);
        assert_eq!(t.pending[0].end, Some(at("2/3/2016 10:00")));
        assert_eq!((t.reassignments, t.reopens.len()), (1, 1));
        assert_eq!(t.resolved, Some(at("2/3/2016 11:00")));
        assert_eq!(t.closed, Some(at("8/3/2016 09:00")));
        assert_eq!(r.skipped[&Skip::UnknownState("Weird".into())], (1, 10));
        assert_eq!(r.skipped[&Skip::BadUpdateTime].0, 1);
        assert_eq!(r.skipped[&Skip::NoTicket].0, 1);
        assert_eq!(r.skipped[&Skip::NoOpened].0, 1);
    }
}
