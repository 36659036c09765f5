//! Helpers shared by the QR-login channel vectors (`ecies`, `hpke`).

use std::fmt::Debug;

use serde_json::Value;

use crate::{hex, rng::Replay};

pub(crate) fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The name of an error variant, from its `Debug` form.
pub(crate) fn kind(error: &dyn Debug) -> String {
    let debug = format!("{error:?}");
    debug.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
}

pub(crate) fn same_text(what: &str, got: &str, expected: &str) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, expected {expected}"))
    }
}

pub(crate) fn same_bytes(what: &str, got: &[u8], expected: &[u8]) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: got {}, expected {}", to_hex(got), to_hex(expected)))
    }
}

/// A replaying generator over the hex field `name`.
pub(crate) fn replay(case: &Value, name: &str) -> Result<Replay, String> {
    Ok(Replay::new(hex::field(case, name)?))
}

/// The case is invalid and `got` is the error it names.
pub(crate) fn expect_error<T, E: Debug>(case: &Value, got: Result<T, E>) -> Result<(), String> {
    let expected = text(case, "error")?;
    if text(case, "result")? != "invalid" {
        return Err("this operation only has invalid cases".to_owned());
    }
    match got {
        Ok(_) => Err(format!("accepted; expected {expected}")),
        Err(e) if kind(&e) == expected => Ok(()),
        Err(e) => Err(format!("refused with {e:?}, expected {expected}")),
    }
}

/// The case is valid (for operations whose cases all succeed).
pub(crate) fn expect_valid(case: &Value) -> Result<(), String> {
    match text(case, "result")? {
        "valid" => Ok(()),
        other => Err(format!("result {other:?} for an operation that must succeed")),
    }
}

/// Check a delivery's outcome against its `plaintext` or `error` field.
pub(crate) fn check_delivery<E: Debug>(
    what: &str,
    expected: &Value,
    got: Result<Vec<u8>, E>,
) -> Result<(), String> {
    match (expected.get("plaintext"), got) {
        (Some(_), Ok(plaintext)) => {
            same_bytes(what, &plaintext, &hex::field(expected, "plaintext")?)
        }
        (Some(_), Err(e)) => Err(format!("{what}: refused with {e:?}")),
        (None, Ok(_)) => Err(format!("{what}: accepted, expected {}", text(expected, "error")?)),
        (None, Err(e)) => same_text(what, &kind(&e), text(expected, "error")?),
    }
}
