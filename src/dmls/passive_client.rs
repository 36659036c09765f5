//! The MLS interop passive-client vectors, run through salamander's DMLS storage and provider.
//!
//! The [mlswg/mls-implementations](https://github.com/mlswg/mls-implementations) passive-client
//! test vectors (`passive-client-welcome.json`, `passive-client-handling-commit.json`,
//! `passive-client-random.json`; openmls carries copies in `openmls/test_vectors/`) give a
//! client's KeyPackage and private keys, a Welcome for it, and a run of epochs of proposals and
//! commits from other members, each with the epoch authenticator an RFC 9420 client must reach
//! ([RFC 9420 §8.7](https://www.rfc-editor.org/rfc/rfc9420#section-8.7)). Here every vector
//! runs on openmls through the pieces salamander's DMLS layer wraps it in: a [`ForkStorage`] as
//! the openmls storage, the crate's [`Provider`], every message processed on a branch of the
//! retained storage that replaces it only on success (as `process.rs` does), and after every
//! epoch a round trip of the storage through the fork pickle encoding. Matching authenticators
//! show that the wrapper leaves plain MLS processing unchanged. Differences the wrapper makes
//! on purpose: external PSKs live in the RAM-only PSK table, which branching and pickling do
//! not copy, so they are put into each working copy (see `storage/mod.rs`).
//!
//! The key package and private keys are injected through `StorageProvider` with local serde
//! types that serialize as openmls's `KeyPackageBundle` and `EncryptionKeyPair` do (checked by
//! [`injected_values_serialize_as_openmls_does`]), since openmls builds those only in its own
//! tests.
//!
//! The vector files are public data fetched from those repositories under their own terms, so
//! they are not committed here. Point `SALAMANDER_MLS_VECTORS` at a directory holding
//! `passive-client-*.json` (or put them in `../shared/mls-vectors` beside the repository);
//! without them the test prints that it did not run and passes, unless
//! `SALAMANDER_REQUIRE_MLS_VECTORS=1`. Run it with
//! `cargo test --lib --features dmls dmls::passive_client -- --nocapture`.
//!
//! Some vectors carry KeyPackage lifetimes that have since expired (openmls runs them with
//! its test-only switch that skips the lifetime check, which an outside crate cannot reach).
//! Those are counted and listed apart from real failures; they do not fail the test. To run
//! them, fake the clock into their lifetimes, e.g. with libfaketime:
//! `DONT_FAKE_MONOTONIC=1 faketime -f '@2024-03-01 00:00:00' <test binary> passive_client`
//! for `passive-client-welcome.json` and `'@2025-03-13 00:00:00'` for
//! `passive-client-handling-commit.json` (each file alone in its directory).
//!
//! `passive-client-random.json` (200 epochs, many standalone proposals) takes minutes in a
//! debug build, mostly in the per-epoch pickle round trip: its storage grows to about 3 MB
//! because openmls_memory_storage 0.6's `clear_proposal_queue` removes the queued proposals
//! under keys without its label and version, so their `QueuedProposal` entries stay behind
//! (plain `MemoryStorage` does the same; salamander's groups never queue proposals).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use openmls::prelude::{
    KeyPackage, MlsGroup, MlsGroupJoinConfig, MlsMessageBodyIn, MlsMessageIn,
    ProcessedMessageContent, ProtocolVersion, RatchetTreeIn, StagedWelcome,
    MIXED_PLAINTEXT_WIRE_FORMAT_POLICY,
};
use openmls::schedule::PreSharedKeyId;
use openmls::treesync::EncryptionKey;
use openmls_rust_crypto::RustCrypto;
use openmls_traits::crypto::OpenMlsCrypto as _;
use openmls_traits::storage::{traits, Entity, StorageProvider as _, CURRENT_VERSION};
use openmls_traits::types::{Ciphersuite, HpkePrivateKey};
use serde::{Deserialize, Serialize};
use tls_codec::Deserialize as _;

use super::pickle::storage_round_trip;
use super::storage::{ForkStorage, Provider};

const FILES: [&str; 3] = [
    "passive-client-welcome.json",
    "passive-client-handling-commit.json",
    "passive-client-random.json",
];

// --- The vector format ---------------------------------------------------------------------

