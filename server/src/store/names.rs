//! The wire's enums (RSVP status, profile and event visibility, meeting status) as the database
//! stores them: by their `as_str` names in TEXT columns. Rows and store methods carry the enums
//! from `protocol`; the names exist only at the SQL boundary, here and in SQL text.

use protocol::events::{EventVisibility, RsvpStatus};
use protocol::meetings::MeetingStatus;
use protocol::users::ProfileVisibility;

/// A TEXT column holding one of an enum's names. Row structs read such a column into the enum
/// with `#[sqlx(try_from = "Name")]`, so a name the enum does not know is a decode error instead
/// of a string carried along.
#[derive(Debug, sqlx::Type)]
#[sqlx(transparent)]
pub struct Name(String);

macro_rules! stored_by_name {
    ($($ty:ident),*) => {$(
        impl TryFrom<Name> for $ty {
            type Error = String;

            fn try_from(name: Name) -> Result<Self, String> {
                $ty::parse(&name.0).ok_or_else(|| format!("unknown {} {:?} in the database", stringify!($ty), name.0))
            }
        }
    )*};
}

stored_by_name!(RsvpStatus, ProfileVisibility, EventVisibility, MeetingStatus);

/// Reads a name decoded outside a row struct (in a tuple, or alone) as `T`.
pub(crate) fn parse<T: TryFrom<Name, Error = String>>(name: Name) -> Result<T, sqlx::Error> {
    T::try_from(name).map_err(|e| sqlx::Error::Decode(e.into()))
}

#[cfg(test)]
mod tests {
    use protocol::events::RsvpStatus;
    use protocol::users::ProfileVisibility;

    use super::{parse, Name};

    #[test]
    fn names_read_back_as_the_enum_and_unknown_ones_are_errors() {
        for status in [RsvpStatus::Going, RsvpStatus::Interested, RsvpStatus::Waitlisted] {
            assert_eq!(parse::<RsvpStatus>(Name(status.as_str().to_owned())).ok(), Some(status));
        }
        assert!(parse::<RsvpStatus>(Name("maybe".to_owned())).is_err());
        assert!(parse::<ProfileVisibility>(Name("going".to_owned())).is_err());
    }
}
