//! The native pickle of a [`Session`], in vodozemac 0.11's JSON layout.
//!
//! ```json
//! {"session_keys": {"identity_key": [..], "base_key": [..], "one_time_key": [..]},
//!  "sending_ratchet": {"type": "active", "parent_ratchet_key": null, "ratchet_count": {"Known": 0},
//!                      "active_ratchet": {"root_key": [..], "ratchet_key": [..]},
//!                      "symmetric_key_ratchet": {"key": [..], "index": 0}}
//!                   | {"type": "inactive", "root_key": {"key": [..]}, "ratchet_key": [..],
//!                      "ratchet_count": {"Known": 0}},
//!  "receiving_chains": {"inner": [{"ratchet_key": [..], "hkdf_ratchet": {"key": [..], "index": 1},
//!                                  "skipped_message_keys": {"inner": [{"key": [..], "index": 0}]},
//!                                  "ratchet_count": {"Known": 0}}]},
//!  "config": {"version": "V1"}}
//! ```
//!
//! Versioned fields: `config` (absent in pickles older than vodozemac 0.9: version 1),
//! `ratchet_count` and `parent_ratchet_key` (absent before 0.6: unknown).

use serde::{Deserialize, Serialize};

use super::{
    ActiveRatchet, ChainKey, InactiveRatchet, MessageKey, RatchetCount, ReceiverChain, RootKey,
    SendingRatchet, Session, SkippedKey, MAX_RECEIVING_CHAINS, MAX_SKIPPED_MESSAGE_KEYS,
};
use crate::{
    olm::{SessionConfig, SessionKeys},
    pickle::secret::{bounded_vec, SecretBytes},
    types::Curve25519Keypair,
    Curve25519PublicKey, Curve25519SecretKey, PickleError,
};

/// A [`Session`]'s whole state as a `serde` value; see the [pickle module](crate::pickle).
#[derive(Serialize, Deserialize)]
pub struct SessionPickle {
    session_keys: SessionKeys,
    sending_ratchet: SendingRatchetPickle,
    receiving_chains: ChainStorePickle,
    #[serde(default = "SessionConfig::version_1")]
    config: SessionConfig,
}

impl SessionPickle {
    /// Serialize and encrypt the pickle under `pickle_key`.
    pub fn encrypt(self, pickle_key: &[u8; 32]) -> String {
        crate::pickle::encrypt(&self, pickle_key)
    }

    /// Decrypt and deserialize a pickle made by [`SessionPickle::encrypt`] (or by vodozemac).
    pub fn from_encrypted(ciphertext: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        crate::pickle::decrypt(ciphertext, pickle_key)
    }

    pub(super) fn from_session(session: &Session) -> Self {
        let sending_ratchet = match session.sending_ratchet() {
            SendingRatchet::Active(active) => SendingRatchetPickle::Active(ActivePickle {
                parent_ratchet_key: active.parent_ratchet_key,
                ratchet_count: active.ratchet_count.clone(),
                active_ratchet: RatchetPickle {
                    root_key: SecretBytes::new(active.root_key.as_bytes()),
                    ratchet_key: active.ratchet_key.secret_key().clone(),
                },
                symmetric_key_ratchet: ChainKeyPickle::from(&active.chain_key),
            }),
            SendingRatchet::Inactive(inactive) => SendingRatchetPickle::Inactive(InactivePickle {
                root_key: RemoteRootKeyPickle {
                    key: SecretBytes::new(inactive.root_key.as_bytes()),
                },
                ratchet_key: inactive.their_ratchet_key,
                ratchet_count: inactive.ratchet_count.clone(),
            }),
        };
        let inner = session
            .receiving_chains()
            .iter()
            .map(|chain| ReceiverChainPickle {
                ratchet_key: chain.ratchet_key,
                hkdf_ratchet: ChainKeyPickle::from(&chain.chain_key),
                skipped_message_keys: MessageKeyStorePickle {
                    inner: chain
                        .skipped_keys
                        .iter()
                        .map(|skipped| SkippedKeyPickle {
                            key: SecretBytes::new(skipped.key.as_bytes()),
                            index: skipped.index,
                        })
                        .collect(),
                },
                ratchet_count: chain.ratchet_count.clone(),
            })
            .collect();
        Self {
            session_keys: session.session_keys(),
            sending_ratchet,
            receiving_chains: ChainStorePickle { inner },
            config: session.session_config(),
        }
    }

