//! Who is online in each `event:{id}:presence` channel on this node, with join/leave changes
//! batched about once a second.
//!
//! Large rooms get counts only: sending the member list to every member on every join would cost
//! O(n²) bytes per wave of arrivals. A presence update is state, not history, so subscribers
//! conflate it (the latest wins) and it is never stored.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use protocol::realtime::Presence;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Rooms up to this size get member ids in updates; larger ones get counts.
pub const LIST_MEMBERS_UP_TO: usize = 200;

struct Room {
    /// Connections per member: a person with two tabs open is online once.
    members: HashMap<Uuid, usize>,
    joined: BTreeSet<Uuid>,
    left: BTreeSet<Uuid>,
    sender: broadcast::Sender<Arc<Presence>>,
}

#[derive(Default)]
pub struct PresenceRooms {
    rooms: Mutex<HashMap<String, Room>>,
}

impl std::fmt::Debug for PresenceRooms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresenceRooms").finish_non_exhaustive()
    }
}

impl PresenceRooms {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Room>> {
        self.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks `user` online in `channel`; answers the stream of updates and the current state.
    pub fn join(&self, channel: &str, user: Uuid) -> (broadcast::Receiver<Arc<Presence>>, Presence) {
        let mut rooms = self.lock();
        let room = rooms.entry(channel.to_owned()).or_insert_with(|| Room {
            members: HashMap::new(),
            joined: BTreeSet::new(),
            left: BTreeSet::new(),
            sender: broadcast::channel(16).0,
        });
        let count = room.members.entry(user).or_insert(0);
        *count += 1;
        if *count == 1 && !room.left.remove(&user) {
            room.joined.insert(user);
        }
        let online = room.members.len();
        let snapshot = Presence {
            channel: channel.to_owned(),
            online: i64::try_from(online).unwrap_or(i64::MAX),
            joined: if online <= LIST_MEMBERS_UP_TO { room.members.keys().copied().collect() } else { Vec::new() },
            left: Vec::new(),
        };
        (room.sender.subscribe(), snapshot)
    }

    /// Marks one connection of `user` gone from `channel`.
    pub fn leave(&self, channel: &str, user: Uuid) {
        let mut rooms = self.lock();
        let Some(room) = rooms.get_mut(channel) else { return };
        if let Some(count) = room.members.get_mut(&user) {
            *count -= 1;
            if *count == 0 {
                room.members.remove(&user);
                if !room.joined.remove(&user) {
                    room.left.insert(user);
                }
            }
        }
    }

    /// Sends the batched changes of every room that has some; forgets empty, quiet rooms.
    pub fn flush(&self) {
        let mut rooms = self.lock();
        rooms.retain(|channel, room| {
            if !room.joined.is_empty() || !room.left.is_empty() {
                let online = room.members.len();
                let small = online <= LIST_MEMBERS_UP_TO;
                let update = Presence {
                    channel: channel.clone(),
                    online: i64::try_from(online).unwrap_or(i64::MAX),
                    joined: if small { room.joined.iter().copied().collect() } else { Vec::new() },
                    left: if small { room.left.iter().copied().collect() } else { Vec::new() },
                };
                room.joined.clear();
                room.left.clear();
                let _ = room.sender.send(Arc::new(update));
            }
            !room.members.is_empty() || room.sender.receiver_count() > 0
        });
    }

    pub fn online(&self, channel: &str) -> usize {
        self.lock().get(channel).map_or(0, |room| room.members.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn joins_and_leaves_are_batched_and_deduplicated() {
        let rooms = PresenceRooms::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let (mut updates, snapshot) = rooms.join("p", a);
        assert_eq!((snapshot.online, snapshot.joined.clone()), (1, vec![a]));
        rooms.join("p", b);
        rooms.join("p", b);
        rooms.leave("p", b);
        rooms.flush();
        let update = updates.recv().await.expect("update");
        assert_eq!(update.online, 2);
        assert_eq!(update.joined.len(), 2, "a and b joined since the last flush");
        rooms.leave("p", b);
        rooms.join("p", b);
        rooms.flush();
        assert!(updates.try_recv().is_err(), "left and came back within a tick: nothing to say");
        rooms.leave("p", b);
        rooms.flush();
        assert_eq!(updates.recv().await.expect("update").left, vec![b]);
        assert_eq!(rooms.online("p"), 1);
    }
}
