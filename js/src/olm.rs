//! Olm: `Account`, `Session` and `OlmMessage`.

use js_sys::{Object, Uint8Array};
use salamander::{
    base64_decode, base64_encode,
    olm::{self, AccountPickle, SessionPickle},
    DecodeError,
};
use wasm_bindgen::{prelude::*, JsCast};

use crate::{
    errors::{range_error, JsResult, ToJsError},
    util::{
        bytes_of, curve_key, key32, key_array, key_map, olm_config, set, whole_number, with_replay,
        BytesOrString, DehydratedDeviceObject, IdentityKeysObject, InboundCreationObject, KeyMap,
        OneTimeKeyGenerationObject, SessionKeysObject, SessionOptions,
    },
};

/// An Olm account: a device's identity keys, one-time keys and fallback key.
#[wasm_bindgen]
pub struct Account {
    inner: olm::Account,
}

#[wasm_bindgen]
impl Account {
    /// A new account with fresh identity keys and no one-time keys.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Account {
        Account { inner: olm::Account::new() }
    }

    /// The account's public identity keys, `{ curve25519, ed25519 }` (unpadded base64).
    #[wasm_bindgen(getter, js_name = identityKeys)]
    pub fn identity_keys(&self) -> IdentityKeysObject {
        let keys = self.inner.identity_keys();
        let object = Object::new();
        set(&object, "curve25519", &keys.curve25519.to_base64().into());
        set(&object, "ed25519", &keys.ed25519.to_base64().into());
        object.unchecked_into()
    }

    /// The Curve25519 identity key (unpadded base64).
    #[wasm_bindgen(getter)]
    pub fn curve25519(&self) -> String {
        self.inner.curve25519_key().to_base64()
    }

    /// The Ed25519 identity key (unpadded base64).
    #[wasm_bindgen(getter)]
    pub fn ed25519(&self) -> String {
        self.inner.ed25519_key().to_base64()
    }

    /// Sign a message (a string is signed as its UTF-8 bytes) with the Ed25519 identity key;
    /// the signature is unpadded base64.
    pub fn sign(&self, message: &BytesOrString) -> Result<String, JsValue> {
        Ok(self.inner.sign(bytes_of(message)?).to_base64())
    }

    /// How many one-time keys should be published on the server (50).
    #[wasm_bindgen(getter, js_name = maxNumberOfOneTimeKeys)]
    pub fn max_number_of_one_time_keys(&self) -> u32 {
        count_u32(self.inner.max_number_of_one_time_keys())
    }

    /// How many one-time private keys the account holds, published or not.
    #[wasm_bindgen(getter, js_name = storedOneTimeKeyCount)]
    pub fn stored_one_time_key_count(&self) -> u32 {
        count_u32(self.inner.stored_one_time_key_count())
    }

    /// Generate `count` one-time keys (at most 5000, the size of the store); when the store is
    /// full the oldest keys are evicted. Returns the public keys `{ created, removed }`.
    #[wasm_bindgen(js_name = generateOneTimeKeys)]
    pub fn generate_one_time_keys(
        &mut self,
        count: f64,
    ) -> Result<OneTimeKeyGenerationObject, JsValue> {
        let count = one_time_key_count(count)?;
        Ok(generation_result(&self.inner.generate_one_time_keys(count)))
    }

    /// The one-time keys not yet marked as published, `{ [keyId]: key }`.
    #[wasm_bindgen(getter, js_name = oneTimeKeys)]
    pub fn one_time_keys(&self) -> KeyMap {
        key_map(self.inner.one_time_keys())
    }

    /// Rotate the fallback key. Returns the previous fallback key that was dropped, if any.
    #[wasm_bindgen(js_name = generateFallbackKey)]
    pub fn generate_fallback_key(&mut self) -> Option<String> {
        self.inner.generate_fallback_key().map(|key| key.to_base64())
    }

    /// The current fallback key if it is not yet published, `{ [keyId]: key }` (else `{}`).
    #[wasm_bindgen(getter, js_name = fallbackKey)]
    pub fn fallback_key(&self) -> KeyMap {
        key_map(self.inner.fallback_key())
    }

    /// Forget the previous fallback key; returns whether there was one.
    #[wasm_bindgen(js_name = forgetFallbackKey)]
    pub fn forget_fallback_key(&mut self) -> bool {
        self.inner.forget_fallback_key()
    }

    /// Mark every one-time key and the fallback key as published.
    #[wasm_bindgen(js_name = markKeysAsPublished)]
    pub fn mark_keys_as_published(&mut self) {
        self.inner.mark_keys_as_published();
    }

    /// Start a session with another device from its Curve25519 identity key and one of its
    /// one-time (or fallback) keys. Check the key's signature first.
    #[wasm_bindgen(js_name = createOutboundSession)]
    pub fn create_outbound_session(
        &self,
        #[wasm_bindgen(js_name = "identityKey")] identity_key: &str,
        #[wasm_bindgen(js_name = "oneTimeKey")] one_time_key: &str,
        options: Option<SessionOptions>,
    ) -> Result<Session, JsValue> {
        let (identity_key, one_time_key) = (curve_key(identity_key)?, curve_key(one_time_key)?);
        let config = olm_config(options.as_ref());
        let inner = self.inner.create_outbound_session(config, identity_key, one_time_key).js()?;
        Ok(Session { inner })
    }

    /// Accept a session started by another device from its first (pre-key, type 0) message.
    /// The one-time key it used is removed only if the message decrypts.
    #[wasm_bindgen(js_name = createInboundSession)]
    pub fn create_inbound_session(
        &mut self,
        #[wasm_bindgen(js_name = "theirIdentityKey")] their_identity_key: &str,
        message: &OlmMessage,
        options: Option<SessionOptions>,
    ) -> Result<InboundCreationObject, JsValue> {
        let their_identity_key = curve_key(their_identity_key)?;
        let olm::OlmMessage::PreKey(pre_key) = &message.inner else {
            return Err(DecodeError::MessageType(1).to_js());
        };
        let config = olm_config(options.as_ref());
        let result = self.inner.create_inbound_session(config, their_identity_key, pre_key).js()?;
        let object = Object::new();
        set(&object, "session", &Session { inner: result.session }.into());
        set(&object, "plaintext", &Uint8Array::from(result.plaintext.as_slice()).into());
        Ok(object.unchecked_into())
    }

    /// The account encrypted under a 32-byte key (vodozemac's pickle format).
    pub fn pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        Ok(self.inner.pickle().encrypt(&key32(key, "PickleError")?))
    }

    /// Restore an account from `pickle()`'s output (or vodozemac's) and its 32-byte key.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(pickle: &str, key: &[u8]) -> Result<Account, JsValue> {
        let pickle = AccountPickle::from_encrypted(pickle, &key32(key, "PickleError")?).js()?;
        Ok(Account { inner: olm::Account::from_pickle(pickle) })
    }

    /// Import an account pickled by libolm (for example by `@matrix-org/olm`) with its key.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(pickle: &str, key: &[u8]) -> Result<Account, JsValue> {
        Ok(Account { inner: olm::Account::from_libolm_pickle(pickle, key).js()? })
    }

    /// The account as a libolm pickle under `key`, readable by libolm.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        self.inner.to_libolm_pickle(key).js()
    }

    /// The account encrypted as a dehydrated device (MSC3814) under a 32-byte key.
    #[wasm_bindgen(js_name = toDehydratedDevice)]
    pub fn to_dehydrated_device(&self, key: &[u8]) -> Result<DehydratedDeviceObject, JsValue> {
        let result = self.inner.to_dehydrated_device(&key32(key, "DehydratedDeviceError")?).js()?;
        let object = Object::new();
        set(&object, "ciphertext", &result.ciphertext.into());
        set(&object, "nonce", &result.nonce.into());
        Ok(object.unchecked_into())
    }

    /// Restore an account from a dehydrated device and its 32-byte key.
    #[wasm_bindgen(js_name = fromDehydratedDevice)]
    pub fn from_dehydrated_device(
        ciphertext: &str,
        nonce: &str,
        key: &[u8],
    ) -> Result<Account, JsValue> {
        let key = key32(key, "DehydratedDeviceError")?;
        Ok(Account { inner: olm::Account::from_dehydrated_device(ciphertext, nonce, &key).js()? })
    }

    /// **For known-answer tests only.** An account made from exactly 64 given "random" bytes
    /// (the Ed25519 seed, then the Curve25519 key), as libolm consumes them.
    #[wasm_bindgen(js_name = fromRandomBytes)]
    pub fn from_random_bytes(random: &[u8]) -> Result<Account, JsValue> {
        let inner =
            with_replay(random, "Account.fromRandomBytes", |rng| olm::Account::new_with_rng(rng))?;
        Ok(Account { inner })
    }

    /// **For known-answer tests only.** `generateOneTimeKeys` drawing exactly 32 given bytes
    /// per key.
    #[wasm_bindgen(js_name = generateOneTimeKeysWithRandomBytes)]
    pub fn generate_one_time_keys_with_random_bytes(
        &mut self,
        count: f64,
        random: &[u8],
    ) -> Result<OneTimeKeyGenerationObject, JsValue> {
        let count = one_time_key_count(count)?;
        let mut copy = self.inner.clone();
        let result = with_replay(random, "Account.generateOneTimeKeysWithRandomBytes", |rng| {
            copy.generate_one_time_keys_with_rng(count, rng)
        })?;
        self.inner = copy;
        Ok(generation_result(&result))
    }

    /// **For known-answer tests only.** `generateFallbackKey` drawing exactly 32 given bytes.
    #[wasm_bindgen(js_name = generateFallbackKeyWithRandomBytes)]
    pub fn generate_fallback_key_with_random_bytes(
        &mut self,
        random: &[u8],
    ) -> Result<Option<String>, JsValue> {
        let mut copy = self.inner.clone();
        let removed = with_replay(random, "Account.generateFallbackKeyWithRandomBytes", |rng| {
            copy.generate_fallback_key_with_rng(rng)
        })?;
        self.inner = copy;
        Ok(removed.map(|key| key.to_base64()))
    }

    /// **For known-answer tests only.** `createOutboundSession` drawing exactly 64 given bytes
    /// (the base key, then the first ratchet key).
    #[wasm_bindgen(js_name = createOutboundSessionWithRandomBytes)]
    pub fn create_outbound_session_with_random_bytes(
        &self,
        #[wasm_bindgen(js_name = "identityKey")] identity_key: &str,
        #[wasm_bindgen(js_name = "oneTimeKey")] one_time_key: &str,
        random: &[u8],
        options: Option<SessionOptions>,
    ) -> Result<Session, JsValue> {
        let (identity_key, one_time_key) = (curve_key(identity_key)?, curve_key(one_time_key)?);
        let config = olm_config(options.as_ref());
        let inner = with_replay(random, "Account.createOutboundSessionWithRandomBytes", |rng| {
            self.inner.create_outbound_session_with_rng(config, identity_key, one_time_key, rng)
        })?
        .js()?;
        Ok(Session { inner })
    }
}

