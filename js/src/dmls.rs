//! Decentralised MLS (cargo feature `dmls`): `DmlsIdentity` and `DmlsGroup`.
//!
//! Thin bindings of `salamander::dmls`. Fork ids and the group id are unpadded base64 strings
//! (like every key and id in this package); KeyPackages, Welcomes, envelopes and exported
//! secrets are `Uint8Array`s. Errors are the `DmlsError` family of `src/dmls-errors.js`, a
//! module only this build references (the default package does not change).

use js_sys::{Array, Object, Uint8Array};
use salamander::dmls::{self, DmlsError, DmlsGroupPickle, DmlsIdentityPickle, EnvelopeError};
use salamander::{base64_decode, base64_encode};
use wasm_bindgen::{prelude::*, JsCast};

use crate::{
    errors::{range_error, type_error, JsResult, ToJsError},
    util::{bytes_of, key32, set, whole_number, BytesOrString},
};

#[wasm_bindgen(module = "/src/dmls-errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeDmlsError)]
    fn make_dmls_error(name: &str, kind: &str, message: &str) -> JsValue;
}

impl ToJsError for DmlsError {
    fn to_js(&self) -> JsValue {
        let (name, kind) = match self {
            DmlsError::Decode(error) => (
                "DmlsDecodeError",
                match error {
                    EnvelopeError::Truncated { .. } => "Truncated",
                    EnvelopeError::Version(_) => "Version",
                    EnvelopeError::TooLong(_) => "TooLong",
                    EnvelopeError::TrailingBytes(_) => "TrailingBytes",
                    EnvelopeError::Mls(_) => "Mls",
                },
            ),
            DmlsError::UnknownFork(_) => ("DmlsForkError", "UnknownFork"),
            DmlsError::EvictedFork(_) => ("DmlsForkError", "EvictedFork"),
            DmlsError::QueueFull => ("DmlsForkError", "QueueFull"),
            DmlsError::NotMember => ("DmlsMembershipError", "NotMember"),
            DmlsError::NoSuchMember => ("DmlsMembershipError", "NoSuchMember"),
            DmlsError::NoMatchingKeyPackage => ("DmlsMembershipError", "NoMatchingKeyPackage"),
            DmlsError::Duplicate { .. } => ("DmlsMessageError", "Duplicate"),
            DmlsError::Replayed => ("DmlsMessageError", "Replayed"),
            DmlsError::OwnMessage => ("DmlsMessageError", "OwnMessage"),
            DmlsError::WrongGroup => ("DmlsMessageError", "WrongGroup"),
            DmlsError::Unsupported(_) => ("DmlsMessageError", "Unsupported"),
            DmlsError::ExternalCommit => ("DmlsMessageError", "ExternalCommit"),
            DmlsError::MissingPsk => ("DmlsProtocolError", "MissingPsk"),
            DmlsError::SenderMismatch => ("DmlsProtocolError", "SenderMismatch"),
            DmlsError::PskInputUsed => ("DmlsProtocolError", "PskInputUsed"),
            DmlsError::Pprf(_) => ("DmlsProtocolError", "Pprf"),
            DmlsError::Crypto(_) => ("DmlsProtocolError", "Crypto"),
            DmlsError::Openmls(_) => ("DmlsProtocolError", "Openmls"),
            // `DmlsError` is non-exhaustive: a variant added later is thrown as the base class.
            _ => ("DmlsError", "Other"),
        };
        make_dmls_error(name, kind, &self.to_string())
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A commit this member made (`addMembers`, `removeMembers`, `selfUpdate`). */
export interface DmlsCommitResult {
  /** The envelope to send to every member of the group. */
  commit: Uint8Array;
  /** The Welcome for the added members (only when members were added). */
  welcome?: Uint8Array;
  /** The fork the commit created, now this member's preferred fork (unpadded base64). */
  forkId: string;
}

/** What `DmlsGroup.process` did with an envelope. Fork ids are unpadded base64. */
export type DmlsProcessed =
  /** An application message, decrypted on fork `forkId`; `sender` is the sender's credential identity. */
  | { kind: "application"; forkId: string; sender: Uint8Array; plaintext: Uint8Array }
  /**
   * A commit on `parent` created fork `forkId` at `epoch`; `replayed` are the queued messages
   * for it (or for forks they created) processed now, in order (those that failed are dropped).
   */
  | { kind: "commit"; parent: string; forkId: string; epoch: number; replayed: DmlsProcessed[] }
  /** A commit on `parent` removed this member; no fork was created. */
  | { kind: "removed"; parent: string }
  /** The envelope names a fork not known yet; it waits (bounded) until a commit creates it. */
  | { kind: "queued"; forkId: string }
  /**
   * A commit already processed (or made) here; nothing changed. `forkId` is the fork it created
   * (absent if it removed this member).
   */
  | { kind: "duplicate"; forkId?: string };

/** A retained fork: its id, its parent's (if this member saw it) and its MLS epoch. */
export interface DmlsForkInfo {
  id: string;
  parent?: string;
  epoch: number;
}

/** How long forks are retained (see salamander's `RetentionLimits`). */
export interface DmlsRetentionLimits {
  /** At most this many forks (default 8); the oldest non-preferred ones are evicted. */
  maxForks: number;
  /** Forks more than this many epochs below the newest are evicted (default 3). */
  maxDepth: number;
  /** Forks created more than this many time units (of `setTime`'s clock) ago are evicted; `null`: no limit (default). */
  maxAge: number | null;
  /** At most this many messages for not-yet-known forks are queued (default 64). */
  maxQueued: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `{ commit, welcome?, forkId }`.
    #[wasm_bindgen(typescript_type = "DmlsCommitResult")]
    pub type DmlsCommitObject;
    /// One of the `DmlsProcessed` variants.
    #[wasm_bindgen(typescript_type = "DmlsProcessed")]
    pub type DmlsProcessedObject;
    /// `DmlsForkInfo[]`.
    #[wasm_bindgen(typescript_type = "DmlsForkInfo[]")]
    pub type DmlsForkInfoArray;
    /// `{ maxForks, maxDepth, maxAge, maxQueued }`.
    #[wasm_bindgen(typescript_type = "DmlsRetentionLimits")]
    pub type DmlsRetentionLimitsObject;
    /// `Partial<DmlsRetentionLimits>`.
    #[wasm_bindgen(typescript_type = "Partial<DmlsRetentionLimits>")]
    pub type DmlsRetentionLimitsUpdate;
    /// `Uint8Array[]`.
    #[wasm_bindgen(typescript_type = "Uint8Array[]")]
    pub type Uint8ArrayList;
    /// `BytesOrString[]`.
    #[wasm_bindgen(typescript_type = "BytesOrString[]")]
    pub type BytesOrStringList;
}

/// The largest whole number a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A fork id as unpadded base64.
fn fork_string(id: &dmls::ForkId) -> String {
    base64_encode(id.as_bytes())
}

/// A fork id from unpadded base64; a `DmlsForkError` (`UnknownFork`) if it is not 32 bytes of
/// base64, which no retained fork can have.
fn parse_fork(id: &str) -> Result<dmls::ForkId, JsValue> {
    base64_decode(id)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(dmls::ForkId::from_bytes)
        .ok_or_else(|| {
            make_dmls_error(
                "DmlsForkError",
                "UnknownFork",
                "not a fork id: expected 32 bytes in unpadded base64",
            )
        })
}

/// A u64 as a JavaScript number (exact up to 2^53; epochs and limits never get near it).
fn number(value: u64) -> JsValue {
    JsValue::from_f64(value as f64)
}

/// A whole number in `0..=Number.MAX_SAFE_INTEGER`, else a `RangeError` naming `what`.
fn whole_u64(value: f64, what: &str) -> Result<u64, JsValue> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&value) {
        // In range and whole: the conversion is exact.
        Ok(value as u64)
    } else {
        Err(range_error(&format!("{what} must be a whole number from 0 to 2^53 - 1")))
    }
}

