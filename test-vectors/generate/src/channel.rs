//! The QR-login channels: `ecies` (MSC4108) and `hpke` (MSC4388).
//!
//! vodozemac 0.11.1 draws its keys and nonces from the operating system and offers no way to fix
//! them, so it cannot make a message for a fixed key. The cases are therefore made by the
//! generator's own implementation of each construction (`ecies::Own`, `hpke::OwnS`/`OwnG`,
//! written from MSC4108/MSC4388 with x25519-dalek, hkdf, sha2, chacha20poly1305 and, for HPKE
//! itself, the `hpke` crate) from fixed random streams, and that implementation is checked live
//! against vodozemac on every run: for every conversation, vodozemac plays each side in turn
//! against the generator's other side (with the same application info, plaintexts and
//! associated data), the check codes must agree and every message must decrypt both ways. Every
//! invalid case is replayed the same way against vodozemac, whose verdict is written into the
//! case (`vodozemac`) and must equal the generator's.
//!
//! The shared part: one end of a channel ([`End`]), a scripted conversation ([`converse`]) and
//! the attacks on a running channel ([`attack`]).

pub(crate) mod ecies;
pub(crate) mod hpke;

use std::fmt::Debug;

use serde_json::{json, Map, Value};

use crate::VectorFile;

/// Device S (sends the initial message) or device G (its key was known out of band).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    S,
    G,
}

impl Side {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Side::S => "s",
            Side::G => "g",
        }
    }
}

/// A receiver's verdict: the plaintext, or the name of the error variant.
pub(crate) type Verdict = Result<Vec<u8>, String>;

/// The name of an error variant, from its `Debug` form.
pub(crate) fn kind(error: &dyn Debug) -> String {
    let debug = format!("{error:?}");
    debug.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
}

/// `"accepts"` or the error variant, as the `vodozemac` field records it.
pub(crate) fn verdict_name(verdict: &Verdict) -> String {
    match verdict {
        Ok(_) => "accepts".to_owned(),
        Err(kind) => kind.clone(),
    }
}

/// One end of an established channel: the generator's own or vodozemac's.
pub(crate) trait End {
    /// Encrypt (ECIES ignores `aad`) and encode.
    fn send(&mut self, plaintext: &[u8], aad: &[u8]) -> String;
    /// Decode and decrypt.
    fn receive(&mut self, message: &str, aad: &[u8]) -> Verdict;
    fn check_code(&self) -> [u8; 2];
}

/// One scripted message.
#[derive(Clone)]
pub(crate) struct Step {
    pub(crate) from: Side,
    pub(crate) plaintext: Vec<u8>,
    pub(crate) aad: Vec<u8>,
}

pub(crate) fn step(from: Side, plaintext: &[u8], aad: &[u8]) -> Step {
    Step { from, plaintext: plaintext.to_vec(), aad: aad.to_vec() }
}

/// A message as sent.
#[derive(Clone)]
pub(crate) struct Sent {
    pub(crate) step: Step,
    pub(crate) message: String,
}

/// Send every step and deliver it at once; every message must decrypt.
pub(crate) fn converse<'a>(
    s: &mut (dyn End + 'a),
    g: &mut (dyn End + 'a),
    steps: &[Step],
) -> Vec<Sent> {
    let mut sent = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let (sender, receiver) = match step.from {
            Side::S => (&mut *s, &mut *g),
            Side::G => (&mut *g, &mut *s),
        };
        let message = sender.send(&step.plaintext, &step.aad);
        let got = receiver.receive(&message, &step.aad);
        assert_eq!(got.as_deref(), Ok(step.plaintext.as_slice()), "message {n}");
        sent.push(Sent { step: step.clone(), message });
    }
    sent
}

/// An attack on a running channel: the receiver gets a message it must refuse.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Attack {
    /// The last message the receiver got, again.
    ReplayLast,
    /// The ciphertext of the first message the receiver got (the initial message for G, the
    /// initial response for an HPKE sender), as a channel message.
    ReplayFirst,
    /// The sender seals two messages; the second arrives first.
    Reorder,
    /// The next message with a bit flipped: `(index from the start, or from the end, bit)`.
    Flip { from_end: bool, index: usize, bit: u8 },
    /// The next message cut to this many bytes.
    Truncate(usize),
    /// A message the receiver itself sealed.
    Reflect,
    /// The next message, opened with other associated data (HPKE).
    WrongAad,
}

