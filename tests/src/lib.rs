//! Helpers shared by the integration tests (servers, CLI runner, profiles).