/// The elements of a JavaScript array, each converted by `f`.
fn array_of<T>(
    value: &JsValue,
    what: &str,
    f: impl Fn(&JsValue) -> Result<T, JsValue>,
) -> Result<Vec<T>, JsValue> {
    let array =
        value.dyn_ref::<Array>().ok_or_else(|| type_error(&format!("{what} must be an array")))?;
    array.iter().map(|item| f(&item)).collect()
}

/// The bytes of a `Uint8Array`, else a `TypeError`.
fn uint8_array(value: &JsValue) -> Result<Vec<u8>, JsValue> {
    value
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| type_error("expected a Uint8Array"))
}

/// A member's DMLS identity: an MLS basic credential, its Ed25519 signature key, and the
/// private keys of the KeyPackages it published and that no Welcome has used yet.
#[wasm_bindgen]
pub struct DmlsIdentity {
    inner: dmls::DmlsIdentity,
}

#[wasm_bindgen]
impl DmlsIdentity {
    /// A new identity with a fresh signature key; `identity` (a string is taken as its UTF-8
    /// bytes) is the credential's content, e.g. a Matrix user and device id.
    #[wasm_bindgen(constructor)]
    pub fn new(identity: &BytesOrString) -> Result<DmlsIdentity, JsValue> {
        Ok(DmlsIdentity { inner: dmls::DmlsIdentity::new(bytes_of(identity)?).js()? })
    }

