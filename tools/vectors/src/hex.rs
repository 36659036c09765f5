//! Hex fields of vector files.

use serde_json::Value;

pub(crate) fn decode(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd-length hex {text:?}"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("bad hex {text:?}"))
        })
        .collect()
}

/// The hex field `name` of `value`.
pub(crate) fn field(value: &Value, name: &str) -> Result<Vec<u8>, String> {
    decode(value[name].as_str().ok_or_else(|| format!("missing hex field {name}"))?)
}
