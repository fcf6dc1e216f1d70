//! Rendered diagnostics for invalid scenarios.
