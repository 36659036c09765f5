//! Megolm: `GroupSession`, `InboundGroupSession` and `MegolmMessage`.

use js_sys::{Object, Uint8Array};
use salamander::megolm::{
    self, ExportedSessionKey, GroupSessionPickle, InboundGroupSessionPickle, SessionKey,
    SessionOrdering,
};
use wasm_bindgen::{prelude::*, JsCast};

use crate::{
    errors::JsResult,
    util::{
        bytes_of, key32, megolm_config, set, whole_number, with_replay, BytesOrString,
        DecryptedMessageObject, SessionOptions, SessionOrderingString,
    },
};

/// The sending side of a Megolm session.
#[wasm_bindgen]
pub struct GroupSession {
    inner: megolm::GroupSession,
}

#[wasm_bindgen]
impl GroupSession {
    /// A new session with a random ratchet and signing key.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<SessionOptions>) -> GroupSession {
        GroupSession { inner: megolm::GroupSession::new(megolm_config(options.as_ref())) }
    }

    /// The session id: the session's Ed25519 public key (unpadded base64).
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.session_id()
    }

    /// The index the next message will be encrypted at.
    #[wasm_bindgen(getter, js_name = messageIndex)]
    pub fn message_index(&self) -> u32 {
        self.inner.message_index()
    }

    /// The session's protocol version: 1 (libolm's) or 2 (`{ v2: true }`).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u8 {
        self.inner.session_config().version()
    }

    /// Encrypt a message (a string is encrypted as its UTF-8 bytes) at the current index and
    /// advance the ratchet. Returns the message as unpadded base64, the event's `ciphertext`.
    pub fn encrypt(&mut self, plaintext: &BytesOrString) -> Result<String, JsValue> {
        Ok(self.inner.encrypt(bytes_of(plaintext)?).to_base64())
    }

    /// The signed session key to share with the room (`m.room_key`) at the current index.
    #[wasm_bindgen(js_name = sessionKey)]
    pub fn session_key(&self) -> String {
        self.inner.session_key().to_base64()
    }

    /// The session encrypted under a 32-byte key (vodozemac's pickle format).
    pub fn pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        Ok(self.inner.pickle().encrypt(&key32(key, "PickleError")?))
    }

    /// Restore a session from `pickle()`'s output (or vodozemac's) and its 32-byte key.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(pickle: &str, key: &[u8]) -> Result<GroupSession, JsValue> {
        let pickle =
            GroupSessionPickle::from_encrypted(pickle, &key32(key, "PickleError")?).js()?;
        Ok(GroupSession { inner: megolm::GroupSession::from_pickle(pickle) })
    }

    /// Import an outbound group session pickled by libolm with its key.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(pickle: &str, key: &[u8]) -> Result<GroupSession, JsValue> {
        Ok(GroupSession { inner: megolm::GroupSession::from_libolm_pickle(pickle, key).js()? })
    }

    /// The session as a libolm pickle under `key`, readable by libolm.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        self.inner.to_libolm_pickle(key).js()
    }

    /// **For known-answer tests only.** A session made from exactly 160 given "random" bytes
    /// (128 of ratchet, then the 32-byte Ed25519 seed), as libolm consumes them.
    #[wasm_bindgen(js_name = fromRandomBytes)]
    pub fn from_random_bytes(
        random: &[u8],
        options: Option<SessionOptions>,
    ) -> Result<GroupSession, JsValue> {
        let config = megolm_config(options.as_ref());
        let inner = with_replay(random, "GroupSession.fromRandomBytes", |rng| {
            megolm::GroupSession::new_with_rng(config, rng)
        })?;
        Ok(GroupSession { inner })
    }
}

/// The receiving side of a Megolm session.
#[wasm_bindgen]
pub struct InboundGroupSession {
    inner: megolm::InboundGroupSession,
}

