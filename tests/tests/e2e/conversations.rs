//! Direct messages from the receiver's side: `GET /conversations` lists one's conversations by
//! latest activity, and each DM sends a notice on the recipient's `user:{id}` channel.

use protocol::realtime::{ChannelMessage, DmNotice, MessageBody};
use protocol::Page;
use serde_json::{json, Value};
use tests::{Backend, Client, TestServer, Ws};

on_both_backends!(conversations_are_listed_newest_first, a_dm_notifies_its_recipient);

async fn id_of(client: &Client) -> String {
    client.get("/api/v1/me").await.expect(200).body["id"].as_str().expect("id").to_owned()
}

async fn open(client: &Client, with: &str) -> String {
    let conversation = client.post("/api/v1/conversations", json!({"user_id": with})).await.expect(200).body;
    conversation["channel"].as_str().expect("channel").to_owned()
}

/// The notice a `dm` message on a `user:{id}` channel carries.
fn dm_notice(message: ChannelMessage) -> DmNotice {
    match message.body {
        MessageBody::Dm(notice) => notice,
        other => panic!("expected a DM notice, got {other:?}"),
    }
}

fn channels(page: &Value) -> Vec<&str> {
    page["items"].as_array().expect("items").iter().map(|c| c["channel"].as_str().expect("channel")).collect()
}

async fn conversations_are_listed_newest_first(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (ann, _) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (cat, _) = anon.register("Cat").await;
    let (ann_id, ben_id, cat_id) = (id_of(&ann).await, id_of(&ben).await, id_of(&cat).await);

    let empty = ann.get("/api/v1/conversations").await.expect(200).body;
    assert_eq!(empty, json!({"items": [], "next_cursor": null}));
    assert_eq!(anon.get("/api/v1/conversations").await.expect(401).code(), "unauthorized");

    let with_ben = open(&ann, &ben_id).await;
    let with_cat = open(&cat, &ann_id).await;
    let page = ann.get("/api/v1/conversations").await.expect(200).body;
    assert_eq!(channels(&page), [with_cat.as_str(), with_ben.as_str()], "the newest opened first");
    assert_eq!(page["items"][0]["with"], json!({"id": cat_id, "display_name": "Cat"}));
    assert_eq!(page["items"][0]["last_message"], Value::Null, "nobody wrote yet");

    // Ben writes: his conversation with Ann moves to the top of her list.
    let mut ben_ws = Ws::connect(&server.base, &ben_s.access_token).await;
    ben_ws.publish(&with_ben, "  hello Ann ").await.expect("published");
    let page = ann.get("/api/v1/conversations").await.expect(200).body;
    assert_eq!(channels(&page), [with_ben.as_str(), with_cat.as_str()]);
    let top = &page["items"][0];
    assert_eq!(top["with"], json!({"id": ben_id, "display_name": "Ben"}));
    assert_eq!(top["last_message"]["text"], "hello Ann");
    assert_eq!(top["last_message"]["from"], ben_id.as_str());
    assert_eq!(top["last_message"]["at"], top["last_activity_at"]);
    let bens = ben.get("/api/v1/conversations").await.expect(200).body;
    assert_eq!(channels(&bens), [with_ben.as_str()], "only one's own conversations");
    assert_eq!(bens["items"][0]["with"], json!({"id": ann_id, "display_name": "Ann"}));

    // Pages follow one another without gaps or repeats.
    let first = ann.get("/api/v1/conversations?limit=1").await.expect(200).body;
    assert_eq!(channels(&first), [with_ben.as_str()]);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = ann.get(&format!("/api/v1/conversations?limit=1&cursor={cursor}")).await.expect(200).body;
    assert_eq!(channels(&second), [with_cat.as_str()]);
    assert_eq!(second["next_cursor"], Value::Null);

    assert_eq!(ann.get("/api/v1/conversations?limit=0").await.expect(422).code(), "validation_failed");
    assert_eq!(ann.get("/api/v1/conversations?cursor=nonsense").await.expect(400).code(), "invalid_cursor");
}

async fn a_dm_notifies_its_recipient(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (ann, ann_s) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (ann_id, ben_id) = (id_of(&ann).await, id_of(&ben).await);
    let dm = open(&ann, &ben_id).await;
    let conversation = dm.strip_prefix("dm:").expect("dm channel");

    // Ben follows only his own channel, not the conversation.
    let mut ben_ws = Ws::connect(&server.base, &ben_s.access_token).await;
    let user_channel = format!("user:{ben_id}");
    ben_ws.subscribe(&user_channel, None).await.expect("subscribed");
    let mut ann_ws = Ws::connect(&server.base, &ann_s.access_token).await;
    let ann_channel = format!("user:{ann_id}");
    ann_ws.subscribe(&ann_channel, None).await.expect("subscribed");
    let long = "x".repeat(400);
    ann_ws.publish(&dm, &long).await.expect("published");

    let notice = dm_notice(ben_ws.message(&user_channel).await);
    assert_eq!(notice.conversation_id.to_string(), conversation);
    assert_eq!(notice.channel, dm);
    assert_eq!(notice.offset, 1);
    assert_eq!((notice.from.id.to_string(), notice.from.display_name.as_str()), (ann_id.clone(), "Ann"));
    assert_eq!(notice.preview.chars().count(), 140, "a short preview");

    // The sender is not notified of her own message; the recipient's reply notifies her.
    ben_ws.publish(&dm, "hi Ann").await.expect("published");
    let back = dm_notice(ann_ws.message(&ann_channel).await);
    assert_eq!(back.preview, "hi Ann");
    assert_eq!(back.from.id.to_string(), ben_id);

    // The notice is stored like any message on the channel, so a reconnecting client catches up.
    let history: Page<ChannelMessage> =
        ben.get(&format!("/api/v1/channels/{user_channel}/messages")).await.expect(200).json();
    assert!(matches!(history.items[0].body, MessageBody::Dm(_)), "{history:?}");
}
