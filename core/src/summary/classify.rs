//! Coarse device, browser and traffic-source classes, computed on the device so that the
//! user-agent string and the referrer URL themselves never leave it.

use super::types::{BrowserFamily, DeviceClass, TrafficSource};
use crate::text::find_bytes;

/// Whether `needle` occurs in `haystack` (see [`find_bytes`] for why not `str::contains`).
fn has(haystack: &str, needle: &str) -> bool {
    find_bytes(haystack, needle).is_some()
}

/// Browser family from a user-agent string. Order matters: Edge and Opera also say "Chrome",
/// Chrome also says "Safari".
pub fn browser_family(ua: &str) -> BrowserFamily {
    let ua = ua.to_ascii_lowercase();
    if has(&ua, "edg/") || has(&ua, "edge/") {
        BrowserFamily::Edge
    } else if has(&ua, "firefox/") || has(&ua, "fxios/") {
        BrowserFamily::Firefox
    } else if has(&ua, "opr/") || has(&ua, "samsungbrowser/") {
        BrowserFamily::Other
    } else if has(&ua, "chrome/") || has(&ua, "crios/") || has(&ua, "chromium/") {
        BrowserFamily::Chrome
    } else if has(&ua, "safari/") {
        BrowserFamily::Safari
    } else {
        BrowserFamily::Other
    }
}

/// Device class from a user-agent string.
pub fn device_class(ua: &str) -> DeviceClass {
    let ua = ua.to_ascii_lowercase();
    if has(&ua, "ipad") || has(&ua, "tablet") || (has(&ua, "android") && !has(&ua, "mobile")) {
        DeviceClass::Tablet
    } else if has(&ua, "mobi") || has(&ua, "iphone") {
        DeviceClass::Mobile
    } else if has(&ua, "windows") || has(&ua, "macintosh") || has(&ua, "x11") || has(&ua, "cros") {
        DeviceClass::Desktop
    } else {
        DeviceClass::Other
    }
}

const SEARCH: [&str; 6] = [
    "google.",
    "bing.",
    "duckduckgo.",
    "yahoo.",
    "baidu.",
    "yandex.",
];
const SOCIAL: [&str; 8] = [
    "facebook.",
    "instagram.",
    "t.co",
    "twitter.",
    "x.com",
    "pinterest.",
    "tiktok.",
    "reddit.",
];

/// Where the session came from, from the referrer's host and the store's own host.
pub fn traffic_source(referrer_host: &str, own_host: &str) -> TrafficSource {
    let r = referrer_host.trim().to_ascii_lowercase();
    if r.is_empty() {
        return TrafficSource::Direct;
    }
    if r == own_host.trim().to_ascii_lowercase() {
        return TrafficSource::Internal;
    }
    let is = |list: &[&str]| list.iter().any(|d| has(&r, d));
    if is(&SEARCH) {
        TrafficSource::Search
    } else if is(&SOCIAL) {
        TrafficSource::Social
    } else {
        TrafficSource::Referral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const EDGE_WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0";
    const FIREFOX_ANDROID_TAB: &str =
        "Mozilla/5.0 (Android 14; Tablet; rv:127.0) Gecko/127.0 Firefox/127.0";

    #[test]
    fn browsers_and_devices() {
        assert_eq!(
            (browser_family(CHROME_MAC), device_class(CHROME_MAC)),
            (BrowserFamily::Chrome, DeviceClass::Desktop)
        );
        assert_eq!(
            (browser_family(SAFARI_IPHONE), device_class(SAFARI_IPHONE)),
            (BrowserFamily::Safari, DeviceClass::Mobile)
        );
        assert_eq!(browser_family(EDGE_WIN), BrowserFamily::Edge);
        assert_eq!(
            (
                browser_family(FIREFOX_ANDROID_TAB),
                device_class(FIREFOX_ANDROID_TAB)
            ),
            (BrowserFamily::Firefox, DeviceClass::Tablet)
        );
        assert_eq!(
            (browser_family(""), device_class("")),
            (BrowserFamily::Other, DeviceClass::Other)
        );
    }

    #[test]
    fn sources() {
        assert_eq!(traffic_source("", "shop.example"), TrafficSource::Direct);
        assert_eq!(
            traffic_source("shop.example", "shop.example"),
            TrafficSource::Internal
        );
        assert_eq!(
            traffic_source("www.google.com", "shop.example"),
            TrafficSource::Search
        );
        assert_eq!(
            traffic_source("l.instagram.com", "shop.example"),
            TrafficSource::Social
        );
        assert_eq!(
            traffic_source("blog.example.org", "shop.example"),
            TrafficSource::Referral
        );
    }
}
