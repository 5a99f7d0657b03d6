//! The account lifecycle against real components: mail through a real SMTP server (aiosmtpd),
//! codes computed the way an authenticator app computes them, sockets over real WebSockets,
//! and two server nodes on one database.

use std::time::Duration;

use protocol::auth::{MfaChallenge, RecoveryCodes, Session, SessionList, TotpEnrolment};
use protocol::users::{AccountExport, Me};
use serde_json::{json, Value};
use server::auth::totp;
use tests::services::MailServer;
use tests::{Backend, Client, TestServer, Ws};

on_both_backends!(
    verification_reset_and_change_by_mail,
    sessions_end_everywhere_at_once,
    a_second_factor_guards_sign_in,
    export_then_delete,
    the_web_app_keeps_its_refresh_token_in_a_cookie
);

const PASSWORD: &str = "correct horse battery";

async fn mail_server_and_node(backend: Backend, extra: &[&str]) -> (MailServer, TestServer) {
    let mail = MailServer::start().await;
    let url = mail.url();
    let mut args = vec!["--smtp-url", url.as_str()];
    args.extend_from_slice(extra);
    let server = TestServer::start_with(backend, &args).await;
    (mail, server)
}

async fn login(client: &Client, email: &str, password: &str) -> Value {
    client.post("/api/v1/auth/login", json!({"email": email, "password": password})).await.expect(200).body
}

fn token_of(session: &Value) -> String {
    session["access_token"].as_str().expect("a session").to_owned()
}

async fn verification_reset_and_change_by_mail(backend: Backend) {
    // Sign-up that signs in at once and confirms the address after (verify-first sign-up, the
    // default with mail, is in signup.rs).
    let (mail, server) = mail_server_and_node(backend, &["--signup-verify-first=false"]).await;
    let anon = server.client();
    let (ada, session) = anon.register("Ada").await;
    assert!(!session.user.email_verified);

    // Verification: the link works once.
    let welcome = mail.wait_for("ada@example.org", "Confirm your e-mail address", 1).await;
    let token = welcome.token("/verify-email").expect("a link in the mail");
    assert!(welcome.body.contains(&format!("{}/verify-email?token=", server.base)), "{}", welcome.body);
    anon.post("/api/v1/auth/email/verify", json!({"token": token})).await.expect(200);
    let me: Me = ada.get("/api/v1/me").await.expect(200).json();
    assert!(me.email_verified);
    let again = anon.post("/api/v1/auth/email/verify", json!({"token": token})).await.expect(400);
    assert_eq!(again.code(), "link_used");
    let forged = anon.post("/api/v1/auth/email/verify", json!({"token": "x".repeat(43)})).await.expect(400);
    assert_eq!(forged.code(), "invalid_link");
    let verified = ada.post("/api/v1/me/email/verification", json!({})).await.expect(422);
    assert_eq!(verified.code(), "already_verified");

    // A reset for an address without an account answers the same and mails nothing.
    anon.post("/api/v1/auth/password/forgot", json!({"email": "nobody@example.org"})).await.expect(202);
    anon.post("/api/v1/auth/password/forgot", json!({"email": "ADA@example.org"})).await.expect(202);
    let reset = mail.wait_for("ada@example.org", "Reset your Mingle password", 1).await;
    let reset_token = reset.token("/reset-password").expect("a reset link");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mail.count_to("nobody@example.org"), 0);

    let short = anon.post("/api/v1/auth/password/reset", json!({"token": reset_token, "new_password": "short"})).await;
    assert_eq!(short.expect(422).code(), "validation_failed");
    anon.post("/api/v1/auth/password/reset", json!({"token": reset_token, "new_password": "a brand new password"}))
        .await
        .expect(204);
    // Every session ended: the access token and the refresh token of the old sign-in.
    assert_eq!(ada.get("/api/v1/me").await.expect(401).code(), "session_revoked");
    let refresh = anon.post("/api/v1/auth/refresh", json!({"refresh_token": session.refresh_token})).await;
    assert_eq!(refresh.expect(401).code(), "refresh_token_reused");
    let replay = anon
        .post("/api/v1/auth/password/reset", json!({"token": reset_token, "new_password": "yet another one!"}))
        .await;
    assert_eq!(replay.expect(400).code(), "link_used");
    let old = anon.post("/api/v1/auth/login", json!({"email": "ada@example.org", "password": PASSWORD})).await;
    assert_eq!(old.expect(401).code(), "invalid_credentials");
    let phone = login(&server.client_as("Phone"), "ada@example.org", "a brand new password").await;
    let laptop = login(&server.client_as("Laptop"), "ada@example.org", "a brand new password").await;
    let phone_client = anon.with_token(&token_of(&phone));
    let laptop_client = anon.with_token(&token_of(&laptop));

    // Changing the password needs the current one, and signs out the other devices only.
    let wrong = phone_client
        .post("/api/v1/me/password", json!({"password": "not it at all", "new_password": "the third password"}))
        .await;
    assert_eq!(wrong.expect(403).code(), "wrong_password");
    let unconfirmed = phone_client.post("/api/v1/me/password", json!({"new_password": "the third password"})).await;
    assert_eq!(unconfirmed.expect(422).code(), "confirmation_required");
    phone_client
        .post("/api/v1/me/password", json!({"password": "a brand new password", "new_password": "the third password"}))
        .await
        .expect(204);
    phone_client.get("/api/v1/me").await.expect(200);
    assert_eq!(laptop_client.get("/api/v1/me").await.expect(401).code(), "session_revoked");
    mail.wait_for("ada@example.org", "password was changed", 1).await;

    // Moving to a new address: nothing changes until the link sent there is opened.
    let taken = server.client().register("Bea").await;
    drop(taken);
    phone_client
        .post("/api/v1/me/email", json!({"new_email": "bea@example.org", "password": "the third password"}))
        .await
        .expect(202);
    mail.wait_for("bea@example.org", "Someone tried to use this address", 1).await;
    phone_client
        .post("/api/v1/me/email", json!({"new_email": "ada@new.example", "password": "the third password"}))
        .await
        .expect(202);
    let notice = mail.wait_for("ada@example.org", "about to change", 2).await;
    assert!(notice.body.contains("ada@new.example"), "{}", notice.body);
    let change = mail.wait_for("ada@new.example", "Confirm your new e-mail address", 1).await;
    let me: Me = phone_client.get("/api/v1/me").await.expect(200).json();
    assert_eq!(me.email, "ada@example.org", "unchanged until the link is opened");
    let moved = anon
        .post("/api/v1/auth/email/verify", json!({"token": change.token("/verify-email").expect("link")}))
        .await
        .expect(200);
    assert_eq!(moved.body["email"], "ada@new.example");
    let me: Me = phone_client.get("/api/v1/me").await.expect(200).json();
    assert_eq!((me.email.as_str(), me.email_verified), ("ada@new.example", true));
    login(&anon, "ada@new.example", "the third password").await;
}

