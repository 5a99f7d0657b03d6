//! Verify-first sign-up against a real SMTP server (aiosmtpd): registering answers alike for a
//! new and a taken address, the waiting account opens only through its mailed link (or a reset
//! link), and a second sign-up for a waiting address never keeps a password nobody proved.

use std::time::Duration;

use protocol::auth::{EmailVerified, Session, SignupPending};
use protocol::users::Me;
use serde_json::{json, Value};
use tests::services::{MailServer, ReceivedMail};
use tests::{Backend, Client, Reply, TestServer};

on_both_backends!(
    taken_and_new_addresses_answer_alike,
    a_waiting_sign_up_opens_only_through_its_mail,
    a_repeated_sign_up_keeps_no_unproved_password
);

const PASSWORD: &str = "correct horse battery";

/// A server with mail, so sign-up confirms the address first (the default with SMTP).
async fn mail_server_and_node(backend: Backend) -> (MailServer, TestServer) {
    let mail = MailServer::start().await;
    let server = TestServer::start_with(backend, &["--smtp-url", &mail.url()]).await;
    (mail, server)
}

async fn register(client: &Client, email: &str, password: &str, name: &str) -> Reply {
    client.post("/api/v1/auth/register", json!({"email": email, "password": password, "display_name": name})).await
}

async fn login(client: &Client, email: &str, password: &str) -> Reply {
    client.post("/api/v1/auth/login", json!({"email": email, "password": password})).await
}

/// Opens the link of `mail` (its `/verify-email` token) and answers what it did.
async fn open_link(client: &Client, mail: &ReceivedMail) -> Reply {
    let token = mail.token("/verify-email").unwrap_or_else(|| panic!("a link in {mail:?}"));
    client.post("/api/v1/auth/email/verify", json!({"token": token})).await
}

/// Signs `name` up through the mail: registers, opens the link, answers the session.
async fn sign_up(mail: &MailServer, client: &Client, email: &str, name: &str) -> Session {
    register(client, email, PASSWORD, name).await.expect(202);
    let link = mail.wait_for(email, "Confirm your e-mail address", 1).await;
    let verified: EmailVerified = open_link(client, &link).await.expect(200).json();
    verified.session.expect("finishing a sign-up signs in")
}

async fn taken_and_new_addresses_answer_alike(backend: Backend) {
    let (mail, server) = mail_server_and_node(backend).await;
    let anon = server.client();
    let bea = sign_up(&mail, &anon, "bea@example.org", "Bea").await;

    // The same status and the same body (but for the address), whoever has an account.
    let new = register(&anon, "ada@example.org", PASSWORD, "Ada").await;
    let taken = register(&anon, "BEA@example.org", "another password", "Not Bea").await;
    assert_eq!(new.status, taken.status);
    assert_eq!(new.status.as_u16(), 202);
    assert_eq!(new.body, json!({"email": "ada@example.org", "verification_required": true}));
    assert_eq!(taken.body, json!({"email": "bea@example.org", "verification_required": true}));
    let pending: SignupPending = taken.json();
    assert!(pending.verification_required);
    let keys = |reply: &Reply| reply.body.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(keys(&new), keys(&taken));
    assert_eq!(new.headers.get("set-cookie"), None);
    assert_eq!(taken.headers.get("set-cookie"), None);

    // Only the mailbox tells: the owner hears that someone tried, and nothing changed.
    let notice = mail.wait_for("bea@example.org", "Someone tried to sign up", 1).await;
    assert!(notice.body.contains("Someone tried to create a Mingle account with this address"), "{}", notice.body);
    assert!(notice.body.contains(&format!("{}/forgot-password", server.base)), "{}", notice.body);
    assert_eq!(notice.token("/verify-email"), None, "no link that would change anything");
    login(&anon, "bea@example.org", PASSWORD).await.expect(200);
    assert_eq!(login(&anon, "bea@example.org", "another password").await.expect(401).code(), "invalid_credentials");
    let me: Me = anon.with_token(&bea.access_token).get("/api/v1/me").await.expect(200).json();
    assert_eq!(me.display_name, "Bea");

    // Ada waits for her link: the right password says so, a wrong one says what it always says.
    let waiting = login(&anon, "ada@example.org", PASSWORD).await.expect(403);
    assert_eq!(waiting.code(), "email_not_verified");
    let wrong = login(&anon, "ada@example.org", "not her password").await.expect(401);
    let nobody = login(&anon, "nobody@example.org", "not her password").await.expect(401);
    assert_eq!((wrong.code(), nobody.code()), ("invalid_credentials", "invalid_credentials"));
    assert_eq!(wrong.body, nobody.body);

    // Without mail, sign-up is immediate and a taken address is refused, as before.
    let plain = TestServer::start(backend).await;
    plain.client().register("Cy").await;
    let dup = register(&plain.client(), "cy@example.org", PASSWORD, "Cy").await.expect(409);
    assert_eq!(dup.code(), "email_taken");
}

