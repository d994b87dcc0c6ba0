//! Sending: compose, the SMTP transport, the outbox, replies and drafts.

pub mod addresses;
pub mod compose;
pub mod drafts;
pub mod edit;
pub mod outbox;
pub mod reply;
pub mod smtp;
