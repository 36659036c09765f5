//! SAS vectors (`test-vectors/sas/`): `sas`, run against `salamander::sas`.
//!
//! Invalid cases name a `salamander::KeyError` variant (`NonContributoryKey`,
//! `InvalidKeyLength`, `Base64Error`), `Mac` (`salamander::sas::SasError::Mac`) or
//! `InvalidCount`.

use salamander::{
    sas::{EstablishedSas, Mac, Sas},
    KeyError,
};
use serde_json::Value;

use crate::{hex, rng::Replay};

fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn key_error_kind(error: &KeyError) -> &'static str {
    match error {
        KeyError::Base64Error(_) => "Base64Error",
        KeyError::Base64PrivateKey(_) => "Base64PrivateKey",
        KeyError::InvalidKeyLength { .. } => "InvalidKeyLength",
        KeyError::Signature(_) => "Signature",
        KeyError::NonContributoryKey => "NonContributoryKey",
    }
}

fn expect(what: &str, got: Value, expected: &Value) -> Result<(), String> {
    if &got == expected {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, expected {expected}"))
    }
}

/// Our side from the case's private key, checked against `publicKey` where given, then
/// established with `theirPublicKey`.
fn establish(case: &Value) -> Result<Result<EstablishedSas, KeyError>, String> {
    let private = hex::field(case, "privateKey")?;
    let mut rng = Replay::new(private);
    let sas = Sas::new_with_rng(&mut rng);
    rng.finish("Sas::new_with_rng")?;
    if let Some(expected) = case["publicKey"].as_str() {
        if sas.public_key().to_base64() != expected {
            return Err(format!("public key {}, expected {expected}", sas.public_key()));
        }
    }
    Ok(sas.diffie_hellman_with_raw(text(case, "theirPublicKey")?))
}

pub(crate) fn sas(case: &Value) -> Result<(), String> {
    let invalid = text(case, "result")? == "invalid";
    let established = match (establish(case)?, invalid) {
        (Ok(established), _) => established,
        (Err(error), true) => {
            let kind = key_error_kind(&error);
            let expected = text(case, "error")?;
            return if kind == expected {
                Ok(())
            } else {
                Err(format!("refused with {kind}, expected {expected}"))
            };
        }
        (Err(error), false) => return Err(format!("key exchange refused: {error}")),
    };
    match text(case, "operation")? {
        "agree" if invalid => Err(format!("established, expected {}", text(case, "error")?)),
        "agree" => agree(case, &established),
        "verify-mac" => {
            let mac = Mac::from_base64(text(case, "mac")?).map_err(|e| e.to_string())?;
            let verified = established.verify_mac(text(case, "input")?, text(case, "info")?, &mac);
            match (verified, invalid) {
                (Err(salamander::sas::SasError::Mac(_)), true) => Ok(()),
                (Ok(()), true) => Err("the MAC verified, expected Mac".to_owned()),
                (Ok(()), false) => Ok(()),
                (Err(e), false) => Err(format!("the MAC did not verify: {e}")),
            }
        }
        "bytes-raw" => {
            let count = case["count"].as_u64().ok_or("missing count")?;
            let count = usize::try_from(count).map_err(|e| e.to_string())?;
            match (established.bytes_raw(text(case, "info")?, count), invalid) {
                (Err(_), true) => {
                    if text(case, "error")? == "InvalidCount" {
                        Ok(())
                    } else {
                        Err("refused with InvalidCount".to_owned())
                    }
                }
                (Ok(_), true) => Err("gave the bytes, expected InvalidCount".to_owned()),
                (Ok(bytes), false) => {
                    let last = hex::field(case, "last")?;
                    if bytes.len() == count && bytes.ends_with(&last) {
                        Ok(())
                    } else {
                        Err("the bytes do not end with last".to_owned())
                    }
                }
                (Err(_), false) => Err("refused with InvalidCount".to_owned()),
            }
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

fn agree(case: &Value, established: &EstablishedSas) -> Result<(), String> {
    for entry in case["sas"].as_array().ok_or("missing sas")? {
        let info = text(entry, "info")?;
        let bytes = established.bytes(info);
        if bytes.as_bytes().as_slice() != hex::field(entry, "bytes")? {
            return Err(format!("SAS bytes for {info:?}"));
        }
        let emoji: Vec<Value> = bytes.emoji_indices().iter().map(|&i| Value::from(i)).collect();
        expect(&format!("emoji for {info:?}"), Value::from(emoji), &entry["emoji"])?;
        let (a, b, c) = bytes.decimals();
        expect(&format!("decimals for {info:?}"), Value::from(vec![a, b, c]), &entry["decimals"])?;
        let raw = hex::field(entry, "raw")?;
        if established.bytes_raw(info, raw.len()).map_err(|e| e.to_string())? != raw {
            return Err(format!("raw bytes for {info:?}"));
        }
    }
    for entry in case["macs"].as_array().ok_or("missing macs")? {
        let (input, info) = (text(entry, "input")?, text(entry, "info")?);
        let mac = established.calculate_mac(input, info);
        if mac.to_base64() != text(entry, "mac")? {
            return Err(format!("MAC of {input:?} under {info:?}: got {}", mac.to_base64()));
        }
        let invalid_base64 = established.calculate_mac_invalid_base64(input, info);
        if invalid_base64 != text(entry, "macInvalidBase64")? {
            return Err(format!("libolm-encoded MAC of {input:?}: got {invalid_base64}"));
        }
        let given = Mac::from_base64(text(entry, "mac")?).map_err(|e| e.to_string())?;
        established.verify_mac(input, info, &given).map_err(|e| e.to_string())?;
    }
    Ok(())
}
