// The JavaScript API, every export, including its error paths.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";

import {
  Account,
  DecodeError,
  DecryptionError,
  DehydratedDeviceError,
  GroupSession,
  InboundGroupSession,
  KEY,
  KeyError,
  LibolmPickleError,
  MegolmMessage,
  OlmMessage,
  PickleError,
  SalamanderError,
  Session,
  SessionCreationError,
  SignatureError,
  b64,
  ed25519Verify,
  olmPair,
  salamanderVersion,
  tamper,
  text,
  unb64,
  utf8,
} from "./helpers.mjs";

/** `fn` throws an error of class `cls` with `kind`. */
function throwsKind(fn, cls, kind) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${error?.name}: ${error?.message}`);
    assert.ok(error instanceof SalamanderError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, cls.name);
    if (kind !== undefined) assert.equal(error.kind, kind, error.message);
    assert.ok(error.message.length > 0);
    return true;
  });
}

const BASE64_32 = /^[A-Za-z0-9+/]{43}$/;
const OTHER_KEY = new Uint8Array(32).fill(9);

describe("errors", () => {
  test("classes have stable names and kinds", () => {
    const classes = { DecodeError, DecryptionError, DehydratedDeviceError, KeyError, LibolmPickleError };
    for (const [name, cls] of Object.entries(classes)) {
      assert.equal(cls.prototype.name, name);
      assert.ok(Object.getPrototypeOf(cls.prototype) === SalamanderError.prototype);
    }
    assert.equal(SalamanderError.prototype.name, "SalamanderError");
  });
});

describe("Account", () => {
  test("identity keys", () => {
    const account = new Account();
    const keys = account.identityKeys;
    assert.deepEqual(Object.keys(keys).sort(), ["curve25519", "ed25519"]);
    assert.match(keys.curve25519, BASE64_32);
    assert.match(keys.ed25519, BASE64_32);
    assert.equal(account.curve25519, keys.curve25519);
    assert.equal(account.ed25519, keys.ed25519);
    assert.notEqual(new Account().curve25519, keys.curve25519);
  });

  test("sign strings and bytes; ed25519Verify", () => {
    const account = new Account();
    const signature = account.sign("device keys");
    assert.equal(account.sign(utf8("device keys")), signature, "a string is signed as UTF-8");
    assert.equal(account.sign(Buffer.from("device keys")), signature, "Buffer is a Uint8Array");
    assert.equal(unb64(signature).length, 64);
    ed25519Verify(account.ed25519, "device keys", signature);
    ed25519Verify(account.ed25519, utf8("device keys"), signature);
    throwsKind(() => ed25519Verify(account.ed25519, "other", signature), SignatureError, "Signature");
    throwsKind(() => ed25519Verify(new Account().ed25519, "device keys", signature), SignatureError, "Signature");
    throwsKind(() => ed25519Verify(account.ed25519, "device keys", "!!"), SignatureError, "Base64");
    throwsKind(() => ed25519Verify("AAAA", "device keys", signature), KeyError, "InvalidKeyLength");
    throwsKind(() => ed25519Verify("not base64!", "x", signature), KeyError, "Base64Error");
    assert.throws(() => account.sign(42), TypeError);
    assert.throws(() => account.sign({}), TypeError);
  });

  test("one-time keys: generate, list, publish, limits", () => {
    const account = new Account();
    assert.equal(account.maxNumberOfOneTimeKeys, 50);
    assert.deepEqual(account.oneTimeKeys, {});
    const result = account.generateOneTimeKeys(3);
    assert.equal(result.created.length, 3);
    assert.deepEqual(result.removed, []);
    const keys = account.oneTimeKeys;
    assert.deepEqual(Object.keys(keys), ["AAAAAAAAAAA", "AAAAAAAAAAE", "AAAAAAAAAAI"]);
    assert.deepEqual(Object.values(keys), result.created);
    assert.equal(account.storedOneTimeKeyCount, 3);
    account.markKeysAsPublished();
    assert.deepEqual(account.oneTimeKeys, {});
    assert.equal(account.storedOneTimeKeyCount, 3);
    assert.deepEqual(account.generateOneTimeKeys(0), { created: [], removed: [] });
    for (const bad of [-1, 1.5, 5001, NaN, Infinity]) {
      assert.throws(() => account.generateOneTimeKeys(bad), RangeError, String(bad));
    }
    assert.equal(account.storedOneTimeKeyCount, 3);
  });

  test("one-time keys: the oldest are evicted when the store is full", () => {
    const account = new Account();
    const first = account.generateOneTimeKeys(5000);
    assert.equal(first.created.length, 5000);
    const second = account.generateOneTimeKeys(2);
    assert.deepEqual(second.removed, first.created.slice(0, 2));
    assert.equal(account.storedOneTimeKeyCount, 5000);
  });

  test("fallback keys", () => {
    const account = new Account();
    assert.deepEqual(account.fallbackKey, {});
    assert.equal(account.generateFallbackKey(), undefined);
    const [first] = Object.values(account.fallbackKey);
    assert.match(first, BASE64_32);
    assert.equal(account.generateFallbackKey(), undefined, "the first key becomes the previous one");
    assert.equal(account.generateFallbackKey(), first, "the previous key is dropped");
    assert.equal(account.forgetFallbackKey(), true);
    assert.equal(account.forgetFallbackKey(), false);
    assert.equal(Object.keys(account.fallbackKey).length, 1);
    account.markKeysAsPublished();
    assert.deepEqual(account.fallbackKey, {});
  });

  test("a fallback key opens sessions and is kept", () => {
    const alice = new Account();
    const bob = new Account();
    bob.generateFallbackKey();
    const [fallback] = Object.values(bob.fallbackKey);
    for (let i = 0; i < 2; i++) {
      const session = alice.createOutboundSession(bob.curve25519, fallback);
      const { plaintext } = bob.createInboundSession(alice.curve25519, session.encrypt("hi"));
      assert.equal(text(plaintext), "hi");
    }
  });

  test("createOutboundSession refuses bad keys", () => {
    const alice = new Account();
    const bob = new Account();
    throwsKind(() => alice.createOutboundSession("!!!", bob.curve25519), KeyError, "Base64Error");
    throwsKind(() => alice.createOutboundSession(bob.curve25519, "AAAA"), KeyError, "InvalidKeyLength");
    const zero = b64(new Uint8Array(32));
    throwsKind(() => alice.createOutboundSession(zero, zero), SessionCreationError, "NonContributoryKey");
  });

  test("createInboundSession error paths keep the one-time key", () => {
    const alice = new Account();
    const bob = new Account();
    bob.generateOneTimeKeys(1);
    const [otk] = Object.values(bob.oneTimeKeys);
    const session = alice.createOutboundSession(bob.curve25519, otk);
    const message = session.encrypt("first");

    throwsKind(() => bob.createInboundSession(new Account().curve25519, message), SessionCreationError, "MismatchedIdentityKey");
    throwsKind(() => bob.createInboundSession(alice.curve25519, message, { v2: true }), SessionCreationError, "MismatchedSessionConfig");
    throwsKind(() => new Account().createInboundSession(alice.curve25519, message), SessionCreationError, "MissingOneTimeKey");
    const forged = new OlmMessage(0, tamper(message.body));
    throwsKind(() => bob.createInboundSession(alice.curve25519, forged), SessionCreationError, "Decryption");
    throwsKind(() => bob.createInboundSession("bad", message), KeyError, "Base64Error");

    const { session: bobSession, plaintext } = bob.createInboundSession(alice.curve25519, message);
    assert.equal(text(plaintext), "first");
    assert.ok(bobSession instanceof Session);
    assert.equal(bobSession.sessionId, session.sessionId);
    throwsKind(() => bob.createInboundSession(alice.curve25519, message), SessionCreationError, "MissingOneTimeKey");

    const reply = bobSession.encrypt("reply");
    assert.equal(reply.messageType, 1);
    throwsKind(() => bob.createInboundSession(alice.curve25519, reply), DecodeError, "MessageType");
  });

  test("native pickles", () => {
    const account = new Account();
    account.generateOneTimeKeys(2);
    account.generateFallbackKey();
    const pickle = account.pickle(KEY);
    assert.equal(account.pickle(KEY), pickle, "the envelope is deterministic");
    const restored = Account.fromPickle(pickle, KEY);
    assert.deepEqual(restored.identityKeys, account.identityKeys);
    assert.deepEqual(restored.oneTimeKeys, account.oneTimeKeys);
    assert.deepEqual(restored.fallbackKey, account.fallbackKey);
    throwsKind(() => Account.fromPickle(pickle, OTHER_KEY), PickleError, "Decryption");
    throwsKind(() => Account.fromPickle(tamper(pickle, 5), KEY), PickleError, "Decryption");
    throwsKind(() => Account.fromPickle("not base64!", KEY), PickleError, "Base64");
    throwsKind(() => Account.fromPickle(pickle, new Uint8Array(31)), PickleError, "InvalidKeyLength");
    throwsKind(() => account.pickle(new Uint8Array(33)), PickleError, "InvalidKeyLength");
    throwsKind(() => Account.fromPickle(new GroupSession().pickle(KEY), KEY), PickleError, "Serialization");
  });

  test("libolm pickles", () => {
    const account = new Account();
    account.generateOneTimeKeys(2);
    const key = utf8("any length of key");
    const pickle = account.toLibolmPickle(key);
    const restored = Account.fromLibolmPickle(pickle, key);
    assert.deepEqual(restored.identityKeys, account.identityKeys);
    assert.equal(restored.storedOneTimeKeyCount, 2);
    throwsKind(() => Account.fromLibolmPickle(pickle, utf8("wrong")), LibolmPickleError, "Decryption");
    throwsKind(() => Account.fromLibolmPickle("!!", key), LibolmPickleError, "Base64");
    throwsKind(() => Account.fromLibolmPickle(new GroupSession().toLibolmPickle(key), key), LibolmPickleError);
    // An account that went through libolm's format signs like libolm and still verifies.
    ed25519Verify(restored.ed25519, "m", restored.sign("m"));
    assert.equal(restored.sign("m"), account.sign("m"));
  });

  test("dehydrated devices", () => {
    const account = new Account();
    account.generateOneTimeKeys(3);
    account.generateFallbackKey();
    const device = account.toDehydratedDevice(KEY);
    assert.deepEqual(Object.keys(device).sort(), ["ciphertext", "nonce"]);
    const restored = Account.fromDehydratedDevice(device.ciphertext, device.nonce, KEY);
    assert.deepEqual(restored.identityKeys, account.identityKeys);
    assert.equal(restored.storedOneTimeKeyCount, 3);
    throwsKind(() => Account.fromDehydratedDevice(device.ciphertext, device.nonce, OTHER_KEY), DehydratedDeviceError, "Decryption");
    throwsKind(() => Account.fromDehydratedDevice(device.ciphertext, "AAAA", KEY), DehydratedDeviceError, "InvalidNonce");
    throwsKind(() => Account.fromDehydratedDevice("!!", device.nonce, KEY), DehydratedDeviceError, "Base64");
    throwsKind(() => Account.fromDehydratedDevice(device.ciphertext, device.nonce, new Uint8Array(3)), DehydratedDeviceError, "InvalidKeyLength");
    throwsKind(() => account.toDehydratedDevice(new Uint8Array(3)), DehydratedDeviceError, "InvalidKeyLength");
    const fromLibolm = Account.fromLibolmPickle(account.toLibolmPickle(KEY), KEY);
    throwsKind(() => fromLibolm.toDehydratedDevice(KEY), DehydratedDeviceError, "InvalidAccount");
  });

  test("deterministic constructors replay exactly the bytes given", () => {
    const random = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    const a = Account.fromRandomBytes(random);
    const b = Account.fromRandomBytes(random);
    assert.deepEqual(a.identityKeys, b.identityKeys);
    assert.throws(() => Account.fromRandomBytes(random.subarray(1)), RangeError);
    assert.throws(() => Account.fromRandomBytes(new Uint8Array(65)), RangeError);

    const keys = a.generateOneTimeKeysWithRandomBytes(2, new Uint8Array(64).fill(7));
    assert.equal(keys.created.length, 2);
    assert.throws(() => a.generateOneTimeKeysWithRandomBytes(2, new Uint8Array(63)), RangeError);
    assert.equal(a.storedOneTimeKeyCount, 2, "a refused call changes nothing");
    assert.equal(a.generateFallbackKeyWithRandomBytes(new Uint8Array(32).fill(3)), undefined);
    assert.throws(() => a.generateFallbackKeyWithRandomBytes(new Uint8Array(31)), RangeError);
    assert.equal(Object.keys(a.fallbackKey).length, 1);

    const session = b.createOutboundSessionWithRandomBytes(a.curve25519, keys.created[0], new Uint8Array(64).fill(5));
    const again = b.createOutboundSessionWithRandomBytes(a.curve25519, keys.created[0], new Uint8Array(64).fill(5));
    assert.equal(session.sessionId, again.sessionId);
    assert.throws(() => b.createOutboundSessionWithRandomBytes(a.curve25519, keys.created[0], new Uint8Array(32)), RangeError);

    // No ratchet key is drawn for the first message: no bytes.
    const m1 = session.encryptWithRandomBytes("one", new Uint8Array(0));
    assert.equal(m1.body, again.encryptWithRandomBytes("one", new Uint8Array(0)).body);
    assert.throws(() => session.encryptWithRandomBytes("two", new Uint8Array(32)), RangeError);
    const { session: reply } = a.createInboundSession(b.curve25519, m1);
    // The first reply draws a new ratchet key: 32 bytes.
    assert.throws(() => reply.encryptWithRandomBytes("r", new Uint8Array(0)), RangeError);
    const r = reply.encryptWithRandomBytes("r", new Uint8Array(32).fill(8));
    assert.equal(text(session.decrypt(r)), "r");
  });
});

describe("Session", () => {
  test("a conversation with ratchet turns", () => {
    const { aliceSession, bobSession, first } = olmPair(Account, OlmMessage);
    assert.equal(first.messageType, 0);
    assert.equal(aliceSession.hasReceivedMessage, false);
    assert.equal(bobSession.hasReceivedMessage, true);
    assert.equal(aliceSession.version, 1);
    assert.deepEqual(aliceSession.sessionKeys, bobSession.sessionKeys);
    assert.deepEqual(first.sessionKeys, aliceSession.sessionKeys);
    for (let turn = 0; turn < 4; turn++) {
      const toAlice = bobSession.encrypt(`bob ${turn}`);
      assert.equal(toAlice.messageType, 1);
      assert.equal(text(aliceSession.decrypt(toAlice)), `bob ${turn}`);
      const toBob = aliceSession.encrypt(utf8(`alice ${turn}`));
      assert.equal(toBob.messageType, 1);
      assert.equal(text(bobSession.decrypt(toBob)), `alice ${turn}`);
    }
    assert.equal(aliceSession.hasReceivedMessage, true);
  });

  test("out of order, replays and tampering", () => {
    const { aliceSession, bobSession } = olmPair(Account, OlmMessage);
    const messages = [0, 1, 2].map((i) => bobSession.encrypt(`m${i}`));
    assert.equal(text(aliceSession.decrypt(messages[2])), "m2");
    assert.equal(text(aliceSession.decrypt(messages[0])), "m0");
    throwsKind(() => aliceSession.decrypt(messages[0]), DecryptionError, "MissingMessageKey");
    const forged = new OlmMessage(1, tamper(messages[1].body));
    throwsKind(() => aliceSession.decrypt(forged), DecryptionError, "InvalidMAC");
    assert.equal(text(aliceSession.decrypt(messages[1])), "m1", "a refused message changes nothing");
    const otherSession = olmPair(Account, OlmMessage).aliceSession;
    throwsKind(() => otherSession.decrypt(bobSession.encrypt("x")), DecryptionError);
  });

  test("binary plaintexts", () => {
    const { aliceSession, bobSession } = olmPair(Account, OlmMessage);
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    assert.deepEqual(bobSession.decrypt(aliceSession.encrypt(bytes)), bytes);
    assert.deepEqual(bobSession.decrypt(aliceSession.encrypt(new Uint8Array(0))), new Uint8Array(0));
    assert.throws(() => aliceSession.encrypt(null), TypeError);
  });

  test("version 2 sessions", () => {
    const { aliceSession, bobSession, first } = olmPair(Account, OlmMessage, { v2: true });
    assert.equal(aliceSession.version, 2);
    assert.equal(first.version, 4);
    const reply = bobSession.encrypt("v2 reply");
    assert.equal(text(aliceSession.decrypt(reply)), "v2 reply");
    const v1 = olmPair(Account, OlmMessage).bobSession;
    throwsKind(() => v1.decrypt(aliceSession.encrypt("x")), DecryptionError);
  });

  test("native and libolm pickles continue the conversation", () => {
    const { aliceSession, bobSession } = olmPair(Account, OlmMessage);
    const pickled = Session.fromPickle(aliceSession.pickle(KEY), KEY);
    assert.equal(pickled.sessionId, aliceSession.sessionId);
    assert.equal(text(pickled.decrypt(bobSession.encrypt("after native"))), "after native");
    const libolmKey = utf8("libolm key");
    const fromLibolm = Session.fromLibolmPickle(pickled.toLibolmPickle(libolmKey), libolmKey);
    assert.equal(text(bobSession.decrypt(fromLibolm.encrypt("after libolm"))), "after libolm");
    throwsKind(() => Session.fromPickle(aliceSession.pickle(KEY), OTHER_KEY), PickleError, "Decryption");
    throwsKind(() => Session.fromPickle("%%%", KEY), PickleError, "Base64");
    throwsKind(() => Session.fromPickle(aliceSession.pickle(KEY), new Uint8Array(0)), PickleError, "InvalidKeyLength");
    throwsKind(() => aliceSession.pickle(new Uint8Array(0)), PickleError, "InvalidKeyLength");
    throwsKind(() => Session.fromLibolmPickle(aliceSession.toLibolmPickle(libolmKey), utf8("x")), LibolmPickleError, "Decryption");
    throwsKind(() => Session.fromLibolmPickle("!", libolmKey), LibolmPickleError, "Base64");
  });
});

describe("OlmMessage", () => {
  test("parts, JSON and fields", () => {
    const { aliceSession, bobSession, first } = olmPair(Account, OlmMessage);
    const copy = OlmMessage.fromParts(first.messageType, first.body);
    assert.equal(copy.body, first.body);
    assert.deepEqual(JSON.parse(JSON.stringify(first)), { type: 0, body: first.body });
    assert.deepEqual(first.toJSON(), { type: 0, body: first.body });
    assert.equal(first.sessionId, aliceSession.sessionId);
    assert.equal(first.version, 3);
    assert.equal(first.chainIndex, 0);
    assert.match(first.ratchetKey, BASE64_32);
    assert.equal(first.ciphertext.length % 16, 0);
    const normal = bobSession.encrypt("x");
    assert.equal(new OlmMessage(1, normal.body).messageType, 1);
    assert.equal(normal.sessionId, undefined);
    assert.equal(normal.sessionKeys, undefined);
    assert.equal(bobSession.encrypt("y").chainIndex, 1);
  });

  test("decode errors", () => {
    throwsKind(() => new OlmMessage(2, "AwAA"), DecodeError, "MessageType");
    throwsKind(() => new OlmMessage(-1, "AwAA"), DecodeError, "MessageType");
    throwsKind(() => new OlmMessage(0.5, "AwAA"), DecodeError, "MessageType");
    throwsKind(() => new OlmMessage(1, "not base64!"), DecodeError, "Base64");
    throwsKind(() => new OlmMessage(1, ""), DecodeError, "MissingVersion");
    throwsKind(() => new OlmMessage(1, "Aw"), DecodeError, "MessageTooShort");
    throwsKind(() => new OlmMessage(0, b64(Uint8Array.of(9, 1, 2, 3, 4, 5, 6, 7, 8, 9))), DecodeError, "InvalidVersion");
  });
});

describe("GroupSession and InboundGroupSession", () => {
  test("share, encrypt, decrypt in any order", () => {
    const outbound = new GroupSession();
    assert.equal(outbound.messageIndex, 0);
    assert.equal(outbound.version, 1);
    const inbound = new InboundGroupSession(outbound.sessionKey());
    assert.equal(inbound.sessionId, outbound.sessionId);
    assert.equal(inbound.isVerified, true);
    assert.equal(inbound.firstKnownIndex, 0);
    const messages = ["a", "b", "c"].map((m) => outbound.encrypt(m));
    assert.equal(outbound.messageIndex, 3);
    const third = inbound.decrypt(messages[2]);
    assert.equal(text(third.plaintext), "c");
    assert.equal(third.messageIndex, 2);
    assert.deepEqual(Object.keys(third).sort(), ["messageIndex", "plaintext"]);
    assert.equal(text(inbound.decrypt(messages[0]).plaintext), "a");
    assert.equal(text(inbound.decrypt(messages[0]).plaintext), "a", "replay detection is the caller's");
    assert.deepEqual(inbound.decrypt(outbound.encrypt(utf8("bytes"))).plaintext, utf8("bytes"));
  });

  test("decryption errors leave the session as it was", () => {
    const outbound = new GroupSession();
    outbound.encrypt("skipped");
    const late = new InboundGroupSession(outbound.sessionKey());
    const message = outbound.encrypt("m");
    throwsKind(() => late.decrypt(tamper(message, 10)), DecryptionError, "Signature");
    throwsKind(() => late.decrypt("!!"), DecodeError, "Base64");
    throwsKind(() => late.decrypt(""), DecodeError);
    const early = new InboundGroupSession(new GroupSession().sessionKey());
    throwsKind(() => early.decrypt(message), DecryptionError, "Signature");
    const first = new GroupSession();
    const firstKey = first.sessionKey();
    const old = first.encrypt("old");
    const after = new InboundGroupSession(first.sessionKey());
    throwsKind(() => after.decrypt(old), DecryptionError, "UnknownMessageIndex");
    assert.equal(text(new InboundGroupSession(firstKey).decrypt(old).plaintext), "old");
    const v2 = new GroupSession({ v2: true });
    assert.equal(v2.version, 2);
    const v2key = v2.sessionKey();
    const v2message = v2.encrypt("v2");
    throwsKind(() => new InboundGroupSession(v2key).decrypt(v2message), DecryptionError, "InvalidMACLength");
    assert.equal(text(new InboundGroupSession(v2key, { v2: true }).decrypt(v2message).plaintext), "v2");
    assert.equal(text(late.decrypt(message).plaintext), "m");
  });

  test("session keys: decode errors", () => {
    const key = new GroupSession().sessionKey();
    throwsKind(() => new InboundGroupSession("!!"), DecodeError, "Base64");
    throwsKind(() => new InboundGroupSession(key.slice(0, 40)), DecodeError, "Read");
    throwsKind(() => new InboundGroupSession(tamper(key, 0)), DecodeError, "Version");
    throwsKind(() => new InboundGroupSession(tamper(key, -3)), DecodeError, "Signature");
    throwsKind(() => InboundGroupSession.import(key), DecodeError);
    throwsKind(() => InboundGroupSession.import(""), DecodeError);
  });

  test("export, import, advance, compare, merge", () => {
    const outbound = new GroupSession();
    const inbound = new InboundGroupSession(outbound.sessionKey());
    const messages = [0, 1, 2, 3].map((i) => outbound.encrypt(`m${i}`));
    assert.equal(inbound.exportAtFirstKnownIndex(), inbound.exportAt(0));
    const at2 = InboundGroupSession.import(inbound.exportAt(2));
    assert.equal(at2.isVerified, false);
    assert.equal(at2.firstKnownIndex, 2);
    assert.equal(at2.exportAt(1), undefined);
    throwsKind(() => at2.decrypt(messages[1]), DecryptionError, "UnknownMessageIndex");
    assert.equal(text(at2.decrypt(messages[3]).plaintext), "m3");
    assert.equal(at2.isVerified, true);
    assert.throws(() => at2.exportAt(-1), RangeError);
    assert.throws(() => at2.exportAt(2 ** 32), RangeError);
    assert.throws(() => at2.advanceTo(0.5), RangeError);

    assert.equal(inbound.connected(at2), true);
    assert.equal(inbound.compare(at2), "Better");
    assert.equal(at2.compare(inbound), "Worse");
    assert.equal(inbound.compare(inbound), "Equal");
    const stranger = new InboundGroupSession(new GroupSession().sessionKey());
    assert.equal(inbound.compare(stranger), "Unconnected");
    assert.equal(inbound.connected(stranger), false);
    assert.equal(inbound.merge(stranger), undefined);
    const merged = at2.merge(inbound);
    assert.ok(merged instanceof InboundGroupSession);
    assert.equal(merged.firstKnownIndex, 0);
    assert.equal(merged.isVerified, true);

    const copy = InboundGroupSession.import(inbound.exportAt(0));
    assert.equal(copy.advanceTo(0), false);
    assert.equal(copy.advanceTo(3), true);
    assert.equal(copy.firstKnownIndex, 3);
    throwsKind(() => copy.decrypt(messages[2]), DecryptionError, "UnknownMessageIndex");
  });

  test("pickles", () => {
    const outbound = new GroupSession();
    outbound.encrypt("x");
    const inbound = new InboundGroupSession(outbound.sessionKey());
    const restoredOut = GroupSession.fromPickle(outbound.pickle(KEY), KEY);
    assert.equal(restoredOut.sessionId, outbound.sessionId);
    assert.equal(restoredOut.messageIndex, 1);
    const restoredIn = InboundGroupSession.fromPickle(inbound.pickle(KEY), KEY);
    assert.equal(text(restoredIn.decrypt(restoredOut.encrypt("y")).plaintext), "y");
    const key = utf8("libolm");
    const libolmOut = GroupSession.fromLibolmPickle(restoredOut.toLibolmPickle(key), key);
    const libolmIn = InboundGroupSession.fromLibolmPickle(restoredIn.toLibolmPickle(key), key);
    assert.equal(text(libolmIn.decrypt(libolmOut.encrypt("z")).plaintext), "z");
    for (const cls of [GroupSession, InboundGroupSession]) {
      throwsKind(() => cls.fromPickle(outbound.pickle(KEY), OTHER_KEY), PickleError, "Decryption");
      throwsKind(() => cls.fromPickle("@@", KEY), PickleError, "Base64");
      throwsKind(() => cls.fromPickle("", new Uint8Array(1)), PickleError, "InvalidKeyLength");
      throwsKind(() => cls.fromLibolmPickle(outbound.toLibolmPickle(key), utf8("no")), LibolmPickleError, "Decryption");
    }
    throwsKind(() => outbound.pickle(new Uint8Array(1)), PickleError, "InvalidKeyLength");
    throwsKind(() => inbound.pickle(new Uint8Array(1)), PickleError, "InvalidKeyLength");
    throwsKind(() => InboundGroupSession.fromPickle(new Account().pickle(KEY), KEY), PickleError, "Serialization");
  });

  test("deterministic group session", () => {
    const random = Uint8Array.from({ length: 160 }, (_, i) => i);
    const a = GroupSession.fromRandomBytes(random);
    const b = GroupSession.fromRandomBytes(random);
    assert.equal(a.sessionKey(), b.sessionKey());
    assert.equal(a.encrypt("same"), b.encrypt("same"));
    assert.equal(GroupSession.fromRandomBytes(random, { v2: true }).version, 2);
    assert.throws(() => GroupSession.fromRandomBytes(random.subarray(1)), RangeError);
    assert.throws(() => GroupSession.fromRandomBytes(new Uint8Array(161)), RangeError);
  });
});

describe("MegolmMessage", () => {
  test("fields and decode errors", () => {
    const outbound = new GroupSession();
    outbound.encrypt("first");
    const body = outbound.encrypt("second");
    const message = MegolmMessage.fromBase64(body);
    assert.equal(message.toBase64(), body);
    assert.equal(message.messageIndex, 1);
    assert.equal(message.version, 3);
    assert.equal(message.mac.length, 8);
    assert.equal(message.signature.length, 64);
    assert.equal(message.ciphertext.length % 16, 0);
    assert.equal(MegolmMessage.fromBase64(new GroupSession({ v2: true }).encrypt("x")).mac.length, 32);
    throwsKind(() => MegolmMessage.fromBase64("!!"), DecodeError, "Base64");
    throwsKind(() => MegolmMessage.fromBase64(""), DecodeError, "MissingVersion");
    throwsKind(() => MegolmMessage.fromBase64(b64(Uint8Array.of(3, 1, 2))), DecodeError, "MessageTooShort");
  });
});

describe("memory", () => {
  test("free() releases an object; using it afterwards throws", () => {
    for (const make of [
      () => new Account(),
      () => new GroupSession(),
      () => new InboundGroupSession(new GroupSession().sessionKey()),
      () => olmPair(Account, OlmMessage).aliceSession,
      () => MegolmMessage.fromBase64(new GroupSession().encrypt("x")),
    ]) {
      const object = make();
      object.free();
      assert.throws(() => object.pickle?.(KEY) ?? object.toBase64());
    }
    const message = olmPair(Account, OlmMessage).first;
    message.free();
    assert.throws(() => message.body);
  });

  test("objects are collected without free() (weak references)", () => {
    // A child Node with --expose-gc decodes 200 000 Megolm messages and never frees them; with
    // wasm-bindgen's FinalizationRegistry the WebAssembly memory stays small (without it, every
    // message would stay allocated: more than 40 MB).
    const script = `
      import initWasm from ${JSON.stringify(new URL("../pkg/salamander.js", import.meta.url).href)};
      import init, { GroupSession, MegolmMessage } from ${JSON.stringify(new URL("../pkg/node.js", import.meta.url).href)};
      await init();
      const { memory } = await initWasm();
      const body = new GroupSession().encrypt("x".repeat(100));
      const before = memory.buffer.byteLength;
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 10000; i++) MegolmMessage.fromBase64(body);
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      console.log(JSON.stringify({ before, after: memory.buffer.byteLength }));`;
    const result = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const { before, after } = JSON.parse(result.stdout);
    assert.ok(after - before < 8 * 1024 * 1024, `the memory grew from ${before} to ${after} bytes`);
  });
});

describe("robustness", () => {
  test("random and damaged input only ever throws errors", () => {
    const { aliceSession, bobSession, first } = olmPair(Account, OlmMessage);
    const group = new GroupSession();
    const inbound = new InboundGroupSession(group.sessionKey());
    const samples = [first.body, bobSession.encrypt("n").body, group.encrypt("g"), group.sessionKey(), aliceSession.pickle(KEY)];
    let seed = 1;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let thrown = 0;
    for (let i = 0; i < 3000; i++) {
      const sample = unb64(samples[i % samples.length]);
      const damaged = sample.subarray(0, next() % (sample.length + 1)).slice();
      for (let j = 0; j < 3 && damaged.length; j++) damaged[next() % damaged.length] ^= 1 << next() % 8;
      const input = b64(damaged);
      const calls = [
        () => aliceSession.decrypt(new OlmMessage(i % 2, input)),
        () => new Account().createInboundSession(aliceSession.sessionKeys.identityKey, new OlmMessage(0, input)),
        () => inbound.decrypt(input),
        () => new InboundGroupSession(input),
        () => InboundGroupSession.import(input),
        () => Session.fromPickle(input, KEY),
        () => Account.fromLibolmPickle(input, KEY),
        () => MegolmMessage.fromBase64(input),
      ];
      for (const call of calls) {
        try {
          call();
        } catch (error) {
          assert.ok(error instanceof SalamanderError, `${error?.name}: ${error?.message}`);
          thrown++;
        }
      }
    }
    assert.ok(thrown > 10000);
    // The module still works.
    assert.equal(text(bobSession.decrypt(aliceSession.encrypt("still fine"))), "still fine");
  });

  test("salamanderVersion", () => {
    assert.match(salamanderVersion(), /^\d+\.\d+\.\d+/);
  });
});
