//! What the cache stores: the key of every cached read model and the versioned value kept under it.
//!
//! Every value carries the version of the row it was serialized from. The version rule lives here,
//! in one function, so every tier applies it the same way: a value never replaces a newer one, which
//! is what keeps a slow refill that read the database before a write from undoing that write.

use std::sync::Arc;

/// A person's id (a UUID in the server, any 128-bit number here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub u128);

/// An event's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub u128);

/// A normalized search query, hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryId(pub u64);

/// The cached read models, one per screen the apps open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// An event's public page (title, description, venue, schedule, announcements).
    EventPage(EventId),
    /// An event's seat counters (going, waitlist, checked in): the live room's header.
    AttendeeCount(EventId),
    /// A person's public profile.
    Profile(PersonId),
    /// A person's event recommendations.
    Recommendations(PersonId),
    /// The "people to meet" list of one person at one event.
    Suggestions(PersonId, EventId),
    /// One page of results of a search query.
    SearchPage(QueryId, u8),
}

/// The kind of a [`Key`], for counters and for the predictor's transition tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    EventPage,
    AttendeeCount,
    Profile,
    Recommendations,
    Suggestions,
    SearchPage,
}

impl KeyKind {
    /// Every kind, in the order of [`KeyKind::index`].
    pub const ALL: [KeyKind; 6] = [
        KeyKind::EventPage,
        KeyKind::AttendeeCount,
        KeyKind::Profile,
        KeyKind::Recommendations,
        KeyKind::Suggestions,
        KeyKind::SearchPage,
    ];

    /// A dense index in `0..KeyKind::ALL.len()`, for per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// A short lowercase name for reports.
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::EventPage => "event_page",
            KeyKind::AttendeeCount => "attendee_count",
            KeyKind::Profile => "profile",
            KeyKind::Recommendations => "recommendations",
            KeyKind::Suggestions => "suggestions",
            KeyKind::SearchPage => "search_page",
        }
    }

    /// Whether one value serves many people (an event page) rather than one (their suggestions).
    pub fn is_shared(self) -> bool {
        matches!(self, KeyKind::EventPage | KeyKind::AttendeeCount | KeyKind::Profile | KeyKind::SearchPage)
    }
}

impl Key {
    pub fn kind(&self) -> KeyKind {
        match self {
            Key::EventPage(_) => KeyKind::EventPage,
            Key::AttendeeCount(_) => KeyKind::AttendeeCount,
            Key::Profile(_) => KeyKind::Profile,
            Key::Recommendations(_) => KeyKind::Recommendations,
            Key::Suggestions(_, _) => KeyKind::Suggestions,
            Key::SearchPage(_, _) => KeyKind::SearchPage,
        }
    }

    /// The event this key is about, when it is about one.
    pub fn event(&self) -> Option<EventId> {
        match self {
            Key::EventPage(e) | Key::AttendeeCount(e) | Key::Suggestions(_, e) => Some(*e),
            Key::Profile(_) | Key::Recommendations(_) | Key::SearchPage(_, _) => None,
        }
    }
}

/// A serialized value: built once on a miss or a prefetch and served as bytes to every reader.
pub type Payload = Arc<[u8]>;

/// A value and the version of the data it was built from. Versions only grow: every write to the
/// underlying rows gives the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned<V> {
    pub version: u64,
    pub value: V,
}

impl<V> Versioned<V> {
    pub fn new(version: u64, value: V) -> Self {
        Versioned { version, value }
    }
}

/// The version rule: whether a value built from `incoming` may take the place of what a tier holds
/// for the key, given the newest version the tier knows of (`known`, from a value or from an
/// invalidation). A lower version is always refused. An equal version is refused too when the tier
/// holds a value, since the two were built from the same rows and swapping them gains nothing; it
/// is accepted when the tier only knows the version from an invalidation, because that is exactly
/// the refill the invalidation was waiting for.
pub fn accepts(known: Option<Known>, incoming: u64) -> bool {
    match known {
        None => true,
        Some(Known::Value(current)) => incoming > current,
        Some(Known::Invalidated(newest)) => incoming >= newest,
    }
}

/// What a tier knows about a key's version when a value arrives for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    /// It holds a value of this version.
    Value(u64),
    /// It holds no value, and the key was invalidated to this version.
    Invalidated(u64),
}

/// Puts `incoming` into `slot` unless the slot holds a value of the same or a newer version;
/// answers whether it did. The single-slot form of [`accepts`], for tiers that keep values in
/// their own maps.
pub fn put_if_newer<V>(slot: &mut Option<Versioned<V>>, incoming: Versioned<V>) -> bool {
    let known = slot.as_ref().map(|current| Known::Value(current.version));
    if accepts(known, incoming.version) {
        *slot = Some(incoming);
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lower_version_never_replaces_a_value() {
        let mut slot = Some(Versioned::new(5, "five"));
        assert!(!put_if_newer(&mut slot, Versioned::new(4, "four")));
        assert!(!put_if_newer(&mut slot, Versioned::new(5, "five again")));
        assert_eq!(slot, Some(Versioned::new(5, "five")));
        assert!(put_if_newer(&mut slot, Versioned::new(6, "six")));
        assert_eq!(slot, Some(Versioned::new(6, "six")));
    }

    #[test]
    fn an_empty_slot_takes_any_version() {
        let mut slot = None;
        assert!(put_if_newer(&mut slot, Versioned::new(0, 'a')));
        assert_eq!(slot, Some(Versioned::new(0, 'a')));
    }

    #[test]
    fn after_an_invalidation_only_the_new_version_or_later_refills() {
        assert!(!accepts(Some(Known::Invalidated(3)), 2));
        assert!(accepts(Some(Known::Invalidated(3)), 3));
        assert!(accepts(Some(Known::Invalidated(3)), 4));
    }

    #[test]
    fn kinds_index_densely() {
        for (i, kind) in KeyKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i);
        }
        assert_eq!(Key::Suggestions(PersonId(1), EventId(2)).event(), Some(EventId(2)));
        assert_eq!(Key::Profile(PersonId(1)).kind(), KeyKind::Profile);
    }
}
