//! One channel delivered to one connection, exactly once and in order.
//!
//! A [`Feed`] is the connection's [`Subscriber`] on the channel. While it is *live* (everything
//! up to its last offset has been queued), the task that delivers a message to the hub queues the
//! message straight into the connection's outbox, if its offset is the next one: a busy room
//! costs each socket one outbox push per message and wakes only its writer. Anything else (a
//! gap, a resync, the time before the first catch-up) turns the feed *catching up* and wakes its
//! follower task, which reads storage from the last offset, then turns the feed live again.
//! While catching up, deliveries are held (up to [`HELD`]); going live queues those that follow
//! on from what storage gave, so a busy channel does not send the follower back to storage for
//! what arrived during its read.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use protocol::realtime::ServerFrame;
use tokio::sync::Notify;

use super::broker::{BrokerEvent, Live, Subscriber};
use super::gateway::Codec;
use super::outbox::Outbox;

/// Live messages a catching-up feed keeps for when its follower is done reading storage; one
/// more means reading storage again.
const HELD: usize = 256;

#[derive(Debug)]
struct Cursor {
    /// The last offset queued to the connection.
    last: i64,
    /// Whether deliveries queue messages themselves (else the follower is catching up).
    live: bool,
    /// Messages delivered while catching up, by offset, so the follower need not read storage
    /// again for what arrived during its read.
    held: BTreeMap<i64, Arc<Live>>,
    /// A delivery while catching up did not fit in `held`.
    overflowed: bool,
    /// Messages may have been missed since the follower last started reading storage.
    resync: bool,
    /// The subscription ended: nothing more is queued.
    stopped: bool,
}

/// A channel's deliveries into one connection's outbox (see the module documentation).
#[derive(Debug)]
pub struct Feed {
    outbox: Arc<Outbox>,
    codec: Codec,
    /// The key a newer counters snapshot supersedes a pending older one by.
    counters_key: Arc<str>,
    cursor: Mutex<Cursor>,
    /// Wakes the follower when the feed stops being live.
    behind: Notify,
    duplicates: metrics::Counter,
    gaps: metrics::Counter,
}