    /// The credential's content.
    #[wasm_bindgen(getter)]
    pub fn identity(&self) -> Vec<u8> {
        self.inner.identity().to_vec()
    }

    /// The Ed25519 public signature key (unpadded base64).
    #[wasm_bindgen(getter, js_name = signatureKey)]
    pub fn signature_key(&self) -> String {
        base64_encode(self.inner.signature_key())
    }

    /// A new KeyPackage (a TLS-serialized MLSMessage) to publish. Its private keys stay in this
    /// identity (pickle it) until `DmlsGroup.join` uses them.
    #[wasm_bindgen(js_name = keyPackage)]
    pub fn key_package(&mut self) -> Result<Vec<u8>, JsValue> {
        self.inner.key_package().js()
    }

    /// The identity, with its unused KeyPackages' private keys, encrypted under a 32-byte key.
    pub fn pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        Ok(self.inner.pickle().encrypt(&key32(key, "PickleError")?))
    }

    /// Restore an identity from `pickle()`'s output and its 32-byte key.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(pickle: &str, key: &[u8]) -> Result<DmlsIdentity, JsValue> {
        let pickle =
            DmlsIdentityPickle::from_encrypted(pickle, &key32(key, "PickleError")?).js()?;
        Ok(DmlsIdentity { inner: dmls::DmlsIdentity::from_pickle(pickle) })
    }
}

/// A decentralised MLS group as one member sees it: every retained fork of its epoch history.
/// Sending (`encrypt`, commits) happens on the preferred fork; `process` takes envelopes on any
/// retained fork. A call that throws leaves the group unchanged.
#[wasm_bindgen]
pub struct DmlsGroup {
    inner: dmls::DmlsGroup,
}

/// `{ commit, welcome?, forkId }`.
fn commit_object(commit: dmls::DmlsCommit) -> DmlsCommitObject {
    let object = Object::new();
    set(&object, "commit", &Uint8Array::from(commit.commit.as_slice()));
    if let Some(welcome) = commit.welcome {
        set(&object, "welcome", &Uint8Array::from(welcome.as_slice()));
    }
    set(&object, "forkId", &JsValue::from_str(&fork_string(&commit.fork_id)));
    object.unchecked_into()
}

/// `{ kind, ... }`, as `DmlsProcessed` declares.
fn processed_object(processed: &dmls::Processed) -> Object {
    let object = Object::new();
    let kind = |name: &str| set(&object, "kind", &JsValue::from_str(name));
    let fork = |name: &str, id: &dmls::ForkId| {
        set(&object, name, &JsValue::from_str(&fork_string(id)));
    };
    match processed {
        dmls::Processed::Application { fork_id, sender, plaintext } => {
            kind("application");
            fork("forkId", fork_id);
            set(&object, "sender", &Uint8Array::from(sender.as_slice()));
            set(&object, "plaintext", &Uint8Array::from(plaintext.as_slice()));
        }
        dmls::Processed::Commit { parent, fork_id, epoch, replayed } => {
            kind("commit");
            fork("parent", parent);
            fork("forkId", fork_id);
            set(&object, "epoch", &number(*epoch));
            let replayed: Array = replayed.iter().map(processed_object).collect();
            set(&object, "replayed", &replayed);
        }
        dmls::Processed::Removed { parent } => {
            kind("removed");
            fork("parent", parent);
        }
        dmls::Processed::Queued { fork_id } => {
            kind("queued");
            fork("forkId", fork_id);
        }
    }
    object
}

#[wasm_bindgen]
impl DmlsGroup {
    /// A new group with `identity` as its only member.
    pub fn create(identity: &DmlsIdentity) -> Result<DmlsGroup, JsValue> {
        Ok(DmlsGroup { inner: dmls::DmlsGroup::create(&identity.inner).js()? })
    }