/// Bytes given as a hex string.
struct Hex(Vec<u8>);

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode_hex(&text).map(Hex).ok_or_else(|| serde::de::Error::custom("not hex"))
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

/// One passive-client test (the `signature_priv` field is not read: a passive client never
/// signs).
#[derive(Deserialize)]
struct Vector {
    cipher_suite: u16,
    #[serde(default)]
    external_psks: Vec<VectorPsk>,
    key_package: Hex,
    encryption_priv: Hex,
    init_priv: Hex,
    welcome: Hex,
    ratchet_tree: Option<Hex>,
    initial_epoch_authenticator: Hex,
    epochs: Vec<VectorEpoch>,
}

#[derive(Deserialize)]
struct VectorPsk {
    psk_id: Hex,
    psk: Hex,
}

#[derive(Deserialize)]
struct VectorEpoch {
    proposals: Vec<Hex>,
    commit: Hex,
    epoch_authenticator: Hex,
}

// --- Storage values, serialized as openmls serializes its own ------------------------------

/// openmls's `EncryptionPrivateKey`: `{ "key": HpkePrivateKey }`.
#[derive(Serialize, Deserialize)]
struct PrivateKeyValue {
    key: HpkePrivateKey,
}

/// openmls's `KeyPackageBundle`, the value of `write_key_package`.
#[derive(Serialize, Deserialize)]
struct KeyPackageBundleValue {
    key_package: KeyPackage,
    private_init_key: HpkePrivateKey,
    private_encryption_key: PrivateKeyValue,
}

impl Entity<CURRENT_VERSION> for KeyPackageBundleValue {}
impl traits::KeyPackage<CURRENT_VERSION> for KeyPackageBundleValue {}

/// openmls's `EncryptionKeyPair`, the value of `write_encryption_key_pair`.
#[derive(Serialize, Deserialize)]
struct EncryptionKeyPairValue {
    public_key: EncryptionKey,
    private_key: PrivateKeyValue,
}

impl Entity<CURRENT_VERSION> for EncryptionKeyPairValue {}
impl traits::HpkeKeyPair<CURRENT_VERSION> for EncryptionKeyPairValue {}

// --- Running one vector --------------------------------------------------------------------

enum Outcome {
    Passed,
    Unsupported,
    /// Failed only because a KeyPackage or leaf node lifetime is not valid today.
    Lifetime(String),
    Failed(String),
}

/// Where a vector stopped, with openmls's error.
struct Failure {
    step: String,
    error: String,
    lifetime: bool,
}

fn fail<E: std::error::Error + 'static>(step: impl Into<String>) -> impl FnOnce(E) -> Failure {
    move |error| {
        let mut lifetime = false;
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            lifetime |= e.is::<openmls::treesync::errors::LifetimeError>();
            source = e.source();
        }
        // `#[error(transparent)]` wrappers skip a level of `source()`; the debug form names it.
        let debug = format!("{error:?}");
        lifetime |= debug.contains("LifetimeError") || debug.contains("Lifetime(");
        Failure { step: step.into(), error: format!("{error} ({debug})"), lifetime }
    }
}

fn mismatch(step: String) -> Failure {
    Failure { step, error: "epoch authenticator differs".into(), lifetime: false }
}

fn decode(bytes: &[u8], step: &str) -> Result<MlsMessageIn, Failure> {
    MlsMessageIn::tls_deserialize_exact(bytes).map_err(fail(step))
}

/// Where the time goes: the wrapper's copies and pickles, and openmls itself.
#[derive(Default)]
struct Timings {
    branch: Duration,
    pickle: Duration,
    openmls: Duration,
    /// The largest storage pickled (bytes of keys and values).
    largest_storage: usize,
}

/// A passive client on salamander's storage: the retained storage and the group id.
struct Client<'a> {
    crypto: &'a RustCrypto,
    retained: ForkStorage,
    psks: &'a [VectorPsk],
    group_id: openmls::prelude::GroupId,
    timings: &'a mut Timings,
}

/// Put the vector's external PSKs into a working copy (the PSK table is never branched).
fn store_psks(
    crypto: &RustCrypto,
    storage: &ForkStorage,
    psks: &[VectorPsk],
) -> Result<(), Failure> {
    let provider = Provider { crypto, storage };
    for psk in psks {
        PreSharedKeyId::external(psk.psk_id.0.clone(), Vec::new())
            .store(&provider, &psk.psk.0)
            .map_err(fail("storing an external PSK"))?;
    }
    Ok(())
}

