//! Building vector files case by case (used by the `sas`, `pk-encryption` and
//! `secret-storage` families).

use serde_json::{json, Map, Value};

use crate::VectorFile;

/// The cases of one file, numbered in order.
#[derive(Default)]
pub(crate) struct Cases(pub(crate) Vec<Value>);

impl Cases {
    fn push(
        &mut self,
        comment: &str,
        fields: Value,
        result: &str,
        error: Option<&str>,
        flags: &[&str],
    ) {
        let mut case = Map::new();
        case.insert("tcId".into(), json!(self.0.len() + 1));
        case.insert("comment".into(), json!(comment));
        for (name, value) in fields.as_object().cloned().unwrap_or_default() {
            case.insert(name, value);
        }
        case.insert("result".into(), json!(result));
        if let Some(error) = error {
            case.insert("error".into(), json!(error));
        }
        case.insert("flags".into(), json!(flags));
        self.0.push(Value::Object(case));
    }

    pub(crate) fn valid(&mut self, comment: &str, fields: Value, flags: &[&str]) {
        self.push(comment, fields, "valid", None, flags);
    }

    pub(crate) fn invalid(&mut self, comment: &str, fields: Value, error: &str, flags: &[&str]) {
        self.push(comment, fields, "invalid", Some(error), flags);
    }
}

pub(crate) fn file(
    path: &'static str,
    algorithm: &str,
    source: &str,
    family: &str,
    notes: &[&str],
    cases: Cases,
) -> VectorFile {
    VectorFile {
        path,
        content: json!({
            "algorithm": algorithm,
            "source": source,
            "generator": format!("cargo run -p salamander-vector-gen -- {family}"),
            "notes": notes,
            "numberOfTests": cases.0.len(),
            "tests": cases.0,
        }),
    }
}

pub(crate) fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|e| panic!("{e}: {text}")))
        .collect()
}

/// `text` with `A`s appended until its length is 1 (mod 4): no base64 has such a length.
pub(crate) fn one_mod_four(mut text: String) -> String {
    while text.len() % 4 != 1 {
        text.push('A');
    }
    text
}

pub(crate) fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.try_into().unwrap_or_else(|_| panic!("expected {N} bytes, got {}", bytes.len()))
}

/// RFC 7748 §6.1: Alice's and Bob's private keys (libolm's tests use them as fixed keys).
pub(crate) const ALICE_PRIVATE: &str =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
pub(crate) const BOB_PRIVATE: &str =
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";

/// Small-order X25519 u-coordinates (the kinds Wycheproof lists): 0, 1, the two points of
/// order 8, p - 1, p and p + 1 (non-canonical 0 and 1), and the first four with bit 255 set.
/// Each gives an all-zero shared secret, which the generator checks.
pub(crate) fn low_order_points() -> Vec<(String, [u8; 32])> {
    let points = vec![
        ("u = 0", [0u8; 32]),
        ("u = 1", {
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        }),
        (
            "a point of order 8",
            array(&unhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")),
        ),
        (
            "the other point of order 8",
            array(&unhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")),
        ),
        (
            "u = p - 1",
            array(&unhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")),
        ),
        (
            "u = p (non-canonical 0)",
            array(&unhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")),
        ),
        (
            "u = p + 1 (non-canonical 1)",
            array(&unhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")),
        ),
    ];
    let high: Vec<_> = points
        .iter()
        .take(4)
        .map(|(name, point)| {
            let mut point = *point;
            point[31] |= 0x80;
            (format!("{name} with bit 255 set"), point)
        })
        .collect();
    let mut all: Vec<(String, [u8; 32])> =
        points.into_iter().map(|(name, point)| (name.to_owned(), point)).collect();
    all.extend(high);
    all
}
