//! Passkeys over the API, answered by a software authenticator that signs like a real one
//! (P-256 keys, counters, user verification flag): registration, passkey sign-in, passkey as
//! the second factor, confirmation, and attempts to replay or swap answers.
//!
//! The software authenticator keeps no discoverable credentials, so for a sign-in without an
//! account named the test does what a phone's passkey would: picks the credential and reports
//! the account it was made for (its user handle, which is not signed). The browser tests do the
//! same with Chromium's own virtual authenticator.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use protocol::auth::{MfaChallenge, PasskeyAdded, PasskeyChallenge, SecurityOverview, Session};
use serde_json::{json, Value};
use tests::{Backend, Client, TestServer};
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs_proto::{CreationChallengeResponse, RequestChallengeResponse};

on_both_backends!(passkeys_sign_in_and_guard_the_account);

const PASSWORD: &str = "correct horse battery";

/// Pages at `http://localhost:<port>` are where a browser would run these ceremonies.
fn origin(server: &TestServer) -> Url {
    let port = Url::parse(&server.base).expect("base").port().expect("a port");
    Url::parse(&format!("http://localhost:{port}")).expect("origin")
}

async fn register_passkey(
    server: &TestServer,
    client: &Client,
    authenticator: &mut SoftPasskey,
    name: &str,
) -> (PasskeyChallenge, Value) {
    let challenge: PasskeyChallenge = client.post("/api/v1/me/passkeys/options", json!({})).await.expect(200).json();
    let mut options: CreationChallengeResponse = serde_json::from_value(challenge.options.clone()).expect("options");
    assert!(options.public_key.authenticator_selection.as_ref().is_some_and(|s| s.require_resident_key));
    // This authenticator cannot keep discoverable credentials; it makes an ordinary one.
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.require_resident_key = false;
    }
    let credential = authenticator.do_registration(origin(server), options).expect("registered");
    let answer = json!({"challenge_id": challenge.challenge_id, "credential": credential, "name": name});
    (challenge, answer)
}

