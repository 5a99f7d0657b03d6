//! The request log: what the server records, in time order, and what the predictor learns from.
//! Reads of cached values, app connections, and writes with the cached value each one makes stale.

use crate::key::{EventId, Key, PersonId};

/// One line of the request log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// Milliseconds since midnight.
    pub at_ms: u64,
    /// Who made the request or the write (an organizer for announcements and edits).
    pub person: PersonId,
    pub op: Op,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// An app connected (a session began).
    Connect,
    /// A read of a cached read model, and the size of its value.
    Get { key: Key, bytes: u32 },
    /// A write.
    Change(Change),
}

/// A write, as the server logs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The person RSVPed to the event.
    Rsvp(EventId),
    /// The person checked in at the event's doors.
    CheckIn(EventId),
    /// The event's counters were republished (seats changed since the last time).
    Counters(EventId),
    /// The organizer edited the event.
    EventEdit(EventId),
    /// The person edited their profile.
    ProfileEdit,
    /// The organizer posted an announcement, shown on the event page.
    Announcement(EventId),
    /// The organizer published a new event.
    Published(EventId),
}

impl Change {
    /// The cached value this write makes stale, if any. `person` is the writer.
    pub fn invalidates(&self, person: PersonId) -> Option<Key> {
        match *self {
            // The new event moves into the person's own lists.
            Change::Rsvp(_) => Some(Key::Recommendations(person)),
            // People to meet are ranked by who is in the room: checking in changes one's list.
            Change::CheckIn(event) => Some(Key::Suggestions(person, event)),
            Change::Counters(event) => Some(Key::AttendeeCount(event)),
            Change::EventEdit(event) | Change::Announcement(event) => Some(Key::EventPage(event)),
            Change::ProfileEdit => Some(Key::Profile(person)),
            Change::Published(_) => None,
        }
    }
}
