//! A connection's outbound queue, bounded by bytes.
//!
//! Reliable frames (replies, errors, channel messages) queue in order; when they would exceed the
//! byte budget the connection is marked slow and closed with
//! [`close::SLOW_CONSUMER`](protocol::realtime::close::SLOW_CONSUMER): the client resumes from its
//! last offset, so nothing is lost, and a slow phone cannot make the server buffer without bound.
//! Presence updates are conflated instead: only the latest per channel waits, and it never
//! counts as overflow. State messages that have offsets (live counters) supersede their pending
//! predecessor: the older one leaves the queue and the newer one joins at the end, so offsets
//! still only grow along the queue. Replies, errors and pings are pressing: a writer holding
//! channel messages to gather them into one write sends at once when one of them queues.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::ws::Message;
use tokio::sync::Notify;

#[derive(Debug)]
struct State {
    /// Frames in order, each with the key that a newer frame may supersede it by.
    queue: VecDeque<(Option<Arc<str>>, Message)>,
    bytes: usize,
    /// Latest pending update per conflated key, in the order keys first became pending.
    conflated: HashMap<String, Message>,
    conflated_order: VecDeque<String>,
    closing: Option<(u16, &'static str)>,
    /// A frame that must not wait out the writer's hold is queued (a reply, an error, a ping).
    pressing: bool,
}

#[derive(Debug)]
pub struct Outbox {
    state: Mutex<State>,
    /// Wakes the writer when there is something to send.
    notify: Notify,
    /// Wakes a holding writer when something must go at once (a pressing frame, a close).
    pressing: Notify,
    /// Wakes paced producers when the writer has made room.
    room: Notify,
    limit: usize,
    /// Queue depth after each push (a handle, so pushing looks nothing up).
    depth: metrics::Histogram,
}

/// What the writer task does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Send the frames just taken.
    Send,
    Close(u16, &'static str),
}

fn size(message: &Message) -> usize {
    match message {
        Message::Text(t) => t.len(),
        Message::Binary(b) => b.len(),
        _ => 16,
    }
}

impl Outbox {
    pub fn new(limit: usize) -> Self {
        Self {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                bytes: 0,
                conflated: HashMap::new(),
                conflated_order: VecDeque::new(),
                closing: None,
                pressing: false,
            }),
            notify: Notify::new(),
            pressing: Notify::new(),
            room: Notify::new(),
            limit,
            depth: metrics::histogram!("realtime_outbox_queued_bytes"),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock would be a bug in this file; the queue stays usable.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues a frame that must arrive and must not wait (a reply to the client, an error, a
    /// ping): a writer holding channel messages sends at once. Answers false (and starts closing
    /// the connection as a slow consumer) when the budget is exhausted.
    pub fn push(&self, message: Message) -> bool {
        self.push_keyed(None, message, true)
    }

    /// Queues a channel message, which must arrive but may wait out the writer's hold.
    pub fn push_message(&self, message: Message) -> bool {
        self.push_keyed(None, message, false)
    }

    /// Queues a channel message like [`Outbox::push_message`], first dropping a pending frame
    /// with the same key, which it makes obsolete.
    pub fn push_superseding(&self, key: &Arc<str>, message: Message) -> bool {
        self.push_keyed(Some(Arc::clone(key)), message, false)
    }

    fn push_keyed(&self, key: Option<Arc<str>>, message: Message, pressing: bool) -> bool {
        let mut state = self.lock();
        if state.closing.is_some() {
            return false;
        }
        if let Some(key) = &key {
            if let Some(i) = state.queue.iter().position(|(k, _)| k.as_ref() == Some(key)) {
                if let Some((_, old)) = state.queue.remove(i) {
                    state.bytes -= size(&old);
                    metrics::counter!("realtime_conflated_total").increment(1);
                }
            }
        }
        let n = size(&message);
        if state.bytes + n > self.limit && !state.queue.is_empty() {
            state.closing =
                Some((protocol::realtime::close::SLOW_CONSUMER, "slow consumer: resume from your last offset"));
            state.queue.clear();
            state.bytes = 0;
            drop(state);
            metrics::counter!("realtime_slow_consumer_closes_total").increment(1);
            self.notify.notify_one();
            self.pressing.notify_one();
            self.room.notify_waiters();
            return false;
        }
        state.bytes += n;
        state.queue.push_back((key, message));
        state.pressing |= pressing;
        let depth = state.bytes;
        drop(state);
        self.depth.record(depth as f64);
        self.notify.notify_one();
        if pressing {
            self.pressing.notify_one();
        }
        true
    }

    /// Queues a frame that must arrive, waiting for room instead of overflowing: for catching up
    /// from storage, where the server sets the pace. Answers false when the connection closes.
    pub async fn push_paced(&self, message: Message) -> bool {
        let n = size(&message);
        loop {
            let room = self.room.notified();
            {
                let mut state = self.lock();
                if state.closing.is_some() {
                    return false;
                }
                if state.bytes + n <= self.limit || state.queue.is_empty() {
                    state.bytes += n;
                    state.queue.push_back((None, message));
                    drop(state);
                    self.notify.notify_one();
                    return true;
                }
            }
            room.await;
        }
    }

    /// Queues a frame that replaces any pending frame with the same key.
    pub fn push_latest(&self, key: &str, message: Message) {
        let mut state = self.lock();
        if state.closing.is_some() {
            return;
        }
        if state.conflated.insert(key.to_owned(), message).is_none() {
            state.conflated_order.push_back(key.to_owned());
        } else {
            metrics::counter!("realtime_conflated_total").increment(1);
        }
        drop(state);
        self.notify.notify_one();
    }

    /// Asks the writer to close the connection after what is already queued.
    pub fn close(&self, code: u16, reason: &'static str) {
        let mut state = self.lock();
        if state.closing.is_none() {
            state.closing = Some((code, reason));
        }
        drop(state);
        self.notify.notify_one();
        self.pressing.notify_one();
        self.room.notify_waiters();
    }

    /// Bytes waiting to be written.
    pub fn queued_bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Waits until `check` finds something in the state, looking again after each wake of
    /// `notify`.
    async fn wait_for<T>(&self, notify: &Notify, mut check: impl FnMut(&mut State) -> Option<T>) -> T {
        loop {
            let notified = notify.notified();
            if let Some(found) = check(&mut self.lock()) {
                return found;
            }
            notified.await;
        }
    }

    /// Waits until there is something to send or the connection is closing; answers whether
    /// it must go at once (a pressing frame is queued, or the connection is closing).
    pub async fn ready(&self) -> bool {
        self.wait_for(&self.notify, |state| {
            if state.closing.is_some() || state.pressing {
                Some(true)
            } else {
                (!state.queue.is_empty() || !state.conflated.is_empty()).then_some(false)
            }
        })
        .await
    }

    /// Waits until something must go at once: a pressing frame is queued, or the connection is
    /// closing. Channel messages queued meanwhile do not wake it.
    pub async fn pressing(&self) {
        self.wait_for(&self.pressing, |state| (state.closing.is_some() || state.pressing).then_some(())).await;
    }

    /// Waits for the writer's next work: moves up to `max` frames into `out` (reliable frames
    /// first, then conflated ones) and answers [`Next::Send`], or, with nothing left to send on a
    /// closing connection, answers the close.
    pub async fn next_batch(&self, out: &mut Vec<Message>, max: usize) -> Next {
        let (next, freed) = self
            .wait_for(&self.notify, |state| {
                let mut freed = false;
                while out.len() < max {
                    let Some((_, message)) = state.queue.pop_front() else { break };
                    state.bytes -= size(&message);
                    out.push(message);
                    freed = true;
                }
                while out.len() < max {
                    let Some(key) = state.conflated_order.pop_front() else { break };
                    if let Some(message) = state.conflated.remove(&key) {
                        out.push(message);
                    }
                }
                if !out.is_empty() {
                    // What a full batch left behind goes next, without a hold.
                    state.pressing &= !state.queue.is_empty();
                    return Some((Next::Send, freed));
                }
                state.closing.map(|(code, reason)| (Next::Close(code, reason), false))
            })
            .await;
        if freed {
            self.room.notify_waiters();
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Message {
        Message::Text(s.to_owned().into())
    }

    /// The texts of the next batch of at most `max` frames.
    async fn batch(outbox: &Outbox, max: usize) -> Vec<String> {
        let mut out = Vec::new();
        assert_eq!(outbox.next_batch(&mut out, max).await, Next::Send);
        out.iter().map(|m| if let Message::Text(t) = m { t.as_str().to_owned() } else { String::new() }).collect()
    }

    #[tokio::test]
    async fn order_budget_and_conflation() {
        let outbox = Outbox::new(10);
        assert!(outbox.push(text("aaaa")));
        outbox.push_latest("p", text("old"));
        outbox.push_latest("p", text("new"));
        assert!(outbox.push(text("bbbb")));
        assert_eq!(batch(&outbox, 1).await, ["aaaa"]);
        assert_eq!(outbox.queued_bytes(), 4);
        assert_eq!(batch(&outbox, 64).await, ["bbbb", "new"]);
        assert_eq!(outbox.queued_bytes(), 0);
    }

    #[tokio::test]
    async fn newer_state_supersedes_pending_state_in_order() {
        let outbox = Outbox::new(100);
        let key: Arc<str> = Arc::from("c");
        outbox.push_superseding(&key, text("c1"));
        outbox.push(text("a2"));
        outbox.push_superseding(&key, text("c3"));
        assert_eq!(batch(&outbox, 64).await, ["a2", "c3"]);
    }

    #[tokio::test]
    async fn overflow_closes_as_slow_consumer() {
        let outbox = Outbox::new(8);
        assert!(outbox.push(text("12345678")));
        assert!(!outbox.push(text("x")), "over budget");
        assert!(!outbox.push(text("y")), "closing");
        assert!(matches!(outbox.next_batch(&mut Vec::new(), 64).await, Next::Close(4008, _)));
    }
}
