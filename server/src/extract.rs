//! Request extractors whose rejections are [`ApiError`]s, and authentication.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// JSON body; malformed JSON, wrong types, a missing content type or an oversized body become
/// clean 4xx errors.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Path parameters; unparsable ones are a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query string; unparsable values are a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The signed-in user, from `Authorization: Bearer <access token>`.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub id: Uuid,
    /// The session (sign-in) of the token; `None` for tokens issued before sessions existed.
    pub session: Option<Uuid>,
}

/// The signed-in user when there is one. A token that is present but invalid is still a 401,
/// so a client never silently loses its identity.
#[derive(Debug, Clone, Copy)]
pub struct MaybeAuthUser(pub Option<Uuid>);

/// The token of an `Authorization: Bearer <token>` header, the one parser every bearer-token
/// check uses (user endpoints, the WebSocket upgrade, the operator endpoints). `Ok(None)` when
/// the header is absent, so each caller says in its own words what is missing; a header that is
/// there but not a bearer credential is a 401 `invalid_token`.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else { return Ok(None) };
    value
        .to_str()
        .ok()
        .and_then(parse_bearer)
        .map(Some)
        .ok_or_else(|| ApiError::Unauthorized("invalid_token", "expected `Authorization: Bearer <token>`".to_owned()))
}

/// Parses credentials as RFC 7235 §2.1 and RFC 6750 §2.1 write them: the scheme `Bearer` in any
/// case, one or more spaces, then one token68 (letters, digits, `-._~+/`, then `=` padding) and
/// nothing after it but trailing whitespace.
fn parse_bearer(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim_start_matches(' ').trim_end_matches([' ', '\t']);
    let body = token.trim_end_matches('=');
    let token68 = !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
    token68.then_some(token)
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers)?
            .ok_or_else(|| ApiError::unauthorized("sign in first: bearer token missing"))?;
        let claims = state.authenticate(token)?;
        Ok(Self { id: claims.user, session: claims.session })
    }
}

impl FromRequestParts<AppState> for MaybeAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match bearer_token(&parts.headers)? {
            Some(token) => Ok(Self(Some(state.authenticate(token)?.user))),
            None => Ok(Self(None)),
        }
    }
}

/// The client's IP address: the socket peer, or the last `X-Forwarded-For` hop when configured
/// to trust a load balancer. `None` when neither is known (in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.settings.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return Ok(Self(forwarded));
            }
        }
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::{bearer_token, parse_bearer, AUTHORIZATION};
    use crate::error::ApiError;

    #[test]
    fn the_scheme_is_case_insensitive() {
        for value in
            ["Bearer abc.def-ghi_jkl", "bearer abc.def-ghi_jkl", "BEARER abc.def-ghi_jkl", "bEaReR abc.def-ghi_jkl"]
        {
            assert_eq!(parse_bearer(value), Some("abc.def-ghi_jkl"), "{value}");
        }
    }

    #[test]
    fn spaces_before_the_token_and_padding_after_it_are_fine() {
        assert_eq!(parse_bearer("Bearer   tok"), Some("tok"));
        assert_eq!(parse_bearer("Bearer tok== "), Some("tok=="));
        assert_eq!(parse_bearer("Bearer a+b/c~d"), Some("a+b/c~d"));
    }

    #[test]
    fn anything_but_one_bearer_token68_is_refused() {
        for value in [
            "",
            "Bearer",
            "Bearer ",
            "Bearertok",
            "Basic dXNlcjpwYXNz",
            "Bearer two tokens",
            "Bearer tok,en",
            "Bearer ===",
            "Bearer =tok",
            "Bearer\ttok",
            "Token tok",
        ] {
            assert_eq!(parse_bearer(value), None, "{value:?}");
        }
    }

    #[test]
    fn a_missing_header_is_none_and_a_malformed_one_invalid_token() {
        let mut headers = HeaderMap::new();
        assert!(matches!(bearer_token(&headers), Ok(None)));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer tok"));
        assert!(matches!(bearer_token(&headers), Ok(Some("tok"))));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic dXNlcjpwYXNz"));
        assert!(matches!(bearer_token(&headers), Err(ApiError::Unauthorized("invalid_token", _))));
        headers.insert(AUTHORIZATION, HeaderValue::from_bytes(b"Bearer t\xc3\xb6k").expect("value"));
        assert!(matches!(bearer_token(&headers), Err(ApiError::Unauthorized("invalid_token", _))));
    }
}
