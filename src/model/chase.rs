//! Written customers who chase: the customer of an unanswered email or web form contacts again
//! on another channel (`chase_after`, `chase_channels`).

use crate::dist::Dist;

/// How the customers of an async channel chase a ticket that has had no first answer.
#[derive(Debug, Clone)]
pub struct Chase {
    /// Share of customers who chase at all; the others wait for the answer.
    pub share: f64,
    /// How long a customer who chases waits for the first answer first, seconds.
    pub after: Dist,
    /// Where the chase goes, as cumulative shares over the channels (indexed by channel, the
    /// last 1); the ticket's own channel has none.
    pub cdf: Vec<f64>,
}
