//! The `supportsim` command line: parse options, load and check the scenario, run, export.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

use cmd::compare::CompareArgs;
use cmd::erlang::ErlangArgs;
use cmd::run::RunArgs;
use cmd::staff::StaffArgs;
use cmd::sweep::SweepArgs;
use cmd::{history, is_broken_pipe};

#[derive(Parser)]
#[command(
    name = "supportsim",
    version,
    about = "Support-operations simulator and capacity planner"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and report service level, waits, abandonment, backlog and occupancy.
    Run(RunArgs),
    /// Check a scenario and report every problem in it.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Analytic staffing calculators: Erlang B (busy signals), C (queue) and A (queue with
    /// abandonment).
    Erlang(ErlangArgs),
    /// Run several scenarios on the same seeds and report each one's difference to the first.
    Compare(CompareArgs),
    /// Run a scenario over a grid of one or two values (same seeds at every point).
    Sweep(SweepArgs),
    /// A page for trainers: a grid over a scenario's settings, every point simulated on the same
    /// seeds, in one self-contained lesson.html with sliders, intervals, A/B and an exercise.
    Lesson(cmd::lesson::LessonArgs),
    /// Agents needed per weekday and interval for each channel to meet its target: Erlang
    /// first, then corrected by simulation.
    Staff(StaffArgs),
    /// A weekly roster within each group's work rules (shift lengths, start window, breaks,
    /// days off, hours): chosen by a mixed-integer program (HiGHS), checked by simulation and
    /// raised where intervals miss their target.
    Roster(cmd::roster::RosterArgs),
    /// Fit a scenario to a contact log: arrival profile, topics, handle times, patience and
    /// agents on duty, each with its uncertainty.
    Fit(history::FitArgs),
    /// Forecast contacts per date and interval from interval counts (or a contact log), with
    /// predictive quantiles; --evaluate scores the model on the history at rolling origins.
    Forecast(cmd::forecast::ForecastArgs),
    /// Replay a contact log's arrivals and agents on duty through the model and set the
    /// actual waits, service level, abandonment and occupancy against the simulated spread.
    Backtest(history::BacktestArgs),
    /// The long range week by week: headcount on strength, leavers, absence, occupancy, each
    /// channel's service level and cost per week, with their bands across replications and the
    /// hiring classes marked (for scenarios with attrition, [[hires]], ramp-up, burnout).
    Plan(cmd::plan::PlanArgs),
    /// Put together the parts that `run`, `compare` or `sweep --shard K/N` wrote and write what
    /// the unsharded command would have (byte for byte).
    Merge(cmd::shard::MergeArgs),
    /// Print the JSON Schema of the scenario format, for editors that complete and check TOML
    /// (Taplo, Even Better TOML).
    Schema,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    // Ctrl-C stops every command within a fraction of a second, with nothing written.
    cmd::interrupt::install();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Run(args) => cmd::run::run(&args),
        Command::Validate { scenario } => cmd::run::validate(&scenario),
        Command::Erlang(args) => cmd::erlang::erlang(&args),
        Command::Compare(args) => cmd::compare::compare(&args),
        Command::Sweep(args) => cmd::sweep::sweep(&args),
        Command::Lesson(args) => cmd::lesson::lesson(&args),
        Command::Staff(args) => cmd::staff::staff(&args),
        Command::Roster(args) => cmd::roster::roster(&args),
        Command::Fit(args) => history::fit_command(&args),
        Command::Forecast(args) => cmd::forecast::forecast(&args),
        Command::Backtest(args) => history::backtest_command(&args),
        Command::Plan(args) => cmd::plan::plan(&args),
        Command::Merge(args) => cmd::shard::merge(&args),
        Command::Schema => cmd::editor::schema(),
        Command::Completions { shell } => cmd::editor::completions::<Cli>(shell),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`| head`) is not a failure.
        Err(f) if is_broken_pipe(&f.error) => ExitCode::SUCCESS,
        Err(f) => {
            // A message never echoes a megabyte of what the user gave.
            let text = supportsim::diagnostic::clip_quoted(&format!("{:#}", f.error));
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{text}");
            if !text.ends_with('\n') {
                let _ = writeln!(err);
            }
            ExitCode::from(f.code)
        }
    }
}