async fn sessions_end_everywhere_at_once(backend: Backend) {
    let node_a = TestServer::start(backend).await;
    let node_b = TestServer::start_on(node_a.db.clone(), &[]).await;
    let (_, registered) = node_a.client().register("Ada").await;
    let phone = login(&node_a.client_as("Mingle/1.0 (iPhone)"), "ada@example.org", PASSWORD).await;
    let laptop = login(&node_a.client_as("Mozilla/5.0 (X11; Linux x86_64)"), "ada@example.org", PASSWORD).await;
    let phone_client = node_a.client().with_token(&token_of(&phone));

    let list: SessionList = phone_client.get("/api/v1/me/sessions").await.expect(200).json();
    assert_eq!(list.items.len(), 3, "registering, the phone and the laptop");
    let current: Vec<_> = list.items.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].user_agent, "Mingle/1.0 (iPhone)");
    assert_eq!(current[0].address, "127.0.0.1");
    let laptop_session = list.items.iter().find(|s| s.user_agent.starts_with("Mozilla")).expect("the laptop").id;

    // The laptop is signed in on node B, with a live socket.
    let laptop_token = token_of(&laptop);
    let laptop_b = node_b.client().with_token(&laptop_token);
    laptop_b.get("/api/v1/me").await.expect(200);
    let mut socket = Ws::connect(&node_b.base, &laptop_token).await;
    assert!(socket.ping().await.is_ok());

    // Signed out from the phone, on node A: node B refuses the token and closes the socket.
    phone_client.delete(&format!("/api/v1/me/sessions/{laptop_session}")).await.expect(204);
    let started = std::time::Instant::now();
    assert_eq!(socket.closed().await, Some(4001), "the socket closes as signed out");
    let mut refused = false;
    while started.elapsed() < Duration::from_secs(5) {
        if laptop_b.get("/api/v1/me").await.status == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refused, "node B stops accepting the revoked session's token");
    eprintln!("revocation seen on the other node after {:?}", started.elapsed());
    assert_eq!(laptop_b.get("/api/v1/me").await.expect(401).code(), "session_revoked");
    assert!(Ws::try_connect(&node_b.base, Some(&laptop_token)).await.is_err(), "no new socket either");
    let refresh = node_b.client().post("/api/v1/auth/refresh", json!({"refresh_token": laptop["refresh_token"]})).await;
    assert_eq!(refresh.expect(401).code(), "refresh_token_reused");
    phone_client.delete(&format!("/api/v1/me/sessions/{laptop_session}")).await.expect(404);

    // Signing out every other device keeps this one.
    phone_client.delete("/api/v1/me/sessions").await.expect(204);
    let list: SessionList = phone_client.get("/api/v1/me/sessions").await.expect(200).json();
    assert_eq!(list.items.len(), 1);
    let first = node_a.client().with_token(&registered.access_token);
    assert_eq!(first.get("/api/v1/me").await.expect(401).code(), "session_revoked");

    // Logging out ends the access token too, not only the refresh token.
    node_a.client().post("/api/v1/auth/logout", json!({"refresh_token": phone["refresh_token"]})).await.expect(204);
    assert_eq!(phone_client.get("/api/v1/me").await.expect(401).code(), "session_revoked");
    node_b.stop().await;
    node_a.stop().await;
}

fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).expect("after 1970")
}

async fn a_second_factor_guards_sign_in(backend: Backend) {
    let server = TestServer::start_with(backend, &["--require-organizer-mfa"]).await;
    let anon = server.client();
    let (ada, _) = anon.register("Ada").await;
    let event = json!({"title": "Rust night", "starts_at": "2031-01-01T18:00:00Z", "ends_at": "2031-01-01T20:00:00Z",
        "timezone": "UTC", "online_url": "https://example.org/live"});
    let refused = ada.post("/api/v1/events", event.clone()).await.expect(403);
    assert_eq!(refused.code(), "mfa_required_for_organizers");

    // Enrolment: a secret, confirmed by the app's first code.
    let enrolment: TotpEnrolment = ada.post("/api/v1/me/totp", json!({})).await.expect(200).json();
    assert!(enrolment.otpauth_uri.starts_with("otpauth://totp/Mingle:ada%40example.org?secret="));
    let wrong = ada.post("/api/v1/me/totp/confirm", json!({"code": "000000"})).await;
    assert_eq!(wrong.expect(403).code(), "invalid_code");
    let code = totp::code_at(&enrolment.secret, now_secs()).expect("code");
    let codes: RecoveryCodes = ada.post("/api/v1/me/totp/confirm", json!({"code": code})).await.expect(200).json();
    assert_eq!(codes.codes.len(), 10);
    // The database holds the secret sealed, not as the app got it.
    let me: Me = ada.get("/api/v1/me").await.expect(200).json();
    let (stored, _, _) = server.store.totp_state(me.id).await.expect("read");
    let stored = stored.expect("a secret");
    assert!(stored.starts_with("v1:") && !stored.contains(&enrolment.secret), "{stored}");
    ada.post("/api/v1/events", event).await.expect(201);
    let again = ada.post("/api/v1/me/totp", json!({})).await.expect(409);
    assert_eq!(again.code(), "already_enrolled");

    // Sign-in: the password answers a ticket; the code answers the session.
    let challenge: MfaChallenge =
        serde_json::from_value(login(&anon, "ada@example.org", PASSWORD).await).expect("a challenge");
    assert!(challenge.mfa_required);
    let neither = anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket})).await.expect(422);
    assert_eq!(neither.code(), "code_required");
    let replayed = anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "code": code})).await;
    assert_eq!(replayed.expect(401).code(), "invalid_code", "the enrolment's code was used");
    let next = totp::code_at(&enrolment.secret, now_secs() + 30).expect("code");
    let session: Session =
        anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "code": next})).await.expect(200).json();
    assert!(session.user.totp_enabled);
    let reused = anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "code": next})).await;
    assert_eq!(reused.expect(401).code(), "ticket_used");

    // The same code never signs in twice.
    let challenge: MfaChallenge =
        serde_json::from_value(login(&anon, "ada@example.org", PASSWORD).await).expect("a challenge");
    let replay = anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "code": next})).await;
    assert_eq!(replay.expect(401).code(), "invalid_code");
    // A recovery code works once, typed any way.
    let recovery = codes.codes[0].to_uppercase().replace('-', " ");
    anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "recovery_code": recovery})).await.expect(200);
    let challenge: MfaChallenge =
        serde_json::from_value(login(&anon, "ada@example.org", PASSWORD).await).expect("a challenge");
    let spent =
        anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "recovery_code": codes.codes[0]})).await;
    assert_eq!(spent.expect(401).code(), "invalid_code");
    // A ticket takes a few wrong codes, then it is spent.
    for _ in 0..4 {
        anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "code": "123456"})).await.expect(401);
    }
    let exhausted =
        anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "recovery_code": codes.codes[1]})).await;
    assert_eq!(exhausted.expect(401).code(), "too_many_attempts");
    let forged = anon.post("/api/v1/auth/mfa", json!({"ticket": "not-a-ticket", "code": "123456"})).await;
    assert_eq!(forged.expect(401).code(), "invalid_ticket");

    // New recovery codes need a confirmation; the old ones stop working.
    let fresh: RecoveryCodes =
        ada.post("/api/v1/me/recovery-codes", json!({"password": PASSWORD})).await.expect(200).json();
    let challenge: MfaChallenge =
        serde_json::from_value(login(&anon, "ada@example.org", PASSWORD).await).expect("a challenge");
    let old = anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "recovery_code": codes.codes[2]})).await;
    assert_eq!(old.expect(401).code(), "invalid_code");
    anon.post("/api/v1/auth/mfa", json!({"ticket": challenge.ticket, "recovery_code": fresh.codes[0]}))
        .await
        .expect(200);

    // Removing the app needs a confirmation; then the password alone signs in again.
    let bare = ada.delete_with("/api/v1/me/totp", json!({})).await.expect(422);
    assert_eq!(bare.code(), "confirmation_required");
    ada.delete_with("/api/v1/me/totp", json!({"password": PASSWORD})).await.expect(204);
    let session: Session = serde_json::from_value(login(&anon, "ada@example.org", PASSWORD).await).expect("a session");
    assert!(!session.user.totp_enabled);
}