    /// Join a group from a Welcome (`addMembers`'s `welcome`) addressed to one of `identity`'s
    /// KeyPackages; that KeyPackage's private keys are then removed from the identity.
    pub fn join(identity: &mut DmlsIdentity, welcome: &[u8]) -> Result<DmlsGroup, JsValue> {
        Ok(DmlsGroup { inner: dmls::DmlsGroup::join(&mut identity.inner, welcome).js()? })
    }

    /// The MLS group id (unpadded base64).
    #[wasm_bindgen(getter, js_name = groupId)]
    pub fn group_id(&self) -> String {
        base64_encode(self.inner.group_id())
    }

    /// Commit on the preferred fork adding the members whose KeyPackages
    /// (`DmlsIdentity.keyPackage()`) are given. Send `commit` to the group and `welcome` to the
    /// new members.
    #[wasm_bindgen(js_name = addMembers)]
    pub fn add_members(
        &mut self,
        #[wasm_bindgen(js_name = "keyPackages")] key_packages: &Uint8ArrayList,
    ) -> Result<DmlsCommitObject, JsValue> {
        let key_packages = array_of(key_packages, "keyPackages", uint8_array)?;
        let key_packages: Vec<&[u8]> = key_packages.iter().map(Vec::as_slice).collect();
        Ok(commit_object(self.inner.add_members(&key_packages).js()?))
    }

    /// Commit on the preferred fork removing the members with these credential identities (a
    /// string is taken as its UTF-8 bytes).
    #[wasm_bindgen(js_name = removeMembers)]
    pub fn remove_members(
        &mut self,
        identities: &BytesOrStringList,
    ) -> Result<DmlsCommitObject, JsValue> {
        let identities = array_of(identities, "identities", |item| {
            bytes_of(item.unchecked_ref::<BytesOrString>())
        })?;
        let identities: Vec<&[u8]> = identities.iter().map(Vec::as_slice).collect();
        Ok(commit_object(self.inner.remove_members(&identities).js()?))
    }

    /// Commit on the preferred fork updating this member's leaf keys (post-compromise
    /// security).
    #[wasm_bindgen(js_name = selfUpdate)]
    pub fn self_update(&mut self) -> Result<DmlsCommitObject, JsValue> {
        Ok(commit_object(self.inner.self_update().js()?))
    }

    /// Encrypt an application message (a string is encrypted as its UTF-8 bytes) on the
    /// preferred fork. Returns the envelope to send.
    pub fn encrypt(&mut self, plaintext: &BytesOrString) -> Result<Vec<u8>, JsValue> {
        self.inner.encrypt(&bytes_of(plaintext)?).js()
    }

    /// Process an envelope from the group: decrypt an application message, apply a commit
    /// (a new fork), or queue a message for a fork not known yet. A commit processed before
    /// gives `{ kind: "duplicate" }`; anything refused throws a `DmlsError` subclass and
    /// changes nothing.
    pub fn process(&mut self, envelope: &[u8]) -> Result<DmlsProcessedObject, JsValue> {
        match self.inner.process(envelope) {
            Ok(processed) => Ok(processed_object(&processed).unchecked_into()),
            Err(DmlsError::Duplicate { child }) => {
                let object = Object::new();
                set(&object, "kind", &JsValue::from_str("duplicate"));
                if let Some(child) = child {
                    set(&object, "forkId", &JsValue::from_str(&fork_string(&child)));
                }
                Ok(object.unchecked_into())
            }
            Err(error) => Err(error.to_js()),
        }
    }

    /// The fork this member sends on: the retained fork with the highest epoch, ties broken by
    /// the highest fork id, so members holding the same forks agree. `undefined` once removed.
    #[wasm_bindgen(getter, js_name = preferredFork)]
    pub fn preferred_fork(&self) -> Option<String> {
        self.inner.preferred_fork().as_ref().map(fork_string)
    }

    /// The retained forks, lowest epoch first (then by id).
    pub fn forks(&self) -> DmlsForkInfoArray {
        let forks: Array = self
            .inner
            .forks()
            .iter()
            .map(|info| {
                let object = Object::new();
                set(&object, "id", &JsValue::from_str(&fork_string(&info.id)));
                if let Some(parent) = &info.parent {
                    set(&object, "parent", &JsValue::from_str(&fork_string(parent)));
                }
                set(&object, "epoch", &number(info.epoch));
                JsValue::from(object)
            })
            .collect();
        forks.unchecked_into()
    }

