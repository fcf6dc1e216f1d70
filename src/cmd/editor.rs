//! `supportsim schema` and `supportsim completions`: support for editors and shells.

use std::io::Write;

use anyhow::Context;
use clap::CommandFactory;

use super::Failure;

/// Prints the JSON Schema of the scenario format.
pub fn schema() -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(&supportsim::scenario::format::schema())
        .context("writing the schema")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").context("writing to standard output")?;
    Ok(())
}

/// Prints the completion script of `shell` for command `C`.
pub fn completions<C: CommandFactory>(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut C::command(), "supportsim", &mut out);
    out.flush().context("writing to standard output")?;
    Ok(())
}
