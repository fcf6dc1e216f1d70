//! The one integration-test binary: conformance against queueing theory, the command line,
//! diagnostics, determinism and invariants.

mod absence;
mod backlog;
mod breaks;
mod channels;
mod cli;
mod compare;
mod conformance;
mod dated;
mod demand;
mod desk_log;
mod diagnostics;
mod erlang;
mod experience;
mod files;
mod forecast;
mod format;
mod gaps;
mod hardness;
mod history;
mod house;
mod interrupt;
mod kinds;
mod mappings;
mod order;
mod outputs;
mod properties;
mod queues;
mod roster;
mod series;
mod shards;
mod staff;
mod sweep;
mod targets;
mod tickets;
mod util;
