//! Signing in, signing up and linking through a real OpenID Provider (oidc-provider, run by
//! Node), followed as a browser follows it: Mingle's start, the provider's login page, the
//! provider's redirect back to Mingle's callback.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use protocol::auth::{IdentityList, LoginAnswer, ProviderList, ProviderRedirect, Session};
use serde_json::json;
use sha2::{Digest, Sha256};
use tests::services::{browser, through_provider, MailServer, OidcProvider};
use tests::{Backend, TestServer};

on_both_backends!(
    provider_sign_in_sign_up_and_linking,
    an_app_signs_in_with_its_own_pkce,
    a_provider_takes_over_a_waiting_sign_up_without_its_password
);

const APP_REDIRECT: &str = "com.example.mingle:/signed-in";

/// A Mingle node with the test provider configured, and the provider.
async fn node_and_provider(backend: Backend) -> (TestServer, OidcProvider) {
    node_and_provider_with(backend, &[]).await
}

/// [`node_and_provider`] with more options for the node. The node must know the provider's port
/// before the provider can start, so should that port be taken in between, both start again.
async fn node_and_provider_with(backend: Backend, extra: &[&str]) -> (TestServer, OidcProvider) {
    let mut last = String::new();
    for _ in 0..3 {
        let port = tests::services::free_port();
        let issuer = format!("http://127.0.0.1:{port}");
        let providers = format!("id=test,name=Test ID,issuer={issuer},client_id=mingle-test,client_secret=test-secret");
        let mut args = vec!["--oidc-providers", &providers, "--app-redirect-uris", APP_REDIRECT];
        args.extend_from_slice(extra);
        let server = TestServer::start_with(backend, &args).await;
        let callback = format!("{}/api/v1/auth/oidc/test/callback", server.base);
        match OidcProvider::start_on(port, "mingle-test", "test-secret", &callback).await {
            Ok(provider) => return (server, provider),
            Err(why) => last = why,
        }
    }
    panic!("the OpenID Provider did not start: {last}");
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Signs in through the provider as `login` from a fresh browser; answers where Mingle sent the
/// browser and the session its cookie restores (when it set one).
async fn sign_in_as(server: &TestServer, login: &str) -> (String, Option<Session>) {
    let browser = browser();
    let back = through_provider(&browser, &format!("{}/api/v1/auth/oidc/test/start", server.base), login).await;
    assert_eq!(back.status(), 303, "Mingle answers the callback with a redirect");
    let to = location(&back);
    if to != "/" {
        return (to, None);
    }
    let cookie = back.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let restored = browser
        .post(format!("{}/api/v1/auth/refresh", server.base))
        .header("x-refresh-cookie", "1")
        .json(&json!({}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(restored.status(), 200, "the web app restores the session from its cookie");
    (to, Some(restored.json().await.expect("session")))
}

async fn provider_sign_in_sign_up_and_linking(backend: Backend) {
    let (server, _provider) = node_and_provider(backend).await;
    let anon = server.client();
    let providers: ProviderList = anon.get("/api/v1/auth/providers").await.expect(200).json();
    assert_eq!(providers.items.len(), 1);
    assert_eq!((providers.items[0].id.as_str(), providers.items[0].name.as_str()), ("test", "Test ID"));
    assert_eq!(anon.get("/api/v1/auth/oidc/nope/start").await.expect(404).code(), "unknown_provider");

    // A newcomer signs up in two clicks: the account exists, verified, without a password.
    let (to, session) = sign_in_as(&server, "nia").await;
    assert_eq!(to, "/");
    let nia = session.expect("signed in");
    assert_eq!((nia.user.email.as_str(), nia.user.display_name.as_str()), ("nia@example.org", "Nia Newcomer"));
    assert!(nia.user.email_verified);
    let nia_client = anon.with_token(&nia.access_token);
    let identities: IdentityList = nia_client.get("/api/v1/me/identities").await.expect(200).json();
    assert_eq!(identities.items.len(), 1);
    assert_eq!((identities.items[0].provider_name.as_str(), identities.has_password), ("Test ID", false));
    let no_password = anon.post("/api/v1/auth/login", json!({"email": "nia@example.org", "password": ""})).await;
    assert_eq!(no_password.expect(401).code(), "invalid_credentials");
    let last = nia_client.delete("/api/v1/me/identities/test").await.expect(409);
    assert_eq!(last.code(), "last_sign_in_method");
    // Signing in again finds the same account.
    let (_, again) = sign_in_as(&server, "nia").await;
    assert_eq!(again.expect("signed in").user.id, nia.user.id);

    // An account whose address is not verified is never joined by a provider's word: it may be
    // someone else's pre-registration.
    let (ada, ada_session) = anon.register("Ada").await;
    let (to, _) = sign_in_as(&server, "ada").await;
    assert_eq!(to, "/signin?provider_error=unverified_email");
    server.store.mark_email_verified(ada_session.user.id, "ada@example.org").await.expect("verify");
    let (_, joined) = sign_in_as(&server, "ada").await;
    assert_eq!(joined.expect("signed in").user.id, ada_session.user.id, "the verified addresses match");
    let identities: IdentityList = ada.get("/api/v1/me/identities").await.expect(200).json();
    assert!(identities.has_password);
    // A provider that does not vouch for the address gets nobody in, and makes no account.
    let (to, _) = sign_in_as(&server, "eve").await;
    assert_eq!(to, "/signin?provider_error=unverified_email");
    let (_bob, bob_session) = anon.register("Bob").await;
    server.store.mark_email_verified(bob_session.user.id, "bob@example.org").await.expect("verify");
    let (to, _) = sign_in_as(&server, "mallory").await;
    assert_eq!(to, "/signin?provider_error=unverified_email", "an unverified claim to Bob's address");

    // Linking from a signed-in profile: an identity already linked elsewhere is refused.
    let link: ProviderRedirect = ada.post("/api/v1/auth/oidc/test/link", json!({})).await.expect(200).json();
    let linking = browser();
    let back = through_provider(&linking, &link.url, "nia").await;
    assert_eq!(location(&back), "/account/security?link_error=identity_taken");
    // Unlinking needs another way in: Ada has her password.
    ada.delete("/api/v1/me/identities/test").await.expect(204);
    ada.delete("/api/v1/me/identities/test").await.expect(404);
    let link: ProviderRedirect = ada.post("/api/v1/auth/oidc/test/link", json!({})).await.expect(200).json();
    // A fresh browser: the provider remembers who signed in last in the other one.
    let back = through_provider(&browser(), &link.url, "ada").await;
    assert_eq!(location(&back), "/account/security?linked=test");

    // The provider's redirect back works once, and only with the state Mingle made.
    let person = browser();
    let start = format!("{}/api/v1/auth/oidc/test/start", server.base);
    let back = through_provider(&person, &start, "nia").await;
    assert_eq!(location(&back), "/");
    let replay = person.get(back.url().as_str()).send().await.expect("replay");
    assert_eq!(location(&replay), "/signin?provider_error=state_mismatch");
    let forged = person
        .get(format!("{}/api/v1/auth/oidc/test/callback?code=abc&state=forged", server.base))
        .send()
        .await
        .expect("forged");
    assert_eq!(location(&forged), "/signin?provider_error=state_mismatch");
    let declined = person
        .get(format!("{}/api/v1/auth/oidc/test/callback?error=access_denied&state=x", server.base))
        .send()
        .await
        .expect("declined");
    assert_eq!(location(&declined), "/signin?provider_error=state_mismatch");
}

async fn an_app_signs_in_with_its_own_pkce(backend: Backend) {
    let (server, _provider) = node_and_provider(backend).await;
    let verifier = "a-very-long-random-code-verifier-of-the-app-0123456789";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let start = format!(
        "{}/api/v1/auth/oidc/test/start?redirect_uri={APP_REDIRECT}&code_challenge={challenge}&code_challenge_method=S256",
        server.base
    );
    let back = through_provider(&browser(), &start, "nia").await;
    let to = location(&back);
    let code = to.strip_prefix(&format!("{APP_REDIRECT}?code=")).unwrap_or_else(|| panic!("to the app: {to}"));
    let anon = server.client();
    let wrong = anon.post("/api/v1/auth/oidc/token", json!({"code": code, "code_verifier": "not the verifier"})).await;
    assert_eq!(wrong.expect(400).code(), "invalid_code", "a wrong verifier spends the code");

    let back = through_provider(&browser(), &start, "nia").await;
    let to = location(&back);
    let code = to.strip_prefix(&format!("{APP_REDIRECT}?code=")).expect("a code").to_owned();
    let answer: LoginAnswer =
        anon.post("/api/v1/auth/oidc/token", json!({"code": code, "code_verifier": verifier})).await.expect(200).json();
    let LoginAnswer::Session(session) = answer else { panic!("a session") };
    assert!(!session.refresh_token.is_empty(), "apps keep their token pair");
    assert_eq!(session.user.email, "nia@example.org");
    let again = anon.post("/api/v1/auth/oidc/token", json!({"code": code, "code_verifier": verifier})).await;
    assert_eq!(again.expect(400).code(), "invalid_code", "a code works once");

    let elsewhere = anon
        .get(&format!(
            "/api/v1/auth/oidc/test/start?redirect_uri=https://evil.example/cb&code_challenge={challenge}&code_challenge_method=S256"
        ))
        .await;
    assert_eq!(elsewhere.expect(422).code(), "invalid_redirect_uri");
    let plain = anon.get(&format!("/api/v1/auth/oidc/test/start?redirect_uri={APP_REDIRECT}")).await;
    assert_eq!(plain.expect(422).code(), "code_challenge_required");
}

/// Someone registers Ada's address before she ever comes (verify-first sign-up, with mail): when
/// Ada signs in through a provider that vouches for the address, the waiting account becomes
/// hers, and the password chosen in advance opens nothing.
async fn a_provider_takes_over_a_waiting_sign_up_without_its_password(backend: Backend) {
    let mail = MailServer::start().await;
    let (server, _provider) = node_and_provider_with(backend, &["--smtp-url", &mail.url()]).await;
    let anon = server.client();
    let planted = json!({"email": "ada@example.org", "password": "chosen in advance", "display_name": "Ada"});
    anon.post("/api/v1/auth/register", planted).await.expect(202);
    let link = mail.wait_for("ada@example.org", "Confirm your e-mail address", 1).await;
    let waiting = anon.post("/api/v1/auth/login", json!({"email": "ada@example.org", "password": "chosen in advance"}));
    assert_eq!(waiting.await.expect(403).code(), "email_not_verified");

    let (to, session) = sign_in_as(&server, "ada").await;
    assert_eq!(to, "/", "signed in, not refused as email_taken or unverified_email");
    let ada = session.expect("signed in");
    assert_eq!(ada.user.email, "ada@example.org");
    assert!(ada.user.email_verified);
    let identities: IdentityList =
        anon.with_token(&ada.access_token).get("/api/v1/me/identities").await.expect(200).json();
    assert_eq!((identities.items.len(), identities.has_password), (1, false), "the planted password is gone");
    let planted = anon.post("/api/v1/auth/login", json!({"email": "ada@example.org", "password": "chosen in advance"}));
    assert_eq!(planted.await.expect(401).code(), "invalid_credentials");
    // The link mailed for the planted sign-up confirms an address already confirmed: no session.
    let token = link.token("/verify-email").expect("a link");
    let opened = anon.post("/api/v1/auth/email/verify", json!({"token": token})).await.expect(200);
    assert!(opened.body.get("session").is_none(), "{}", opened.body);
    let (_, again) = sign_in_as(&server, "ada").await;
    assert_eq!(again.expect("signed in").user.id, ada.user.id, "the same account each time");
}