async fn a_waiting_sign_up_opens_only_through_its_mail(backend: Backend) {
    let (mail, server) = mail_server_and_node(backend).await;
    let anon = server.client();
    let ada = register(&anon, "ada@example.org", PASSWORD, "Ada").await.expect(202);
    assert_eq!(ada.json::<SignupPending>().email, "ada@example.org");
    let first = mail.wait_for("ada@example.org", "Confirm your e-mail address", 1).await;
    assert!(first.body.contains(&format!("{}/verify-email?token=", server.base)), "{}", first.body);

    // A new link, on request: only for an address with a sign-up waiting, answered alike.
    let resend = |email: &str| anon.post("/api/v1/auth/email/resend", json!({"email": email}));
    assert_eq!(resend("ada@example.org").await.expect(202).body, Value::Null);
    let second = mail.wait_for("ada@example.org", "Confirm your e-mail address", 2).await;
    assert_eq!(resend("nobody@example.org").await.expect(202).body, Value::Null);
    assert_eq!(resend("not an address").await.expect(422).code(), "validation_failed");
    // Only the newest link works.
    assert_eq!(open_link(&anon, &first).await.expect(400).code(), "invalid_link");

    // In the web app's cookie mode, the link signs in with the refresh token in the cookie.
    let token = second.token("/verify-email").expect("a link");
    let opened = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/email/verify", server.base))
        .header("x-refresh-cookie", "1")
        .json(&json!({"token": token}))
        .send()
        .await
        .expect("verify");
    assert_eq!(opened.status(), 200);
    let cookie = opened.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.starts_with("mingle_refresh=") && cookie.contains("HttpOnly"), "{cookie}");
    let verified: EmailVerified = opened.json().await.expect("body");
    assert_eq!(verified.email, "ada@example.org");
    let session = verified.session.expect("a session");
    assert_eq!(session.refresh_token, "", "the token is in the cookie");
    assert!(session.user.email_verified);
    let me: Me = anon.with_token(&session.access_token).get("/api/v1/me").await.expect(200).json();
    assert_eq!((me.email.as_str(), me.email_verified), ("ada@example.org", true));
    // Links work once; the account now signs in with its password, and asks for no new link.
    assert_eq!(anon.post("/api/v1/auth/email/verify", json!({"token": token})).await.expect(400).code(), "link_used");
    login(&anon, "ada@example.org", PASSWORD).await.expect(200);
    resend("ada@example.org").await.expect(202);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mail.count_to("nobody@example.org"), 0);
    assert_eq!(mail.count_to("ada@example.org"), 2, "no link for an account in use");

    // A reset link proves the mailbox too: it finishes a waiting sign-up.
    register(&anon, "carl@example.org", PASSWORD, "Carl").await.expect(202);
    mail.wait_for("carl@example.org", "Confirm your e-mail address", 1).await;
    anon.post("/api/v1/auth/password/forgot", json!({"email": "carl@example.org"})).await.expect(202);
    let reset = mail.wait_for("carl@example.org", "Reset your Mingle password", 1).await;
    let reset_token = reset.token("/reset-password").expect("a reset link");
    anon.post("/api/v1/auth/password/reset", json!({"token": reset_token, "new_password": "a brand new password"}))
        .await
        .expect(204);
    let session: Session = login(&anon, "carl@example.org", "a brand new password").await.expect(200).json();
    assert!(session.user.email_verified);
    assert_eq!(login(&anon, "carl@example.org", PASSWORD).await.expect(401).code(), "invalid_credentials");
}

async fn a_repeated_sign_up_keeps_no_unproved_password(backend: Backend) {
    let (mail, server) = mail_server_and_node(backend).await;
    let anon = server.client();

    // Registering again with the same password (the first mail never came): a fresh link.
    register(&anon, "dee@example.org", PASSWORD, "Dee").await.expect(202);
    register(&anon, "dee@example.org", PASSWORD, "Dee").await.expect(202);
    let fresh = mail.wait_for("dee@example.org", "Confirm your e-mail address", 2).await;
    let session = open_link(&anon, &fresh).await.expect(200).json::<EmailVerified>().session.expect("a session");
    assert_eq!(session.user.display_name, "Dee");
    login(&anon, "dee@example.org", PASSWORD).await.expect(200);

    // Mallory registers Eve's address first; Eve signs up later with her own password. Neither
    // password is kept: the earlier link is dead, and Eve chooses hers through her mailbox.
    let mallory = register(&anon, "eve@example.org", "mallory's password", "Eve").await.expect(202);
    let planted = mail.wait_for("eve@example.org", "Confirm your e-mail address", 1).await;
    let eve = register(&anon, "eve@example.org", "eve's own password", "Eve").await.expect(202);
    assert_eq!(mallory.body, eve.body);
    let finish = mail.wait_for("eve@example.org", "Finish signing up", 1).await;
    assert!(!finish.body.contains("Hello Eve"), "names nobody: {}", finish.body);
    assert_eq!(open_link(&anon, &planted).await.expect(400).code(), "invalid_link");
    let waiting = login(&anon, "eve@example.org", "mallory's password").await.expect(403);
    assert_eq!(waiting.code(), "email_not_verified");
    // Asking for a new link gets the same kind: one that chooses the password.
    anon.post("/api/v1/auth/email/resend", json!({"email": "eve@example.org"})).await.expect(202);
    let finish = mail.wait_for("eve@example.org", "Finish signing up", 2).await;
    let token = finish.token("/reset-password").expect("a link to choose the password");
    anon.post("/api/v1/auth/password/reset", json!({"token": token, "new_password": "eve's chosen password"}))
        .await
        .expect(204);
    let session: Session = login(&anon, "eve@example.org", "eve's chosen password").await.expect(200).json();
    assert!(session.user.email_verified);
    for old in ["mallory's password", "eve's own password"] {
        assert_eq!(login(&anon, "eve@example.org", old).await.expect(401).code(), "invalid_credentials");
    }
}
