// A typed walk through the API, checked by `tsc --noEmit` against the generated declarations
// (js/test runs it; see tsconfig.json). It is also a short tour for readers.
import init, {
  Account,
  DecryptionError,
  GroupSession,
  InboundGroupSession,
  OlmMessage,
  SalamanderError,
  Session,
  ed25519Verify,
  type DecryptedMessage,
  type IdentityKeys,
  type InboundCreationResult,
  type KeyMap,
  type OneTimeKeyGenerationResult,
  type SessionOrdering,
} from "salamander";

export async function main(): Promise<void> {
  await init();

  // Olm: Bob publishes one-time keys, Alice starts a session.
  const alice = new Account();
  const bob = new Account();
  const generated: OneTimeKeyGenerationResult = bob.generateOneTimeKeys(bob.maxNumberOfOneTimeKeys);
  const oneTimeKeys: KeyMap = bob.oneTimeKeys;
  const oneTimeKey: string = Object.values(oneTimeKeys)[0] ?? generated.created[0];
  const signature: string = bob.sign(oneTimeKey);
  const bobKeys: IdentityKeys = bob.identityKeys;
  ed25519Verify(bobKeys.ed25519, oneTimeKey, signature);
  bob.markKeysAsPublished();

  const outbound: Session = alice.createOutboundSession(bobKeys.curve25519, oneTimeKey);
  const first: OlmMessage = outbound.encrypt("Hello, Bob");
  const event = { type: first.messageType, body: first.body };
  const created: InboundCreationResult = bob.createInboundSession(
    alice.identityKeys.curve25519,
    new OlmMessage(event.type, event.body),
  );
  const plaintext: Uint8Array = created.plaintext;
  console.log(new TextDecoder().decode(plaintext));
  const reply = created.session.encrypt(new TextEncoder().encode("Hi Alice"));
  outbound.decrypt(reply);

  // Persist and restore.
  const key = crypto.getRandomValues(new Uint8Array(32));
  const restored: Session = Session.fromPickle(outbound.pickle(key), key);
  const device: { ciphertext: string; nonce: string } = alice.toDehydratedDevice(key);
  Account.fromDehydratedDevice(device.ciphertext, device.nonce, key).free();

  // Megolm.
  const group = new GroupSession();
  const inbound = new InboundGroupSession(group.sessionKey());
  const ciphertext: string = group.encrypt("Hello, room");
  const decrypted: DecryptedMessage = inbound.decrypt(ciphertext);
  const index: number = decrypted.messageIndex;
  const exported: string | undefined = inbound.exportAt(index);
  if (exported !== undefined) {
    const copy = InboundGroupSession.import(exported);
    const ordering: SessionOrdering = inbound.compare(copy);
    console.log(ordering, copy.isVerified, copy.firstKnownIndex);
  }

  // Errors.
  try {
    restored.decrypt(reply);
  } catch (error) {
    if (error instanceof DecryptionError) {
      const kind: string = error.kind;
      const name: "DecryptionError" = error.name;
      console.log(name, kind, error.message);
    } else if (error instanceof SalamanderError) {
      console.log(error.name);
    }
  }

  // Memory: free() now, or leave it to the garbage collector.
  for (const object of [alice, bob, outbound, restored, created.session, group, inbound]) object.free();
}
