// The DMLS build (cargo feature `dmls`): DmlsIdentity and DmlsGroup through the package's Node
// entry point. The package is $SALAMANDER_JS_PKG (default js/pkg, the default build, which has
// no DMLS: the suite is then skipped). js/test builds js/pkg-dmls and runs this file against it
// with SALAMANDER_JS_REQUIRE_DMLS=1, which turns the skip into a failure.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const PKG = process.env.SALAMANDER_JS_PKG
  ? pathToFileURL(resolve(process.env.SALAMANDER_JS_PKG) + "/")
  : new URL("../pkg/", import.meta.url);
const salamander = await import(new URL("node.js", PKG).href);
await salamander.default();
const {
  DmlsIdentity,
  DmlsGroup,
  SalamanderError,
  PickleError,
  DmlsError,
  DmlsDecodeError,
  DmlsForkError,
  DmlsMembershipError,
  DmlsMessageError,
  DmlsProtocolError,
} = salamander;

const hasDmls = typeof DmlsGroup === "function";
if (!hasDmls && process.env.SALAMANDER_JS_REQUIRE_DMLS) {
  throw new Error(`${PKG.href} has no DmlsGroup: it is not a DMLS build (SALAMANDER_JS_FEATURES=dmls js/build)`);
}
const skip = hasDmls
  ? false
  : `${PKG.href} is not a DMLS build (no DmlsGroup); build one with SALAMANDER_JS_FEATURES=dmls SALAMANDER_JS_OUT=js/pkg-dmls js/build and run with SALAMANDER_JS_PKG=js/pkg-dmls`;

const utf8 = (text) => new TextEncoder().encode(text);
const text = (bytes) => new TextDecoder().decode(bytes);
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
/** Fork ids in the order of their bytes (base64 strings do not sort like their bytes). */
const byBytes = (ids) => [...ids].sort((x, y) => Buffer.compare(Buffer.from(x, "base64"), Buffer.from(y, "base64")));

/** Process an envelope that must be an application message; its plaintext as text. */
function open(group, envelope) {
  const result = group.process(envelope);
  assert.equal(result.kind, "application", JSON.stringify(result));
  return text(result.plaintext);
}

/** `fn()` must throw an instance of `cls` named `name` with this `kind`. */
function throwsDmls(fn, cls, kind) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof cls, `${error?.name}: ${error?.message}`);
    assert.ok(error instanceof DmlsError && error instanceof SalamanderError && error instanceof Error);
    assert.equal(error.name, cls.name);
    assert.equal(error.kind, kind, error.message);
    assert.equal(typeof error.message, "string");
    return true;
  });
}

const epochIds = (group, epoch) =>
  group
    .forks()
    .filter((f) => f.epoch === epoch)
    .map((f) => f.id)
    .sort();

/** Alice creates a group, adds Bob (who joins), then Carol (Bob processes the commit). */
function threeMembers() {
  const ids = { alice: new DmlsIdentity("alice"), bob: new DmlsIdentity(utf8("bob")), carol: new DmlsIdentity("carol") };
  const alice = DmlsGroup.create(ids.alice);
  const addBob = alice.addMembers([ids.bob.keyPackage()]);
  assert.ok(addBob.commit instanceof Uint8Array && addBob.welcome instanceof Uint8Array);
  const bob = DmlsGroup.join(ids.bob, addBob.welcome);
  assert.equal(bob.preferredFork, addBob.forkId);
  const addCarol = alice.addMembers([ids.carol.keyPackage()]);
  const seen = bob.process(addCarol.commit);
  assert.equal(seen.kind, "commit");
  assert.equal(seen.forkId, addCarol.forkId);
  assert.equal(seen.epoch, 2);
  assert.deepEqual(seen.replayed, []);
  const carol = DmlsGroup.join(ids.carol, addCarol.welcome);
  return { ids, alice, bob, carol };
}

