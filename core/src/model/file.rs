//! The weights file: a small header reshelf reads itself, then Burn's burnpack bytes.
//!
//! ```text
//! "RSHFINT\0"  magic
//! u16          format version (FORMAT)
//! u8 + bytes   model version (UTF-8)
//! 2 x u16      layer sizes (hidden1, hidden2)
//! 2 x f32      calibration (a, b): p = sigmoid(a * logit + b)
//! 9 x f32      page-statistic priors (bounce, exit, value) x (admin, info, product)
//! 32 bytes     sha256 of the burnpack payload
//! rest         burnpack payload
//! ```
//!
//! The checksum is verified before Burn sees a byte, so a truncated or corrupted file is
//! refused with an error instead of reaching the decoder.

use std::fmt;

use sha2::{Digest, Sha256};

use super::net::IntentNetConfig;
use crate::features::{PagePriors, PageStat};

pub const FORMAT: u16 = 2;
const MAGIC: &[u8; 8] = b"RSHFINT\0";

/// Maps the network's logit to a calibrated probability (Platt scaling fitted on validation
/// data: training weights positives up, which skews raw probabilities).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration {
    pub a: f32,
    pub b: f32,
}

impl Calibration {
    pub fn probability(&self, logit: f32) -> f32 {
        1.0 / (1.0 + (-(self.a * logit + self.b)).exp())
    }
}

/// A decoded weights file, before the payload is loaded into a network.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFile {
    pub version: String,
    pub config: IntentNetConfig,
    pub calibration: Calibration,
    pub priors: PagePriors,
    pub payload: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    NotAModel,
    Format(u16),
    Truncated,
    Checksum,
    Decode(String),
    Mismatch { expected: String, found: String },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::NotAModel => write!(f, "not a reshelf intent model (bad magic)"),
            ModelError::Format(v) => {
                write!(f, "weights format {v}, this build reads format {FORMAT}")
            }
            ModelError::Truncated => write!(f, "the weights file is truncated"),
            ModelError::Checksum => write!(f, "the weights payload fails its checksum (corrupted)"),
            ModelError::Decode(e) => {
                write!(f, "the weights do not decode into the architecture: {e}")
            }
            ModelError::Mismatch { expected, found } => {
                write!(f, "expected model {expected}, the file holds {found}")
            }
        }
    }
}

impl std::error::Error for ModelError {}

/// Lowercase hex sha256 of any bytes (weights files are identified by it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ModelFile {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.payload.len() + 128);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        let v = self.version.as_bytes();
        out.push(v.len().min(255) as u8);
        out.extend_from_slice(&v[..v.len().min(255)]);
        let c = self.config;
        for n in [c.hidden1, c.hidden2] {
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        for x in [self.calibration.a, self.calibration.b] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for s in [
            self.priors.administrative,
            self.priors.informational,
            self.priors.product_related,
        ] {
            for x in [s.bounce_rate, s.exit_rate, s.page_value] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out.extend_from_slice(&Sha256::digest(&self.payload));
        out.extend_from_slice(&self.payload);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader(bytes);
        if r.take(8).map_err(|_| ModelError::NotAModel)? != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let format = r.u16()?;
        if format != FORMAT {
            return Err(ModelError::Format(format));
        }
        let len = usize::from(r.take(1)?[0]);
        let version = String::from_utf8_lossy(r.take(len)?).into_owned();
        let config = IntentNetConfig {
            hidden1: usize::from(r.u16()?),
            hidden2: usize::from(r.u16()?),
        };
        let calibration = Calibration {
            a: r.f32()?,
            b: r.f32()?,
        };
        let mut stat = || -> Result<PageStat, ModelError> {
            Ok(PageStat {
                bounce_rate: r.f32()?,
                exit_rate: r.f32()?,
                page_value: r.f32()?,
            })
        };
        let priors = PagePriors {
            administrative: stat()?,
            informational: stat()?,
            product_related: stat()?,
        };
        let digest = r.take(32)?.to_vec();
        let payload = r.0.to_vec();
        if Sha256::digest(&payload).as_slice() != digest.as_slice() {
            return Err(ModelError::Checksum);
        }
        Ok(ModelFile {
            version,
            config,
            calibration,
            priors,
            payload,
        })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.0.len() < n {
            return Err(ModelError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u16(&mut self) -> Result<u16, ModelError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn f32(&mut self) -> Result<f32, ModelError> {
        let b = self.take(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
