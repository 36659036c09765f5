//! Olm vectors: complete conversations made by libolm 3.2.13 with fixed keys and randomness
//! (in order and out of order), the key schedule step by step (`kdf`) and the message codec
//! (`codec`). `keys` is the generator's own model of the key schedule, checked against libolm.

pub(crate) mod codec;
pub(crate) mod kdf;
pub(crate) mod keys;

use salamander_libolm::{Account, Session};
use serde_json::{json, Value};

use self::keys::{assert_same, Model, Sent, Who};
use crate::{
    random::{hex, Stream},
    VectorFile,
};

struct Script {
    comment: &'static str,
    use_fallback_key: bool,
    /// Who sends each message, and its plaintext.
    messages: Vec<(Who, Vec<u8>)>,
    /// `None`: each message is delivered right after it is sent. Otherwise the order of events,
    /// `s3` sending message 3 and `d3` delivering it; every message is sent, in index order, and
    /// one that is never delivered is lost.
    schedule: Option<&'static str>,
    flags: &'static [&'static str],
}

fn text(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed)).collect()
}

fn scripts() -> Vec<Script> {
    use Who::*;
    let alternate = |n: usize| -> Vec<(Who, Vec<u8>)> {
        (0..n).map(|i| (if i % 2 == 0 { Alice } else { Bob }, text(&format!("turn {i}")))).collect()
    };
    let event = |body: &str| {
        text(&format!(
            "{{\"type\":\"m.room_key\",\"content\":{{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"room_id\":\"!room:example.org\",\"session_id\":\"{body}\",\"session_key\":\"AgAAAADxKHa9uFxcXzwYoNueL5Xqi69IkD4sni8LlfJL7qNBEY/ezzpmbUq0DLkFtqRzHdBizjnbyn/5zHOmp36fj2ks+HsW0dmAoE4LNCR/n0bBLm4Lbc+SGNkmjVCL0fa+oxVMY4Dnl7ZXMDnNa1i4eu+Fq/e1Ks5HUkmN1rcWpP8g\"}},\"sender\":\"@alice:example.org\",\"recipient\":\"@bob:example.org\",\"keys\":{{\"ed25519\":\"qbtf/HkeQ6f0OWb5+QMqL+JsO2Mw9BtbwyXb0VEGbdw\"}}}}"
        ))
    };
    vec![
        Script {
            comment: "pre-key message and a reply",
            use_fallback_key: false,
            messages: vec![(Alice, text("Hello Bob")), (Bob, text("Hello Alice"))],
            schedule: None,
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
            schedule: None,
            flags: &["PreKey", "RatchetTurn", "SameChain"],
        },
        Script {
            comment: "session created from a fallback key",
            use_fallback_key: true,
            messages: vec![(Alice, text("to the fallback key")), (Bob, text("answer"))],
            schedule: None,
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
            schedule: None,
            flags: &["Padding", "RatchetTurn"],
        },
        Script {
            comment: "five pre-key messages before the first reply, which turns Alice's next message into a normal one",
            use_fallback_key: false,
            messages: (1..=5)
                .map(|i| (Alice, text(&format!("pre-key message {i} of 5"))))
                .chain([(Bob, text("finally, a reply")), (Alice, text("a normal message now"))])
                .collect(),
            schedule: None,
            flags: &["PreKey", "SameChain", "RatchetTurn"],
        },
        Script {
            comment: "a one-byte plaintext, then a same-chain run of 12 replies of 1 to 12 bytes",
            use_fallback_key: false,
            messages: [(Alice, vec![0x2a])]
                .into_iter()
                .chain((1..=12).map(|n| (Bob, bytes(n, n as u8))))
                .chain([(Alice, text("ack"))])
                .collect(),
            schedule: None,
            flags: &["Padding", "SameChain", "RatchetTurn"],
        },
        Script {
            comment: "30 pre-key messages in one chain, then a reply",
            use_fallback_key: false,
            messages: (0..30)
                .map(|i| (Alice, text(&format!("message {i}"))))
                .chain([(Bob, text("got all 30"))])
                .collect(),
            schedule: None,
            flags: &["PreKey", "SameChain", "LongChain"],
        },
        Script {
            comment: "strict alternation for 16 messages: a ratchet turn at every message",
            use_fallback_key: false,
            messages: alternate(16),
            schedule: None,
            flags: &["RatchetTurn"],
        },
        Script {
            comment: "fallback key, three pre-key messages, then alternating",
            use_fallback_key: true,
            messages: vec![
                (Alice, text("one")),
                (Alice, text("two")),
                (Alice, text("three")),
                (Bob, text("reply")),
                (Alice, text("turn")),
                (Bob, text("turn")),
                (Alice, text("turn")),
            ],
            schedule: None,
            flags: &["FallbackKey", "PreKey", "RatchetTurn"],
        },
        Script {
            comment: "fallback key with plaintexts of 0, 4096 and 1 bytes",
            use_fallback_key: true,
            messages: vec![(Alice, vec![]), (Bob, bytes(4096, 3)), (Alice, vec![0xff])],
            schedule: None,
            flags: &["FallbackKey", "Padding"],
        },
        Script {
            comment: "plaintexts of every length from 0 to 33 bytes: 0..=16 from Alice (pre-key), 17..=33 from Bob",
            use_fallback_key: false,
            messages: (0..=16)
                .map(|n| (Alice, bytes(n, 0x41)))
                .chain((17..=33).map(|n| (Bob, bytes(n, 0x61))))
                .collect(),
            schedule: None,
            flags: &["Padding", "SameChain"],
        },
        Script {
            comment: "a reply chain of 131 messages: the chain index crosses 127/128, where its varint grows to two bytes",
            use_fallback_key: false,
            messages: [(Alice, text("hi"))]
                .into_iter()
                .chain((0..131).map(|i| (Bob, text(&format!("{i}")))))
                .chain([(Alice, text("done"))])
                .collect(),
            schedule: None,
            flags: &["SameChain", "LongChain", "VarintIndex"],
        },
        Script {
            comment: "to-device event payloads (UTF-8 JSON of several hundred bytes)",
            use_fallback_key: false,
            messages: vec![
                (Alice, event("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")),
                (Bob, event("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")),
                (Alice, text("{\"body\":\"h\u{e9}llo w\u{f6}rld \u{1f600}\",\"msgtype\":\"m.text\"}")),
            ],
            schedule: None,
            flags: &["RatchetTurn"],
        },
        Script {
            comment: "plaintexts of 4095, 4096 and 4097 bytes",
            use_fallback_key: false,
            messages: vec![(Alice, bytes(4095, 1)), (Bob, bytes(4096, 2)), (Alice, bytes(4097, 3))],
            schedule: None,
            flags: &["Padding", "RatchetTurn"],
        },
        Script {
            comment: "turns of two messages each: A A B B A A B B",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("a1")),
                (Alice, text("a2")),
                (Bob, text("b1")),
                (Bob, text("b2")),
                (Alice, text("a3")),
                (Alice, text("a4")),
                (Bob, text("b3")),
                (Bob, text("b4")),
            ],
            schedule: None,
            flags: &["SameChain", "RatchetTurn"],
        },
        Script {
            comment: "out of order: two pre-key messages delivered in reverse, so the session is created from the second one",
            use_fallback_key: false,
            messages: vec![(Alice, text("first")), (Alice, text("second")), (Bob, text("reply"))],
            schedule: Some("s0 s1 d1 d0 s2 d2"),
            flags: &["OutOfOrder", "PreKey"],
        },
        Script {
            comment: "out of order: a reply chain of four delivered in reverse",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("hello")),
                (Bob, text("b0")),
                (Bob, text("b1")),
                (Bob, text("b2")),
                (Bob, text("b3")),
                (Alice, text("all four")),
            ],
            schedule: Some("s0 d0 s1 s2 s3 s4 d4 d3 d2 d1 s5 d5"),
            flags: &["OutOfOrder", "SameChain", "SkippedKeys"],
        },
        Script {
            comment: "out of order: a pre-key message of Alice's first chain arrives after her next chain",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("a0")),
                (Alice, text("a1, delayed")),
                (Bob, text("b0")),
                (Alice, text("new chain")),
                (Bob, text("b1")),
            ],
            schedule: Some("s0 d0 s1 s2 d2 s3 d3 d1 s4 d4"),
            flags: &["OutOfOrder", "OldChain", "PreKey"],
        },
        Script {
            comment: "out of order: crossing messages, both sides send before receiving the other's",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("a0")),
                (Bob, text("b0")),
                (Alice, text("a1, still pre-key")),
                (Alice, text("a2, new chain")),
                (Bob, text("b1, old chain")),
                (Bob, text("b2, new chain")),
            ],
            schedule: Some("s0 d0 s1 s2 d1 d2 s3 s4 d4 d3 s5 d5"),
            flags: &["OutOfOrder", "Crossing", "RatchetTurn"],
        },
        Script {
            comment: "a lost message: Alice never receives Bob's first reply and decrypts his second",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("hello")),
                (Bob, text("lost")),
                (Bob, text("received")),
                (Alice, text("answer")),
            ],
            schedule: Some("s0 d0 s1 s2 d2 s3 d3"),
            flags: &["OutOfOrder", "Lost", "SkippedKeys"],
        },
        Script {
            comment: "out of order: eight pre-key messages delivered shuffled",
            use_fallback_key: false,
            messages: (0..8)
                .map(|i| (Alice, text(&format!("pre-key {i}"))))
                .chain([(Bob, text("got them"))])
                .collect(),
            schedule: Some("s0 s1 s2 s3 s4 s5 s6 s7 d5 d2 d7 d0 d3 d6 d1 d4 s8 d8"),
            flags: &["OutOfOrder", "PreKey", "SkippedKeys"],
        },
        Script {
            comment: "out of order: two messages of an old chain delivered two ratchet turns late",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("a0")),
                (Bob, text("b0")),
                (Bob, text("b1, late")),
                (Bob, text("b2, late")),
                (Alice, text("a1")),
                (Bob, text("b3")),
                (Alice, text("a2")),
            ],
            schedule: Some("s0 d0 s1 s2 s3 d1 s4 d4 s5 d5 d3 d2 s6 d6"),
            flags: &["OutOfOrder", "OldChain", "SkippedKeys"],
        },
        Script {
            comment: "out of order: pre-key messages to a fallback key delivered 2, 0, 1",
            use_fallback_key: true,
            messages: vec![
                (Alice, text("zero")),
                (Alice, text("one")),
                (Alice, text("two")),
                (Bob, text("reply")),
            ],
            schedule: Some("s0 s1 s2 d2 d0 d1 s3 d3"),
            flags: &["OutOfOrder", "FallbackKey", "PreKey"],
        },
        Script {
            comment: "out of order: a pre-key message delivered after two ratchet turns",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("a0")),
                (Alice, text("a1, very late")),
                (Bob, text("b0")),
                (Alice, text("a2")),
                (Bob, text("b1")),
                (Alice, text("a3")),
            ],
            schedule: Some("s0 s1 d0 s2 d2 s3 d3 s4 d4 d1 s5 d5"),
            flags: &["OutOfOrder", "OldChain", "PreKey"],
        },
        Script {
            comment: "out of order: messages 0 and 5 of a chain first, then 1 to 4 from skipped keys",
            use_fallback_key: false,
            messages: (0..6)
                .map(|i| (Alice, text(&format!("m{i}"))))
                .chain([(Bob, text("ok"))])
                .collect(),
            schedule: Some("s0 s1 s2 s3 s4 s5 d0 d5 d1 d2 d3 d4 s6 d6"),
            flags: &["OutOfOrder", "PreKey", "SkippedKeys"],
        },
        Script {
            comment: "each side loses one message, one of them the first of a new chain",
            use_fallback_key: false,
            messages: vec![
                (Alice, text("a0")),
                (Bob, text("b0, lost")),
                (Bob, text("b1")),
                (Alice, text("a1, lost, first of its chain")),
                (Alice, text("a2")),
                (Bob, text("b2")),
            ],
            schedule: Some("s0 d0 s1 s2 d2 s3 s4 d4 s5 d5"),
            flags: &["OutOfOrder", "Lost", "SkippedKeys"],
        },
        Script {
            comment: "out of order: a reply crosses pre-key messages of 4096 and 0 bytes delivered in reverse",
            use_fallback_key: false,
            messages: vec![(Alice, bytes(4096, 9)), (Alice, vec![]), (Bob, bytes(17, 5))],
            schedule: Some("s0 s1 d1 s2 d0 d2"),
            flags: &["OutOfOrder", "Padding", "Crossing"],
        },
        Script {
            comment: "out of order: the 40th message of a chain first, then the 39 before it from skipped keys (libolm keeps 40)",
            use_fallback_key: false,
            messages: [(Alice, text("start"))]
                .into_iter()
                .chain((0..40).map(|i| (Bob, text(&format!("b{i}")))))
                .chain([(Alice, text("end"))])
                .collect(),
            schedule: Some(
                "s0 d0 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 s16 s17 s18 s19 s20 \
                 s21 s22 s23 s24 s25 s26 s27 s28 s29 s30 s31 s32 s33 s34 s35 s36 s37 s38 s39 s40 \
                 d40 d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 d11 d12 d13 d14 d15 d16 d17 d18 d19 d20 d21 \
                 d22 d23 d24 d25 d26 d27 d28 d29 d30 d31 d32 d33 d34 d35 d36 d37 d38 d39 s41 d41",
            ),
            flags: &["OutOfOrder", "SkippedKeys", "LongChain"],
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

/// One message as sent: the model's view and libolm's output.
pub(crate) struct Step {
    pub(crate) sent: Sent,
    pub(crate) random: Vec<u8>,
    pub(crate) message_type: usize,
    pub(crate) body: String,
}

/// A libolm session between Alice and Bob, run next to the model.
pub(crate) struct Conversation {
    pub(crate) alice_random: Vec<u8>,
    pub(crate) bob_random: Vec<u8>,
    pub(crate) key_random: Vec<u8>,
    pub(crate) outbound_random: Vec<u8>,
    pub(crate) use_fallback_key: bool,
    pub(crate) alice: Account,
    pub(crate) bob: Account,
    pub(crate) alice_identity: String,
    pub(crate) bob_identity: String,
    pub(crate) bob_key: String,
    pub(crate) alice_session: Session,
    pub(crate) bob_session: Option<Session>,
    pub(crate) model: Model,
    pub(crate) steps: Vec<Step>,
}

impl Conversation {
    /// Accounts, Bob's one-time (or fallback) key and Alice's outbound session, with the Stream's
    /// bytes in this order: Alice 64, Bob 64, key 32, outbound 64.
    pub(crate) fn new(stream: &mut Stream, use_fallback_key: bool) -> Self {
        let alice_random = stream.take(64);
        let bob_random = stream.take(64);
        let key_random = stream.take(32);
        let outbound_random = stream.take(64);

        let alice = Account::new_with_random(&alice_random).unwrap_or_else(|e| panic!("{e}"));
        let mut bob = Account::new_with_random(&bob_random).unwrap_or_else(|e| panic!("{e}"));
        let bob_key = if use_fallback_key {
            bob.generate_fallback_key_with_random(&key_random).unwrap_or_else(|e| panic!("{e}"));
            first_key(&bob.fallback_key())
        } else {
            bob.generate_one_time_keys_with_random(1, &key_random)
                .unwrap_or_else(|e| panic!("{e}"));
            first_key(&bob.one_time_keys())
        };
        bob.mark_keys_as_published();
        let bob_identity = keys_json(&bob)["curve25519"].as_str().unwrap_or_default().to_owned();
        let alice_identity =
            keys_json(&alice)["curve25519"].as_str().unwrap_or_default().to_owned();

        let alice_session =
            Session::create_outbound_with_random(&alice, &bob_identity, &bob_key, &outbound_random)
                .unwrap_or_else(|e| panic!("{e}"));
        let model = Model::new(&alice_random, &bob_random, &key_random, &outbound_random);
        assert_eq!(keys::b64(&model.public(|s| &s.alice_identity)), alice_identity);
        assert_eq!(keys::b64(&model.public(|s| &s.bob_identity)), bob_identity);
        assert_eq!(keys::b64(&model.public(|s| &s.bob_one_time)), bob_key);
        assert_eq!(model.session_id(), alice_session.session_id(), "session id");
        Self {
            alice_random,
            bob_random,
            key_random,
            outbound_random,
            use_fallback_key,
            alice,
            bob,
            alice_identity,
            bob_identity,
            bob_key,
            alice_session,
            bob_session: None,
            model,
            steps: Vec::new(),
        }
    }

    /// A fresh copy of Bob's account as it was before any session: the oracle for pre-key
    /// messages.
    pub(crate) fn fresh_bob(&self) -> Account {
        let mut bob = Account::new_with_random(&self.bob_random).unwrap_or_else(|e| panic!("{e}"));
        if self.use_fallback_key {
            bob.generate_fallback_key_with_random(&self.key_random)
                .unwrap_or_else(|e| panic!("{e}"));
        } else {
            bob.generate_one_time_keys_with_random(1, &self.key_random)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        bob.mark_keys_as_published();
        bob
    }

    /// `who` encrypts `plaintext` with the Stream's next bytes; returns the message's index.
    pub(crate) fn send(&mut self, who: Who, plaintext: &[u8], stream: &mut Stream) -> usize {
        let n = self.steps.len();
        let sender = match who {
            Who::Alice => &mut self.alice_session,
            Who::Bob => self
                .bob_session
                .as_mut()
                .unwrap_or_else(|| panic!("Bob speaks before he has a session")),
        };
        let random = stream.take(sender.encrypt_random_length());
        assert_eq!(self.model.needs_random(who), !random.is_empty(), "message {n}: random");
        let (message_type, body) =
            sender.encrypt_with_random(plaintext, &random).unwrap_or_else(|e| panic!("{e}"));
        let sent = self.model.send(who, plaintext, &random);
        assert_same(&sent, message_type, &body, &format!("message {n}"));
        self.steps.push(Step { sent, random, message_type, body });
        n
    }

    /// Deliver message `n` to its receiver, who must decrypt it.
    pub(crate) fn deliver(&mut self, n: usize) {
        let step = &self.steps[n];
        let (message_type, body, plaintext) = (step.message_type, &step.body, &step.sent.plaintext);
        let decrypted = match step.sent.sender {
            Who::Alice => match &mut self.bob_session {
                Some(session) => session.decrypt(message_type, body),
                None => {
                    let mut session =
                        Session::create_inbound_from(&mut self.bob, &self.alice_identity, body)
                            .unwrap_or_else(|e| panic!("{e}"));
                    let plaintext = session.decrypt(message_type, body);
                    if !self.use_fallback_key {
                        self.bob.remove_one_time_keys(&session).unwrap_or_else(|e| panic!("{e}"));
                    }
                    self.bob_session = Some(session);
                    plaintext
                }
            },
            Who::Bob => self.alice_session.decrypt(message_type, body),
        };
        assert_eq!(
            decrypted.as_ref().ok(),
            Some(plaintext),
            "libolm must decrypt message {n}: {decrypted:?}"
        );
        let (to, ratchet_key) = match step.sent.sender {
            Who::Alice => (Who::Bob, step.sent.ratchet_key),
            Who::Bob => (Who::Alice, step.sent.ratchet_key),
        };
        self.model.deliver(to, &ratchet_key);
    }
}

enum Event {
    Send(usize),
    Deliver(usize),
}

fn parse_schedule(schedule: &str, messages: usize) -> Vec<Event> {
    let events: Vec<Event> = schedule
        .split_whitespace()
        .map(|token| {
            let (kind, n) = token.split_at(1);
            let n: usize = n.parse().unwrap_or_else(|e| panic!("schedule {token}: {e}"));
            match kind {
                "s" => Event::Send(n),
                "d" => Event::Deliver(n),
                _ => panic!("schedule {token}"),
            }
        })
        .collect();
    let mut next_send = 0;
    let mut delivered = vec![false; messages];
    for event in &events {
        match *event {
            Event::Send(n) => {
                assert_eq!(n, next_send, "messages are sent in index order");
                next_send += 1;
            }
            Event::Deliver(n) => {
                assert!(n < next_send && !delivered[n], "deliver {n}: not sent or twice");
                delivered[n] = true;
            }
        }
    }
    assert_eq!(next_send, messages, "every message is sent");
    events
}

fn conversation(tc_id: usize, script: &Script) -> Value {
    let mut stream = Stream::new(&format!("salamander olm conversation {tc_id}"));
    let mut conversation = Conversation::new(&mut stream, script.use_fallback_key);

    let events = match script.schedule {
        Some(schedule) => parse_schedule(schedule, script.messages.len()),
        None => {
            (0..script.messages.len()).flat_map(|n| [Event::Send(n), Event::Deliver(n)]).collect()
        }
    };
    let mut deliver_after = vec![None; script.messages.len()];
    let mut deliveries = Vec::new();
    let mut last_sent = 0;
    for event in &events {
        match *event {
            Event::Send(n) => {
                let (who, plaintext) = &script.messages[n];
                conversation.send(*who, plaintext, &mut stream);
                last_sent = n;
            }
            Event::Deliver(n) => {
                conversation.deliver(n);
                deliver_after[n] = Some(last_sent);
                deliveries.push(n);
            }
        }
    }

    let steps: Vec<Value> = conversation
        .steps
        .iter()
        .enumerate()
        .map(|(n, step)| {
            let mut value = json!({
                "sender": step.sent.sender.name(),
                "plaintext": hex(&step.sent.plaintext),
                "random": hex(&step.random),
                "type": step.message_type,
                "body": step.body,
            });
            if let (Some(_), Some(after)) = (script.schedule, deliver_after[n]) {
                value["deliverAfter"] = json!(after);
            }
            value
        })
        .collect();

    let mut case = json!({
        "tcId": tc_id,
        "comment": script.comment,
        "alice": {
            "accountRandom": hex(&conversation.alice_random),
            "identityKeys": keys_json(&conversation.alice),
            "outboundRandom": hex(&conversation.outbound_random),
        },
        "bob": {
            "accountRandom": hex(&conversation.bob_random),
            "identityKeys": keys_json(&conversation.bob),
            "keyRandom": hex(&conversation.key_random),
            "fallbackKey": script.use_fallback_key,
            "oneTimeKey": conversation.bob_key,
        },
        "sessionId": conversation.alice_session.session_id(),
        "messages": steps,
    });
    if script.schedule.is_some() {
        case["deliveries"] = json!(deliveries);
    }
    case["result"] = json!("valid");
    case["flags"] = json!(script.flags);
    case
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
                "Messages are sent in index order. 'body' is the unpadded base64 of the message of the given 'type' (0 pre-key, 1 normal); an implementation given the same keys and random bytes must produce it byte for byte, and the receiver must decrypt it to 'plaintext' (hex).",
                "Delivery: without 'deliveries', each message is delivered right after it is sent. With 'deliveries' (a list of message indices), messages are delivered in that order, each one right after message 'deliverAfter' has been sent (and after the deliveries listed before it); a message missing from 'deliveries' is lost and never delivered. Bob's session is created from the first message of Alice's he receives, which is always a pre-key message.",
                "The generator checks every message against its own model of the key schedule and wire format (x25519-dalek, HKDF, HMAC, AES-CBC): the model re-encodes each message from its derived keys and the plaintext, and must get libolm's bytes."
            ],
            "numberOfTests": tests.len(),
            "tests": tests,
        }),
    }]
}