describe("DMLS (opt-in build)", { skip }, () => {
  test("three members: add, join by Welcome, same fork, members, exporter, messages", () => {
    const { ids, alice, bob, carol } = threeMembers();
    const fork = alice.preferredFork;
    assert.match(fork, /^[A-Za-z0-9+/]{43}$/, "fork ids are 32 bytes in unpadded base64");
    assert.equal(bob.preferredFork, fork);
    assert.equal(carol.preferredFork, fork);
    assert.equal(alice.groupId, carol.groupId);
    for (const group of [alice, bob, carol]) {
      assert.deepEqual(group.members().map(text), ["alice", "bob", "carol"]);
    }
    assert.equal(text(ids.bob.identity), "bob");
    assert.match(ids.bob.signatureKey, /^[A-Za-z0-9+/]{43}$/);
    const secret = alice.exportSecret("test label", 32);
    assert.equal(secret.length, 32);
    assert.deepEqual(bob.exportSecret("test label", 32, fork), secret);
    assert.deepEqual(carol.exportSecret("test label", 32), secret);
    assert.notDeepEqual(carol.exportSecret("other label", 32), secret);

    const m = bob.encrypt("hi from bob");
    assert.ok(m instanceof Uint8Array);
    const got = alice.process(m);
    assert.deepEqual(
      { kind: got.kind, forkId: got.forkId, sender: text(got.sender), plaintext: text(got.plaintext) },
      { kind: "application", forkId: fork, sender: "bob", plaintext: "hi from bob" },
    );
    assert.equal(open(carol, m), "hi from bob");
    // A replay is refused; the own message too.
    throwsDmls(() => carol.process(m), DmlsMessageError, "Replayed");
    throwsDmls(() => bob.process(m), DmlsMessageError, "OwnMessage");
    assert.equal(open(bob, alice.encrypt(utf8("bytes too"))), "bytes too");
  });

  test("concurrent self-updates: two forks at every member, same ids and preferred fork; messages on both decrypt; duplicates", () => {
    const { alice, bob, carol } = threeMembers();
    const parent = alice.preferredFork;
    const a = alice.selfUpdate();
    const b = bob.selfUpdate();
    assert.equal(a.welcome, undefined);
    assert.notEqual(a.forkId, b.forkId);
    assert.equal(alice.preferredFork, a.forkId);
    assert.equal(bob.preferredFork, b.forkId);
    // Each sends on its own fork before seeing the other's commit.
    const fromAlice = alice.encrypt("on alice's fork");
    const fromBob = bob.encrypt("on bob's fork");

    // Carol sees Alice's message before the commit that creates its fork: it waits.
    assert.deepEqual(carol.process(fromAlice), { kind: "queued", forkId: a.forkId });
    const ca = carol.process(a.commit);
    assert.equal(ca.kind, "commit");
    assert.deepEqual([ca.parent, ca.forkId, ca.epoch], [parent, a.forkId, 3]);
    assert.equal(ca.replayed.length, 1);
    assert.equal(ca.replayed[0].kind, "application");
    assert.equal(ca.replayed[0].forkId, a.forkId);
    assert.equal(text(ca.replayed[0].plaintext), "on alice's fork");
    assert.equal(carol.process(b.commit).forkId, b.forkId);
    assert.equal(alice.process(b.commit).forkId, b.forkId);
    assert.equal(bob.process(a.commit).forkId, a.forkId);

    const both = byBytes([a.forkId, b.forkId]);
    const preferred = alice.preferredFork;
    assert.equal(preferred, both[1], "the preferred fork is the highest id of the highest epoch");
    for (const group of [alice, bob, carol]) {
      assert.deepEqual(byBytes(epochIds(group, 3)), both);
      assert.equal(group.preferredFork, preferred);
      const info = group.forks().find((f) => f.id === a.forkId);
      assert.deepEqual(info, { id: a.forkId, parent, epoch: 3 });
    }
    // Messages on both forks decrypt at the members that did not send them.
    assert.equal(open(alice, fromBob), "on bob's fork");
    assert.equal(open(bob, fromAlice), "on alice's fork");
    assert.equal(open(carol, fromBob), "on bob's fork");
    // Each fork has its own exporter, equal at every member.
    assert.deepEqual(alice.exportSecret("x", 16, a.forkId), bob.exportSecret("x", 16, a.forkId));
    assert.deepEqual(carol.exportSecret("x", 16, b.forkId), alice.exportSecret("x", 16, b.forkId));
    assert.notDeepEqual(alice.exportSecret("x", 16, a.forkId), alice.exportSecret("x", 16, b.forkId));
    // Now everyone sends on the preferred fork.
    assert.equal(open(carol, bob.encrypt("on the preferred fork")), "on the preferred fork");

    // A commit seen again (also the committer's own) is a duplicate and changes nothing.
    const before = carol.forks();
    assert.deepEqual(carol.process(a.commit), { kind: "duplicate", forkId: a.forkId });
    assert.deepEqual(alice.process(a.commit), { kind: "duplicate", forkId: a.forkId });
    assert.deepEqual(carol.forks(), before);
  });

  test("pickle and restore mid-fork, then continue", () => {
    const { ids, alice, bob, carol } = threeMembers();
    const a = alice.selfUpdate();
    const b = bob.selfUpdate();
    bob.process(a.commit);
    carol.process(a.commit);
    // Bob is pickled holding both forks; Alice's commit is still unseen by... no one else.
    const forks = bob.forks();
    const pickle = bob.pickle(KEY);
    assert.equal(typeof pickle, "string");
    bob.free();
    const restored = DmlsGroup.fromPickle(pickle, KEY);
    assert.deepEqual(restored.forks(), forks);
    assert.equal(restored.preferredFork, byBytes([a.forkId, b.forkId])[1]);
    // Continue: the rival commit, messages both ways, a later commit.
    assert.equal(alice.process(b.commit).forkId, b.forkId);
    assert.equal(carol.process(b.commit).forkId, b.forkId);
    assert.deepEqual(restored.process(b.commit), { kind: "duplicate", forkId: b.forkId });
    assert.equal(open(alice, restored.encrypt("after restore")), "after restore");
    assert.equal(open(restored, carol.encrypt("to the restored bob")), "to the restored bob");
    const next = restored.selfUpdate();
    assert.equal(alice.process(next.commit).epoch, 4);
    assert.equal(carol.process(next.commit).forkId, next.forkId);
    assert.equal(open(restored, alice.encrypt("epoch 4")), "epoch 4");

    // An identity pickle keeps its unused KeyPackages: a restored identity joins.
    const dave = new DmlsIdentity("dave");
    const kp = dave.keyPackage();
    const daveAgain = DmlsIdentity.fromPickle(dave.pickle(KEY), KEY);
    assert.equal(daveAgain.signatureKey, dave.signatureKey);
    const add = alice.addMembers([kp]);
    const daveGroup = DmlsGroup.join(daveAgain, add.welcome);
    assert.equal(daveGroup.preferredFork, add.forkId);
    // Its KeyPackage is used up: the same Welcome is refused the second time.
    throwsDmls(() => DmlsGroup.join(daveAgain, add.welcome), DmlsMembershipError, "NoMatchingKeyPackage");
    throwsDmls(() => DmlsGroup.join(ids.carol, add.welcome), DmlsMembershipError, "NoMatchingKeyPackage");

    // Wrong key, damaged pickle, wrong key length: PickleError as for the Olm classes.
    const wrong = KEY.map((x) => x ^ 1);
    assert.throws(() => DmlsGroup.fromPickle(pickle, wrong), (e) => e instanceof PickleError && e.kind === "Decryption");
    assert.throws(() => DmlsIdentity.fromPickle(pickle, KEY), (e) => e instanceof PickleError && e.kind === "Serialization");
    assert.throws(() => restored.pickle(new Uint8Array(31)), (e) => e instanceof PickleError && e.kind === "InvalidKeyLength");
  });

  test("malformed and tampered envelopes throw DmlsError subclasses with stable names and change nothing", () => {
    const { alice, bob, carol } = threeMembers();
    throwsDmls(() => bob.process(new Uint8Array([1, 2, 3])), DmlsDecodeError, "Truncated");
    throwsDmls(() => bob.process(new Uint8Array(40)), DmlsDecodeError, "Version");
    const m = alice.encrypt("intact");
    throwsDmls(() => bob.process(Uint8Array.of(...m, 0)), DmlsDecodeError, "TrailingBytes");
    const tampered = Uint8Array.from(m);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() => bob.process(tampered), (e) => e instanceof DmlsError && e.name.startsWith("Dmls"));
    // An envelope naming an unknown fork: queued if its epoch is newer than every retained
    // fork of the receiver (Bob still holds epoch 1), refused if not (Carol joined at epoch 2).
    const unknown = Uint8Array.from(m);
    unknown.fill(7, 1, 33);
    assert.equal(bob.process(unknown).kind, "queued");
    throwsDmls(() => carol.process(unknown), DmlsForkError, "UnknownFork");
    // Nothing changed: the intact message still decrypts once.
    assert.equal(open(bob, m), "intact");
    assert.equal(open(carol, m), "intact");
    // Welcome and KeyPackage arguments are checked too.
    throwsDmls(() => DmlsGroup.join(new DmlsIdentity("x"), new Uint8Array([0])), DmlsDecodeError, "Version");
    throwsDmls(() => DmlsGroup.join(new DmlsIdentity("x"), new Uint8Array()), DmlsDecodeError, "Truncated");
    assert.throws(() => alice.addMembers([m]), (e) => e instanceof DmlsError);
    assert.throws(() => alice.addMembers("not an array"), TypeError);
    assert.throws(() => alice.addMembers(["not bytes"]), TypeError);
    throwsDmls(() => alice.removeMembers(["mallory"]), DmlsMembershipError, "NoSuchMember");
    throwsDmls(() => alice.exportSecret("x", 16, "AAAA"), DmlsForkError, "UnknownFork");
    assert.throws(() => alice.exportSecret("x", -1), RangeError);
    // The errors' names survive as the classes' own.
    assert.deepEqual(
      [DmlsError, DmlsDecodeError, DmlsForkError, DmlsMembershipError, DmlsMessageError, DmlsProtocolError].map((c) => c.prototype.name),
      ["DmlsError", "DmlsDecodeError", "DmlsForkError", "DmlsMembershipError", "DmlsMessageError", "DmlsProtocolError"],
    );
  });

  test("a removed member gets { kind: 'removed' } and cannot read the new fork", () => {
    const { alice, bob, carol } = threeMembers();
    const parent = alice.preferredFork;
    const r = alice.removeMembers(["carol"]);
    assert.deepEqual(carol.process(r.commit), { kind: "removed", parent });
    assert.deepEqual(carol.process(r.commit), { kind: "duplicate" });
    assert.equal(bob.process(r.commit).forkId, r.forkId);
    assert.deepEqual(bob.members().map(text), ["alice", "bob"]);
    const after = alice.encrypt("carol must not read this");
    assert.equal(open(bob, after), "carol must not read this");
    const atCarol = carol.process(after);
    assert.notEqual(atCarol.kind, "application");
    assert.ok(!carol.forks().some((f) => f.id === r.forkId));
  });

  test("retention limits and the clock evict old forks", () => {
    const { alice, bob } = threeMembers();
    assert.deepEqual(alice.limits, { maxForks: 8, maxDepth: 3, maxAge: null, maxQueued: 64 });
    const old = alice.preferredFork;
    const m = bob.encrypt("on the old fork");
    const u = alice.selfUpdate();
    assert.equal(bob.process(u.commit).forkId, u.forkId);
    alice.setLimits({ maxAge: 10 });
    assert.equal(alice.limits.maxAge, 10);
    alice.setTime(5);
    assert.deepEqual(alice.forks().map((f) => f.epoch), [0, 1, 2, 3]);
    alice.setTime(11);
    assert.deepEqual(alice.forks().map((f) => f.id), [u.forkId]);
    throwsDmls(() => alice.process(m), DmlsForkError, "EvictedFork");
    alice.setLimits({ maxAge: null, maxForks: 2 });
    assert.deepEqual(alice.limits, { maxForks: 2, maxDepth: 3, maxAge: null, maxQueued: 64 });
    assert.throws(() => alice.setLimits({ maxDepth: -1 }), RangeError);
    assert.throws(() => alice.setLimits({ maxDepth: "3" }), TypeError);
    assert.throws(() => alice.setTime(1.5), RangeError);
    assert.notEqual(old, u.forkId);
  });

  test("examples/dmls.ts type-checks against the DMLS package's .d.ts (tsc --noEmit)", () => {
    const js = fileURLToPath(new URL("..", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "salamander-dmls-tsc-"));
    try {
      // examples/tsconfig.json with the package under test in place of js/pkg.
      const config = {
        compilerOptions: {
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          lib: ["es2022", "dom"],
          types: [],
          strict: true,
          noEmit: true,
          noUnusedLocals: true,
          skipLibCheck: false,
          paths: { salamander: [join(fileURLToPath(PKG), "index.d.ts")] },
        },
        files: [join(js, "examples", "dmls.ts")],
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
      const tsc = join(js, "node_modules", "typescript", "bin", "tsc");
      const result = spawnSync(process.execPath, [tsc, "--noEmit", "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
