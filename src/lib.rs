#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cipher;
mod codec;
mod error;
mod rng;
mod types;

#[cfg(feature = "dmls")]
pub mod dmls;
pub mod ecies;
#[cfg(feature = "hazmat")]
pub mod hazmat;
#[cfg(feature = "hpke")]
pub mod hpke;
pub mod megolm;
pub mod olm;
pub mod pickle;
#[cfg(feature = "insecure-pk-encryption")]
pub mod pk_encryption;
pub mod sas;
#[cfg(feature = "secret-storage")]
pub mod secret_storage;

pub use cipher::DecryptionError as CipherDecryptionError;
pub use codec::{base64_decode, base64_encode, protobuf::ProtoBufDecodeError};
pub use error::{
    Base64DecodeError, DecodeError, DehydratedDeviceError, LibolmPickleError, PickleError,
};
pub use rng::OsRng;
pub use types::{
    Curve25519PublicKey, Curve25519SecretKey, Ed25519Keypair, Ed25519PublicKey, Ed25519SecretKey,
    Ed25519Signature, KeyError, KeyId, SharedSecret, SignatureError,
};

/// The version of salamander.
pub static VERSION: &str = env!("CARGO_PKG_VERSION");