impl Feed {
    /// A feed that is catching up: nothing is queued until the follower has read storage.
    pub fn new(outbox: Arc<Outbox>, codec: Codec, channel: &str) -> Arc<Self> {
        Arc::new(Self {
            outbox,
            codec,
            counters_key: format!("{channel}#counters").into(),
            cursor: Mutex::new(Cursor {
                last: i64::MIN,
                live: false,
                held: BTreeMap::new(),
                overflowed: false,
                resync: false,
                stopped: false,
            }),
            behind: Notify::new(),
            duplicates: metrics::counter!("realtime_duplicates_skipped_total"),
            gaps: metrics::counter!("realtime_gaps_backfilled_total"),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Cursor> {
        // Nothing panics while holding this lock; a poisoned cursor is still consistent.
        self.cursor.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called by the follower after queuing everything storage held after `last`: queues what
    /// was delivered meanwhile and follows on from it, and turns the feed live; or answers the
    /// offset to read storage after when it must be read again (more was delivered than could be
    /// held, a resync came, or something is still missing). A stopped feed never goes live.
    pub fn go_live(&self, last: i64) -> Result<(), i64> {
        let mut cursor = self.lock();
        if cursor.stopped {
            return Err(last);
        }
        let mut last = last;
        let mut missing = false;
        for (offset, live) in std::mem::take(&mut cursor.held) {
            if offset == last + 1 {
                self.queue(&live);
                last = offset;
            } else if offset > last {
                // Published after the read, with one before it that never came.
                missing = true;
            }
        }
        let (resync, overflowed) = (cursor.resync, cursor.overflowed);
        cursor.resync = false;
        cursor.overflowed = false;
        if resync || overflowed || missing {
            return Err(last);
        }
        cursor.last = last;
        cursor.live = true;
        Ok(())
    }

    /// Waits until the feed stops being live, and answers the last offset queued: the follower
    /// then reads storage after it.
    pub async fn fell_behind(&self) -> i64 {
        loop {
            // A wake left from an earlier catch-up finds the feed live again: wait on.
            self.behind.notified().await;
            let mut cursor = self.lock();
            if !cursor.live {
                // Whatever a resync may have lost was published before this read starts.
                cursor.resync = false;
                return cursor.last;
            }
        }
    }

    /// Whether the subscription has ended (the follower stops queuing what it reads).
    pub fn stopped(&self) -> bool {
        self.lock().stopped
    }

    /// Ends the subscription: once this returns, no delivery queues anything more, whatever
    /// deliveries are under way.
    pub fn stop(&self) {
        let mut cursor = self.lock();
        cursor.stopped = true;
        cursor.live = false;
        cursor.held.clear();
    }

    /// Queues a message to the connection; called under the cursor's lock, so concurrent
    /// deliveries keep their order.
    fn queue(&self, live: &Live) {
        let codec = self.codec;
        let frame = live.encoded(codec as usize, |message| codec.encode(&ServerFrame::Message(message.clone())));
        // A full outbox closes the connection as a slow consumer; it resumes elsewhere.
        if live.is_counters() {
            // Counters are state: a client that lags gets only the newest.
            self.outbox.push_superseding(&self.counters_key, frame);
        } else {
            self.outbox.push_message(frame);
        }
    }
}

impl Subscriber for Feed {
    fn deliver(&self, event: &BrokerEvent) {
        let mut cursor = self.lock();
        if cursor.stopped {
            return;
        }
        match event {
            BrokerEvent::Message(live) => {
                let offset = live.message().offset;
                if cursor.live {
                    if offset <= cursor.last {
                        self.duplicates.increment(1);
                        return;
                    }
                    if offset == cursor.last + 1 {
                        cursor.last = offset;
                        self.queue(live);
                        return;
                    }
                    self.gaps.increment(1);
                    cursor.live = false;
                }
                if cursor.held.len() < HELD {
                    cursor.held.insert(offset, Arc::clone(live));
                } else {
                    cursor.overflowed = true;
                }
            }
            BrokerEvent::Resync => {
                cursor.live = false;
                cursor.resync = true;
            }
        }
        drop(cursor);
        self.behind.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use protocol::realtime::{ChannelMessage, MessageBody};

    use super::super::broker::Live;
    use super::super::outbox::Next;
    use super::*;

    fn message(offset: i64) -> BrokerEvent {
        BrokerEvent::Message(Live::new(Arc::new(ChannelMessage {
            channel: "c".to_owned(),
            offset,
            epoch: 1,
            body: MessageBody::chat(format!("m{offset}")),
            sender: None,
            sent_at: chrono::Utc::now(),
        })))
    }

    /// The offsets of what the outbox holds now.
    async fn queued(outbox: &Outbox) -> Vec<i64> {
        let mut frames = Vec::new();
        while outbox.queued_bytes() > 0 {
            assert_eq!(outbox.next_batch(&mut frames, usize::MAX).await, Next::Send);
        }
        frames
            .iter()
            .map(|frame| {
                let axum::extract::ws::Message::Text(text) = frame else { panic!("expected text, got {frame:?}") };
                match serde_json::from_str(text.as_str()).expect("a server frame") {
                    ServerFrame::Message(message) => message.offset,
                    other => panic!("expected a message, got {other:?}"),
                }
            })
            .collect()
    }

    #[tokio::test]
    async fn live_feeds_queue_the_next_offset_and_wake_the_follower_for_anything_else() {
        let outbox = Arc::new(Outbox::new(1 << 20));
        let feed = Feed::new(Arc::clone(&outbox), Codec::Json, "c");
        // Catching up: a delivery is held, and queued when storage gave what comes before it.
        feed.deliver(&message(3));
        assert!(queued(&outbox).await.is_empty());
        assert_eq!(feed.go_live(2), Ok(()));
        assert_eq!(queued(&outbox).await, [3]);

        feed.deliver(&message(4));
        feed.deliver(&message(4));
        feed.deliver(&message(3));
        feed.deliver(&message(5));
        assert_eq!(queued(&outbox).await, [4, 5], "duplicates skipped, in order");

        // A gap: nothing queued; 6 is missing after the read, so storage is read again.
        feed.deliver(&message(7));
        assert_eq!(feed.fell_behind().await, 5);
        assert_eq!(feed.go_live(5), Err(5));
        assert_eq!(feed.go_live(7), Ok(()), "the second read gave 6 and 7");
        feed.deliver(&message(8));
        assert_eq!(queued(&outbox).await, [8]);

        feed.deliver(&BrokerEvent::Resync);
        assert_eq!(feed.fell_behind().await, 8);
        feed.deliver(&message(9));
        assert!(queued(&outbox).await.is_empty(), "not live while catching up");
        assert_eq!(feed.go_live(8), Ok(()));
        assert_eq!(queued(&outbox).await, [9]);
    }

    #[tokio::test]
    async fn a_resync_or_too_much_during_a_read_means_reading_again() {
        let outbox = Arc::new(Outbox::new(1 << 20));
        let feed = Feed::new(Arc::clone(&outbox), Codec::Json, "c");
        assert_eq!(feed.go_live(0), Ok(()));
        feed.deliver(&BrokerEvent::Resync);
        assert_eq!(feed.fell_behind().await, 0);
        feed.deliver(&BrokerEvent::Resync);
        assert_eq!(feed.go_live(0), Err(0), "the read may have started before what the resync lost");
        for offset in 1..=(HELD as i64 + 1) {
            feed.deliver(&message(offset));
        }
        assert_eq!(feed.go_live(0), Err(HELD as i64), "what was held is queued, the rest read again");
        assert_eq!(queued(&outbox).await.len(), HELD);
        assert_eq!(feed.go_live(HELD as i64 + 1), Ok(()));
    }

    #[tokio::test]
    async fn a_stopped_feed_queues_nothing() {
        let outbox = Arc::new(Outbox::new(1 << 20));
        let feed = Feed::new(Arc::clone(&outbox), Codec::Json, "c");
        assert_eq!(feed.go_live(0), Ok(()));
        feed.stop();
        feed.deliver(&message(1));
        assert!(queued(&outbox).await.is_empty());
        assert!(feed.stopped());
        assert_eq!(feed.go_live(1), Err(1));
    }
}
