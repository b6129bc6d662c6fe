//! The detection engine: finds rule matches in one decoded string (a JSON string value or a
//! text line). One pass over the bytes finds anchor bytes / literals; each anchor is grown into
//! the run of bytes the rule's matches can contain (one walk for all rules with token
//! charsets), runs too short or too digit-poor for any match are dropped, and only the rest go
//! through the regex (a dense DFA for rules searched often), the boundary check and the
//! validator. Overlapping matches are resolved by priority, then context words and the field
//! name adjust confidence. A field whose name marks it as personal data (`full_name`, `dob`)
//! is reported whole ([`fields`]).

pub mod allow;
pub mod bytesearch;
mod context;
pub mod engine;
pub mod fields;
mod literals;
pub mod opaque;
mod region;
pub mod validators;
mod walk;

pub use allow::AllowList;
pub use engine::{Detector, Match, Scratch};
pub use fields::FieldKinds;
pub use validators::{ValidationEnv, Validator, Verdict};
