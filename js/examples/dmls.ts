// The DMLS build's API, typed: checked by `tsc --noEmit` against the DMLS package's
// declarations (tests/dmls.test.mjs, against js/pkg-dmls). Not part of the default build's check.
import init, {
  DmlsError,
  DmlsForkError,
  DmlsGroup,
  DmlsIdentity,
  SalamanderError,
  type DmlsCommitResult,
  type DmlsForkInfo,
  type DmlsProcessed,
  type DmlsRetentionLimits,
} from "salamander";

await init();

const key: Uint8Array = crypto.getRandomValues(new Uint8Array(32));
const aliceId = new DmlsIdentity("@alice:example.org|A");
const bobId = new DmlsIdentity(new TextEncoder().encode("@bob:example.org|B"));
const alice: DmlsGroup = DmlsGroup.create(aliceId);

const add: DmlsCommitResult = alice.addMembers([bobId.keyPackage()]);
if (add.welcome === undefined) throw new Error("an add has a Welcome");
const bob = DmlsGroup.join(bobId, add.welcome);
const forkId: string = add.forkId;

/** What an application does with each outcome; `kind` narrows the union. */
function describe(result: DmlsProcessed): string {
  switch (result.kind) {
    case "application":
      return `${new TextDecoder().decode(result.sender)}: ${new TextDecoder().decode(result.plaintext)} on ${result.forkId}`;
    case "commit":
      return `fork ${result.forkId} (epoch ${result.epoch}) from ${result.parent}, ${result.replayed.map(describe).join("; ")}`;
    case "removed":
      return `removed on ${result.parent}`;
    case "queued":
      return `waiting for ${result.forkId}`;
    case "duplicate":
      return `seen before: ${result.forkId ?? "(removed)"}`;
  }
}

const update = bob.selfUpdate();
console.log(describe(alice.process(update.commit)), describe(bob.process(alice.encrypt("hi"))));

const forks: DmlsForkInfo[] = alice.forks();
const parents: (string | undefined)[] = forks.map((f) => f.parent);
const preferred: string | undefined = alice.preferredFork;
const members: Uint8Array[] = alice.members(preferred);
const secret: Uint8Array = alice.exportSecret("label", 32, forkId);
const limits: DmlsRetentionLimits = alice.limits;
alice.setLimits({ maxForks: limits.maxForks, maxAge: null });
alice.setTime(Date.now() / 1000);
const removal: DmlsCommitResult = alice.removeMembers(["@bob:example.org|B"]);

const restoredGroup: DmlsGroup = DmlsGroup.fromPickle(alice.pickle(key), key);
const restoredId: DmlsIdentity = DmlsIdentity.fromPickle(aliceId.pickle(key), key);
const signatureKey: string = restoredId.signatureKey;
const groupId: string = restoredGroup.groupId;

try {
  bob.process(new Uint8Array(3));
} catch (error) {
  if (error instanceof DmlsForkError) {
    const name: "DmlsForkError" = error.name;
    console.log(name, error.kind);
  } else if (error instanceof DmlsError && error instanceof SalamanderError) {
    console.log(error.name, error.kind, error.message);
  }
}
console.log(parents, members.length, secret.length, removal.commit.length, signatureKey, groupId);
