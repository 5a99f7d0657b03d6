//! Conflicts: requests refused because of the state things are in, each with a stable code for
//! programs and a sentence for people.
//!
//! The store raises most of them from inside its transactions ([`crate::store::StoreError`]);
//! handlers raise the few that depend on more than one row. Either way they reach the client
//! through [`crate::error::ApiError::Conflict`] as a 409 with `code()` and `message()`.

/// Why a request conflicts with the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// An account with the e-mail address exists.
    EmailTaken,
    /// The event is over, so its RSVPs are closed.
    EventEnded,
    /// The RSVP is checked in; it can no longer be withdrawn or switched away from going.
    AlreadyCheckedIn,
    /// There is no RSVP to withdraw.
    NoRsvp,
    /// Check-in is outside its window.
    CheckinClosed,
    /// Check-in needs a seat (RSVP going).
    NotGoing,
    /// The two people already have a pending meeting request at the event.
    AlreadyRequested,
    /// One of the two people has an accepted meeting overlapping the time.
    SlotTaken,
    /// The meeting's state or the actor's side does not allow the action.
    NotAllowed,
    /// The owner of an event is always one of its organizers.
    OwnerStays,
    /// Suggestions need the caller's matchmaking turned on.
    MatchmakingOff,
    /// A recommendation model is training already.
    AlreadyTraining,
    /// There is no TOTP enrolment waiting for its first code.
    NothingPending,
    /// A second factor is already enrolled.
    AlreadyEnrolled,
    /// The event was cancelled.
    EventCancelled,
    /// The identity at a provider already signs in to another account.
    IdentityTaken,
    /// Unlinking would leave the account with no way to sign in.
    LastSignInMethod,
    /// This authenticator already holds a passkey registered here.
    PasskeyExists,
    /// Two-step sign-in is off (no authenticator app, no passkey), so there is nothing to do.
    TwoStepOff,
    /// The account has no passkey to use.
    NoPasskeys,
}

