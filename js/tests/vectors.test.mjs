// The known-answer vectors of ../test-vectors, replayed through the JavaScript API: every
// family the API can reach. The Rust runner (tools/vectors) is the reference; each function
// below follows its namesake there. Families that need salamander's `hazmat` primitives
// (olm-kdf, megolm-cipher-keys, hkdf/hmac/aes/x25519/base64) have no JavaScript API and are
// listed as skipped.
import assert from "node:assert/strict";
import { createDecipheriv, createHmac } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  Account,
  GroupSession,
  InboundGroupSession,
  MegolmMessage,
  OlmMessage,
  Session,
  b64,
  ed25519Verify,
  hex,
  text,
  toHex,
  unb64,
} from "./helpers.mjs";

const ROOT = fileURLToPath(new URL("../../test-vectors/", import.meta.url));

function fail(message) {
  throw new Error(message);
}
function expect(what, got, expected) {
  if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}
const hasFlag = (c, flag) => (c.flags ?? []).includes(flag);
const PROBE_KEY = new Uint8Array(32).fill(0x42);

/** Run `fn`; it must throw an error of `kind` (`error.kind`). */
function refused(c, fn) {
  let result;
  try {
    result = fn();
  } catch (error) {
    if (error?.kind !== c.error) fail(`refused with ${error?.name}/${error?.kind} (${error?.message}), expected ${c.error}`);
    return;
  }
  result?.free?.();
  fail(`accepted, expected a ${c.error} error`);
}

// --- olm-conversation ---------------------------------------------------------------------------

function checkIdentity(account, expected, who) {
  expect(`${who}'s identity keys`, account.identityKeys, { curve25519: expected.curve25519, ed25519: expected.ed25519 });
}

function deliverySchedule(c, messages) {
  const schedule = messages.map(() => []);
  if (!c.deliveries) return schedule.map((_, n) => [n]);
  let last = 0;
  for (const m of c.deliveries) {
    const after = messages[m]?.deliverAfter;
    if (after === undefined || after < m || after < last) fail(`delivery of message ${m}: out of order`);
    last = after;
    schedule[after].push(m);
  }
  return schedule;
}

function olmConversation(c) {
  const { alice: a, bob: b } = c;
  const alice = Account.fromRandomBytes(hex(a.accountRandom));
  checkIdentity(alice, a.identityKeys, "Alice");
  const bob = Account.fromRandomBytes(hex(b.accountRandom));
  checkIdentity(bob, b.identityKeys, "Bob");
  let bobKey;
  if (b.fallbackKey === true) {
    bob.generateFallbackKeyWithRandomBytes(hex(b.keyRandom));
    [bobKey] = Object.values(bob.fallbackKey);
  } else {
    bob.generateOneTimeKeysWithRandomBytes(1, hex(b.keyRandom));
    [bobKey] = Object.values(bob.oneTimeKeys);
  }
  expect("Bob's one-time key", bobKey, b.oneTimeKey);
  bob.markKeysAsPublished();
  const aliceSession = alice.createOutboundSessionWithRandomBytes(bob.curve25519, bobKey, hex(a.outboundRandom));
  expect("session id", aliceSession.sessionId, c.sessionId);

  let bobSession;
  const schedule = deliverySchedule(c, c.messages);
  c.messages.forEach((step, n) => {
    const sender = step.sender === "alice" ? aliceSession : bobSession ?? fail(`message ${n}: Bob has no session yet`);
    const message = sender.encryptWithRandomBytes(hex(step.plaintext), hex(step.random));
    expect(`message ${n}`, [message.messageType, message.body], [step.type, step.body]);
    for (const m of schedule[n]) {
      const s = c.messages[m];
      const received = new OlmMessage(s.type, s.body);
      let plaintext;
      if (s.sender === "alice") {
        if (bobSession) plaintext = bobSession.decrypt(received);
        else {
          const result = bob.createInboundSession(a.identityKeys.curve25519, received);
          bobSession = result.session;
          plaintext = result.plaintext;
        }
      } else {
        plaintext = aliceSession.decrypt(received);
      }
      expect(`message ${m} decrypted`, toHex(plaintext), s.plaintext);
    }
  });
}

// --- olm-message-codec --------------------------------------------------------------------------

function checkNormalFields(message, expected, what) {
  expect(
    what,
    [message.version, message.ratchetKey, message.chainIndex, toHex(message.ciphertext)],
    [expected.version, expected.ratchetKey, expected.chainIndex, expected.ciphertext],
  );
}

