//! Where a visit comes from and on what: the coarse device, browser and traffic-source classes
//! a session records and its summary sends (short serde names keep the summary small). A leaf
//! module, so the session can hold its source without depending on the summary.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceClass {
    #[serde(rename = "d")]
    Desktop,
    #[serde(rename = "m")]
    Mobile,
    #[serde(rename = "t")]
    Tablet,
    #[serde(rename = "o")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrowserFamily {
    #[serde(rename = "c")]
    Chrome,
    #[serde(rename = "s")]
    Safari,
    #[serde(rename = "f")]
    Firefox,
    #[serde(rename = "e")]
    Edge,
    #[serde(rename = "o")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrafficSource {
    #[serde(rename = "d")]
    Direct,
    #[serde(rename = "s")]
    Search,
    #[serde(rename = "so")]
    Social,
    #[serde(rename = "r")]
    Referral,
    #[serde(rename = "i")]
    Internal,
}

impl DeviceClass {
    /// The short name a summary sends (its serde name).
    pub fn code(self) -> &'static str {
        match self {
            DeviceClass::Desktop => "d",
            DeviceClass::Mobile => "m",
            DeviceClass::Tablet => "t",
            DeviceClass::Other => "o",
        }
    }
}

impl BrowserFamily {
    /// The short name a summary sends (its serde name).
    pub fn code(self) -> &'static str {
        match self {
            BrowserFamily::Chrome => "c",
            BrowserFamily::Safari => "s",
            BrowserFamily::Firefox => "f",
            BrowserFamily::Edge => "e",
            BrowserFamily::Other => "o",
        }
    }
}

impl TrafficSource {
    /// The short name a summary sends (its serde name).
    pub fn code(self) -> &'static str {
        match self {
            TrafficSource::Direct => "d",
            TrafficSource::Search => "s",
            TrafficSource::Social => "so",
            TrafficSource::Referral => "r",
            TrafficSource::Internal => "i",
        }
    }
}