/// Answers a sign-in challenge; `discover` names the credential and account the way a
/// discoverable passkey would.
fn sign(
    server: &TestServer,
    authenticator: &mut SoftPasskey,
    challenge: &PasskeyChallenge,
    discover: Option<(&str, uuid::Uuid)>,
) -> Value {
    let mut options = challenge.options.clone();
    if let Some((credential_id, _)) = discover {
        options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": credential_id}]);
    }
    let options: RequestChallengeResponse = serde_json::from_value(options).expect("options");
    let credential = authenticator.do_authentication(origin(server), options).expect("signed");
    let mut credential = serde_json::to_value(credential).expect("json");
    if let Some((_, user)) = discover {
        credential["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(user.as_bytes()));
    }
    json!({"challenge_id": challenge.challenge_id, "credential": credential})
}

async fn passkeys_sign_in_and_guard_the_account(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let providers = anon.get("/api/v1/auth/providers").await.expect(200).body;
    assert_eq!(providers["passkey_rp_id"], "localhost");
    let (ada, ada_session) = anon.register("Ada").await;
    let (bob, _) = anon.register("Bob").await;
    let mut phone = SoftPasskey::new(true);

    // Registering: the first passkey turns two-step sign-in on, with recovery codes.
    let (_, answer) = register_passkey(&server, &ada, &mut phone, "Phone").await;
    let added: PasskeyAdded = ada.post("/api/v1/me/passkeys", answer.clone()).await.expect(201).json();
    assert_eq!(added.passkey.name, "Phone");
    assert_eq!(added.recovery_codes.as_ref().map(Vec::len), Some(10));
    let credential_id = answer["credential"]["rawId"].as_str().expect("raw id").to_owned();
    // The same answer again: its challenge is spent.
    assert_eq!(ada.post("/api/v1/me/passkeys", answer.clone()).await.expect(403).code(), "invalid_challenge");
    // Bob's challenge answered with Ada's registration: the challenge inside does not match.
    let bobs: PasskeyChallenge = bob.post("/api/v1/me/passkeys/options", json!({})).await.expect(200).json();
    let swapped = json!({"challenge_id": bobs.challenge_id, "credential": answer["credential"], "name": "x"});
    assert_eq!(bob.post("/api/v1/me/passkeys", swapped).await.expect(403).code(), "passkey_failed");
    // And one account's challenge cannot be finished by another.
    let (adas, _) = register_passkey(&server, &ada, &mut SoftPasskey::new(true), "Laptop").await;
    let stolen = json!({"challenge_id": adas.challenge_id, "credential": {"id": "x"}, "name": "x"});
    assert_eq!(bob.post("/api/v1/me/passkeys", stolen).await.expect(403).code(), "invalid_challenge");
    // A second passkey issues no new codes; names are checked.
    let (_, laptop) = register_passkey(&server, &ada, &mut SoftPasskey::new(true), "Laptop").await;
    let second: PasskeyAdded = ada.post("/api/v1/me/passkeys", laptop).await.expect(201).json();
    assert!(second.recovery_codes.is_none());
    let long = ada.patch(&format!("/api/v1/me/passkeys/{}", second.passkey.id), json!({"name": "x".repeat(61)})).await;
    assert_eq!(long.expect(422).code(), "validation_failed");
    let renamed =
        ada.patch(&format!("/api/v1/me/passkeys/{}", second.passkey.id), json!({"name": "Work laptop"})).await;
    assert_eq!(renamed.expect(200).body["name"], "Work laptop");
    let overview: SecurityOverview = ada.get("/api/v1/me/security").await.expect(200).json();
    assert!(overview.two_step && !overview.totp_enabled);
    assert_eq!((overview.passkeys, overview.recovery_codes_left), (2, 10));
    let listed = ada.get("/api/v1/me/passkeys").await.expect(200).body;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(bob.get("/api/v1/me/passkeys").await.expect(200).body["items"], json!([]));

    // The password alone no longer signs in: the passkey finishes it.
    let email = ada_session.user.email.clone();
    let login = anon.post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await.expect(200);
    let mfa: MfaChallenge = login.json();
    assert_eq!(serde_json::to_value(&mfa.methods).expect("json"), json!(["passkey", "recovery_code"]));
    let challenge: PasskeyChallenge =
        anon.post("/api/v1/auth/passkey/options", json!({"ticket": mfa.ticket})).await.expect(200).json();
    let listed_ids = &challenge.options["publicKey"]["allowCredentials"];
    assert_eq!(listed_ids.as_array().map(Vec::len), Some(2), "{listed_ids}");
    let answer = sign(&server, &mut phone, &challenge, None);
    let signed_in: Session =
        anon.post("/api/v1/auth/mfa", json!({"ticket": mfa.ticket, "passkey": answer})).await.expect(200).json();
    assert_eq!(signed_in.user.id, ada_session.user.id);
    let again = anon.post("/api/v1/auth/mfa", json!({"ticket": mfa.ticket, "passkey": answer})).await;
    assert_eq!(again.expect(401).code(), "ticket_used");
    // A challenge made for one sign-in does not finish another.
    let other: MfaChallenge =
        anon.post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await.expect(200).json();
    let first: MfaChallenge =
        anon.post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await.expect(200).json();
    let for_first: PasskeyChallenge =
        anon.post("/api/v1/auth/passkey/options", json!({"ticket": first.ticket})).await.expect(200).json();
    let crossed = sign(&server, &mut phone, &for_first, None);
    let refused = anon.post("/api/v1/auth/mfa", json!({"ticket": other.ticket, "passkey": crossed})).await;
    assert_eq!(refused.expect(401).code(), "invalid_challenge");
    let none = anon.post("/api/v1/auth/mfa", json!({"ticket": other.ticket})).await;
    assert_eq!(none.expect(422).code(), "code_required");

    // A passkey alone signs in, no e-mail typed.
    let challenge: PasskeyChallenge = anon.post("/api/v1/auth/passkey/options", json!({})).await.expect(200).json();
    assert!(challenge.options["publicKey"]["allowCredentials"].as_array().is_none_or(Vec::is_empty));
    let answer = sign(&server, &mut phone, &challenge, Some((&credential_id, ada_session.user.id)));
    let session: Session = anon.post("/api/v1/auth/passkey", answer.clone()).await.expect(200).json();
    assert_eq!(session.user.id, ada_session.user.id);
    assert_eq!(anon.post("/api/v1/auth/passkey", answer).await.expect(401).code(), "invalid_challenge");
    // Claiming Ada's passkey for Bob's account gets nowhere.
    let challenge: PasskeyChallenge = anon.post("/api/v1/auth/passkey/options", json!({})).await.expect(200).json();
    let bob_id: protocol::users::Me = bob.get("/api/v1/me").await.expect(200).json();
    let claimed = sign(&server, &mut phone, &challenge, Some((&credential_id, bob_id.id)));
    assert_eq!(anon.post("/api/v1/auth/passkey", claimed).await.expect(401).code(), "passkey_not_recognized");
    // Not an answer at all: a clear refusal.
    let challenge: PasskeyChallenge = anon.post("/api/v1/auth/passkey/options", json!({})).await.expect(200).json();
    let junk = json!({"challenge_id": challenge.challenge_id, "credential": {"id": 7}});
    assert_eq!(anon.post("/api/v1/auth/passkey", junk).await.expect(401).code(), "passkey_failed");
    let bad_body =
        anon.send_raw(reqwest::Method::POST, "/api/v1/auth/passkey/options", Some("application/json"), b"{".to_vec());
    assert_eq!(bad_body.await.expect(400).code(), "invalid_json");

    // The export names them (no key material).
    let export = ada.get("/api/v1/me/export").await.expect(200).body;
    let names: Vec<&str> =
        export["passkeys"].as_array().expect("passkeys").iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["Phone", "Work laptop"]);
    assert!(!export.to_string().contains(&credential_id));

    // Removing a passkey needs proof; a passkey is one.
    let phone_id = added.passkey.id;
    let path = format!("/api/v1/me/passkeys/{phone_id}");
    assert_eq!(ada.delete_with(&path, json!({})).await.expect(422).code(), "confirmation_required");
    let challenge: PasskeyChallenge = ada.post("/api/v1/me/passkeys/challenge", json!({})).await.expect(200).json();
    let proof = sign(&server, &mut phone, &challenge, None);
    assert_eq!(bob.delete_with(&path, json!({"passkey": proof})).await.expect(403).code(), "invalid_challenge");
    let challenge: PasskeyChallenge = ada.post("/api/v1/me/passkeys/challenge", json!({})).await.expect(200).json();
    let proof = sign(&server, &mut phone, &challenge, None);
    ada.delete_with(&path, json!({"passkey": proof})).await.expect(204);
    ada.delete_with(&format!("/api/v1/me/passkeys/{}", second.passkey.id), json!({"password": PASSWORD}))
        .await
        .expect(204);
    // The last second factor gone, two-step sign-in is off and the codes with it.
    let overview: SecurityOverview = ada.get("/api/v1/me/security").await.expect(200).json();
    assert!(!overview.two_step);
    assert_eq!((overview.passkeys, overview.recovery_codes_left), (0, 0));
    let login = anon.post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await.expect(200);
    assert!(login.body["access_token"].is_string(), "{}", login.body);
    // The removed passkey no longer signs in.
    let challenge: PasskeyChallenge = anon.post("/api/v1/auth/passkey/options", json!({})).await.expect(200).json();
    let gone = sign(&server, &mut phone, &challenge, Some((&credential_id, ada_session.user.id)));
    assert_eq!(anon.post("/api/v1/auth/passkey", gone).await.expect(401).code(), "passkey_not_recognized");
}