impl Default for Account {
    fn default() -> Self {
        Self::new()
    }
}

/// A count as a JavaScript number (every count here is far below 2^32).
fn count_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The number of one-time keys to generate: a whole number up to the size of the store.
fn one_time_key_count(count: f64) -> Result<usize, JsValue> {
    let max = count_u32(olm::MAX_ONE_TIME_KEYS);
    let count = whole_number(count, max, "The number of one-time keys")?;
    usize::try_from(count).map_err(|_| range_error("too many one-time keys"))
}

fn generation_result(result: &olm::OneTimeKeyGenerationResult) -> OneTimeKeyGenerationObject {
    let object = Object::new();
    set(&object, "created", &key_array(&result.created).into());
    set(&object, "removed", &key_array(&result.removed).into());
    object.unchecked_into()
}

/// An Olm session between two devices.
#[wasm_bindgen]
pub struct Session {
    inner: olm::Session,
}

#[wasm_bindgen]
impl Session {
    /// The session id (unpadded base64), the same on both sides.
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.session_id()
    }

    /// Whether the session has decrypted a message from the other side; until then it sends
    /// pre-key messages.
    #[wasm_bindgen(getter, js_name = hasReceivedMessage)]
    pub fn has_received_message(&self) -> bool {
        self.inner.has_received_message()
    }

    /// The session's protocol version: 1 (libolm's) or 2 (`{ v2: true }`).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u8 {
        self.inner.session_config().version()
    }

    /// The keys the session was created from, `{ identityKey, baseKey, oneTimeKey }`.
    #[wasm_bindgen(getter, js_name = sessionKeys)]
    pub fn session_keys(&self) -> SessionKeysObject {
        session_keys_object(&self.inner.session_keys())
    }

    /// Encrypt a message (a string is encrypted as its UTF-8 bytes).
    pub fn encrypt(&mut self, plaintext: &BytesOrString) -> Result<OlmMessage, JsValue> {
        let inner = self.inner.encrypt(bytes_of(plaintext)?).js()?;
        Ok(OlmMessage { inner })
    }

    /// Decrypt a message. On any error the session is unchanged.
    pub fn decrypt(&mut self, message: &OlmMessage) -> Result<Vec<u8>, JsValue> {
        self.inner.decrypt(&message.inner).js()
    }

    /// The session encrypted under a 32-byte key (vodozemac's pickle format).
    pub fn pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        Ok(self.inner.pickle().encrypt(&key32(key, "PickleError")?))
    }

    /// Restore a session from `pickle()`'s output (or vodozemac's) and its 32-byte key.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(pickle: &str, key: &[u8]) -> Result<Session, JsValue> {
        let pickle = SessionPickle::from_encrypted(pickle, &key32(key, "PickleError")?).js()?;
        Ok(Session { inner: olm::Session::from_pickle(pickle) })
    }

    /// Import a session pickled by libolm with its key.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(pickle: &str, key: &[u8]) -> Result<Session, JsValue> {
        Ok(Session { inner: olm::Session::from_libolm_pickle(pickle, key).js()? })
    }

    /// The session as a libolm pickle under `key`, readable by libolm.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(&self, key: &[u8]) -> Result<String, JsValue> {
        self.inner.to_libolm_pickle(key).js()
    }

    /// **For known-answer tests only.** `encrypt` drawing exactly the given bytes: 32 (a new
    /// ratchet key) for the first message after a change of direction, else none.
    #[wasm_bindgen(js_name = encryptWithRandomBytes)]
    pub fn encrypt_with_random_bytes(
        &mut self,
        plaintext: &BytesOrString,
        random: &[u8],
    ) -> Result<OlmMessage, JsValue> {
        let plaintext = bytes_of(plaintext)?;
        let mut copy = self.inner.clone();
        let inner = with_replay(random, "Session.encryptWithRandomBytes", |rng| {
            copy.encrypt_with_rng(&plaintext, rng)
        })?
        .js()?;
        self.inner = copy;
        Ok(OlmMessage { inner })
    }
}