impl Client<'_> {
    /// Process one message on a branch of the retained storage; keep the branch on success.
    fn process(&mut self, message: &[u8], step: &str) -> Result<(), Failure> {
        let protocol =
            decode(message, step)?.try_into_protocol_message().map_err(fail(step.to_owned()))?;
        let start = Instant::now();
        let work = self.retained.branch();
        store_psks(self.crypto, &work, self.psks)?;
        self.timings.branch += start.elapsed();
        let start = Instant::now();
        let provider = Provider { crypto: self.crypto, storage: &work };
        let mut group = MlsGroup::load(&work, &self.group_id)
            .map_err(fail(format!("{step}: loading the group")))?
            .ok_or_else(|| Failure {
                step: step.to_owned(),
                error: "group missing from storage".into(),
                lifetime: false,
            })?;
        let processed =
            group.process_message(&provider, protocol).map_err(fail(step.to_owned()))?;
        match processed.into_content() {
            ProcessedMessageContent::ProposalMessage(proposal) => group
                .store_pending_proposal(&work, *proposal)
                .map_err(fail(format!("{step}: storing the proposal")))?,
            ProcessedMessageContent::StagedCommitMessage(commit) => group
                .merge_staged_commit(&provider, *commit)
                .map_err(fail(format!("{step}: merging")))?,
            _ => {
                return Err(Failure {
                    step: step.to_owned(),
                    error: "neither a proposal nor a commit".into(),
                    lifetime: false,
                })
            }
        }
        for psk in self.psks {
            let id = PreSharedKeyId::external(psk.psk_id.0.clone(), Vec::new());
            work.delete_psk(id.psk()).map_err(fail("deleting an external PSK"))?;
        }
        drop(group);
        self.timings.openmls += start.elapsed();
        self.retained = work;
        Ok(())
    }

    /// Replace the retained storage by its trip through the fork pickle encoding.
    fn pickle_round_trip(&mut self) {
        let size = self.retained.entries().iter().map(|(k, v)| k.len() + v.len()).sum();
        self.timings.largest_storage = self.timings.largest_storage.max(size);
        let start = Instant::now();
        self.retained = storage_round_trip(&self.retained);
        self.timings.pickle += start.elapsed();
    }

    fn epoch_authenticator(&self) -> Result<Vec<u8>, Failure> {
        let group = MlsGroup::load(&self.retained, &self.group_id)
            .map_err(fail("loading the group"))?
            .ok_or_else(|| Failure {
                step: "loading the group".into(),
                error: "group missing from storage".into(),
                lifetime: false,
            })?;
        Ok(group.epoch_authenticator().as_slice().to_vec())
    }
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .number_of_resumption_psks(16)
        .build()
}

/// Write the KeyPackageBundle and the leaf's encryption key pair into `storage`.
fn inject_key_package(
    crypto: &RustCrypto,
    storage: &ForkStorage,
    vector: &Vector,
) -> Result<(), Failure> {
    let step = "reading the KeyPackage";
    let MlsMessageBodyIn::KeyPackage(key_package) = decode(&vector.key_package.0, step)?.extract()
    else {
        return Err(Failure {
            step: step.into(),
            error: "not a KeyPackage".into(),
            lifetime: false,
        });
    };
    let key_package = key_package
        .validate(crypto, ProtocolVersion::Mls10)
        .map_err(fail("validating the KeyPackage"))?;
    let hash_ref = key_package.hash_ref(crypto).map_err(fail("hashing the KeyPackage"))?;
    let public_key = key_package.leaf_node().encryption_key().clone();
    let bundle = KeyPackageBundleValue {
        key_package,
        private_init_key: vector.init_priv.0.clone().into(),
        private_encryption_key: PrivateKeyValue { key: vector.encryption_priv.0.clone().into() },
    };
    storage.write_key_package(&hash_ref, &bundle).map_err(fail("storing the KeyPackage"))?;
    let pair = EncryptionKeyPairValue {
        public_key: public_key.clone(),
        private_key: PrivateKeyValue { key: vector.encryption_priv.0.clone().into() },
    };
    storage
        .write_encryption_key_pair(&public_key, &pair)
        .map_err(fail("storing the encryption key pair"))
}