async fn export_then_delete(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ada, ada_session) = server.client().register("Ada").await;
    let (bob, bob_session) = server.client().register("Bob").await;
    let (carl, _) = server.client().register("Carl").await;
    let solo = ada.create_online_event("Ada's workshop", chrono::Duration::days(3), chrono::Duration::hours(2)).await;
    let shared =
        ada.create_online_event("Ada and Bob's meetup", chrono::Duration::days(4), chrono::Duration::hours(2)).await;
    let (solo, shared) = (solo["id"].as_str().expect("id"), shared["id"].as_str().expect("id"));
    ada.post(&format!("/api/v1/events/{shared}/organizers"), json!({"user_id": bob_session.user.id})).await.expect(200);
    carl.go_to(solo).await;
    ada.go_to(shared).await;
    ada.post("/api/v1/me/blocks", json!({"user_id": bob_session.user.id})).await.expect(201);
    let mut socket = Ws::connect(&server.base, &ada_session.access_token).await;
    let channel = format!("event:{solo}:chat");
    assert!(socket.subscribe(&channel, None).await.is_ok());
    assert!(socket.publish(&channel, "Welcome, everyone!").await.is_ok());

    let export = ada.get("/api/v1/me/export").await.expect(200);
    let disposition = export.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.starts_with("attachment; filename=\"mingle-export-"), "{disposition}");
    let export: AccountExport = export.json();
    assert_eq!(export.account.email, "ada@example.org");
    assert_eq!(export.events_organized.len(), 2);
    assert_eq!(export.rsvps.len(), 1);
    assert_eq!(export.blocks.len(), 1);
    assert_eq!(export.sessions.len(), 1);
    assert!(
        export.messages.iter().any(|m| m.text == "Welcome, everyone!" && m.channel == channel),
        "{:?}",
        export.messages
    );

    // Deleting needs the password.
    assert_eq!(ada.delete_with("/api/v1/me", json!({})).await.expect(422).code(), "confirmation_required");
    assert_eq!(ada.delete_with("/api/v1/me", json!({"password": "not it"})).await.expect(403).code(), "wrong_password");
    ada.delete_with("/api/v1/me", json!({"password": PASSWORD})).await.expect(204);

    // Tokens, sockets and the password end at once.
    assert_eq!(socket.closed().await, Some(4001));
    assert_eq!(ada.get("/api/v1/me").await.expect(401).code(), "session_revoked");
    let gone =
        server.client().post("/api/v1/auth/login", json!({"email": "ada@example.org", "password": PASSWORD})).await;
    assert_eq!(gone.expect(401).code(), "invalid_credentials");
    // The address is free again.
    server.client().register("Ada").await;

    // The event nobody else runs is cancelled, with an announcement; the shared one is Bob's.
    let event = carl.get(&format!("/api/v1/events/{solo}")).await.expect(200).body;
    assert!(event["cancelled_at"].is_string(), "{event}");
    let news = carl.get(&format!("/api/v1/events/{solo}/announcements")).await.expect(200).body;
    assert!(news["items"][0]["body"].as_str().unwrap_or_default().contains("cancelled"), "{news}");
    let rsvp = carl.post(&format!("/api/v1/events/{solo}/rsvp"), json!({"status": "going"})).await;
    assert_eq!(rsvp.expect(409).code(), "event_cancelled");
    let search = carl.get("/api/v1/events?q=workshop").await.expect(200).body;
    assert_eq!(search["items"].as_array().map(Vec::len), Some(0), "cancelled events leave search");
    let event = bob.get(&format!("/api/v1/events/{shared}")).await.expect(200).body;
    assert_eq!(event["organizer_ids"], json!([bob_session.user.id]), "{event}");
    assert_eq!(event["going_count"], 0, "Ada's RSVP was withdrawn");
    assert!(event["cancelled_at"].is_null());

    // What she wrote stays in the conversation, from "Deleted user".
    let history = carl.get(&format!("/api/v1/channels/{channel}/messages")).await.expect(200).body;
    assert!(history.to_string().contains("Welcome, everyone!"), "{history}");
}

