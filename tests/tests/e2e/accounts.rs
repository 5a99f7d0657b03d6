//! Accounts over HTTP: register, login, refresh rotation, logout, profiles, blocks, limits.

use protocol::auth::Session;
use protocol::users::{Me, Profile};
use serde_json::json;
use tests::{Backend, TestServer};

on_both_backends!(
    session_lifecycle,
    profiles_and_visibility,
    login_is_rate_limited,
    strangers_cannot_lock_the_owner_out
);

async fn session_lifecycle(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();

    let registered: Session = anon
        .post(
            "/api/v1/auth/register",
            json!({"email": " Ada@Example.org ", "password": "correct horse battery", "display_name": "Ada"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(registered.user.email, "ada@example.org");
    assert_eq!(registered.token_type, "Bearer");
    let dup = anon
        .post(
            "/api/v1/auth/register",
            json!({"email": "ada@example.org", "password": "another password", "display_name": "A"}),
        )
        .await
        .expect(409);
    assert_eq!(dup.code(), "email_taken");

    let bad = anon.post("/api/v1/auth/login", json!({"email": "ada@example.org", "password": "wrong password"})).await;
    assert_eq!(bad.expect(401).code(), "invalid_credentials");
    let nobody = anon.post("/api/v1/auth/login", json!({"email": "nobody@example.org", "password": "whatever1"})).await;
    assert_eq!(nobody.expect(401).code(), "invalid_credentials", "unknown account looks like a wrong password");

    let login: Session = anon
        .post("/api/v1/auth/login", json!({"email": "ADA@example.org", "password": "correct horse battery"}))
        .await
        .expect(200)
        .json();
    assert_eq!(login.user.id, registered.user.id);
    let me: Me = anon.with_token(&login.access_token).get("/api/v1/me").await.expect(200).json();
    assert_eq!(me.display_name, "Ada");

    // Refresh rotates: the new token works once, the old one is refused and kills the session.
    let refreshed: Session =
        anon.post("/api/v1/auth/refresh", json!({"refresh_token": login.refresh_token})).await.expect(200).json();
    assert_ne!(refreshed.refresh_token, login.refresh_token);
    anon.with_token(&refreshed.access_token).get("/api/v1/me").await.expect(200);
    let replay = anon.post("/api/v1/auth/refresh", json!({"refresh_token": login.refresh_token})).await;
    assert_eq!(replay.expect(401).code(), "refresh_token_reused");
    let after = anon.post("/api/v1/auth/refresh", json!({"refresh_token": refreshed.refresh_token})).await;
    assert_eq!(after.expect(401).code(), "refresh_token_reused", "the whole family is revoked");

    // The registration session is a separate family and still works, until logout.
    let other: Session =
        anon.post("/api/v1/auth/refresh", json!({"refresh_token": registered.refresh_token})).await.expect(200).json();
    anon.post("/api/v1/auth/logout", json!({"refresh_token": other.refresh_token})).await.expect(204);
    anon.post("/api/v1/auth/logout", json!({"refresh_token": other.refresh_token})).await.expect(204);
    anon.post("/api/v1/auth/refresh", json!({"refresh_token": other.refresh_token})).await.expect(401);
    let unknown = anon.post("/api/v1/auth/refresh", json!({"refresh_token": "made-up"})).await.expect(401);
    assert_eq!(unknown.code(), "invalid_refresh_token");

    // Tokens: missing, garbage, and one signed by another server.
    assert_eq!(anon.get("/api/v1/me").await.expect(401).code(), "unauthorized");
    assert_eq!(anon.with_token("garbage").get("/api/v1/me").await.expect(401).code(), "invalid_token");
    // Every bearer check shares one parser: the scheme in any case, one or more spaces before the
    // token; a header that is not exactly one bearer token is invalid_token.
    let (_, bea) = anon.register("Bea").await;
    let me = |authorization: String| {
        let request =
            anon.http.get(format!("{}/api/v1/me", anon.base)).header(reqwest::header::AUTHORIZATION, authorization);
        async move {
            let response = request.send().await.expect("request sent");
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap_or_default()["error"]["code"].clone())
        }
    };
    assert_eq!(me(format!("bearer  {}", bea.access_token)).await.0, 200);
    assert_eq!(me(format!("Basic {}", bea.access_token)).await, (401, json!("invalid_token")));
    assert_eq!(me(format!("Bearer {} extra", bea.access_token)).await, (401, json!("invalid_token")));
    let elsewhere = TestServer::start(Backend::Sqlite).await;
    let (_, foreign) = elsewhere.client().register("Mallory").await;
    anon.with_token(&foreign.access_token).get("/api/v1/me").await.expect(401);

    let invalid = anon
        .post("/api/v1/auth/register", json!({"email": "not-an-email", "password": "short", "display_name": "  "}))
        .await
        .expect(422);
    let fields: Vec<&str> = invalid.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["email", "password", "display_name"]);
}

async fn profiles_and_visibility(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (ada, ada_s) = anon.register("Ada").await;
    let (bob, bob_s) = anon.register("Bob").await;

    let me: Me = ada
        .patch(
            "/api/v1/me",
            json!({"headline": "Compiler engineer", "interests": ["Rust", " Climate Tech ", "rust"],
                   "seeking": ["a co-founder with sales experience"], "offering": ["Rust mentoring"]}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(me.interests, ["rust", "climate-tech"]);
    assert_eq!(me.display_name, "Ada");
    let bad =
        ada.patch("/api/v1/me", json!({"bio": "x".repeat(2001), "interests": ["a/b"], "visibility": "everyone"})).await;
    assert_eq!(bad.status.as_u16(), 422, "{}", bad.body);

    let seen: Profile = bob.get(&format!("/api/v1/users/{}", ada_s.user.id)).await.expect(200).json();
    assert_eq!(seen.headline, "Compiler engineer");
    assert!(seen.interests.contains(&"rust".to_owned()));
    assert!(bob.get(&format!("/api/v1/users/{}", ada_s.user.id)).await.body.get("email").is_none(), "no e-mail leak");

    ada.patch("/api/v1/me", json!({"visibility": "hidden"})).await.expect(200);
    bob.get(&format!("/api/v1/users/{}", ada_s.user.id)).await.expect(404);
    ada.get(&format!("/api/v1/users/{}", ada_s.user.id)).await.expect(200);
    ada.patch("/api/v1/me", json!({"visibility": "public"})).await.expect(200);

    let blocked = ada.post("/api/v1/me/blocks", json!({"user_id": bob_s.user.id})).await.expect(201);
    assert_eq!(blocked.body["display_name"], json!(bob_s.user.display_name));
    bob.get(&format!("/api/v1/users/{}", ada_s.user.id)).await.expect(404);
    ada.get(&format!("/api/v1/users/{}", bob_s.user.id)).await.expect(404);
    let blocks = ada.get("/api/v1/me/blocks").await.expect(200);
    assert_eq!(blocks.body["items"][0]["user_id"], json!(bob_s.user.id));
    assert_eq!(blocks.body["items"][0]["display_name"], json!(bob_s.user.display_name), "whom to unblock");
    ada.post("/api/v1/me/blocks", json!({"user_id": ada_s.user.id})).await.expect(422);
    ada.post("/api/v1/me/blocks", json!({"user_id": uuid::Uuid::now_v7()})).await.expect(404);
    ada.delete(&format!("/api/v1/me/blocks/{}", bob_s.user.id)).await.expect(204);
    ada.delete(&format!("/api/v1/me/blocks/{}", bob_s.user.id)).await.expect(404);
    bob.get(&format!("/api/v1/users/{}", ada_s.user.id)).await.expect(200);
}

async fn login_is_rate_limited(backend: Backend) {
    let server = TestServer::start_with(backend, &["--login-per-account-per-minute", "3"]).await;
    let anon = server.client();
    anon.register("Eve").await;
    for _ in 0..3 {
        anon.post("/api/v1/auth/login", json!({"email": "eve@example.org", "password": "wrong password"}))
            .await
            .expect(401);
    }
    let limited =
        anon.post("/api/v1/auth/login", json!({"email": "eve@example.org", "password": "correct horse battery"})).await;
    assert_eq!(limited.clone().expect(429).code(), "rate_limited");
    let retry: u64 = limited.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    // Another account is unaffected.
    anon.register("Fay").await;
    anon.post("/api/v1/auth/login", json!({"email": "fay@example.org", "password": "correct horse battery"}))
        .await
        .expect(200);

    let server = TestServer::start_with(backend, &["--auth-per-address-per-minute", "2"]).await;
    let anon = server.client();
    anon.register("Gil").await;
    anon.post("/api/v1/auth/login", json!({"email": "gil@example.org", "password": "correct horse battery"}))
        .await
        .expect(200);
    let limited =
        anon.post("/api/v1/auth/login", json!({"email": "gil@example.org", "password": "correct horse battery"})).await;
    assert_eq!(limited.expect(429).code(), "rate_limited", "per address");
}

/// Guessing from one address blocks that address; a guessing network trips the account-wide
/// limit, which the owner's usual address does not count against.
async fn strangers_cannot_lock_the_owner_out(backend: Backend) {
    let server = TestServer::start_with(
        backend,
        &["--trust-forwarded-for", "--login-per-account-per-minute", "3", "--login-per-account-per-hour", "6"],
    )
    .await;
    let owner = server.client_from("192.0.2.1");
    owner.register("Ida").await;
    let login = |client: &tests::Client, password: &str| {
        let client = client.clone();
        let body = json!({"email": "ida@example.org", "password": password});
        async move { client.post("/api/v1/auth/login", body).await }
    };
    login(&owner, "correct horse battery").await.expect(200);

    let stranger = server.client_from("203.0.113.9");
    for _ in 0..3 {
        login(&stranger, "wrong password").await.expect(401);
    }
    assert_eq!(login(&stranger, "wrong password").await.expect(429).code(), "rate_limited");
    // Ten wrong passwords from anywhere else do not lock the owner out of their account...
    login(&owner, "correct horse battery").await.expect(200);
    let traveller = server.client_from("198.51.100.4");
    login(&traveller, "correct horse battery").await.expect(200);

    // ...nor does a network of addresses guessing together, for the addresses the owner uses;
    // new addresses wait for the account-wide limit.
    for i in 0..6 {
        let guesser = server.client_from(&format!("203.0.113.{}", 20 + i));
        let answer = login(&guesser, "wrong password").await;
        assert!(matches!(answer.status.as_u16(), 401 | 429), "{}", answer.status);
    }
    let newcomer = server.client_from("203.0.113.99");
    assert_eq!(login(&newcomer, "correct horse battery").await.expect(429).code(), "rate_limited");
    login(&owner, "correct horse battery").await.expect(200);
    login(&traveller, "correct horse battery").await.expect(200);
}
