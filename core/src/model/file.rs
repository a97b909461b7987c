//! The weights file: a small header, then the network's parameters as plain floats.
//!
//! ```text
//! "RSHFINT\0"  magic
//! u16          format version (FORMAT)
//! u8 + bytes   model version (UTF-8)
//! 2 x u16      layer sizes (hidden1, hidden2)
//! 2 x f32      calibration (a, b): p = sigmoid(a * logit + b)
//! 9 x f32      page-statistic priors (bounce, exit, value) x (admin, info, product)
//! 32 bytes     sha256 of the payload
//! rest         payload: per layer (hidden1, hidden2, out) its weight `[input][output]`, then
//!              its bias `[output]`, all f32 little-endian
//! ```
//!
//! The checksum is verified before any weight is read, so a truncated or corrupted file is
//! refused with an error. The payload is plain floats rather than a Burn record because
//! decoding a record links Burn's record machinery and every dtype conversion into the SDK's
//! wasm (about 60 KB gzip); the layers are Burn tensors again as soon as they are read.

use std::fmt;

use sha2::{Digest, Sha256};

use super::mlp::DenseLayer;
use super::net::{IntentNetConfig, INPUT_WIDTH};
use crate::features::{PagePriors, PageStat};

pub const FORMAT: u16 = 3;
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
            ModelError::NotAModel => write!(f, "not a reshelf model of this kind (bad magic)"),
            ModelError::Format(v) => {
                write!(f, "weights format {v}, which this build does not read")
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

    /// The payload for `layers` (in order; see the module docs).
    pub fn payload_of(layers: &[DenseLayer]) -> Vec<u8> {
        let mut out = Vec::new();
        for l in layers {
            for x in l.weight.iter().chain(&l.bias) {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out
    }

    /// The layers the payload holds, shaped by the header's layer sizes. A payload of any
    /// other length, or holding a non-finite number, is refused.
    pub fn layers(&self) -> Result<[DenseLayer; 3], ModelError> {
        let c = self.config;
        if c.hidden1 == 0 || c.hidden2 == 0 {
            return Err(ModelError::Decode(format!(
                "layer sizes {}x{}",
                c.hidden1, c.hidden2
            )));
        }
        let shapes = [
            (INPUT_WIDTH, c.hidden1, true),
            (c.hidden1, c.hidden2, true),
            (c.hidden2, 1, false),
        ];
        let layers = layers_from_payload(&self.payload, &shapes)?;
        <[DenseLayer; 3]>::try_from(layers)
            .map_err(|_| ModelError::Decode("three layers expected".into()))
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader(bytes);
        let version = r.header(MAGIC, FORMAT)?;
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

/// Reads a weights file front to back; running out of bytes is [`ModelError::Truncated`].
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

/// The dense layers of `shapes` (input, output, ReLU after) from a payload of their f32
/// values, each layer's weight `[input][output]` then its bias. A payload of any other length,
/// or holding a non-finite number, is refused.
pub(super) fn layers_from_payload(
    payload: &[u8],
    shapes: &[(usize, usize, bool)],
) -> Result<Vec<DenseLayer>, ModelError> {
    let need: usize = shapes.iter().map(|(i, o, _)| (i + 1) * o * 4).sum();
    if payload.len() != need {
        return Err(ModelError::Decode(format!(
            "the payload holds {} bytes, the layers need {need}",
            payload.len()
        )));
    }
    let floats: Vec<f32> = payload
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if floats.iter().any(|x| !x.is_finite()) {
        return Err(ModelError::Decode("a weight is not a finite number".into()));
    }
    let mut floats = floats.into_iter();
    Ok(shapes
        .iter()
        .map(|&(input, output, relu)| DenseLayer {
            input,
            output,
            weight: floats.by_ref().take(input * output).collect(),
            bias: floats.by_ref().take(output).collect(),
            relu,
        })
        .collect())
}

impl<'a> Reader<'a> {
    /// The header every weights file starts with: its magic, its format version, then the
    /// model version (a length byte and UTF-8), which is returned.
    pub(super) fn header(&mut self, magic: &[u8; 8], format: u16) -> Result<String, ModelError> {
        if self.take(8).map_err(|_| ModelError::NotAModel)? != magic {
            return Err(ModelError::NotAModel);
        }
        let found = self.u16()?;
        if found != format {
            return Err(ModelError::Format(found));
        }
        let len = usize::from(self.take(1)?[0]);
        Ok(String::from_utf8_lossy(self.take(len)?).into_owned())
    }

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.0.len() < n {
            return Err(ModelError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    pub(super) fn u16(&mut self) -> Result<u16, ModelError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(super) fn f32(&mut self) -> Result<f32, ModelError> {
        let b = self.take(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