/// A message given to the receiver, and what it said.
pub(crate) struct Delivery {
    pub(crate) message: String,
    pub(crate) aad: Vec<u8>,
    pub(crate) verdict: Verdict,
}

impl Delivery {
    fn new(receiver: &mut dyn End, message: String, aad: &[u8]) -> Self {
        let verdict = receiver.receive(&message, aad);
        Self { message, aad: aad.to_vec(), verdict }
    }
}

pub(crate) struct AttackOutcome {
    pub(crate) bad: Delivery,
    /// Genuine messages delivered after the bad one.
    pub(crate) afterwards: Vec<Delivery>,
}

fn b64_edit(message: &str, edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut bytes = vodozemac::base64_decode(message).unwrap_or_else(|e| panic!("{e}"));
    edit(&mut bytes);
    vodozemac::base64_encode(bytes)
}

/// Run `attack` from `sender` on `receiver`. `last` is the last message the receiver got and
/// `first` the ciphertext (base64) of its first one, each with its associated data.
pub(crate) fn attack(
    sender: &mut dyn End,
    receiver: &mut dyn End,
    last: &(String, Vec<u8>),
    first: &(String, Vec<u8>),
    attack: Attack,
) -> AttackOutcome {
    let aad = b"aad".as_slice();
    match attack {
        Attack::ReplayLast | Attack::ReplayFirst => {
            let (bad, bad_aad) = match attack {
                Attack::ReplayLast => last.clone(),
                _ => first.clone(),
            };
            let bad = Delivery::new(receiver, bad, &bad_aad);
            let next = sender.send(b"the genuine next message", aad);
            AttackOutcome { bad, afterwards: vec![Delivery::new(receiver, next, aad)] }
        }
        Attack::Reorder => {
            let first = sender.send(b"sent first", aad);
            let second = sender.send(b"sent second", aad);
            let bad = Delivery::new(receiver, second.clone(), aad);
            let afterwards =
                vec![Delivery::new(receiver, first, aad), Delivery::new(receiver, second, aad)];
            AttackOutcome { bad, afterwards }
        }
        Attack::Flip { from_end, index, bit } => {
            let genuine = sender.send(b"tamper with me", aad);
            let bad = b64_edit(&genuine, |bytes| {
                let at = if from_end { bytes.len() - 1 - index } else { index };
                bytes[at] ^= bit;
            });
            let bad = Delivery::new(receiver, bad, aad);
            AttackOutcome { bad, afterwards: vec![Delivery::new(receiver, genuine, aad)] }
        }
        Attack::Truncate(length) => {
            let genuine = sender.send(b"cut me short", aad);
            let bad = b64_edit(&genuine, |bytes| bytes.truncate(length));
            let bad = Delivery::new(receiver, bad, aad);
            AttackOutcome { bad, afterwards: vec![Delivery::new(receiver, genuine, aad)] }
        }
        Attack::Reflect => {
            let own = receiver.send(b"my own message", aad);
            let bad = Delivery::new(receiver, own, aad);
            let next = sender.send(b"the genuine next message", aad);
            AttackOutcome { bad, afterwards: vec![Delivery::new(receiver, next, aad)] }
        }
        Attack::WrongAad => {
            let genuine = sender.send(b"bound to its aad", aad);
            let bad = Delivery::new(receiver, genuine.clone(), b"other aad");
            AttackOutcome { bad, afterwards: vec![Delivery::new(receiver, genuine, aad)] }
        }
    }
}

/// The generator's and vodozemac's outcomes of the same attack must agree, delivery by
/// delivery (the same plaintext, or both refused).
pub(crate) fn assert_same_outcome(own: &AttackOutcome, vodozemac: &AttackOutcome, what: &str) {
    let pairs = std::iter::once((&own.bad, &vodozemac.bad))
        .chain(own.afterwards.iter().zip(&vodozemac.afterwards));
    for (n, (a, b)) in pairs.enumerate() {
        assert_eq!(a.verdict, b.verdict, "{what}: delivery {n}, generator vs vodozemac");
    }
}

