// Live interoperability with libolm 3.2.15 as shipped to web clients (@matrix-org/olm, its own
// WebAssembly build): Olm both ways, Megolm both ways, and libolm pickles both ways.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import Olm from "@matrix-org/olm";

import {
  Account,
  GroupSession,
  InboundGroupSession,
  OlmMessage,
  Session,
  ed25519Verify,
  text,
  utf8,
} from "./helpers.mjs";

before(async () => {
  await Olm.init();
});

/** A libolm account with `count` published one-time keys; returns it and the keys. */
function libolmAccount(count = 1) {
  const account = new Olm.Account();
  account.create();
  account.generate_one_time_keys(count);
  const keys = Object.values(JSON.parse(account.one_time_keys()).curve25519);
  account.mark_keys_as_published();
  return { account, keys, identity: JSON.parse(account.identity_keys()) };
}

/** Alternate turns between a salamander session and a libolm session. */
function converse(ours, theirs, turns = 6, perTurn = 3) {
  for (let turn = 0; turn < turns; turn++) {
    for (let i = 0; i < perTurn; i++) {
      const plaintext = `salamander → libolm ${turn}.${i} ✓`;
      const message = ours.encrypt(plaintext);
      assert.equal(theirs.decrypt(message.messageType, message.body), plaintext);
    }
    for (let i = 0; i < perTurn; i++) {
      const plaintext = `libolm → salamander ${turn}.${i} ✓`;
      const message = theirs.encrypt(plaintext);
      assert.equal(text(ours.decrypt(new OlmMessage(message.type, message.body))), plaintext);
    }
  }
}

describe("Olm with @matrix-org/olm 3.2.15", () => {
  test("salamander starts: pre-key messages, reply, ratchet turns", () => {
    const { account: bob, keys, identity } = libolmAccount();
    const alice = new Account();
    const ours = alice.createOutboundSession(identity.curve25519, keys[0]);
    const first = ours.encrypt("hello libolm");
    const second = ours.encrypt("still a pre-key message");
    assert.equal(first.messageType, 0);
    assert.equal(second.messageType, 0);
    const theirs = new Olm.Session();
    theirs.create_inbound_from(bob, alice.curve25519, first.body);
    bob.remove_one_time_keys(theirs);
    assert.equal(theirs.session_id(), ours.sessionId);
    assert.equal(theirs.decrypt(0, first.body), "hello libolm");
    assert.equal(theirs.decrypt(0, second.body), "still a pre-key message");
    const reply = theirs.encrypt("hello salamander");
    assert.equal(reply.type, 1);
    assert.equal(text(ours.decrypt(new OlmMessage(reply.type, reply.body))), "hello salamander");
    assert.equal(ours.hasReceivedMessage, true);
    converse(ours, theirs);
    theirs.free();
    bob.free();
  });

  test("libolm starts: salamander accepts its pre-key message", () => {
    const { account: alice, identity } = libolmAccount(0);
    const bob = new Account();
    bob.generateOneTimeKeys(5);
    const [, otk] = Object.values(bob.oneTimeKeys);
    bob.markKeysAsPublished();
    const theirs = new Olm.Session();
    theirs.create_outbound(alice, bob.curve25519, otk);
    const first = theirs.encrypt("hello from libolm");
    assert.equal(first.type, 0);
    const { session: ours, plaintext } = bob.createInboundSession(identity.curve25519, new OlmMessage(first.type, first.body));
    assert.equal(text(plaintext), "hello from libolm");
    assert.equal(ours.sessionId, theirs.session_id());
    assert.equal(bob.storedOneTimeKeyCount, 4, "the used one-time key is removed");
    // libolm keeps sending pre-key messages until it hears back; they decrypt in the session.
    const again = theirs.encrypt("second pre-key");
    assert.equal(text(ours.decrypt(new OlmMessage(again.type, again.body))), "second pre-key");
    converse(ours, theirs);
    theirs.free();
    alice.free();
  });

  test("fallback keys of salamander accept libolm sessions", () => {
    const bob = new Account();
    bob.generateFallbackKey();
    const [fallback] = Object.values(bob.fallbackKey);
    for (let i = 0; i < 2; i++) {
      const { account: alice, identity } = libolmAccount(0);
      const theirs = new Olm.Session();
      theirs.create_outbound(alice, bob.curve25519, fallback);
      const first = theirs.encrypt(`fallback ${i}`);
      const { plaintext } = bob.createInboundSession(identity.curve25519, new OlmMessage(first.type, first.body));
      assert.equal(text(plaintext), `fallback ${i}`);
      theirs.free();
      alice.free();
    }
  });

  test("out-of-order delivery across ratchet turns", () => {
    const { account: bob, keys, identity } = libolmAccount();
    const alice = new Account();
    const ours = alice.createOutboundSession(identity.curve25519, keys[0]);
    const first = ours.encrypt("start");
    const theirs = new Olm.Session();
    theirs.create_inbound_from(bob, alice.curve25519, first.body);
    theirs.decrypt(0, first.body);
    const fromLibolm = [0, 1, 2, 3].map((i) => theirs.encrypt(`l${i}`));
    for (const i of [3, 1, 0, 2]) {
      assert.equal(text(ours.decrypt(new OlmMessage(fromLibolm[i].type, fromLibolm[i].body))), `l${i}`);
    }
    const fromUs = [0, 1, 2].map((i) => ours.encrypt(`s${i}`));
    for (const i of [2, 0, 1]) assert.equal(theirs.decrypt(fromUs[i].messageType, fromUs[i].body), `s${i}`);
    theirs.free();
    bob.free();
  });

  test("signatures verify both ways", () => {
    const { account: theirs, identity } = libolmAccount(0);
    const ours = new Account();
    ed25519Verify(identity.ed25519, "signed by libolm", theirs.sign("signed by libolm"));
    const utility = new Olm.Utility();
    utility.ed25519_verify(ours.ed25519, "signed by salamander", ours.sign("signed by salamander"));
    utility.free();
    theirs.free();
  });
});