function olmMessageCodec(c) {
  if (c.result === "invalid") return refused(c, () => new OlmMessage(c.type, c.body));
  const message = new OlmMessage(c.type, c.body);
  expect("type", message.messageType, c.type);
  const raw = unb64(c.body);
  if (!hasFlag(c, "Unusual")) expect("re-encoded", message.body, b64(raw));
  const keys = c.cipherKeys;
  if (c.type === 1) {
    expect("bytes as received", message.body, b64(raw));
    checkNormalFields(message, c, "message");
    const mac = raw.subarray(raw.length - 8);
    expect("MAC", toHex(mac), c.mac);
    const computed = createHmac("sha256", hex(keys.macKey)).update(raw.subarray(0, raw.length - 8)).digest().subarray(0, 8);
    expect("the MAC verifies over the bytes as received", toHex(computed), c.mac);
  } else {
    expect(
      "pre-key fields",
      [message.sessionKeys.oneTimeKey, message.sessionKeys.baseKey, message.sessionKeys.identityKey, message.sessionId],
      [c.oneTimeKey, c.baseKey, c.identityKey, c.sessionId],
    );
    checkNormalFields(message, c.message, "inner message");
  }
  const decipher = createDecipheriv("aes-256-cbc", hex(keys.aesKey), hex(keys.iv));
  const plaintext = Buffer.concat([decipher.update(message.ciphertext), decipher.final()]);
  expect("the parsed ciphertext decrypts", toHex(plaintext), c.plaintext);
  message.free();
}

// --- megolm -------------------------------------------------------------------------------------

/** Export at `target`, hopping through imports when it is 2^30 or more ahead. */
function exportFar(session, target) {
  const first = session.firstKnownIndex;
  if ((target - first) >>> 0 < 2 ** 30) return session.exportAt(target) ?? fail(`cannot export at ${target}`);
  const hop = session.exportAt((first + 2 ** 30) >>> 0) ?? fail("cannot export a hop");
  return exportFar(InboundGroupSession.import(hop), target);
}

function megolmRatchet(c) {
  const key = new Uint8Array(1 + 4 + 128 + 32);
  key[0] = 1;
  new DataView(key.buffer).setUint32(1, c.startIndex);
  key.set(hex(c.startRatchet), 5);
  key.set(hex(c.publicKey), 133);
  const advanced = unb64(exportFar(InboundGroupSession.import(b64(key)), c.targetIndex));
  expect("index", new DataView(advanced.buffer).getUint32(1), c.targetIndex);
  expect("ratchet", toHex(advanced.subarray(5, 133)), c.targetRatchet);
}

function megolmSession(c) {
  const outbound = GroupSession.fromRandomBytes(hex(c.random));
  expect("sessionId", outbound.sessionId, c.sessionId);
  expect("sessionKey", outbound.sessionKey(), c.sessionKey);
  const inbound = new InboundGroupSession(c.sessionKey);
  expect("exportedKey", inbound.exportAt(0), c.exportedKey);
  c.messages.forEach((step, n) => {
    expect(`message ${n}`, outbound.encrypt(hex(step.plaintext)), step.body);
    const decrypted = inbound.decrypt(step.body);
    expect(`message ${n} decrypted`, [toHex(decrypted.plaintext), decrypted.messageIndex], [step.plaintext, step.index]);
  });
}

function inboundOf(c, options) {
  return c.sessionKey !== undefined ? new InboundGroupSession(c.sessionKey, options) : InboundGroupSession.import(c.exportedKey, options);
}

function megolmDecrypt(c) {
  const session = inboundOf(c);
  const refuseLast = c.result !== "valid";
  for (const [n, step] of c.messages.entries()) {
    expect(`message ${n}'s index`, MegolmMessage.fromBase64(step.body).messageIndex, step.index);
    if (refuseLast && n === c.messages.length - 1) {
      const [first, verified] = [session.firstKnownIndex, session.isVerified];
      refused(c, () => session.decrypt(step.body));
      expect("the session after the refusal", [session.firstKnownIndex, session.isVerified], [first, verified]);
      for (const [m, earlier] of c.messages.slice(0, n).entries()) {
        expect(`after the refusal, message ${m}`, toHex(session.decrypt(earlier.body).plaintext), earlier.plaintext);
      }
      break;
    }
    const decrypted = session.decrypt(step.body);
    expect(`message ${n}`, [toHex(decrypted.plaintext), decrypted.messageIndex], [step.plaintext, step.index]);
  }
  expect("isVerified", session.isVerified, c.verified);
}

