//! Complete Olm conversations made by libolm 3.2.13 with fixed keys and randomness.

use salamander_libolm::{Account, Session};
use serde_json::{json, Value};

use crate::{
    random::{hex, Stream},
    VectorFile,
};

#[derive(Clone, Copy)]
enum Who {
    Alice,
    Bob,
}

struct Script {
    comment: &'static str,
    use_fallback_key: bool,
    /// Who sends each message, and its plaintext.
    messages: Vec<(Who, Vec<u8>)>,
    flags: &'static [&'static str],
}

fn scripts() -> Vec<Script> {
    use Who::*;
    let text = |s: &str| s.as_bytes().to_vec();
    vec![
        Script {
            comment: "pre-key message and a reply",
            use_fallback_key: false,
            messages: vec![(Alice, text("Hello Bob")), (Bob, text("Hello Alice"))],
            flags: &["PreKey", "RatchetTurn"],
        },
        Script {
            comment: "two pre-key messages before the reply, then three ratchet turns",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("first")),
                (Alice, text("second, still pre-key")),
                (Bob, text("reply")),
                (Bob, text("reply, same chain")),
                (Alice, text("turn")),
                (Bob, text("turn")),
                (Alice, text("turn")),
                (Alice, text("same chain")),
                (Bob, text("last")),
            ],
            flags: &["PreKey", "RatchetTurn", "SameChain"],
        },
        Script {
            comment: "session created from a fallback key",
            use_fallback_key: true,
            messages: vec![(Alice, text("to the fallback key")), (Bob, text("answer"))],
            flags: &["PreKey", "FallbackKey"],
        },
        Script {
            comment: "plaintexts of 0, 15, 16, 17 and 4096 bytes",
            use_fallback_key: false,
            messages: vec![
                (Alice, vec![]),
                (Bob, vec![0x0f; 15]),
                (Alice, vec![0x10; 16]),
                (Bob, vec![0x11; 17]),
                (Alice, (0..4096u32).map(|i| (i % 251) as u8).collect()),
            ],
            flags: &["Padding", "RatchetTurn"],
        },
    ]
}

fn keys_json(account: &Account) -> Value {
    serde_json::from_str(&account.identity_keys()).unwrap_or(Value::Null)
}

fn first_key(json: &str) -> String {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    value["curve25519"]
        .as_object()
        .and_then(|keys| keys.values().next())
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn conversation(tc_id: usize, script: &Script) -> Value {
    let mut stream = Stream::new(&format!("salamander olm conversation {tc_id}"));
    let alice_random = stream.take(64);
    let bob_random = stream.take(64);
    let key_random = stream.take(32);
    let outbound_random = stream.take(64);

    let alice = Account::new_with_random(&alice_random).unwrap_or_else(|e| panic!("{e}"));
    let mut bob = Account::new_with_random(&bob_random).unwrap_or_else(|e| panic!("{e}"));
    let bob_key = if script.use_fallback_key {
        bob.generate_fallback_key_with_random(&key_random).unwrap_or_else(|e| panic!("{e}"));
        first_key(&bob.fallback_key())
    } else {
        bob.generate_one_time_keys_with_random(1, &key_random).unwrap_or_else(|e| panic!("{e}"));
        first_key(&bob.one_time_keys())
    };
    bob.mark_keys_as_published();
    let bob_identity = keys_json(&bob)["curve25519"].as_str().unwrap_or_default().to_owned();
    let alice_identity = keys_json(&alice)["curve25519"].as_str().unwrap_or_default().to_owned();

    let mut alice_session =
        Session::create_outbound_with_random(&alice, &bob_identity, &bob_key, &outbound_random)
            .unwrap_or_else(|e| panic!("{e}"));
    let mut bob_session: Option<Session> = None;
    let mut steps = Vec::new();
    for (who, plaintext) in &script.messages {
        let sender = match who {
            Who::Alice => &mut alice_session,
            Who::Bob => {
                bob_session.as_mut().unwrap_or_else(|| panic!("Bob speaks before he has a session"))
            }
        };
        let random = stream.take(sender.encrypt_random_length());
        let (message_type, body) =
            sender.encrypt_with_random(plaintext, &random).unwrap_or_else(|e| panic!("{e}"));
        let decrypted = match who {
            Who::Alice => match &mut bob_session {
                Some(session) => session.decrypt(message_type, &body),
                None => {
                    let mut session =
                        Session::create_inbound_from(&mut bob, &alice_identity, &body)
                            .unwrap_or_else(|e| panic!("{e}"));
                    let plaintext = session.decrypt(message_type, &body);
                    if !script.use_fallback_key {
                        bob.remove_one_time_keys(&session).unwrap_or_else(|e| panic!("{e}"));
                    }
                    bob_session = Some(session);
                    plaintext
                }
            },
            Who::Bob => alice_session.decrypt(message_type, &body),
        };
        assert_eq!(decrypted.as_ref().ok(), Some(plaintext), "libolm must decrypt its own message");
        steps.push(json!({
            "sender": match who { Who::Alice => "alice", Who::Bob => "bob" },
            "plaintext": hex(plaintext),
            "random": hex(&random),
            "type": message_type,
            "body": body,
        }));
    }

    json!({
        "tcId": tc_id,
        "comment": script.comment,
        "alice": {
            "accountRandom": hex(&alice_random),
            "identityKeys": keys_json(&alice),
            "outboundRandom": hex(&outbound_random),
        },
        "bob": {
            "accountRandom": hex(&bob_random),
            "identityKeys": keys_json(&bob),
            "keyRandom": hex(&key_random),
            "fallbackKey": script.use_fallback_key,
            "oneTimeKey": bob_key,
        },
        "sessionId": alice_session.session_id(),
        "messages": steps,
        "result": "valid",
        "flags": script.flags,
    })
}

pub(crate) fn conversations() -> Vec<VectorFile> {
    let tests: Vec<Value> =
        scripts().iter().enumerate().map(|(i, s)| conversation(i + 1, s)).collect();
    vec![VectorFile {
        path: "olm/conversation_libolm.json",
        content: json!({
            "algorithm": "olm-conversation",
            "source": "libolm 3.2.13",
            "generator": "cargo run -p salamander-vector-gen -- olm-conversation",
            "notes": [
                "Complete Olm (m.olm.v1.curve25519-aes-sha2) conversations made by libolm 3.2.13 with fixed randomness.",
                "Random bytes are hex and are consumed exactly as libolm consumes them: an account takes 64 (Ed25519 seed, then Curve25519 key), a one-time or fallback key 32, an outbound session 64 (base key, then first ratchet key), and an encryption 32 when it starts a new sending chain, else none.",
                "Each message is delivered in order right after it is sent. 'body' is the unpadded base64 of the message of the given 'type' (0 pre-key, 1 normal); an implementation given the same keys and random bytes must produce it byte for byte, and the receiver must decrypt it to 'plaintext' (hex)."
            ],
            "numberOfTests": tests.len(),
            "tests": tests,
        }),
    }]
}
