//! The ranker's weights file: a small header, then the layers' parameters as plain floats
//! (the same payload layout as the intent model's, see [`super::file`]).
//!
//! ```text
//! "RSHFRNK\0"  magic
//! u16          format version (RANKER_FORMAT)
//! u8 + bytes   model version (UTF-8)
//! u16          feature count (must equal RANK_FEATURES of this build)
//! 2 x u16      layer sizes (hidden1, hidden2)
//! 32 bytes     sha256 of the payload
//! rest         payload: per layer (hidden1, hidden2, out) its weight `[input][output]`, then
//!              its bias `[output]`, all f32 little-endian
//! ```
//!
//! A file for another feature count is refused by its header and by its payload length, so
//! a model trained on other features never scores this build's rows.

use sha2::{Digest, Sha256};

use super::file::{layers_from_payload, ModelError, Reader};
use super::mlp::DenseLayer;
use crate::features::RANK_FEATURES;

pub const RANKER_FORMAT: u16 = 1;
const MAGIC: &[u8; 8] = b"RSHFRNK\0";

/// Hidden layer sizes of the ranking network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RankerConfig {
    pub hidden1: usize,
    pub hidden2: usize,
}

impl Default for RankerConfig {
    fn default() -> Self {
        Self {
            hidden1: 32,
            hidden2: 16,
        }
    }
}

impl RankerConfig {
    /// Layer shapes: (input, output, ReLU after).
    pub fn shapes(&self) -> [(usize, usize, bool); 3] {
        [
            (RANK_FEATURES, self.hidden1, true),
            (self.hidden1, self.hidden2, true),
            (self.hidden2, 1, false),
        ]
    }

    /// Number of trainable parameters.
    pub fn parameters(&self) -> usize {
        self.shapes().iter().map(|(i, o, _)| (i + 1) * o).sum()
    }
}

/// A decoded ranker weights file.
#[derive(Clone, Debug, PartialEq)]
pub struct RankerFile {
    pub version: String,
    pub config: RankerConfig,
    pub layers: Vec<DenseLayer>,
}

impl RankerFile {
    pub fn encode(&self) -> Vec<u8> {
        let payload = super::ModelFile::payload_of(&self.layers);
        let mut out = Vec::with_capacity(payload.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&RANKER_FORMAT.to_le_bytes());
        let v = self.version.as_bytes();
        out.push(v.len().min(255) as u8);
        out.extend_from_slice(&v[..v.len().min(255)]);
        for n in [RANK_FEATURES, self.config.hidden1, self.config.hidden2] {
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        out
    }

    /// Decodes and checks a file: magic, format, feature count, checksum, then the payload's
    /// length and values against the layer sizes.
    ///
    /// # Errors
    /// [`ModelError`] says which check failed; nothing is ever half-loaded.
    pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut r = Reader(bytes);
        let version = r.header(MAGIC, RANKER_FORMAT)?;
        let features = usize::from(r.u16()?);
        if features != RANK_FEATURES {
            return Err(ModelError::Decode(format!(
                "the ranker reads {features} features, this build computes {RANK_FEATURES}"
            )));
        }
        let config = RankerConfig {
            hidden1: usize::from(r.u16()?),
            hidden2: usize::from(r.u16()?),
        };
        if config.hidden1 == 0 || config.hidden2 == 0 {
            return Err(ModelError::Decode(format!(
                "layer sizes {}x{}",
                config.hidden1, config.hidden2
            )));
        }
        let digest = r.take(32)?.to_vec();
        let payload = r.0;
        if Sha256::digest(payload).as_slice() != digest.as_slice() {
            return Err(ModelError::Checksum);
        }
        let layers = layers_from_payload(payload, &config.shapes())?;
        Ok(Self {
            version,
            config,
            layers,
        })
    }
}