function megolmSessionKeyCodec(c) {
  const isSessionKey = c.type === "SessionKey";
  const make = () => (isSessionKey ? new InboundGroupSession(c.key) : InboundGroupSession.import(c.key));
  if (c.result !== "valid") return refused(c, make);
  const session = make();
  expect("session id", session.sessionId, c.sessionId);
  expect("first known index", session.firstKnownIndex, c.index);
  expect("verified", session.isVerified, isSessionKey);
  const exported = session.exportAtFirstKnownIndex();
  if (!isSessionKey) expect("encodes back", exported, c.key);
  const bytes = unb64(exported);
  expect("index", new DataView(bytes.buffer).getUint32(1), c.index);
  expect("ratchet", toHex(bytes.subarray(5, 133)), c.ratchet);
  expect("public key", toHex(bytes.subarray(133, 165)), c.publicKey);
}

function megolmMessageCodec(c) {
  if (c.result !== "valid") return refused(c, () => MegolmMessage.fromBase64(c.message));
  const message = MegolmMessage.fromBase64(c.message);
  expect("fields", [message.version, message.messageIndex, toHex(message.ciphertext), toHex(message.mac), toHex(message.signature)], [
    c.version,
    c.index,
    c.ciphertext,
    c.mac,
    c.signature,
  ]);
  if (!hasFlag(c, "PaddedBase64")) expect("encodes back", message.toBase64(), c.message);
  const session = inboundOf(c, { v2: c.config === "version2" });
  expect("decrypted", toHex(session.decrypt(c.message).plaintext), c.plaintext);
}

// --- pickles ------------------------------------------------------------------------------------

/** `{ [base64 id]: key }` as the vectors write it, `{ [number]: key }`. */
function numericIds(map) {
  const out = {};
  for (const [id, key] of Object.entries(map).map(([id, key]) => [Number(new DataView(unb64(id).buffer).getBigUint64(0)), key]).sort((x, y) => x[0] - y[0])) {
    out[id] = key;
  }
  return out;
}

const copyOf = (account) => Account.fromPickle(account.pickle(PROBE_KEY), PROBE_KEY);

function opensASession(account, key, what) {
  const other = new Account();
  const session = other.createOutboundSession(account.curve25519, key);
  const message = session.encrypt("probe");
  if (message.messageType !== 0) fail(`${what}: not a pre-key message`);
  const { plaintext } = copyOf(account).createInboundSession(other.curve25519, message);
  expect(`${what} opens a session`, text(plaintext), "probe");
}

function checkAccount(account, e) {
  expect("identity keys", account.identityKeys, e.identityKeys);
  expect("unpublished one-time keys", numericIds(account.oneTimeKeys), e.unpublishedOneTimeKeys);
  expect("signature", account.sign(e.signature.message), e.signature.signature);
  const current = e.fallbackKeys.current;
  const unpublished = current && current.published === false ? { [current.keyId]: current.publicKey } : {};
  expect("unpublished fallback key", numericIds(account.fallbackKey), unpublished);
  const copy = copyOf(account);
  const [created] = copy.generateOneTimeKeys(1).created;
  const newId = Object.entries(numericIds(copy.oneTimeKeys)).find(([, key]) => key === created)?.[0];
  expect("id of the next one-time key", Number(newId), e.nextKeyId);
  for (const [id, key] of Object.entries(e.oneTimeKeys)) opensASession(account, key, `one-time key ${id}`);
  for (const slot of ["current", "previous"]) {
    if (e.fallbackKeys[slot]) opensASession(account, e.fallbackKeys[slot].publicKey, `${slot} fallback key`);
  }
}

function checkSession(session, e) {
  expect("session id", session.sessionId, e.sessionId);
  expect("has received a message", session.hasReceivedMessage, e.hasReceivedMessage);
  for (const [n, m] of e.messages.entries()) {
    expect(`message ${n}`, toHex(session.decrypt(new OlmMessage(m.type, m.body))), m.plaintext);
  }
}