describe("Megolm with @matrix-org/olm 3.2.15", () => {
  test("salamander sends, libolm receives (session key and export)", () => {
    const ours = new GroupSession();
    const key = ours.sessionKey();
    const theirs = new Olm.InboundGroupSession();
    theirs.create(key);
    assert.equal(theirs.session_id(), ours.sessionId);
    for (let i = 0; i < 10; i++) {
      const decrypted = theirs.decrypt(ours.encrypt(`room message ${i} ✓`));
      assert.equal(decrypted.plaintext, `room message ${i} ✓`);
      assert.equal(decrypted.message_index, i);
    }
    const imported = new Olm.InboundGroupSession();
    imported.import_session(new InboundGroupSession(key).exportAt(5));
    assert.equal(imported.first_known_index(), 5);
    const ciphertext = ours.encrypt("after export");
    assert.equal(imported.decrypt(ciphertext).plaintext, "after export");
    theirs.free();
    imported.free();
  });

  test("libolm sends, salamander receives (session key and export)", () => {
    const theirs = new Olm.OutboundGroupSession();
    theirs.create();
    const ours = new InboundGroupSession(theirs.session_key());
    assert.equal(ours.sessionId, theirs.session_id());
    const messages = [];
    for (let i = 0; i < 10; i++) messages.push(theirs.encrypt(`libolm room message ${i}`));
    for (const i of [9, 0, 5, 3]) {
      const decrypted = ours.decrypt(messages[i]);
      assert.equal(text(decrypted.plaintext), `libolm room message ${i}`);
      assert.equal(decrypted.messageIndex, i);
    }
    const inbound = new Olm.InboundGroupSession();
    inbound.create(theirs.session_key());
    const exported = inbound.export_session(inbound.first_known_index());
    const imported = InboundGroupSession.import(exported);
    assert.equal(imported.isVerified, false);
    assert.equal(text(imported.decrypt(theirs.encrypt("verified now")).plaintext), "verified now");
    assert.equal(imported.isVerified, true);
    // Exports agree byte for byte.
    assert.equal(new InboundGroupSession(theirs.session_key()).exportAtFirstKnownIndex(), inbound.export_session(theirs.message_index()));
    theirs.free();
    inbound.free();
  });
});

