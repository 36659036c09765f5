//! `olm-kdf`: the Olm key schedule step by step, from fixed secrets.
//!
//! libolm does not expose its intermediate keys, so the values come from the generator's own
//! model (`keys`), and each one is tied to libolm: libolm makes the accounts, the session and the
//! messages from the same random bytes, the model's public keys must be libolm's, and the model
//! must re-encode every libolm message listed from its derived keys, byte for byte (so its cipher
//! keys decrypt the message and its MAC key verifies it).

use serde_json::{json, Value};

use super::{
    keys::{b64, CipherKeys, Sent, Who},
    Conversation,
};
use crate::{
    random::{hex, Stream},
    VectorFile,
};

/// The chain indices listed for Alice's first chain: 0..=3 and a larger one.
const LARGER_INDEX: [u32; 22] =
    [4, 5, 6, 7, 8, 10, 12, 15, 16, 20, 31, 32, 50, 63, 64, 100, 127, 128, 200, 255, 256, 1000];

fn plaintext(tc_id: usize, chain: usize, index: u32) -> Vec<u8> {
    // Lengths vary around the AES block size.
    let len = (tc_id * 7 + chain * 5 + index as usize) % 40;
    let mut text = format!("kdf {tc_id} chain {chain} message {index} ").into_bytes();
    text.resize(len.max(1), b'.');
    text
}

fn step_json(sent: &Sent, message_type: usize, body: &str) -> Value {
    json!({
        "index": sent.index,
        "chainKey": hex(&sent.chain_key),
        "messageKey": hex(&sent.message_key),
        "cipherKeys": CipherKeys::new(&sent.message_key).json(),
        "message": {
            "type": message_type,
            "body": body,
            "plaintext": hex(&sent.plaintext),
        },
    })
}