fn session_keys_object(keys: &olm::SessionKeys) -> SessionKeysObject {
    let object = Object::new();
    set(&object, "identityKey", &keys.identity_key.to_base64().into());
    set(&object, "baseKey", &keys.base_key.to_base64().into());
    set(&object, "oneTimeKey", &keys.one_time_key.to_base64().into());
    object.unchecked_into()
}

/// An Olm message: its type (0 pre-key, 1 normal) and its body, as carried in an
/// `m.room.encrypted` event.
#[wasm_bindgen]
pub struct OlmMessage {
    inner: olm::OlmMessage,
}

#[wasm_bindgen]
impl OlmMessage {
    /// Decode a message from its type (0 or 1) and its unpadded base64 body.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = "messageType")] message_type: f64,
        body: &str,
    ) -> Result<OlmMessage, JsValue> {
        // Any number other than 0 and 1 is refused by salamander as a `MessageType` error (one
        // that is not a whole number shows as the largest `usize`).
        let message_type = whole_number(message_type, u32::MAX, "")
            .ok()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(usize::MAX);
        let bytes = base64_decode(body).map_err(DecodeError::Base64).js()?;
        Ok(OlmMessage { inner: olm::OlmMessage::from_parts(message_type, &bytes).js()? })
    }

    /// `new OlmMessage(type, body)`.
    #[wasm_bindgen(js_name = fromParts)]
    pub fn from_parts(
        #[wasm_bindgen(js_name = "messageType")] message_type: f64,
        body: &str,
    ) -> Result<OlmMessage, JsValue> {
        Self::new(message_type, body)
    }

    /// The message type: 0 (pre-key) or 1 (normal).
    #[wasm_bindgen(getter, js_name = messageType)]
    pub fn message_type(&self) -> u8 {
        match self.inner {
            olm::OlmMessage::PreKey(_) => 0,
            olm::OlmMessage::Normal(_) => 1,
        }
    }

    /// The message as unpadded base64, the `body` of the event.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        base64_encode(self.inner.to_parts().1)
    }

    /// `{ type, body }`, as in an `m.room.encrypted` event (`JSON.stringify` uses it).
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Object {
        let object = Object::new();
        set(&object, "type", &self.message_type().into());
        set(&object, "body", &self.body().into());
        object
    }

    /// The session id of a pre-key message (find the session with it); `undefined` for a
    /// normal message.
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> Option<String> {
        match &self.inner {
            olm::OlmMessage::PreKey(message) => Some(message.session_id()),
            olm::OlmMessage::Normal(_) => None,
        }
    }

    /// The session keys a pre-key message carries; `undefined` for a normal message.
    #[wasm_bindgen(getter, js_name = sessionKeys)]
    pub fn session_keys(&self) -> Option<SessionKeysObject> {
        match &self.inner {
            olm::OlmMessage::PreKey(message) => Some(session_keys_object(&message.session_keys())),
            olm::OlmMessage::Normal(_) => None,
        }
    }

    /// The message version byte: 3 (or 4 for version 2 sessions).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u8 {
        self.normal().version()
    }

    /// The sender's ratchet key (unpadded base64).
    #[wasm_bindgen(getter, js_name = ratchetKey)]
    pub fn ratchet_key(&self) -> String {
        self.normal().ratchet_key().to_base64()
    }

    /// The index of the message in its chain.
    #[wasm_bindgen(getter, js_name = chainIndex)]
    pub fn chain_index(&self) -> f64 {
        // Precise up to 2^53, far beyond any chain a session accepts.
        self.normal().chain_index() as f64
    }

    /// The AES-256-CBC ciphertext inside the message.
    #[wasm_bindgen(getter)]
    pub fn ciphertext(&self) -> Vec<u8> {
        self.inner.message().to_vec()
    }
}

impl OlmMessage {
    /// The normal message (inside a pre-key message).
    fn normal(&self) -> &olm::Message {
        match &self.inner {
            olm::OlmMessage::PreKey(message) => message.message(),
            olm::OlmMessage::Normal(message) => message,
        }
    }
}
