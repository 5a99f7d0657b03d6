//! Text embeddings computed by `mingle matcher` workers, for nodes that never load the text model
//! (`MINGLE_MATCHER=workers`): both sides of it.
//!
//! - A node's [`RemoteEngine`] is an [`Engine`] whose `embed` first reads the vectors workers
//!   have already published (`mingle:vector:{sha256 of the text}`, kept 30 days), then asks for
//!   the rest: a request on the `mingle:matcher:embed` list, taken by whichever worker is free,
//!   answered on the node's own reply channel. The node wraps it in the process's embedding
//!   cache like any engine, so a text is asked for once. What else an engine does a node needs
//!   only as plain arithmetic (k-means of audience segments), done here by the lightweight
//!   engine; suggestion pools and training run in the workers.
//! - A worker's [`serve_embeddings`] takes requests off the list, embeds them with the worker's
//!   model and cache, answers, then publishes the vectors for every node.
//!
//! When no worker answers a request within [`ANSWER_WITHIN`], embedding is unavailable (a
//! ranking then goes on without its text signals), and for [`BACK_OFF`] after that it fails at
//! once, so requests do not each wait for workers that are down.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use dashmap::DashMap;
use fred::clients::SubscriberClient;
use fred::prelude::{Client, EventInterface, KeysInterface, ListInterface, PubsubInterface};
use fred::types::{Expiration, Value};
use matcher::{Clusters, Engine, EngineError, EventData, LightEngine, TrainedEvents, Vector, EMBEDDING_DIM};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::Model;
use crate::shutdown::Shutdown;
use crate::store::now_ms;

/// The list of embedding requests, newest first; workers take the oldest.
const REQUESTS: &str = "mingle:matcher:embed";
/// Requests kept waiting at most: older ones are dropped (their nodes gave up long ago).
const REQUESTS_KEPT: i64 = 1_000;
/// Every node's reply channel starts with this; a worker answers on no other channel.
const REPLIES: &str = "mingle:matcher:embedded:";
/// How long published vectors are kept.
const VECTOR_TTL_SECS: i64 = 30 * 86_400;
/// Texts per request: a worker on a CPU embeds this many in well under a second.
const TEXTS_PER_REQUEST: usize = 64;
/// How long a node waits for a worker's answer to one request.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(10);
/// After a request went unanswered, how long embedding fails at once.
pub const BACK_OFF: Duration = Duration::from_secs(30);

fn vector_key(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("mingle:vector:{hex}")
}

/// A vector as stored: its numbers, little-endian.
fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector, if it is one of the model's length.
fn decode(bytes: &[u8]) -> Option<Vector> {
    (bytes.len() == EMBEDDING_DIM * 4).then(|| {
        bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect::<Vec<f32>>().into()
    })
}

#[derive(Debug, Serialize, Deserialize)]
struct Request {
    id: Uuid,
    reply_to: String,
    sent_at_ms: i64,
    texts: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Reply {
    id: Uuid,
    vectors: Result<Vec<Vec<f32>>, String>,
}

type Waiting = DashMap<Uuid, oneshot::Sender<Result<Vec<Vec<f32>>, String>>>;

/// A node's engine when the workers hold the model. See the module documentation.
pub struct RemoteEngine {
    runtime: tokio::runtime::Handle,
    client: Client,
    /// The list requests go on: [`REQUESTS`], except in tests, which keep to their own.
    requests: String,
    reply_to: String,
    waiting: Arc<Waiting>,
    /// Until when embedding fails at once, after a request went unanswered.
    down_until: Mutex<Option<Instant>>,
    _subscriber: SubscriberClient,
}

impl std::fmt::Debug for RemoteEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteEngine").field("reply_to", &self.reply_to).finish_non_exhaustive()
    }
}

impl RemoteEngine {
    /// Connects to Redis at `url` and listens on this node's reply channel until `shutdown`
    /// stops the workers. Must be called inside the runtime; `embed` then blocks on it (from a
    /// blocking thread, as every engine call is made).
    pub async fn connect(url: &str, shutdown: &Shutdown) -> anyhow::Result<Self> {
        Self::connect_to(url, REQUESTS, shutdown).await
    }

