//! Invariants of the engine on random valid scenarios.
