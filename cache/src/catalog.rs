//! What the server already knows when it predicts: the day's calendar with the RSVPs taken before
//! it, and what each list it serves shows. The predictor reads the world only through
//! [`Catalog`], never through the trace, so nothing about who will actually turn up, when, or what
//! they will click can leak into a prediction.

use std::collections::HashMap;

use crate::key::{EventId, Key, PersonId, QueryId};

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

/// What a server node knows: the day's calendar and its events' organizers from the start, and
/// every list it serves (recommendations, people to meet, search pages) as it last served it. It
/// does not know who hears of a publication, so the publication rule predicts nothing from it.
///
/// A list becomes known when it is read, with the read's line of the log, before the predictor
/// learns from that line: the reads that follow can then be placed by their position in it.
#[derive(Clone, Debug, Default)]
pub struct NodeCatalog {
    calendar: Vec<ScheduledEvent>,
    organizers: HashMap<EventId, PersonId>,
    recommendations: HashMap<PersonId, Vec<EventId>>,
    suggestions: HashMap<(PersonId, EventId), Vec<PersonId>>,
    results: HashMap<(QueryId, u8), Vec<EventId>>,
}

impl NodeCatalog {
    /// The most items of a list kept: the session model tells no later position apart.
    pub const LIST_ITEMS: usize = crate::predict::LIST_POSITIONS;
    /// The most lists kept (about 300 bytes each): once there are this many, a list not kept
    /// already is not taken, so a day of many readers costs at most some 15 MB.
    pub const MAX_LISTS: usize = 50_000;

    pub fn new(calendar: Vec<ScheduledEvent>, organizers: HashMap<EventId, PersonId>) -> Self {
        NodeCatalog { calendar, organizers, ..NodeCatalog::default() }
    }

    /// Keeps what the list under `key` showed when it was served, best first: events for
    /// recommendations and search pages, people for people to meet. Keys that name no list are
    /// ignored, and so are new lists once [`NodeCatalog::MAX_LISTS`] are kept.
    pub fn served(&mut self, key: Key, items: &[u128]) {
        let items = &items[..items.len().min(Self::LIST_ITEMS)];
        let full = self.lists() >= Self::MAX_LISTS;
        fn keep<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, Vec<V>>, full: bool, key: K, items: Vec<V>) {
            if let Some(kept) = map.get_mut(&key) {
                *kept = items;
            } else if !full {
                map.insert(key, items);
            }
        }
        match key {
            Key::Recommendations(person) => {
                keep(&mut self.recommendations, full, person, items.iter().map(|&e| EventId(e)).collect());
            }
            Key::Suggestions(person, event) => {
                keep(&mut self.suggestions, full, (person, event), items.iter().map(|&p| PersonId(p)).collect());
            }
            Key::SearchPage(query, page) => {
                keep(&mut self.results, full, (query, page), items.iter().map(|&e| EventId(e)).collect());
            }
            Key::EventPage(_) | Key::AttendeeCount(_) | Key::Profile(_) => {}
        }
    }

    /// Lists kept, of every kind.
    pub fn lists(&self) -> usize {
        self.recommendations.len() + self.suggestions.len() + self.results.len()
    }
}

impl Catalog for NodeCatalog {
    fn calendar(&self) -> &[ScheduledEvent] {
        &self.calendar
    }
    fn recommendations(&self, person: PersonId) -> &[EventId] {
        self.recommendations.get(&person).map_or(&[], Vec::as_slice)
    }
    fn suggestions(&self, person: PersonId, event: EventId) -> &[PersonId] {
        self.suggestions.get(&(person, event)).map_or(&[], Vec::as_slice)
    }
    fn search_results(&self, query: QueryId, page: u8) -> &[EventId] {
        self.results.get(&(query, page)).map_or(&[], Vec::as_slice)
    }
    fn organizer(&self, event: EventId) -> Option<PersonId> {
        self.organizers.get(&event).copied()
    }
    fn audience(&self, _: EventId) -> &[PersonId] {
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_served_list_is_kept_as_served_up_to_the_positions_told_apart() {
        let mut catalog = NodeCatalog::new(Vec::new(), HashMap::from([(EventId(1), PersonId(9))]));
        let me = PersonId(7);
        assert!(catalog.recommendations(me).is_empty());
        catalog.served(Key::Recommendations(me), &(100..130).collect::<Vec<u128>>());
        assert_eq!(catalog.recommendations(me).len(), NodeCatalog::LIST_ITEMS);
        assert_eq!(catalog.recommendations(me)[0], EventId(100));
        catalog.served(Key::Recommendations(me), &[5, 6]);
        assert_eq!(catalog.recommendations(me), &[EventId(5), EventId(6)], "the last list served wins");
        catalog.served(Key::Suggestions(me, EventId(1)), &[8, 3]);
        assert_eq!(catalog.suggestions(me, EventId(1)), &[PersonId(8), PersonId(3)]);
        assert!(catalog.suggestions(PersonId(8), EventId(1)).is_empty());
        catalog.served(Key::SearchPage(QueryId(4), 0), &[11]);
        assert_eq!(catalog.search_results(QueryId(4), 0), &[EventId(11)]);
        catalog.served(Key::Profile(me), &[1, 2, 3]);
        assert_eq!(catalog.lists(), 3);
        assert_eq!(catalog.organizer(EventId(1)), Some(PersonId(9)));
        assert!(catalog.audience(EventId(1)).is_empty());
    }

    #[test]
    fn once_full_it_updates_the_lists_it_keeps_and_takes_no_new_one() {
        let mut catalog = NodeCatalog::default();
        for p in 0..NodeCatalog::MAX_LISTS as u128 {
            catalog.served(Key::Recommendations(PersonId(p)), &[1]);
        }
        catalog.served(Key::Recommendations(PersonId(u128::MAX)), &[1]);
        assert!(catalog.recommendations(PersonId(u128::MAX)).is_empty());
        catalog.served(Key::Recommendations(PersonId(3)), &[2]);
        assert_eq!(catalog.recommendations(PersonId(3)), &[EventId(2)]);
        assert_eq!(catalog.lists(), NodeCatalog::MAX_LISTS);
    }
}