    /// [`Self::connect`], asking on the list `requests`.
    async fn connect_to(url: &str, requests: &str, shutdown: &Shutdown) -> anyhow::Result<Self> {
        let client = crate::redis::connect(url).await?;
        let subscriber = crate::redis::subscriber(url).await?;
        let reply_to = format!("{REPLIES}{}", Uuid::new_v4());
        let waiting: Arc<Waiting> = Arc::default();
        let messages = subscriber.message_rx();
        subscriber.subscribe(reply_to.as_str()).await.context("subscribing to the embedding replies")?;
        shutdown.spawn(route_replies(messages, Arc::clone(&waiting), shutdown.workers_token()));
        Ok(Self {
            runtime: tokio::runtime::Handle::current(),
            client,
            requests: requests.to_owned(),
            reply_to,
            waiting,
            down_until: Mutex::new(None),
            _subscriber: subscriber,
        })
    }

    async fn fetch(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        let keys: Vec<String> = texts.iter().map(|t| vector_key(t)).collect();
        let stored: Vec<Value> = self.client.mget(keys).await.map_err(|e| unavailable(&e))?;
        let mut vectors: Vec<Option<Vector>> = stored.iter().map(|v| v.as_bytes().and_then(decode)).collect();
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| vectors[i].is_none()).collect();
        for chunk in missing.chunks(TEXTS_PER_REQUEST) {
            let asked: Vec<String> = chunk.iter().map(|&i| texts[i].to_owned()).collect();
            let answered = self.ask(asked).await?;
            for (&i, vector) in chunk.iter().zip(answered) {
                vectors[i] = Some(vector.into());
            }
        }
        Ok(vectors.into_iter().flatten().collect())
    }

    /// Asks a worker to embed `texts`, and waits for the answer.
    async fn ask(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EngineError> {
        if crate::model::lock(&self.down_until).is_some_and(|until| Instant::now() < until) {
            return Err(EngineError::Unavailable("no matcher worker answered lately".into()));
        }
        let id = Uuid::new_v4();
        let count = texts.len();
        let (answer, answered) = oneshot::channel();
        self.waiting.insert(id, answer);
        let request = Request { id, reply_to: self.reply_to.clone(), sent_at_ms: now_ms(), texts };
        let sent = async {
            let bytes = rmp_serde::to_vec(&request).map_err(anyhow::Error::from)?;
            let _: Value = self.client.lpush(self.requests.as_str(), bytes).await?;
            let _: Value = self.client.ltrim(self.requests.as_str(), 0, REQUESTS_KEPT - 1).await?;
            anyhow::Ok(())
        };
        if let Err(e) = sent.await {
            self.waiting.remove(&id);
            return Err(EngineError::Unavailable(format!("asking the matcher workers failed: {e:#}")));
        }
        let answer = tokio::time::timeout(ANSWER_WITHIN, answered).await;
        self.waiting.remove(&id);
        match answer {
            Ok(Ok(Ok(vectors))) if vectors.len() == count && vectors.iter().all(|v| v.len() == EMBEDDING_DIM) => {
                Ok(vectors)
            }
            Ok(Ok(Ok(_))) => {
                Err(EngineError::Failed(anyhow::anyhow!("a matcher worker answered vectors of the wrong size")))
            }
            Ok(Ok(Err(why))) => Err(EngineError::Unavailable(why)),
            Ok(Err(_)) | Err(_) => {
                *crate::model::lock(&self.down_until) = Some(Instant::now() + BACK_OFF);
                tracing::warn!(seconds = ANSWER_WITHIN.as_secs(), "no matcher worker answered an embedding request");
                Err(EngineError::Unavailable(format!(
                    "no matcher worker answered within {} s",
                    ANSWER_WITHIN.as_secs()
                )))
            }
        }
    }
}