describe("libolm pickles with @matrix-org/olm 3.2.15", () => {
  const KEY = "a libolm pickle key";

  test("accounts and sessions pickled by libolm load in salamander; the conversation goes on", () => {
    const { account: theirAccount, keys, identity } = libolmAccount(3);
    const alice = new Account();
    const ours = alice.createOutboundSession(identity.curve25519, keys[1]);
    const first = ours.encrypt("before pickling");
    const theirs = new Olm.Session();
    theirs.create_inbound_from(theirAccount, alice.curve25519, first.body);
    theirAccount.remove_one_time_keys(theirs);
    theirs.decrypt(0, first.body);
    theirs.encrypt("libolm's first reply"); // not delivered: still in the pickle's chain

    const account = Account.fromLibolmPickle(theirAccount.pickle(KEY), utf8(KEY));
    assert.deepEqual(account.identityKeys, identity);
    assert.equal(account.storedOneTimeKeyCount, 2);
    assert.equal(account.sign("message"), theirAccount.sign("message"), "libolm's expanded key signs alike");
    const session = Session.fromLibolmPickle(theirs.pickle(KEY), utf8(KEY));
    assert.equal(session.sessionId, theirs.session_id());
    // salamander carries on as libolm would have.
    const reply = session.encrypt("from the pickled session");
    assert.equal(text(ours.decrypt(new OlmMessage(reply.messageType, reply.body))), "from the pickled session");
    for (let turn = 0; turn < 3; turn++) {
      const a = ours.encrypt(`to the pickled session ${turn}`);
      assert.equal(text(session.decrypt(a)), `to the pickled session ${turn}`);
      const b = session.encrypt(`from the pickled session ${turn}`);
      assert.equal(text(ours.decrypt(b)), `from the pickled session ${turn}`);
    }
    // An unused one-time key of the pickled account still opens a session.
    const other = new Account();
    const otherSession = other.createOutboundSession(identity.curve25519, keys[2]);
    const { plaintext } = account.createInboundSession(other.curve25519, otherSession.encrypt("via pickled key"));
    assert.equal(text(plaintext), "via pickled key");
    theirs.free();
    theirAccount.free();
  });

  test("salamander's libolm pickles load in libolm; the conversation goes on", () => {
    const account = new Account();
    account.generateOneTimeKeys(2);
    const otks = Object.values(account.oneTimeKeys);
    account.markKeysAsPublished();
    const { account: theirAccount, identity } = libolmAccount(0);
    const theirs = new Olm.Session();
    theirs.create_outbound(theirAccount, account.curve25519, otks[0]);
    const first = theirs.encrypt("hello");
    const { session } = account.createInboundSession(identity.curve25519, new OlmMessage(first.type, first.body));
    session.encrypt("pending");

    const libolmAccountCopy = new Olm.Account();
    libolmAccountCopy.unpickle(KEY, account.toLibolmPickle(utf8(KEY)));
    assert.deepEqual(JSON.parse(libolmAccountCopy.identity_keys()), account.identityKeys);
    assert.equal(libolmAccountCopy.sign("m"), account.sign("m"));
    const libolmSession = new Olm.Session();
    libolmSession.unpickle(KEY, session.toLibolmPickle(utf8(KEY)));
    assert.equal(libolmSession.session_id(), session.sessionId);
    const next = libolmSession.encrypt("from libolm's copy");
    assert.equal(theirs.decrypt(next.type, next.body), "from libolm's copy");
    converse(
      {
        encrypt: (p) => {
          const m = theirs.encrypt(p);
          return new OlmMessage(m.type, m.body);
        },
        decrypt: (m) => utf8(theirs.decrypt(m.messageType, m.body)),
      },
      libolmSession,
      3,
      2,
    );
    // The remaining one-time key survived the trip through libolm.
    const { account: third, identity: thirdIdentity } = libolmAccount(0);
    const thirdSession = new Olm.Session();
    thirdSession.create_outbound(third, account.curve25519, otks[1]);
    const probe = thirdSession.encrypt("probe");
    const inbound = new Olm.Session();
    inbound.create_inbound_from(libolmAccountCopy, thirdIdentity.curve25519, probe.body);
    assert.equal(inbound.decrypt(probe.type, probe.body), "probe");
    for (const o of [theirs, theirAccount, libolmAccountCopy, libolmSession, third, thirdSession, inbound]) o.free();
  });

  test("group sessions both ways", () => {
    const theirOutbound = new Olm.OutboundGroupSession();
    theirOutbound.create();
    theirOutbound.encrypt("skip one");
    const theirInbound = new Olm.InboundGroupSession();
    theirInbound.create(theirOutbound.session_key());

    const outbound = GroupSession.fromLibolmPickle(theirOutbound.pickle(KEY), utf8(KEY));
    assert.equal(outbound.messageIndex, 1);
    assert.equal(outbound.sessionKey(), theirOutbound.session_key());
    const inbound = InboundGroupSession.fromLibolmPickle(theirInbound.pickle(KEY), utf8(KEY));
    assert.equal(inbound.firstKnownIndex, 1);
    const fromPickled = outbound.encrypt("from salamander's copy");
    assert.equal(theirInbound.decrypt(fromPickled).plaintext, "from salamander's copy");
    assert.equal(text(inbound.decrypt(theirOutbound.encrypt("x")).plaintext), "x");

    const backOut = new Olm.OutboundGroupSession();
    backOut.unpickle(KEY, outbound.toLibolmPickle(utf8(KEY)));
    assert.equal(backOut.message_index(), outbound.messageIndex);
    const backIn = new Olm.InboundGroupSession();
    backIn.unpickle(KEY, inbound.toLibolmPickle(utf8(KEY)));
    assert.equal(backIn.first_known_index(), 1);
    assert.equal(backIn.decrypt(backOut.encrypt("round trip")).plaintext, "round trip");
    assert.equal(text(inbound.decrypt(backOut.encrypt("and back")).plaintext), "and back");
    for (const o of [theirOutbound, theirInbound, backOut, backIn]) o.free();
  });
});
