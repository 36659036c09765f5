// salamander's WebAssembly build against @matrix-org/olm 3.2.15 (libolm compiled to WebAssembly
// with Emscripten) in Node: encrypt + decrypt per second. Not a test: one run, ops/s and ratios.
//   node bench/bench.mjs [seconds per case, default 2]      (needs ./build first)
//   SALAMANDER_JS_PKG=/path/to/pkg node bench/bench.mjs     (another build, e.g. with tables)
import { pathToFileURL } from "node:url";

import Olm from "@matrix-org/olm";

const pkg = process.env.SALAMANDER_JS_PKG
  ? pathToFileURL(`${process.env.SALAMANDER_JS_PKG}/node.js`).href
  : new URL("../pkg/node.js", import.meta.url).href;
const { default: init, Account, GroupSession, InboundGroupSession } = await import(pkg);

const SECONDS = Number(process.argv[2] ?? 2);
const PLAINTEXT = "x".repeat(64); // 64 bytes; both libraries take strings

await init();
await Olm.init();

/**
 * Calls per second of `a` and of `b`, measured in 10 alternating slices each (SECONDS in all per
 * side), so that a change in the machine's load hits both sides alike.
 */
function measurePair(a, b) {
  for (let i = 0; i < 50; i++) {
    a();
    b();
  } // warm-up
  const totals = [
    [0, 0],
    [0, 0],
  ];
  const slice = (SECONDS * 1000) / 10;
  for (let round = 0; round < 10; round++) {
    for (const [side, step] of [a, b].entries()) {
      let count = 0;
      const start = performance.now();
      let now = start;
      while (now < start + slice) {
        for (let i = 0; i < 10; i++) step();
        count += 10;
        now = performance.now();
      }
      totals[side][0] += count;
      totals[side][1] += now - start;
    }
  }
  return totals.map(([count, ms]) => (count * 1000) / ms);
}

// --- salamander ---------------------------------------------------------------------------------

function salamanderOlmPair() {
  const alice = new Account();
  const bob = new Account();
  bob.generateOneTimeKeys(1);
  const [otk] = Object.values(bob.oneTimeKeys);
  const a = alice.createOutboundSession(bob.curve25519, otk);
  const { session: b } = bob.createInboundSession(alice.curve25519, a.encrypt("hi"));
  a.decrypt(b.encrypt("hi")); // established: normal messages from now on
  return { a, b };
}

function salamanderCases() {
  const same = salamanderOlmPair();
  const turns = salamanderOlmPair();
  let aliceTurn = true;
  const out = new GroupSession();
  const inbound = new InboundGroupSession(out.sessionKey());
  return {
    "Olm, same direction": () => {
      const message = same.a.encrypt(PLAINTEXT);
      same.b.decrypt(message);
      message.free();
    },
    "Olm, ratchet turn every message": () => {
      const [from, to] = aliceTurn ? [turns.a, turns.b] : [turns.b, turns.a];
      aliceTurn = !aliceTurn;
      const message = from.encrypt(PLAINTEXT);
      to.decrypt(message);
      message.free();
    },
    Megolm: () => {
      inbound.decrypt(out.encrypt(PLAINTEXT));
    },
  };
}

// --- libolm -------------------------------------------------------------------------------------

function libolmOlmPair() {
  const alice = new Olm.Account();
  alice.create();
  const bob = new Olm.Account();
  bob.create();
  bob.generate_one_time_keys(1);
  const otk = Object.values(JSON.parse(bob.one_time_keys()).curve25519)[0];
  const bobKey = JSON.parse(bob.identity_keys()).curve25519;
  const aliceKey = JSON.parse(alice.identity_keys()).curve25519;
  const a = new Olm.Session();
  a.create_outbound(alice, bobKey, otk);
  const first = a.encrypt("hi");
  const b = new Olm.Session();
  b.create_inbound_from(bob, aliceKey, first.body);
  b.decrypt(first.type, first.body);
  const reply = b.encrypt("hi");
  a.decrypt(reply.type, reply.body);
  return { a, b };
}

function libolmCases() {
  const same = libolmOlmPair();
  const turns = libolmOlmPair();
  let aliceTurn = true;
  const out = new Olm.OutboundGroupSession();
  out.create();
  const inbound = new Olm.InboundGroupSession();
  inbound.create(out.session_key());
  return {
    "Olm, same direction": () => {
      const message = same.a.encrypt(PLAINTEXT);
      same.b.decrypt(message.type, message.body);
    },
    "Olm, ratchet turn every message": () => {
      const [from, to] = aliceTurn ? [turns.a, turns.b] : [turns.b, turns.a];
      aliceTurn = !aliceTurn;
      const message = from.encrypt(PLAINTEXT);
      to.decrypt(message.type, message.body);
    },
    Megolm: () => {
      inbound.decrypt(out.encrypt(PLAINTEXT));
    },
  };
}

// --- Run ----------------------------------------------------------------------------------------

const ours = salamanderCases();
const theirs = libolmCases();
console.log(`Node ${process.version}, ${SECONDS} s per case and library (alternating slices), 64-byte messages, encrypt + decrypt per second (one run)\n`);
console.log(`${"case".padEnd(34)}${"salamander".padStart(12)}${"libolm".padStart(12)}${"ratio".padStart(9)}`);
for (const name of Object.keys(ours)) {
  const [s, l] = measurePair(ours[name], theirs[name]);
  console.log(`${name.padEnd(34)}${s.toFixed(0).padStart(12)}${l.toFixed(0).padStart(12)}${(s / l).toFixed(2).padStart(8)}x`);
}
console.log("\nratio = salamander / @matrix-org/olm 3.2.15 (above 1: salamander is faster)");