impl Conflict {
    /// The stable code clients switch on; never changes once published.
    pub fn code(self) -> &'static str {
        match self {
            Self::EmailTaken => "email_taken",
            Self::EventEnded => "event_ended",
            Self::AlreadyCheckedIn => "already_checked_in",
            Self::NoRsvp => "no_rsvp",
            Self::CheckinClosed => "checkin_closed",
            Self::NotGoing => "not_going",
            Self::AlreadyRequested => "already_requested",
            Self::SlotTaken => "slot_taken",
            Self::NotAllowed => "not_allowed",
            Self::OwnerStays => "owner_stays",
            Self::MatchmakingOff => "matchmaking_off",
            Self::AlreadyTraining => "already_training",
            Self::NothingPending => "nothing_pending",
            Self::AlreadyEnrolled => "already_enrolled",
            Self::EventCancelled => "event_cancelled",
            Self::IdentityTaken => "identity_taken",
            Self::LastSignInMethod => "last_sign_in_method",
            Self::PasskeyExists => "passkey_exists",
            Self::TwoStepOff => "two_step_off",
            Self::NoPasskeys => "no_passkeys",
        }
    }

    /// What happened and what to do about it, in words a person understands.
    pub fn message(self) -> &'static str {
        match self {
            Self::EmailTaken => "An account with this e-mail address already exists. Sign in, or use another address.",
            Self::EventEnded => "This event has already ended, so RSVPs are closed.",
            Self::AlreadyCheckedIn => "You are already checked in, so this RSVP can no longer be withdrawn or changed.",
            Self::NoRsvp => "There is no RSVP to withdraw.",
            Self::CheckinClosed => {
                "Check-in is closed. It opens 24 hours before the event starts and closes when the event ends."
            }
            Self::NotGoing => "Only people holding a seat (RSVP going) can check in.",
            Self::AlreadyRequested => {
                "You two already have a pending meeting request at this event. Wait for the answer, or cancel it first."
            }
            Self::SlotTaken => "One of you already has a meeting at that time. Pick another time.",
            Self::NotAllowed => {
                "This meeting cannot change that way: the recipient accepts or declines a pending request, the \
                 requester can cancel it, and either of you can cancel an accepted meeting."
            }
            Self::OwnerStays => "The event's owner cannot be removed from its organizers.",
            Self::MatchmakingOff => {
                "Turn on matchmaking in your profile to get suggestions (PATCH /api/v1/me with {\"matchmaking\": true})."
            }
            Self::AlreadyTraining => "A recommendation model is training now. Try again when it is done.",
            Self::NothingPending => {
                "There is no authenticator app waiting to be confirmed. Start again from adding an authenticator app."
            }
            Self::AlreadyEnrolled => {
                "An authenticator app is already set up for this account. Remove it first to set up another one."
            }
            Self::EventCancelled => "This event was cancelled, so RSVPs and check-in are closed.",
            Self::IdentityTaken => {
                "That account at the provider already signs in to another Mingle account. Sign in with it there, or \
                 unlink it first."
            }
            Self::LastSignInMethod => {
                "This is your only way to sign in. Set a password (through \"Forgot password\"), add a passkey or \
                 link another provider first."
            }
            Self::PasskeyExists => "This device already holds a passkey for Mingle. Use that one, or remove it first.",
            Self::TwoStepOff => "Two-step sign-in is off. Set up an authenticator app or add a passkey first.",
            Self::NoPasskeys => "This account has no passkey yet. Add one on your account's security page first.",
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::Conflict;

    /// Every variant. A new one breaks the exhaustive match in `listed` until it is added here too.
    const ALL: [Conflict; 20] = [
        Conflict::EmailTaken,
        Conflict::EventEnded,
        Conflict::AlreadyCheckedIn,
        Conflict::NoRsvp,
        Conflict::CheckinClosed,
        Conflict::NotGoing,
        Conflict::AlreadyRequested,
        Conflict::SlotTaken,
        Conflict::NotAllowed,
        Conflict::OwnerStays,
        Conflict::MatchmakingOff,
        Conflict::AlreadyTraining,
        Conflict::NothingPending,
        Conflict::AlreadyEnrolled,
        Conflict::EventCancelled,
        Conflict::IdentityTaken,
        Conflict::LastSignInMethod,
        Conflict::PasskeyExists,
        Conflict::TwoStepOff,
        Conflict::NoPasskeys,
    ];

    fn listed(c: Conflict) -> bool {
        match c {
            Conflict::EmailTaken
            | Conflict::EventEnded
            | Conflict::AlreadyCheckedIn
            | Conflict::NoRsvp
            | Conflict::CheckinClosed
            | Conflict::NotGoing
            | Conflict::AlreadyRequested
            | Conflict::SlotTaken
            | Conflict::NotAllowed
            | Conflict::OwnerStays
            | Conflict::MatchmakingOff
            | Conflict::AlreadyTraining
            | Conflict::NothingPending
            | Conflict::AlreadyEnrolled
            | Conflict::EventCancelled
            | Conflict::IdentityTaken
            | Conflict::LastSignInMethod
            | Conflict::PasskeyExists
            | Conflict::TwoStepOff
            | Conflict::NoPasskeys => ALL.contains(&c),
        }
    }

    #[test]
    fn every_conflict_has_its_own_code_and_a_sentence() {
        let mut codes = HashSet::new();
        for c in ALL {
            assert!(listed(c));
            let (code, message) = (c.code(), c.message());
            assert!(codes.insert(code), "{code} used twice");
            assert!(!code.is_empty() && code.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{code}");
            assert!(message.len() > code.len() && message != code, "{code}: {message}");
            assert!(!message.eq_ignore_ascii_case("conflict"), "{code}");
            assert!(message.starts_with(|ch: char| ch.is_uppercase()) && message.ends_with('.'), "{code}: {message}");
        }
    }
}
