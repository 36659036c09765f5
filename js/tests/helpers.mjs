// Shared by the test files: the built package (js/pkg, made by ./build) and small helpers.
import init from "../pkg/node.js";

export * from "../pkg/node.js";

await init();

export const utf8 = (text) => new TextEncoder().encode(text);
export const text = (bytes) => new TextDecoder().decode(bytes);
export const hex = (string) => Uint8Array.from(Buffer.from(string ?? "", "hex"));
export const toHex = (bytes) => Buffer.from(bytes).toString("hex");
export const b64 = (bytes) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");
export const unb64 = (string) => Uint8Array.from(Buffer.from(string, "base64"));

/** A fixed 32-byte pickle key. */
export const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Flip one bit of a base64 string's decoded bytes at `index` (negative: from the end). */
export function tamper(base64, index = -1) {
  const bytes = unb64(base64);
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] ^= 1;
  return b64(bytes);
}

/** Alice and Bob with an established Olm session (Bob has replied once). */
export function olmPair(Account, OlmMessage, options) {
  const alice = new Account();
  const bob = new Account();
  bob.generateOneTimeKeys(1);
  const [otk] = Object.values(bob.oneTimeKeys);
  bob.markKeysAsPublished();
  const aliceSession = alice.createOutboundSession(bob.curve25519, otk, options);
  const first = aliceSession.encrypt("hello bob");
  const { session: bobSession } = bob.createInboundSession(alice.curve25519, first, options);
  return { alice, bob, aliceSession, bobSession, first };
}
