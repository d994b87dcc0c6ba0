//! What the Settings screen sends and receives.

use dealbox_core::crm::model::{MailboxSettings, NewSenderAction};
use dealbox_core::settings::AccountSettings;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The mailbox's CRM settings.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmSettingsDto {
    /// Link this mailbox's mail to the CRM at all.
    pub link_enabled: bool,
    /// Process messages of the last N days; 0: no age limit.
    pub process_days: u32,
    pub new_incoming: NewSenderAction,
    pub new_outgoing: NewSenderAction,
    pub lead_source: String,
    /// The responsible queue: CRM user ids, in order.
    pub queue: Vec<i64>,
    /// Route mail from existing clients to their responsible manager.
    pub route_to_manager: bool,
    /// Every email from these addresses creates a new lead.
    pub always_new_lead: Vec<String>,
    pub import_vcards: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountSettingsDto {
    pub account_id: i64,
    /// Keep mail of the last N days offline; null: all mail.
    pub fetch_days: Option<u32>,
    /// Notify about new mail while the window is in the background.
    pub notify: bool,
    pub signature: String,
    pub crm: CrmSettingsDto,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmUserDto {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

impl From<AccountSettings> for AccountSettingsDto {
    fn from(s: AccountSettings) -> Self {
        let c = s.crm;
        Self {
            account_id: s.account_id,
            fetch_days: s.fetch_days,
            notify: s.notify,
            signature: s.signature,
            crm: CrmSettingsDto {
                link_enabled: c.link_enabled,
                process_days: c.process_days,
                new_incoming: c.new_incoming,
                new_outgoing: c.new_outgoing,
                lead_source: c.lead_source,
                queue: c.queue,
                route_to_manager: c.route_to_manager,
                always_new_lead: c.always_new_lead,
                import_vcards: c.import_vcards,
            },
        }
    }
}

impl From<AccountSettingsDto> for AccountSettings {
    fn from(s: AccountSettingsDto) -> Self {
        let c = s.crm;
        Self {
            account_id: s.account_id,
            fetch_days: s.fetch_days,
            notify: s.notify,
            signature: s.signature,
            crm: MailboxSettings {
                account_id: s.account_id,
                link_enabled: c.link_enabled,
                process_days: c.process_days,
                new_incoming: c.new_incoming,
                new_outgoing: c.new_outgoing,
                lead_source: c.lead_source,
                queue: c.queue,
                queue_position: 0, // kept by the core unless the queue changed
                route_to_manager: c.route_to_manager,
                always_new_lead: c.always_new_lead,
                import_vcards: c.import_vcards,
            },
        }
    }
}
