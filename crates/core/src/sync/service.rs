//! The scheduler: one task per account (added next).