async fn the_web_app_keeps_its_refresh_token_in_a_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", server.base);
    let registered = http
        .post(url("/api/v1/auth/register"))
        .header("x-refresh-cookie", "1")
        .json(&json!({"email": "ada@example.org", "password": PASSWORD, "display_name": "Ada"}))
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status(), 201);
    let set_cookie =
        registered.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    for part in ["mingle_refresh=", "HttpOnly", "SameSite=Strict", "Path=/api/v1/auth", "Max-Age="] {
        assert!(set_cookie.contains(part), "{part} missing from {set_cookie}");
    }
    let session: Session = registered.json().await.expect("session");
    assert_eq!(session.refresh_token, "", "the token is not in the body, where scripts could read it");
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();

    // Refreshing reads the cookie, but only with the header a cross-site page cannot send.
    let forged = http
        .post(url("/api/v1/auth/refresh"))
        .header("cookie", &cookie)
        .json(&json!({}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(forged.status(), 401, "no header, no cookie read");
    let elsewhere = http
        .post(url("/api/v1/auth/refresh"))
        .header("cookie", &cookie)
        .header("x-refresh-cookie", "1")
        .header("origin", "https://evil.example")
        .json(&json!({}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(elsewhere.status(), 403, "pages of other sites may not use the cookie");
    let refreshed = http
        .post(url("/api/v1/auth/refresh"))
        .header("cookie", &cookie)
        .header("x-refresh-cookie", "1")
        .header("origin", server.base.as_str())
        .json(&json!({}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(refreshed.status(), 200);
    let rotated = refreshed.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let rotated = rotated.split(';').next().expect("name=value").to_owned();
    assert_ne!(rotated, cookie, "rotated like any refresh token");
    let session: Session = refreshed.json().await.expect("session");
    server.client().with_token(&session.access_token).get("/api/v1/me").await.expect(200);

    // Logging out ends the session and clears the cookie.
    let out = http
        .post(url("/api/v1/auth/logout"))
        .header("cookie", &rotated)
        .header("x-refresh-cookie", "1")
        .json(&json!({}))
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 204);
    let cleared = out.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cleared.starts_with("mingle_refresh=;") && cleared.contains("Max-Age=0"), "{cleared}");
    let after = server.client().with_token(&session.access_token).get("/api/v1/me").await;
    assert_eq!(after.expect(401).code(), "session_revoked");
}