/// A delivery as a JSON object: message, aad (when `with_aad`), and the plaintext or error,
/// with vodozemac's verdict.
pub(crate) fn delivery_json(own: &Delivery, vodozemac: &Delivery, with_aad: bool) -> Value {
    let mut fields = Map::new();
    fields.insert("message".into(), json!(own.message));
    if with_aad {
        fields.insert("aad".into(), json!(crate::random::hex(&own.aad)));
    }
    match &own.verdict {
        Ok(plaintext) => fields.insert("plaintext".into(), json!(crate::random::hex(plaintext))),
        Err(kind) => fields.insert("error".into(), json!(kind)),
    };
    fields.insert("vodozemac".into(), json!(verdict_name(&vodozemac.verdict)));
    Value::Object(fields)
}

/// The cases of one file, numbered in order.
#[derive(Default)]
pub(crate) struct Cases(Vec<Value>);

impl Cases {
    fn push(&mut self, comment: &str, fields: Value, error: Option<&str>, flags: &[&str]) {
        let mut case = Map::new();
        case.insert("tcId".into(), json!(self.0.len() + 1));
        case.insert("comment".into(), json!(comment));
        let fields = fields.as_object().cloned().unwrap_or_default();
        // The operation first: it says how to read the rest.
        for name in ["operation", "type"] {
            if let Some(value) = fields.get(name) {
                case.insert(name.into(), value.clone());
            }
        }
        for (name, value) in fields {
            case.entry(name).or_insert(value);
        }
        case.insert("result".into(), json!(if error.is_some() { "invalid" } else { "valid" }));
        if let Some(error) = error {
            case.insert("error".into(), json!(error));
        }
        case.insert("flags".into(), json!(flags));
        self.0.push(Value::Object(case));
    }

    pub(crate) fn valid(&mut self, comment: &str, fields: Value, flags: &[&str]) {
        self.push(comment, fields, None, flags);
    }

    pub(crate) fn invalid(&mut self, comment: &str, fields: Value, error: &str, flags: &[&str]) {
        self.push(comment, fields, Some(error), flags);
    }
}

pub(crate) fn file(
    path: &'static str,
    algorithm: &str,
    source: &str,
    generator: &str,
    notes: &[&str],
    cases: Cases,
) -> VectorFile {
    VectorFile {
        path,
        content: json!({
            "algorithm": algorithm,
            "source": source,
            "generator": generator,
            "notes": notes,
            "numberOfTests": cases.0.len(),
            "tests": cases.0,
        }),
    }
}

/// A random number generator that gives fixed bytes (the hpke crate takes its randomness from
/// the caller); drawing more than it holds is a generator bug.
pub(crate) struct Fixed {
    bytes: Vec<u8>,
    position: usize,
}

impl Fixed {
    pub(crate) fn new(bytes: &[u8]) -> Self {
        Self { bytes: bytes.to_vec(), position: 0 }
    }

    pub(crate) fn assert_used(&self) {
        assert_eq!(self.position, self.bytes.len(), "not every fixed random byte was drawn");
    }
}

impl rand_core::TryRng for Fixed {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let end = self.position + dst.len();
        assert!(end <= self.bytes.len(), "drew more than the fixed random bytes");
        dst.copy_from_slice(&self.bytes[self.position..end]);
        self.position = end;
        Ok(())
    }
}

impl rand_core::TryCryptoRng for Fixed {}

/// X25519 public keys of small order: 0, 1, the two points of order 8, and the non-canonical
/// encodings p − 1, p, p + 1 (which are 0 and 1 again after reduction), as hex.
pub(crate) const SMALL_ORDER_KEYS: [(&str, &str); 7] = [
    ("0000000000000000000000000000000000000000000000000000000000000000", "u = 0"),
    ("0100000000000000000000000000000000000000000000000000000000000000", "u = 1 (order 4)"),
    ("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "a point of order 8"),
    ("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", "a point of order 8"),
    ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "u = p - 1"),
    ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "u = p, non-canonical 0"),
    (
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "u = p + 1, non-canonical 1",
    ),
];

pub(crate) fn unhex32(text: &str) -> [u8; 32] {
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    bytes.try_into().unwrap_or_else(|_| panic!("not 32 bytes: {text}"))
}
