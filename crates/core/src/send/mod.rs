//! Sending: compose, the SMTP transport, the outbox, replies and drafts.

pub mod addresses;
pub mod compose;
pub mod drafts;
pub mod edit;
pub mod front;
pub mod outbox;
pub mod reply;
pub mod service;
pub mod smtp;
pub mod staging;

pub use front::{Compose, Composed};
pub use service::OutboxService;