fn run_vector(crypto: &RustCrypto, vector: &Vector, timings: &mut Timings) -> Result<(), Failure> {
    let storage = ForkStorage::new();
    inject_key_package(crypto, &storage, vector)?;

    // Join on a working copy, as for every message.
    let work = storage.branch();
    store_psks(crypto, &work, &vector.external_psks)?;
    let step = "joining from the Welcome";
    let MlsMessageBodyIn::Welcome(welcome) = decode(&vector.welcome.0, step)?.extract() else {
        return Err(Failure { step: step.into(), error: "not a Welcome".into(), lifetime: false });
    };
    let ratchet_tree = match &vector.ratchet_tree {
        Some(tree) => Some(RatchetTreeIn::tls_deserialize_exact(&tree.0).map_err(fail(step))?),
        None => None,
    };
    let group_id = {
        let provider = Provider { crypto, storage: &work };
        let group =
            StagedWelcome::new_from_welcome(&provider, &join_config(), welcome, ratchet_tree)
                .map_err(fail(step))?
                .into_group(&provider)
                .map_err(fail(step))?;
        group.group_id().clone()
    };
    for psk in &vector.external_psks {
        let id = PreSharedKeyId::external(psk.psk_id.0.clone(), Vec::new());
        work.delete_psk(id.psk()).map_err(fail("deleting an external PSK"))?;
    }
    let mut client =
        Client { crypto, retained: work, psks: &vector.external_psks, group_id, timings };
    client.pickle_round_trip();
    if client.epoch_authenticator()? != vector.initial_epoch_authenticator.0 {
        return Err(mismatch("after the Welcome".into()));
    }

    for (i, epoch) in vector.epochs.iter().enumerate() {
        for (j, proposal) in epoch.proposals.iter().enumerate() {
            client.process(&proposal.0, &format!("epoch {i}, proposal {j}"))?;
        }
        client.process(&epoch.commit.0, &format!("epoch {i}, commit"))?;
        client.pickle_round_trip();
        if client.epoch_authenticator()? != epoch.epoch_authenticator.0 {
            return Err(mismatch(format!("epoch {i}")));
        }
    }
    Ok(())
}

fn outcome(crypto: &RustCrypto, vector: &Vector, timings: &mut Timings) -> Outcome {
    let supported = Ciphersuite::try_from(vector.cipher_suite)
        .ok()
        .is_some_and(|suite| crypto.supports(suite).is_ok());
    if !supported {
        return Outcome::Unsupported;
    }
    match run_vector(crypto, vector, timings) {
        Ok(()) => Outcome::Passed,
        Err(failure) if failure.lifetime => {
            Outcome::Lifetime(format!("{}: {}", failure.step, failure.error))
        }
        Err(failure) => Outcome::Failed(format!("{}: {}", failure.step, failure.error)),
    }
}

// --- The tests -----------------------------------------------------------------------------

fn vectors_dir() -> Option<PathBuf> {
    match std::env::var_os("SALAMANDER_MLS_VECTORS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/mls-vectors");
            shared.is_dir().then_some(shared)
        }
    }
}

fn not_run(why: &str) {
    println!(
        "passive-client vectors NOT RUN ({why}): set SALAMANDER_MLS_VECTORS to a directory \
         holding passive-client-*.json (mlswg/mls-implementations test-vectors)"
    );
    assert!(
        std::env::var("SALAMANDER_REQUIRE_MLS_VECTORS").as_deref() != Ok("1"),
        "SALAMANDER_REQUIRE_MLS_VECTORS=1 but the passive-client vectors did not run: {why}"
    );
}