    /// The members' credential identities on a retained fork (default: the preferred fork), in
    /// leaf order.
    pub fn members(
        &self,
        #[wasm_bindgen(js_name = "forkId")] fork_id: Option<String>,
    ) -> Result<Vec<Uint8Array>, JsValue> {
        let fork = self.fork_or_preferred(fork_id.as_deref())?;
        let members = self.inner.members(fork).js()?;
        Ok(members.iter().map(|member| Uint8Array::from(member.as_slice())).collect())
    }

    /// `MLS-Exporter(label, "", length)` of a retained fork (default: the preferred fork):
    /// `length` (at most 65535) bytes every member on that fork derives alike.
    #[wasm_bindgen(js_name = exportSecret)]
    pub fn export_secret(
        &self,
        label: &str,
        length: f64,
        #[wasm_bindgen(js_name = "forkId")] fork_id: Option<String>,
    ) -> Result<Vec<u8>, JsValue> {
        let length = whole_number(length, u32::from(u16::MAX), "length")?;
        let fork = self.fork_or_preferred(fork_id.as_deref())?;
        let length = usize::try_from(length).map_err(|_| range_error("length is too large"))?;
        Ok(self.inner.export_secret(fork, label, length).js()?.to_vec())
    }

    /// The retention limits.
    #[wasm_bindgen(getter)]
    pub fn limits(&self) -> DmlsRetentionLimitsObject {
        let limits = self.inner.limits();
        let object = Object::new();
        set(&object, "maxForks", &number(limits.max_forks as u64));
        set(&object, "maxDepth", &number(limits.max_depth));
        set(&object, "maxAge", &limits.max_age.map_or(JsValue::NULL, number));
        set(&object, "maxQueued", &number(limits.max_queued as u64));
        object.unchecked_into()
    }

    /// Change some of the retention limits (the fields given; `maxAge: null` removes the age
    /// limit). Forks past the new limits are evicted now.
    #[wasm_bindgen(js_name = setLimits)]
    pub fn set_limits(&mut self, limits: &DmlsRetentionLimitsUpdate) -> Result<(), JsValue> {
        if !limits.is_object() {
            return Err(type_error("limits must be an object"));
        }
        let field = |name: &str| js_sys::Reflect::get(limits, &JsValue::from_str(name));
        let count = |name: &str| -> Result<Option<u64>, JsValue> {
            let value = field(name)?;
            if value.is_undefined() {
                return Ok(None);
            }
            let number = value
                .as_f64()
                .ok_or_else(|| type_error(&format!("limits.{name} must be a number")))?;
            whole_u64(number, &format!("limits.{name}")).map(Some)
        };
        let size = |value: u64| {
            usize::try_from(value)
                .map_err(|_| range_error("a limit is too large for this platform"))
        };
        let mut new = self.inner.limits();
        if let Some(value) = count("maxForks")? {
            new.max_forks = size(value)?;
        }
        if let Some(value) = count("maxDepth")? {
            new.max_depth = value;
        }
        if field("maxAge")?.is_null() {
            new.max_age = None;
        } else if let Some(value) = count("maxAge")? {
            new.max_age = Some(value);
        }
        if let Some(value) = count("maxQueued")? {
            new.max_queued = size(value)?;
        }
        self.inner.set_limits(new);
        Ok(())
    }

    /// Advance the clock of `limits.maxAge` (any monotonic unit, e.g. seconds; it never goes
    /// back). Forks older than the limit are evicted now.
    #[wasm_bindgen(js_name = setTime)]
    pub fn set_time(&mut self, now: f64) -> Result<(), JsValue> {
        self.inner.set_time(whole_u64(now, "now")?);
        Ok(())
    }

    /// The group (every retained fork, the queue, the limits) encrypted under a 32-byte key.
    pub fn pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        Ok(self.inner.pickle().encrypt(&key32(key, "PickleError")?))
    }

    /// Restore a group from `pickle()`'s output and its 32-byte key.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(pickle: &str, key: &[u8]) -> Result<DmlsGroup, JsValue> {
        let pickle = DmlsGroupPickle::from_encrypted(pickle, &key32(key, "PickleError")?).js()?;
        Ok(DmlsGroup { inner: dmls::DmlsGroup::from_pickle(pickle) })
    }
}

impl DmlsGroup {
    /// The fork named by `fork_id`, or the preferred fork.
    fn fork_or_preferred(&self, fork_id: Option<&str>) -> Result<dmls::ForkId, JsValue> {
        match fork_id {
            Some(id) => parse_fork(id),
            None => self.inner.preferred_fork().ok_or_else(|| DmlsError::NotMember.to_js()),
        }
    }
}
