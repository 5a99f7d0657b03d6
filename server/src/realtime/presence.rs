//! Who is online in each `event:{id}:presence` channel, with join/leave changes batched about
//! once a second.
//!
//! Each node counts its own connections. On a single node that is the whole answer. With Redis,
//! every node publishes its members of each room under a key that expires unless refreshed (a
//! heartbeat every flush), and reads the union of all nodes' keys: a node that crashes stops
//! refreshing, and its members disappear from everyone's count when their keys expire.
//!
//! Large rooms get counts only: sending the member list to every member on every join would cost
//! O(n²) bytes per wave of arrivals. A presence update is state, not history, so subscribers
//! conflate it (the latest wins) and it is never stored.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use fred::prelude::*;
use protocol::realtime::Presence;
use tokio::sync::broadcast;
use uuid::Uuid;

/// How long a node's membership record outlives its last refresh.
pub const PRESENCE_TTL_SECS: i64 = 10;

/// Rooms up to this size get member ids in updates; larger ones get counts.
pub const LIST_MEMBERS_UP_TO: usize = 200;

struct Room {
    /// Connections per member on this node: a person with two tabs open is online once.
    members: HashMap<Uuid, usize>,
    /// Local changes since the last flush (single node).
    joined: BTreeSet<Uuid>,
    left: BTreeSet<Uuid>,
    /// Everyone online on all nodes as last announced (with Redis).
    known: BTreeSet<Uuid>,
    sender: broadcast::Sender<Arc<Presence>>,
}

/// Membership records in Redis shared by every node.
struct Shared {
    client: Client,
    node: String,
}

#[derive(Default)]
pub struct PresenceRooms {
    rooms: Mutex<HashMap<String, Room>>,
    shared: Option<Shared>,
}

impl std::fmt::Debug for PresenceRooms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresenceRooms").finish_non_exhaustive()
    }
}

impl PresenceRooms {
    /// Presence shared between nodes through Redis at `url`.
    pub async fn shared(url: &str) -> anyhow::Result<Self> {
        let config = Config::from_url(url).context("invalid Redis URL")?;
        let client = Builder::from_config(config)
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .with_connection_config(|c| c.connection_timeout = Duration::from_secs(5))
            .build()
            .context("configuring the Redis presence client")?;
        client.init().await.context("connecting the Redis presence client")?;
        Ok(Self { rooms: Mutex::default(), shared: Some(Shared { client, node: Uuid::now_v7().to_string() }) })
    }

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
            known: BTreeSet::new(),
            sender: broadcast::channel(16).0,
        });
        let count = room.members.entry(user).or_insert(0);
        *count += 1;
        if *count == 1 && !room.left.remove(&user) {
            room.joined.insert(user);
        }
        let mut everyone = room.known.clone();
        everyone.extend(room.members.keys().copied());
        let online = everyone.len();
        let snapshot = Presence {
            channel: channel.to_owned(),
            online: i64::try_from(online).unwrap_or(i64::MAX),
            joined: if online <= LIST_MEMBERS_UP_TO { everyone.into_iter().collect() } else { Vec::new() },
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
    pub async fn flush(&self) {
        match &self.shared {
            None => self.flush_local(),
            Some(shared) => self.flush_shared(shared).await,
        }
    }

    /// Refreshes this node's records, reads every node's, and announces the differences.
    async fn flush_shared(&self, shared: &Shared) {
        let rooms: Vec<(String, Vec<Uuid>, bool)> = self
            .lock()
            .iter()
            .map(|(channel, room)| {
                (channel.clone(), room.members.keys().copied().collect(), room.sender.receiver_count() > 0)
            })
            .collect();
        let mut unions = Vec::new();
        for (channel, members, listening) in rooms {
            match sync_room(shared, &channel, &members, listening).await {
                Ok(Some(union)) => unions.push((channel, union)),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, channel, "presence through Redis failed; counting this node only");
                    unions.push((channel, members.into_iter().collect()));
                }
            }
        }
        let mut rooms = self.lock();
        for (channel, union) in unions {
            let Some(room) = rooms.get_mut(&channel) else { continue };
            room.joined.clear();
            room.left.clear();
            if union == room.known {
                continue;
            }
            let small = union.len() <= LIST_MEMBERS_UP_TO;
            let update = Presence {
                channel: channel.clone(),
                online: i64::try_from(union.len()).unwrap_or(i64::MAX),
                joined: if small { union.difference(&room.known).copied().collect() } else { Vec::new() },
                left: if small { room.known.difference(&union).copied().collect() } else { Vec::new() },
            };
            room.known = union;
            let _ = room.sender.send(Arc::new(update));
        }
        rooms.retain(|_, room| !room.members.is_empty() || room.sender.receiver_count() > 0);
    }

    fn flush_local(&self) {
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

    /// People online in `channel` on this node.
    pub fn online(&self, channel: &str) -> usize {
        self.lock().get(channel).map_or(0, |room| room.members.len())
    }
}

/// Writes this node's members of `channel` (or removes its record when it has none) and, when
/// someone here listens, answers everyone online across nodes.
async fn sync_room(
    shared: &Shared,
    channel: &str,
    members: &[Uuid],
    listening: bool,
) -> anyhow::Result<Option<BTreeSet<Uuid>>> {
    let index = format!("mingle:presence:{channel}");
    let record = format!("{index}:{}", shared.node);
    let now = chrono::Utc::now().timestamp();
    if members.is_empty() {
        let _: i64 = shared.client.del(&record).await?;
        let _: i64 = shared.client.zrem(&index, shared.node.as_str()).await?;
    } else {
        let ids = serde_json::to_string(members)?;
        let _: () = shared.client.set(&record, ids, Some(Expiration::EX(PRESENCE_TTL_SECS)), None, false).await?;
        let _: i64 = shared
            .client
            .zadd(&index, None, None, false, false, ((now + PRESENCE_TTL_SECS) as f64, shared.node.as_str()))
            .await?;
        let _: i64 = shared.client.expire(&index, PRESENCE_TTL_SECS * 6, None).await?;
    }
    if !listening {
        return Ok(None);
    }
    // Expired nodes linger in the index until someone removes them; their records are gone.
    let _: i64 = shared.client.zremrangebyscore(&index, f64::NEG_INFINITY, now as f64).await?;
    let nodes: Vec<String> = shared.client.zrangebyscore(&index, now as f64, f64::INFINITY, false, None).await?;
    let mut union: BTreeSet<Uuid> = members.iter().copied().collect();
    if !nodes.is_empty() {
        let keys: Vec<String> = nodes.iter().map(|node| format!("{index}:{node}")).collect();
        let records: Vec<Option<String>> = shared.client.mget(keys).await?;
        for record in records.into_iter().flatten() {
            union.extend(serde_json::from_str::<Vec<Uuid>>(&record).unwrap_or_default());
        }
    }
    Ok(Some(union))
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
        rooms.flush().await;
        let update = updates.recv().await.expect("update");
        assert_eq!(update.online, 2);
        assert_eq!(update.joined.len(), 2, "a and b joined since the last flush");
        rooms.leave("p", b);
        rooms.join("p", b);
        rooms.flush().await;
        assert!(updates.try_recv().is_err(), "left and came back within a tick: nothing to say");
        rooms.leave("p", b);
        rooms.flush().await;
        assert_eq!(updates.recv().await.expect("update").left, vec![b]);
        assert_eq!(rooms.online("p"), 1);
    }
}