#[test]
fn passive_client_vectors() {
    let Some(dir) = vectors_dir() else {
        return not_run("no vector directory");
    };
    if !dir.is_dir() {
        return not_run(&format!("{} is not a directory", dir.display()));
    }
    let crypto = RustCrypto::default();
    let mut report = String::new();
    let mut failures = Vec::new();
    for file in FILES {
        let path = dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            not_run(&format!("{} missing", path.display()));
            continue;
        };
        let vectors: Vec<Vector> =
            serde_json::from_str(&text).expect("a passive-client vector file");
        let started = Instant::now();
        let mut timings = Timings::default();
        let (mut passed, mut unsupported, mut epochs) = (0, 0, 0);
        // Lifetime failures grouped by reason (without the changing "now").
        let mut lifetime: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, vector) in vectors.iter().enumerate() {
            match outcome(&crypto, vector, &mut timings) {
                Outcome::Passed => {
                    passed += 1;
                    epochs += vector.epochs.len();
                }
                Outcome::Unsupported => unsupported += 1,
                Outcome::Lifetime(why) => {
                    let why = why.split(", now=").next().unwrap_or_default().to_owned();
                    match lifetime.iter_mut().find(|(seen, _)| *seen == why) {
                        Some((_, indexes)) => indexes.push(i),
                        None => lifetime.push((why, vec![i])),
                    }
                }
                Outcome::Failed(why) => {
                    failures.push(format!("{file} #{i} (suite {}): {why}", vector.cipher_suite));
                }
            }
        }
        let failed = failures.iter().filter(|f| f.starts_with(file)).count();
        let expired: usize = lifetime.iter().map(|(_, indexes)| indexes.len()).sum();
        let _ = writeln!(
            report,
            "{file}: {} vectors; {} run: {passed} passed ({epochs} epochs), {failed} failed, \
             {expired} failed only on a lifetime check; {unsupported} skipped (ciphersuite not \
             in RustCrypto). {:.1?} (branching {:.1?}, pickling {:.1?} with storages up to {} \
             bytes, openmls processing {:.1?})",
            vectors.len(),
            vectors.len() - unsupported,
            started.elapsed(),
            timings.branch,
            timings.pickle,
            timings.largest_storage,
            timings.openmls,
        );
        for (why, indexes) in lifetime {
            let _ = writeln!(report, "  lifetime, vectors {indexes:?}: {why}");
        }
    }
    println!("passive-client vectors from {}:\n{report}", dir.display());
    assert!(failures.is_empty(), "passive-client vectors failed:\n{}", failures.join("\n"));
}

/// The injected values serialize exactly as openmls's own `KeyPackageBundle` and
/// `EncryptionKeyPair`: read what openmls stored, decode into the local types, encode again.
#[test]
fn injected_values_serialize_as_openmls_does() {
    use openmls::prelude::MlsGroupCreateConfig;
    use openmls::prelude::{BasicCredential, CredentialWithKey, LeafNodeParameters};
    use openmls_basic_credential::SignatureKeyPair;

    let crypto = RustCrypto::default();
    let storage = ForkStorage::new();
    let provider = Provider { crypto: &crypto, storage: &storage };
    let suite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
    let signer = SignatureKeyPair::new(suite.signature_algorithm()).unwrap();
    let credential = CredentialWithKey {
        credential: BasicCredential::new(b"passive".to_vec()).into(),
        signature_key: signer.public().into(),
    };
    KeyPackage::builder().build(suite, &provider, &signer, credential.clone()).unwrap();
    let config = MlsGroupCreateConfig::builder().ciphersuite(suite).build();
    let mut group = MlsGroup::new(&provider, &signer, &config, credential).unwrap();
    group.propose_self_update(&provider, &signer, LeafNodeParameters::default()).unwrap();

    fn same<V: Serialize + serde::de::DeserializeOwned>(stored: &[u8]) {
        let value: V = serde_json::from_slice(stored).unwrap();
        assert_eq!(serde_json::to_vec(&value).unwrap(), stored);
    }
    let (mut bundles, mut pairs) = (0, 0);
    for (key, value) in storage.entries() {
        if key.starts_with(b"KeyPackage") {
            same::<KeyPackageBundleValue>(&value);
            bundles += 1;
        } else if key.starts_with(b"EncryptionKeyPair") {
            same::<EncryptionKeyPairValue>(&value);
            pairs += 1;
        }
    }
    assert_eq!((bundles, pairs), (1, 1));
}

#[test]
fn hex_decoding() {
    assert_eq!(decode_hex("00ff10Ab"), Some(vec![0x00, 0xff, 0x10, 0xab]));
    assert_eq!(decode_hex(""), Some(vec![]));
    assert_eq!(decode_hex("abc"), None);
    assert_eq!(decode_hex("zz"), None);
}