fn unavailable(e: &fred::error::Error) -> EngineError {
    EngineError::Unavailable(format!("reading published vectors failed: {e}"))
}

/// Hands each reply on this node's channel to the request waiting for it.
async fn route_replies(
    mut messages: tokio::sync::broadcast::Receiver<fred::types::Message>,
    waiting: Arc<Waiting>,
    stop: CancellationToken,
) {
    loop {
        let message = tokio::select! {
            message = messages.recv() => message,
            () = stop.cancelled() => return,
        };
        match message {
            Ok(message) => {
                let reply = message.value.as_bytes().and_then(|b| rmp_serde::from_slice::<Reply>(b).ok());
                match reply {
                    Some(reply) => {
                        if let Some((_, answer)) = waiting.remove(&reply.id) {
                            let _ = answer.send(reply.vectors);
                        }
                    }
                    None => tracing::warn!(channel = %message.channel, "skipping a malformed embedding reply"),
                }
            }
            // Requests whose replies were skipped time out.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

impl Engine for RemoteEngine {
    fn dim(&self) -> usize {
        EMBEDDING_DIM
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        self.runtime.block_on(self.fetch(texts))
    }

    fn pool_settings(&self, list_size: usize, per_row: usize, weights: matcher::Weights) -> matcher::Settings {
        LightEngine.pool_settings(list_size, per_row, weights)
    }

    fn learn_weights(
        &self,
        examples: &[(matcher::PairFeatures, bool)],
        prior: &matcher::Weights,
    ) -> Result<matcher::Learned, EngineError> {
        LightEngine.learn_weights(examples, prior)
    }

    fn train_events(&self, _: &EventData<'_>) -> Result<TrainedEvents, EngineError> {
        Err(EngineError::Failed(anyhow::anyhow!("the recommendation model is trained by the matcher workers")))
    }

    fn kmeans(&self, points: &[&[f32]], k: usize, iterations: usize, seeds: &[u64]) -> Result<Clusters, EngineError> {
        LightEngine.kmeans(points, k, iterations, seeds)
    }
}

/// A worker's side: takes embedding requests off the list and answers them with `engine`, until
/// `stop` is cancelled. A pop under way is never abandoned: the request it takes would be lost,
/// and its node would wait [`ANSWER_WITHIN`] then go without embeddings for [`BACK_OFF`]. So the
/// worker stops between pops, at most a second after `stop`, and answers what it took.
pub async fn serve_embeddings(engine: Arc<Model>, url: String, stop: CancellationToken) -> anyhow::Result<()> {
    serve_from(engine, &url, REQUESTS, stop).await
}

/// [`serve_embeddings`] from the list `requests`.
async fn serve_from(engine: Arc<Model>, url: &str, requests: &str, stop: CancellationToken) -> anyhow::Result<()> {
    // Waiting for a request blocks its connection: that one waits, the other answers.
    let waiting = crate::redis::connect(url).await?;
    let client = crate::redis::connect(url).await?;
    while !stop.is_cancelled() {
        let popped = waiting.brpop::<Value, _>(requests, 1.0).await;
        let request = match popped {
            Ok(Value::Array(pair)) => pair.get(1).and_then(Value::as_bytes).map(rmp_serde::from_slice::<Request>),
            Ok(_) => continue,
            Err(e) if crate::redis::nothing_came(&e) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "reading embedding requests failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let request = match request {
            Some(Ok(request)) if request.reply_to.starts_with(REPLIES) => request,
            _ => {
                tracing::warn!("skipping a malformed embedding request");
                continue;
            }
        };
        if now_ms() - request.sent_at_ms > ANSWER_WITHIN.as_millis() as i64 {
            continue;
        }
        if let Err(e) = answer(&engine, &client, request).await {
            tracing::warn!(error = %e, "answering an embedding request failed");
        }
    }
    Ok(())
}

/// Embeds a request's texts and answers the node, then publishes each vector for every node (in
/// one round trip, after the answer: the node waiting comes first).
async fn answer(engine: &Arc<Model>, client: &Client, request: Request) -> anyhow::Result<()> {
    let Request { id, reply_to, texts, .. } = request;
    let engine = Arc::clone(engine);
    let embedded = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        engine.embed(&refs).map(|vectors| (texts, vectors))
    })
    .await?;
    let (vectors, published) = match embedded {
        Ok((texts, vectors)) => (Ok(vectors.iter().map(|v| v.to_vec()).collect()), Some((texts, vectors))),
        Err(e) => (Err(e.to_string()), None),
    };
    let reply = rmp_serde::to_vec(&Reply { id, vectors })?;
    let _: Value = client.publish(reply_to, reply).await?;
    if let Some((texts, vectors)) = published {
        let pipeline = client.pipeline();
        for (text, vector) in texts.iter().zip(&vectors) {
            let expire = Some(Expiration::EX(VECTOR_TTL_SECS));
            let () = pipeline.set(vector_key(text), encode(vector), expire, None, false).await?;
        }
        let _: Vec<Value> = pipeline.all().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker with the lightweight engine answers a node's engine: the node gets the worker's
    /// vectors, and a text a worker embedded once is read from Redis without asking again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_node_gets_its_vectors_from_a_worker() -> anyhow::Result<()> {
        let url = crate::redis::test_url();
        // A list of its own: no other worker on this Redis takes its requests.
        let requests = format!("{REQUESTS}:test:{}", Uuid::new_v4());
        let shutdown = Shutdown::new();
        let node = Arc::new(RemoteEngine::connect_to(&url, &requests, &shutdown).await?);
        let worker: Arc<Model> = Arc::new(LightEngine);
        let stop = CancellationToken::new();
        let serving = {
            let (url, requests, stop) = (url.clone(), requests.clone(), stop.clone());
            tokio::spawn(async move { serve_from(worker, &url, &requests, stop).await })
        };
        // Texts of their own too: a vector another test's model published is no LightEngine's.
        let text = format!("jazz trio {}", Uuid::new_v4());
        let other = format!("climbing wall {}", Uuid::new_v4());
        let embed = |texts: Vec<String>| {
            let node = Arc::clone(&node);
            tokio::task::spawn_blocking(move || node.embed(&texts.iter().map(String::as_str).collect::<Vec<_>>()))
        };
        let vectors = match embed(vec![text.clone(), other.clone()]).await? {
            Ok(vectors) => vectors,
            Err(e) => {
                // Tells a request never taken (still on the list, or the worker gone) from a
                // reply that never came back.
                let client = crate::redis::connect(&url).await?;
                let queued: i64 = client.llen(requests.as_str()).await?;
                anyhow::bail!(
                    "{e}: {queued} request(s) still on the list, the worker {}",
                    if serving.is_finished() { "has stopped" } else { "is still serving" }
                );
            }
        };
        assert_eq!(vectors.len(), 2);
        assert_eq!(&vectors[0][..], &LightEngine.embed(&[&text])?[0][..]);
        assert_eq!(&vectors[1][..], &LightEngine.embed(&[&other])?[0][..]);
        stop.cancel();
        serving.await??;
        // No worker now: what was published is still read, without asking.
        let again = embed(vec![text.clone()]).await??;
        assert_eq!(again[0], vectors[0]);
        shutdown.stop_workers().await;
        Ok(())
    }

    #[test]
    fn vectors_are_stored_as_their_numbers_and_keyed_by_their_text() {
        let vector: Vec<f32> = (0..EMBEDDING_DIM).map(|i| i as f32 / 7.0).collect();
        assert_eq!(decode(&encode(&vector)).as_deref(), Some(&vector[..]));
        assert_eq!(decode(&encode(&vector[1..])), None, "a vector of another length is no vector");
        assert_eq!(vector_key("jazz"), vector_key("jazz"));
        assert_ne!(vector_key("jazz"), vector_key("Jazz"));
        assert!(vector_key("jazz").starts_with("mingle:vector:"));
        assert_eq!(vector_key("jazz").len(), "mingle:vector:".len() + 64);
    }
}