#[wasm_bindgen]
impl InboundGroupSession {
    /// A session from a signed session key (`m.room_key`, unpadded base64): verified.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = "sessionKey")] session_key: &str,
        options: Option<SessionOptions>,
    ) -> Result<InboundGroupSession, JsValue> {
        let key = SessionKey::from_base64(session_key).js()?;
        let inner = megolm::InboundGroupSession::new(&key, megolm_config(options.as_ref()));
        Ok(InboundGroupSession { inner })
    }

    /// A session from an exported key (forwarded key, backup, key export): unverified until a
    /// message decrypts with it.
    pub fn import(
        #[wasm_bindgen(js_name = "exportedKey")] exported_key: &str,
        options: Option<SessionOptions>,
    ) -> Result<InboundGroupSession, JsValue> {
        let key = ExportedSessionKey::from_base64(exported_key).js()?;
        let inner = megolm::InboundGroupSession::import(&key, megolm_config(options.as_ref()));
        Ok(InboundGroupSession { inner })
    }

    /// The session id: the sender's Ed25519 session key (unpadded base64).
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.session_id()
    }

    /// The lowest message index this session can decrypt.
    #[wasm_bindgen(getter, js_name = firstKnownIndex)]
    pub fn first_known_index(&self) -> u32 {
        self.inner.first_known_index()
    }

    /// Whether the session key is known to be the sender's: made from a signed session key, or
    /// a message has decrypted with it.
    #[wasm_bindgen(getter, js_name = isVerified)]
    pub fn is_verified(&self) -> bool {
        self.inner.is_verified()
    }

    /// Decrypt a message (unpadded base64, the event's `ciphertext`):
    /// `{ plaintext, messageIndex }`. On any error the session is unchanged. A message index
    /// seen twice with different plaintexts is a replay: reject it.
    pub fn decrypt(&mut self, message: &str) -> Result<DecryptedMessageObject, JsValue> {
        let message = megolm::MegolmMessage::from_base64(message).js()?;
        let decrypted = self.inner.decrypt(&message).js()?;
        let object = Object::new();
        set(&object, "plaintext", &Uint8Array::from(decrypted.plaintext.as_slice()).into());
        set(&object, "messageIndex", &decrypted.message_index.into());
        Ok(object.unchecked_into())
    }

    /// Export the session at `index` (at or after the first known index), unpadded base64;
    /// `undefined` if the index is before the first known one.
    #[wasm_bindgen(js_name = exportAt)]
    pub fn export_at(&mut self, index: f64) -> Result<Option<String>, JsValue> {
        let index = whole_number(index, u32::MAX, "The message index")?;
        Ok(self.inner.export_at(index).map(|key| key.to_base64()))
    }

    /// Export the session at its first known index (unpadded base64).
    #[wasm_bindgen(js_name = exportAtFirstKnownIndex)]
    pub fn export_at_first_known_index(&self) -> String {
        self.inner.export_at_first_known_index().to_base64()
    }

    /// Forget everything before `index`. Returns `false` (and does nothing) unless `index` is
    /// after the first known index.
    #[wasm_bindgen(js_name = advanceTo)]
    pub fn advance_to(&mut self, index: f64) -> Result<bool, JsValue> {
        let index = whole_number(index, u32::MAX, "The message index")?;
        Ok(self.inner.advance_to(index))
    }

    /// Whether both are the same Megolm session (same key, one's ratchet derivable from the
    /// other's).
    pub fn connected(&self, other: &InboundGroupSession) -> bool {
        self.copy().connected(&mut other.copy())
    }

    /// Which of two sessions knows more of the same Megolm session: `"Better"` if this one
    /// knows earlier messages, `"Worse"`, `"Equal"` or `"Unconnected"`.
    pub fn compare(&self, other: &InboundGroupSession) -> SessionOrderingString {
        let ordering = match self.copy().compare(&mut other.copy()) {
            SessionOrdering::Equal => "Equal",
            SessionOrdering::Better => "Better",
            SessionOrdering::Worse => "Worse",
            SessionOrdering::Unconnected => "Unconnected",
        };
        JsValue::from_str(ordering).unchecked_into()
    }

    /// A session that knows as much as both (the lower first index, verified if either is);
    /// `undefined` if they are not connected.
    pub fn merge(&self, other: &InboundGroupSession) -> Option<InboundGroupSession> {
        let inner = self.copy().merge(&mut other.copy())?;
        Some(InboundGroupSession { inner })
    }

    /// The session encrypted under a 32-byte key (vodozemac's pickle format).
    pub fn pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        Ok(self.inner.pickle().encrypt(&key32(key, "PickleError")?))
    }

    /// Restore a session from `pickle()`'s output (or vodozemac's) and its 32-byte key.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(pickle: &str, key: &[u8]) -> Result<InboundGroupSession, JsValue> {
        let key = key32(key, "PickleError")?;
        let pickle = InboundGroupSessionPickle::from_encrypted(pickle, &key).js()?;
        Ok(InboundGroupSession { inner: megolm::InboundGroupSession::from_pickle(pickle) })
    }

    /// Import an inbound group session pickled by libolm with its key.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(pickle: &str, key: &[u8]) -> Result<InboundGroupSession, JsValue> {
        let inner = megolm::InboundGroupSession::from_libolm_pickle(pickle, key).js()?;
        Ok(InboundGroupSession { inner })
    }

    /// The session as a libolm pickle under `key`, readable by libolm.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        self.inner.to_libolm_pickle(key).js()
    }
}

impl InboundGroupSession {
    /// A copy, so that `compare` and friends take shared references (the same object may be
    /// passed twice) while salamander's methods take `&mut` to cache ratchets.
    fn copy(&self) -> megolm::InboundGroupSession {
        megolm::InboundGroupSession::from_pickle(self.inner.pickle())
    }
}

/// A decoded Megolm message, for inspection. `InboundGroupSession.decrypt` takes the base64
/// string directly.
#[wasm_bindgen]
pub struct MegolmMessage {
    inner: megolm::MegolmMessage,
}

#[wasm_bindgen]
impl MegolmMessage {
    /// Decode a message from unpadded base64.
    #[wasm_bindgen(js_name = fromBase64)]
    pub fn from_base64(message: &str) -> Result<MegolmMessage, JsValue> {
        Ok(MegolmMessage { inner: megolm::MegolmMessage::from_base64(message).js()? })
    }

    /// The message as unpadded base64.
    #[wasm_bindgen(js_name = toBase64)]
    pub fn to_base64(&self) -> String {
        self.inner.to_base64()
    }

    /// The message index.
    #[wasm_bindgen(getter, js_name = messageIndex)]
    pub fn message_index(&self) -> u32 {
        self.inner.message_index()
    }

    /// The message version byte: 3 (or 4 for version 2 sessions).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u8 {
        self.inner.to_bytes().first().copied().unwrap_or_default()
    }

    /// The AES-256-CBC ciphertext.
    #[wasm_bindgen(getter)]
    pub fn ciphertext(&self) -> Vec<u8> {
        self.inner.ciphertext().to_vec()
    }

    /// The MAC (8 bytes, or 32 for version 2 sessions).
    #[wasm_bindgen(getter)]
    pub fn mac(&self) -> Vec<u8> {
        self.inner.mac().to_vec()
    }

    /// The Ed25519 signature (64 bytes).
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> Vec<u8> {
        self.inner.signature().to_bytes().to_vec()
    }
}
