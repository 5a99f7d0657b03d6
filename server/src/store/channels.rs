//! Channel history: every realtime message is stored under its channel with the next offset
//! (`seq`), so a client can resume from the last offset it saw. Also DM conversations.

use protocol::realtime::Channel;
use sqlx::FromRow;
use uuid::Uuid;

use super::{new_id, now_ms, with_pool, Store, StoreResult};

/// Messages kept per channel; older ones are pruned, and resuming from before them answers
/// `recovered: false`.
pub const CHANNEL_RETENTION: i64 = 10_000;

#[derive(Debug, Clone, FromRow)]
pub struct StoredMessage {
    pub channel: String,
    pub seq: i64,
    pub epoch: i64,
    pub sender: Option<Uuid>,
    pub body: String,
    pub sent_at: i64,
}

/// One of a user's conversations, with its newest message if there is one.
#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: Uuid,
    /// The other participant.
    pub other: Uuid,
    pub created_at: i64,
    pub last: Option<StoredMessage>,
}

impl ConversationRow {
    /// When the newest message was sent, or the conversation opened when there is none.
    pub fn last_activity(&self) -> i64 {
        self.last.as_ref().map_or(self.created_at, |m| m.sent_at)
    }
}

/// Where a channel stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelHead {
    pub epoch: i64,
    /// Offset of the newest message; 0 when there is none.
    pub last: i64,
    /// Offset of the oldest stored message; `last + 1` when none is stored.
    pub first: i64,
}

const MESSAGE_COLUMNS: &str = "m.channel, m.seq, c.epoch, m.sender, m.body, m.sent_at";

impl Store {
    /// Stores a message under the channel's next offset. Offsets are allocated under the
    /// channel row's lock, so they are gap-free and each commit happens in offset order.
    pub async fn append_message(&self, channel: &str, sender: Option<Uuid>, body: &str) -> StoreResult<StoredMessage> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let (epoch, seq): (i64, i64) = sqlx::query_as(
                "INSERT INTO channels (name, epoch, last_seq) VALUES ($1, $2, 1) \
                 ON CONFLICT (name) DO UPDATE SET last_seq = channels.last_seq + 1 RETURNING epoch, last_seq",
            )
            .bind(channel)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO channel_messages (channel, seq, sender, body, sent_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(channel)
                .bind(seq)
                .bind(sender)
                .bind(body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            // Pruning in batches keeps the per-message cost flat.
            if seq % 256 == 0 {
                sqlx::query("DELETE FROM channel_messages WHERE channel = $1 AND seq <= $2")
                    .bind(channel)
                    .bind(seq - CHANNEL_RETENTION)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(StoredMessage { channel: channel.to_owned(), seq, epoch, sender, body: body.to_owned(), sent_at: now })
        })
    }

    /// The channel's epoch and offsets, creating the channel (empty) when it does not exist yet,
    /// so the epoch a subscriber sees is the one its messages will carry.
    pub async fn channel_head(&self, channel: &str) -> StoreResult<ChannelHead> {
        const HEAD: &str = "SELECT c.epoch, c.last_seq, \
                            (SELECT MIN(m.seq) FROM channel_messages m WHERE m.channel = c.name) \
                            FROM channels c WHERE c.name = $1";
        let read =
            |row: (i64, i64, Option<i64>)| ChannelHead { epoch: row.0, last: row.1, first: row.2.unwrap_or(row.1 + 1) };
        let existing = with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (i64, i64, Option<i64>)>(HEAD).bind(channel).fetch_optional(pool).await?
        });
        if let Some(row) = existing {
            return Ok(read(row));
        }
        with_pool!(self, pool, _d => {
            sqlx::query("INSERT INTO channels (name, epoch, last_seq) VALUES ($1, $2, 0) ON CONFLICT (name) DO NOTHING")
                .bind(channel)
                .bind(now_ms())
                .execute(pool)
                .await?;
            let row = sqlx::query_as::<_, (i64, i64, Option<i64>)>(HEAD).bind(channel).fetch_one(pool).await?;
            Ok(read(row))
        })
    }

    /// Up to `limit` messages after offset `after`, oldest first.
    pub async fn messages_after(&self, channel: &str, after: i64, limit: i64) -> StoreResult<Vec<StoredMessage>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM channel_messages m JOIN channels c ON c.name = m.channel \
             WHERE m.channel = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"
        );
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, StoredMessage>(&sql).bind(channel).bind(after).bind(limit).fetch_all(pool).await?
        }))
    }

    /// Up to `limit` messages before offset `before`, newest first (history pages).
    pub async fn messages_before(&self, channel: &str, before: i64, limit: i64) -> StoreResult<Vec<StoredMessage>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM channel_messages m JOIN channels c ON c.name = m.channel \
             WHERE m.channel = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3"
        );
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, StoredMessage>(&sql).bind(channel).bind(before).bind(limit).fetch_all(pool).await?
        }))
    }

    /// The conversation between two users, created on first use. Its id names the DM channel.
    pub async fn conversation_between(&self, a: Uuid, b: Uuid) -> StoreResult<Uuid> {
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        with_pool!(self, pool, _d => {
            sqlx::query(
                "INSERT INTO conversations (id, user_a, user_b, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_a, user_b) DO NOTHING",
            )
            .bind(new_id())
            .bind(low)
            .bind(high)
            .bind(now_ms())
            .execute(pool)
            .await?;
            Ok(sqlx::query_scalar::<_, Uuid>("SELECT id FROM conversations WHERE user_a = $1 AND user_b = $2")
                .bind(low)
                .bind(high)
                .fetch_one(pool)
                .await?)
        })
    }

    /// The two participants of a conversation.
    pub async fn conversation(&self, id: Uuid) -> StoreResult<Option<(Uuid, Uuid)>> {
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (Uuid, Uuid)>("SELECT user_a, user_b FROM conversations WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Every conversation `user` takes part in, each with its newest message, in no particular
    /// order. A person has few conversations, so the caller sorts and pages them.
    pub async fn conversations_of(&self, user: Uuid) -> StoreResult<Vec<ConversationRow>> {
        let pairs = with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (Uuid, Uuid, Uuid, i64)>(
                "SELECT id, user_a, user_b, created_at FROM conversations WHERE user_a = $1 \
                 UNION ALL SELECT id, user_a, user_b, created_at FROM conversations WHERE user_b = $1",
            )
            .bind(user)
            .fetch_all(pool)
            .await?
        });
        let names: Vec<String> = pairs.iter().map(|(id, ..)| Channel::Dm(*id).to_string()).collect();
        let mut last = std::collections::HashMap::new();
        for chunk in names.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            // A channel's newest message is always kept, so `last_seq` names a stored row.
            let sql = format!(
                "SELECT {MESSAGE_COLUMNS} FROM channels c JOIN channel_messages m \
                 ON m.channel = c.name AND m.seq = c.last_seq WHERE c.name IN ({})",
                placeholders.join(", ")
            );
            let rows = with_pool!(self, pool, _d => {
                let mut query = sqlx::query_as::<_, StoredMessage>(&sql);
                for name in chunk {
                    query = query.bind(name);
                }
                query.fetch_all(pool).await?
            });
            last.extend(rows.into_iter().map(|m| (m.channel.clone(), m)));
        }
        Ok(pairs
            .into_iter()
            .zip(names)
            .map(|((id, a, b, created_at), name)| ConversationRow {
                id,
                other: if a == user { b } else { a },
                created_at,
                last: last.remove(&name),
            })
            .collect())
    }
}