    pub(super) fn into_session(self) -> Session {
        let sending_ratchet = match self.sending_ratchet {
            SendingRatchetPickle::Active(active) => {
                SendingRatchet::Active(Box::new(ActiveRatchet {
                    root_key: RootKey::from_bytes(active.active_ratchet.root_key.into_box()),
                    ratchet_key: Curve25519Keypair::from_secret_key(
                        active.active_ratchet.ratchet_key,
                    ),
                    chain_key: active.symmetric_key_ratchet.into_chain_key(),
                    parent_ratchet_key: active.parent_ratchet_key,
                    ratchet_count: active.ratchet_count,
                }))
            }
            SendingRatchetPickle::Inactive(inactive) => {
                SendingRatchet::Inactive(Box::new(InactiveRatchet {
                    root_key: RootKey::from_bytes(inactive.root_key.key.into_box()),
                    their_ratchet_key: inactive.ratchet_key,
                    ratchet_count: inactive.ratchet_count,
                }))
            }
        };
        let receiving_chains: Vec<ReceiverChain> = self
            .receiving_chains
            .inner
            .into_iter()
            .map(|chain| ReceiverChain {
                ratchet_key: chain.ratchet_key,
                chain_key: chain.hkdf_ratchet.into_chain_key(),
                skipped_keys: chain
                    .skipped_message_keys
                    .inner
                    .into_iter()
                    .map(|skipped| SkippedKey {
                        key: MessageKey::from_bytes(skipped.key.into_box()),
                        index: skipped.index,
                    })
                    .collect(),
                ratchet_count: chain.ratchet_count,
            })
            .collect();
        Session::from_parts(self.session_keys, sending_ratchet, receiving_chains, self.config)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
enum SendingRatchetPickle {
    Inactive(InactivePickle),
    Active(ActivePickle),
}

#[derive(Serialize, Deserialize)]
struct InactivePickle {
    root_key: RemoteRootKeyPickle,
    ratchet_key: Curve25519PublicKey,
    #[serde(default = "RatchetCount::unknown")]
    ratchet_count: RatchetCount,
}

#[derive(Serialize, Deserialize)]
struct RemoteRootKeyPickle {
    key: SecretBytes<32>,
}

#[derive(Serialize, Deserialize)]
struct ActivePickle {
    #[serde(default)]
    parent_ratchet_key: Option<Curve25519PublicKey>,
    #[serde(default = "RatchetCount::unknown")]
    ratchet_count: RatchetCount,
    active_ratchet: RatchetPickle,
    symmetric_key_ratchet: ChainKeyPickle,
}

#[derive(Serialize, Deserialize)]
struct RatchetPickle {
    root_key: SecretBytes<32>,
    ratchet_key: Curve25519SecretKey,
}

#[derive(Serialize, Deserialize)]
struct ChainKeyPickle {
    key: SecretBytes<32>,
    index: u64,
}

impl From<&ChainKey> for ChainKeyPickle {
    fn from(chain_key: &ChainKey) -> Self {
        Self { key: SecretBytes::new(chain_key.as_bytes()), index: chain_key.index() }
    }
}

impl ChainKeyPickle {
    fn into_chain_key(self) -> ChainKey {
        ChainKey::from_parts(self.key.into_box(), self.index)
    }
}

#[derive(Serialize, Deserialize)]
struct ChainStorePickle {
    #[serde(deserialize_with = "bounded_vec::<_, _, MAX_RECEIVING_CHAINS>")]
    inner: Vec<ReceiverChainPickle>,
}

#[derive(Serialize, Deserialize)]
struct ReceiverChainPickle {
    ratchet_key: Curve25519PublicKey,
    hkdf_ratchet: ChainKeyPickle,
    skipped_message_keys: MessageKeyStorePickle,
    #[serde(default = "RatchetCount::unknown")]
    ratchet_count: RatchetCount,
}

#[derive(Serialize, Deserialize)]
struct MessageKeyStorePickle {
    #[serde(deserialize_with = "bounded_vec::<_, _, MAX_SKIPPED_MESSAGE_KEYS>")]
    inner: Vec<SkippedKeyPickle>,
}

#[derive(Serialize, Deserialize)]
struct SkippedKeyPickle {
    key: SecretBytes<32>,
    index: u64,
}