function checkGroupSession(session, e) {
  expect("session id", session.sessionId, e.sessionId);
  expect("message index", session.messageIndex, e.messageIndex);
  expect("session key", session.sessionKey(), e.sessionKey);
  expect("index of the next message", session.messageIndex, e.nextMessage.index);
  expect("next message", session.encrypt(hex(e.nextMessage.plaintext)), e.nextMessage.body);
}

function checkInbound(session, e) {
  expect("session id", session.sessionId, e.sessionId);
  expect("first known index", session.firstKnownIndex, e.firstKnownIndex);
  expect("verified", session.isVerified, e.verified);
  for (const [n, m] of e.messages.entries()) {
    const decrypted = session.decrypt(m.body);
    expect(`message ${n}`, [toHex(decrypted.plaintext), decrypted.messageIndex], [m.plaintext, m.index]);
  }
}

const CLASSES = {
  account: [Account, checkAccount],
  session: [Session, checkSession],
  "group-session": [GroupSession, checkGroupSession],
  "inbound-group-session": [InboundGroupSession, checkInbound],
};

function libolmPickle(c) {
  const [cls, check] = CLASSES[c.type] ?? fail(`unknown type ${c.type}`);
  const key = hex(c.pickleKey);
  if (c.result === "invalid") return refused(c, () => cls.fromLibolmPickle(c.pickle, key));
  const state = cls.fromLibolmPickle(c.pickle, key);
  if (hasFlag(c, "RoundTripExact")) expect("re-exported libolm pickle", state.toLibolmPickle(key), c.pickle);
  check(state, c.expected);
}

function nativePickle(c) {
  const [cls, check] = CLASSES[c.type] ?? fail(`unknown type ${c.type}`);
  const key = hex(c.pickleKey);
  if (c.result === "invalid") return refused(c, () => cls.fromPickle(c.pickle, key));
  const state = cls.fromPickle(c.pickle, key);
  if (hasFlag(c, "RoundTripExact")) expect("re-encrypted pickle", state.pickle(key), c.pickle);
  check(state, c.expected);
}

// --- ed25519 (verification only: the API has no key-from-seed) -------------------------------

function ed25519(c) {
  const verify = () => ed25519Verify(b64(hex(c.publicKey)), hex(c.msg), b64(hex(c.sig)));
  if (c.result === "invalid") return refused(c, verify);
  verify();
}

// --- Files --------------------------------------------------------------------------------------

const RUNNERS = {
  "olm-conversation": olmConversation,
  "olm-message-codec": olmMessageCodec,
  "megolm-ratchet": megolmRatchet,
  "megolm-session": megolmSession,
  "megolm-decrypt": megolmDecrypt,
  "megolm-session-key-codec": megolmSessionKeyCodec,
  "megolm-message-codec": megolmMessageCodec,
  "libolm-pickle": libolmPickle,
  "native-pickle": nativePickle,
  ed25519,
};

function vectorFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === "generate" || name === "schema" ? [] : vectorFiles(path);
      return name.endsWith(".json") ? [path] : [];
    });
}

const summary = [];
const skipped = [];
for (const path of vectorFiles(ROOT)) {
  const file = JSON.parse(readFileSync(path, "utf8"));
  const name = relative(ROOT, path);
  const runner = RUNNERS[file.algorithm];
  if (!runner) {
    skipped.push(`${name} (${file.algorithm}, ${file.tests.length} cases)`);
    continue;
  }
  const row = { name, algorithm: file.algorithm, passed: 0, total: file.tests.length };
  summary.push(row);
  describe(`${name} (${file.algorithm})`, () => {
    for (const c of file.tests) {
      test(`tcId ${c.tcId}: ${c.comment}`, () => {
        runner(c);
        row.passed++;
      });
    }
  });
}

test("at least one vector file ran per runnable family", () => {
  const families = new Set(summary.map((row) => row.algorithm));
  for (const family of Object.keys(RUNNERS)) assert.ok(families.has(family), `no file for ${family}`);
});

after(() => {
  const lines = summary.map((r) => `  ${r.name.padEnd(36)} ${r.algorithm.padEnd(26)} ${String(r.passed).padStart(4)}/${r.total}`);
  const passed = summary.reduce((a, r) => a + r.passed, 0);
  const total = summary.reduce((a, r) => a + r.total, 0);
  console.log(
    `known-answer vectors in JavaScript: ${passed}/${total} cases passed\n${lines.join("\n")}\n  not runnable through the JavaScript API: ${skipped.join(", ")}`,
  );
});
