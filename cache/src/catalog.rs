//! What the server already knows when it predicts: the day's calendar with the RSVPs taken before
//! it, and what each list it serves shows. The predictor reads the world only through
//! [`Catalog`], never through the trace, so nothing about who will actually turn up, when, or what
//! they will click can leak into a prediction.

use crate::key::{EventId, PersonId, QueryId};

/// An event happening in the period the predictor covers, as the calendar has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledEvent {
    pub id: EventId,
    /// When the doors open (check-in starts), milliseconds from the start of the period.
    pub doors_ms: u64,
    pub start_ms: u64,
    pub end_ms: u64,
    /// Who had RSVPed when the period began. RSVPs taken later arrive as writes in the log.
    pub attendees: Vec<PersonId>,
}

/// Read access to the server's state, as of the start of the period.
pub trait Catalog {
    /// The events whose doors open within the period.
    fn calendar(&self) -> &[ScheduledEvent];
    /// The events on a person's recommendations list, best first.
    fn recommendations(&self, person: PersonId) -> &[EventId];
    /// The people on a person's "people to meet" list at an event, best first; empty for someone
    /// who is not attending.
    fn suggestions(&self, person: PersonId, event: EventId) -> &[PersonId];
    /// The events on one page of a query's results, in order.
    fn search_results(&self, query: QueryId, page: u8) -> &[EventId];
    /// Who organizes an event.
    fn organizer(&self, event: EventId) -> Option<PersonId>;
    /// Who hears about an event when it is published: its organizer's followers and the people
    /// interested in its tag.
    fn audience(&self, event: EventId) -> &[PersonId];
}

impl<T: Catalog + ?Sized> Catalog for &T {
    fn calendar(&self) -> &[ScheduledEvent] {
        (**self).calendar()
    }
    fn recommendations(&self, person: PersonId) -> &[EventId] {
        (**self).recommendations(person)
    }
    fn suggestions(&self, person: PersonId, event: EventId) -> &[PersonId] {
        (**self).suggestions(person, event)
    }
    fn search_results(&self, query: QueryId, page: u8) -> &[EventId] {
        (**self).search_results(query, page)
    }
    fn organizer(&self, event: EventId) -> Option<PersonId> {
        (**self).organizer(event)
    }
    fn audience(&self, event: EventId) -> &[PersonId] {
        (**self).audience(event)
    }
}