fn case(tc_id: usize, larger: u32) -> Value {
    let use_fallback_key = tc_id.is_multiple_of(5);
    let mut stream = Stream::new(&format!("salamander olm kdf {tc_id}"));
    let mut conversation = Conversation::new(&mut stream, use_fallback_key);

    // Chain 0: Alice's first chain, pre-key messages 0..=larger; Bob receives the listed ones.
    let listed: Vec<u32> = (0..4).chain([larger]).collect();
    let mut chain0 = Vec::new();
    for index in 0..=larger {
        let n = conversation.send(Who::Alice, &plaintext(tc_id, 0, index), &mut stream);
        if listed.contains(&index) {
            conversation.deliver(n);
            chain0.push(n);
        }
    }
    // Chain 1: Bob's reply, two messages; chain 2: Alice's answer, one message.
    let chain1: Vec<usize> = (0..2)
        .map(|index| {
            let n = conversation.send(Who::Bob, &plaintext(tc_id, 1, index), &mut stream);
            conversation.deliver(n);
            n
        })
        .collect();
    let n = conversation.send(Who::Alice, &plaintext(tc_id, 2, 0), &mut stream);
    conversation.deliver(n);
    let chain2 = vec![n];

    let steps = |ns: &[usize]| -> Vec<Value> {
        ns.iter()
            .map(|&n| {
                let step = &conversation.steps[n];
                step_json(&step.sent, step.message_type, &step.body)
            })
            .collect()
    };
    let first = &conversation.steps[chain0[0]].sent;
    assert_eq!(first.chain_start, conversation.model.chain0);
    let ratchet_chain = |ns: &[usize], sender: Who| -> Value {
        let sent = &conversation.steps[ns[0]].sent;
        assert_eq!(sent.sender, sender);
        let step = sent.step.as_ref().unwrap_or_else(|| panic!("a new chain has a ratchet step"));
        json!({
            "sender": sender.name(),
            "ratchetSecret": hex(&sent.ratchet_secret),
            "ratchetKey": b64(&sent.ratchet_key),
            "theirRatchetKey": b64(&step.their_ratchet_key),
            "previousRootKey": hex(&step.previous_root),
            "rootKey": hex(&step.root),
            "chainKey": hex(&sent.chain_start),
            "steps": steps(ns),
        })
    };

    let model = &conversation.model;
    let secrets = &model.secrets;
    let mut flags = vec!["TripleDH", "RootKey", "ChainKey", "MessageKeys", "DHRatchet"];
    if use_fallback_key {
        flags.push("FallbackKey");
    }
    if larger >= 128 {
        flags.push("VarintIndex");
    }
    json!({
        "tcId": tc_id,
        "comment": format!(
            "chain 0 (Alice, pre-key messages) listed at indices 0-3 and {larger}; Bob's reply chain; Alice's next chain{}",
            if use_fallback_key { "; the session is made from a fallback key" } else { "" }
        ),
        "alice": {
            "identitySecret": hex(&secrets.alice_identity),
            "identityKey": conversation.alice_identity,
            "baseSecret": hex(&secrets.alice_base),
            "baseKey": b64(&model.public(|s| &s.alice_base)),
        },
        "bob": {
            "identitySecret": hex(&secrets.bob_identity),
            "identityKey": conversation.bob_identity,
            "oneTimeSecret": hex(&secrets.bob_one_time),
            "oneTimeKey": conversation.bob_key,
            "fallbackKey": use_fallback_key,
        },
        "sharedSecret": hex(&model.shared_secret),
        "chains": [
            {
                "sender": "alice",
                "ratchetSecret": hex(&first.ratchet_secret),
                "ratchetKey": b64(&first.ratchet_key),
                "rootKey": hex(&model.root0),
                "chainKey": hex(&model.chain0),
                "steps": steps(&chain0),
            },
            ratchet_chain(&chain1, Who::Bob),
            ratchet_chain(&chain2, Who::Alice),
        ],
        "result": "valid",
        "flags": flags,
    })
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    let tests: Vec<Value> =
        LARGER_INDEX.iter().enumerate().map(|(i, &larger)| case(i + 1, larger)).collect();
    vec![VectorFile {
        path: "olm/kdf_libolm.json",
        content: json!({
            "algorithm": "olm-kdf",
            "source": "libolm 3.2.13",
            "generator": "cargo run -p salamander-vector-gen -- olm-kdf",
            "notes": [
                "The Olm key schedule step by step. Secrets are hex, public keys unpadded base64; libolm 3.2.13 made the accounts, the session and every listed message from the same random bytes (a Curve25519 secret is the 32 random bytes libolm was given: the second half of an account's 64, a one-time key's 32, the first half of an outbound session's 64 for the base key and the second half for the first ratchet key, and an encryption's 32 for a new ratchet key).",
                "sharedSecret = DH(I_A, E_B) || DH(E_A, I_B) || DH(E_A, E_B) (Alice) = DH(E_B, I_A) || DH(I_B, E_A) || DH(E_B, E_A) (Bob), where I are identity keys, E_A Alice's base key and E_B Bob's one-time key.",
                "Chain 0: rootKey || chainKey = HKDF-SHA-256(salt = none (32 zero bytes), sharedSecret, \"OLM_ROOT\", 64). Chain i > 0: rootKey || chainKey = HKDF-SHA-256(salt = previousRootKey, DH(ratchetSecret, ratchet key of chain i-1), \"OLM_RATCHET\", 64); the receiver computes the same with DH(ratchet secret of chain i-1, ratchetKey).",
                "In a chain, C_0 = chainKey, C_{j+1} = HMAC-SHA-256(C_j, 0x02) and the message key M_j = HMAC-SHA-256(C_j, 0x01); steps list C_j ('chainKey') and M_j for some j ('index'). cipherKeys: aesKey || macKey || iv = HKDF-SHA-256(salt = none, M_j, \"OLM_KEYS\", 80).",
                "Each step's message is the libolm message (type 0 pre-key or 1 normal, unpadded base64 body) sent with that key: its inner normal message's ciphertext decrypts with AES-256-CBC (aesKey, iv, PKCS#7) to 'plaintext' (hex), and its last 8 bytes are HMAC-SHA-256(macKey, everything before them) truncated.",
                "Values are computed by the generator (x25519-dalek, HKDF, HMAC, AES from RustCrypto), not read from libolm, which does not expose them; the generator asserts its public keys equal libolm's and that re-encoding each listed message from its derived keys gives libolm's bytes exactly."
            ],
            "numberOfTests": tests.len(),
            "tests": tests,
        }),
    }]
}
