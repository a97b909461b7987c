//! Sites, their public write keys and allowed origins, the admin token and the limits:
//! from a TOML file (`--config`) and/or flags.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// One storefront that may send summaries.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    /// Public write key: it ships in the storefront's page, so it only authorises writes for
    /// this site and is rate limited; it is not a secret.
    pub key: String,
    /// Exact origins (`https://shop.example`) allowed to send from a browser. The server's
    /// own origin is always allowed; `"*"` allows any.
    #[serde(default)]
    pub origins: Vec<String>,
    /// Token bucket per key: sustained batches per second and the burst above it.
    #[serde(default = "default_rate")]
    pub rate_per_second: f64,
    #[serde(default = "default_burst")]
    pub burst: f64,
    /// The control share the storefront's SDK is configured with (`holdout`), for the
    /// sample-ratio check.
    #[serde(default = "default_holdout")]
    pub holdout: f64,
}

/// The SDK's default `holdout`.
pub const DEFAULT_HOLDOUT: f64 = 0.1;

fn default_holdout() -> f64 {
    DEFAULT_HOLDOUT
}

fn default_rate() -> f64 {
    50.0
}

fn default_burst() -> f64 {
    200.0
}

/// A year and a month: a year-over-year comparison still has its raw rows.
pub const DEFAULT_RETENTION_DAYS: u32 = 400;

/// Limits on ingest, applied as tower layers in front of the handler.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Request body as received (compressed or not).
    pub max_body: usize,
    /// Body after gzip decompression (the bomb guard).
    pub max_decompressed: usize,
    pub max_batch: usize,
    /// Requests in flight before new ones are shed with 503.
    pub concurrency: usize,
    pub timeout: Duration,
    /// Requests in flight per read route (insights, export, page-stats) before new ones are
    /// shed with 503: a burst of dashboard reads cannot hold every database connection.
    pub read_concurrency: usize,
    /// A read that has not answered by then gets 503.
    pub read_timeout: Duration,
    /// Raw summaries of sessions older than this many days are deleted (the rollups keep
    /// their contribution) and late versions of them are not stored.
    pub retention_days: u32,
}

impl Limits {
    /// Unix seconds before which a session is past retention, at `now` (unix seconds).
    pub fn retention_horizon(&self, now: u64) -> u64 {
        now.saturating_sub(u64::from(self.retention_days) * 86_400)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024,
            max_decompressed: 256 * 1024,
            max_batch: 200,
            concurrency: 256,
            timeout: Duration::from_secs(10),
            read_concurrency: 8,
            read_timeout: Duration::from_secs(15),
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

/// Everything about who may do what.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Access {
    pub sites: BTreeMap<String, Site>,
    /// Bearer token for insights, export and the dashboard's data; without one those
    /// endpoints answer 403.
    pub admin_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    admin_token: Option<String>,
    #[serde(default)]
    sites: Vec<Site>,
}

impl Access {
    /// Reads a TOML file of `admin_token` and `[[sites]]`.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut access = Access {
            admin_token: file.admin_token,
            ..Access::default()
        };
        for site in file.sites {
            access.add_site(site)?;
        }
        Ok(access)
    }

    /// Adds a site; ids and keys must be unique and non-empty.
    pub fn add_site(&mut self, site: Site) -> Result<(), String> {
        if site.id.is_empty() || site.key.is_empty() {
            return Err("a site needs a non-empty id and key".into());
        }
        if !(site.rate_per_second > 0.0 && site.burst >= 1.0) {
            return Err(format!(
                "site {}: rate_per_second > 0 and burst >= 1",
                site.id
            ));
        }
        if !(0.0..1.0).contains(&site.holdout) {
            return Err(format!("site {}: holdout is a fraction in [0, 1)", site.id));
        }
        if self.sites.contains_key(&site.id) {
            return Err(format!("site {} is configured twice", site.id));
        }
        self.sites.insert(site.id.clone(), site);
        Ok(())
    }

    /// `ID=KEY` from the command line: same-origin only, default rates.
    pub fn parse_site_flag(flag: &str) -> Result<Site, String> {
        let (id, key) = flag
            .split_once('=')
            .ok_or_else(|| format!("--site {flag:?}: expected ID=KEY"))?;
        Ok(Site {
            id: id.to_string(),
            key: key.to_string(),
            origins: Vec::new(),
            rate_per_second: default_rate(),
            burst: default_burst(),
            holdout: DEFAULT_HOLDOUT,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sites_from_toml() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sites.toml");
        std::fs::write(
            &path,
            "admin_token = \"t\"\n[[sites]]\nid = \"shop\"\nkey = \"k\"\norigins = [\"https://shop.example\"]\nrate_per_second = 5\n",
        )
        .unwrap();
        let a = Access::from_file(&path).unwrap();
        assert_eq!(a.admin_token.as_deref(), Some("t"));
        let s = &a.sites["shop"];
        assert_eq!(
            (s.key.as_str(), s.rate_per_second, s.burst),
            ("k", 5.0, 200.0)
        );
    }

    #[test]
    fn refuses_duplicates_and_unknown_keys() {
        let mut a = Access::default();
        a.add_site(Access::parse_site_flag("s=k").unwrap()).unwrap();
        assert!(a.add_site(Access::parse_site_flag("s=j").unwrap()).is_err());
        assert!(Access::parse_site_flag("nokey").is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "admin = 1\n").unwrap();
        assert!(Access::from_file(&path)
            .unwrap_err()
            .contains("unknown field"));
    }
}
