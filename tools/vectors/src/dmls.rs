//! DMLS vectors (`test-vectors/dmls/`): the puncturable PRF, commit inputs and PSK ids, the
//! envelope and DMLS Welcome codecs and the preferred-fork rule, run against
//! `salamander::dmls` and `salamander::hazmat::dmls`.

use salamander::{
    dmls::{DmlsWelcome, Envelope, EnvelopeError, ForkId, PprfError},
    hazmat::dmls as hz,
};
use serde_json::Value;

use crate::hex;

fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn hex32(case: &Value, name: &str) -> Result<[u8; 32], String> {
    <[u8; 32]>::try_from(hex::field(case, name)?.as_slice())
        .map_err(|_| format!("{name} is not 32 bytes"))
}

fn input(case: &Value, name: &str) -> Result<u64, String> {
    u64::from_str_radix(text(case, name)?, 16).map_err(|e| format!("{name}: {e}"))
}

fn u32_field(case: &Value, name: &str) -> Result<u32, String> {
    let value = case[name].as_u64().ok_or_else(|| format!("missing number {name}"))?;
    u32::try_from(value).map_err(|e| e.to_string())
}

fn envelope_kind(error: &EnvelopeError) -> &'static str {
    match error {
        EnvelopeError::Truncated { .. } => "Truncated",
        EnvelopeError::Version(_) => "Version",
        EnvelopeError::TooLong(_) => "TooLong",
        EnvelopeError::TrailingBytes(_) => "TrailingBytes",
        EnvelopeError::Mls(_) => "Mls",
    }
}

fn expect_refusal<T>(case: &Value, outcome: Result<T, EnvelopeError>) -> Result<(), String> {
    let expected = text(case, "error")?;
    match outcome {
        Ok(_) => Err(format!("accepted, expected {expected}")),
        Err(error) if envelope_kind(&error) == expected => Ok(()),
        Err(error) => Err(format!("refused with {error:?}, expected {expected}")),
    }
}

/// `dmls-pprf`: evaluation steps on one tree, each a value or `Punctured`.
pub(crate) fn pprf(case: &Value) -> Result<(), String> {
    let mut prf = hz::Pprf::new(&hex32(case, "root")?);
    let steps = case["steps"].as_array().ok_or("missing steps")?;
    for (i, step) in steps.iter().enumerate() {
        let x = input(step, "x")?;
        let outcome = prf.evaluate(x);
        match (outcome, step["value"].as_str()) {
            (Ok(value), Some(_)) if value == hex32(step, "value")? => {}
            (Ok(_), Some(_)) => return Err(format!("step {i}: another value")),
            (Ok(_), None) => return Err(format!("step {i}: evaluated a punctured input")),
            (Err(PprfError::Punctured), None) if text(step, "error")? == "Punctured" => {}
            (Err(error), _) => return Err(format!("step {i}: refused with {error:?}")),
        }
        if prf.can_evaluate(x) {
            return Err(format!("step {i}: not punctured at x after evaluating"));
        }
    }
    Ok(())
}

/// `dmls-psk`: a commit's input, authenticated data, PSK id and PSK value.
pub(crate) fn psk(case: &Value) -> Result<(), String> {
    let aad = hex::field(case, "aad")?;
    if text(case, "result")? == "invalid" {
        return match hz::input_from_aad(&aad) {
            None if text(case, "error")? == "MissingPsk" => Ok(()),
            None => Err("refused, but the case names another error".to_owned()),
            Some(x) => Err(format!("read input {x:016x} from {} bytes", aad.len())),
        };
    }
    let (leaf, counter) = (u32_field(case, "senderLeaf")?, u32_field(case, "counter")?);
    let x = hz::commit_input(leaf, counter);
    if x != input(case, "x")? {
        return Err(format!("input {x:016x}"));
    }
    if hz::sender_of(x) != leaf {
        return Err("the input names another sender".to_owned());
    }
    if hz::commit_aad(x).as_slice() != aad || hz::input_from_aad(&aad) != Some(x) {
        return Err("authenticated data differs".to_owned());
    }
    let parent = hz::fork_id(hex32(case, "parentForkId")?);
    if hz::psk_id(&parent, x) != hex::field(case, "pskId")? {
        return Err("PSK id differs".to_owned());
    }
    let value = hz::Pprf::new(&hex32(case, "root")?).evaluate(x).map_err(|e| format!("{e:?}"))?;
    if value != hex32(case, "psk")? {
        return Err("PSK value differs".to_owned());
    }
    Ok(())
}

/// `dmls-envelope-codec`: exact encoding and decoding, typed refusals.
pub(crate) fn envelope(case: &Value) -> Result<(), String> {
    let bytes = hex::field(case, "envelope")?;
    if text(case, "result")? == "invalid" {
        return expect_refusal(case, Envelope::decode(&bytes));
    }
    let expected = Envelope {
        fork_id: hz::fork_id(hex32(case, "forkId")?),
        message: hex::field(case, "message")?,
    };
    let decoded = Envelope::decode(&bytes).map_err(|e| format!("refused with {e:?}"))?;
    if decoded != expected {
        return Err("decoded other fields".to_owned());
    }
    match expected.encode() {
        Ok(encoded) if encoded == bytes => Ok(()),
        Ok(_) => Err("encoded other bytes".to_owned()),
        Err(e) => Err(format!("encoding refused: {e:?}")),
    }
}

/// `dmls-welcome-codec`: exact encoding and decoding, typed refusals.
pub(crate) fn welcome(case: &Value) -> Result<(), String> {
    let bytes = hex::field(case, "dmlsWelcome")?;
    if text(case, "result")? == "invalid" {
        return expect_refusal(case, DmlsWelcome::decode(&bytes));
    }
    let joiners = case["joiners"].as_array().ok_or("missing joiners")?;
    let sealed = joiners
        .iter()
        .map(|j| Ok((hex::field(j, "keyPackageRef")?, hex::field(j, "sealedPsk")?)))
        .collect::<Result<Vec<_>, String>>()?;
    let expected =
        hz::welcome_from_parts(hex::field(case, "welcome")?, hex::field(case, "pskId")?, sealed);
    let decoded = DmlsWelcome::decode(&bytes).map_err(|e| format!("refused with {e:?}"))?;
    if hz::welcome_parts(&decoded) != hz::welcome_parts(&expected) {
        return Err("decoded other fields".to_owned());
    }
    match expected.encode() {
        Ok(encoded) if encoded == bytes => Ok(()),
        Ok(_) => Err("encoded other bytes".to_owned()),
        Err(e) => Err(format!("encoding refused: {e:?}")),
    }
}

/// `dmls-preferred-fork`: the fork members send on.
pub(crate) fn preferred_fork(case: &Value) -> Result<(), String> {
    let forks = case["forks"]
        .as_array()
        .ok_or("missing forks")?
        .iter()
        .map(|f| {
            let epoch = f["epoch"].as_u64().ok_or("missing epoch")?;
            Ok((epoch, hz::fork_id(hex32(f, "forkId")?)))
        })
        .collect::<Result<Vec<(u64, ForkId)>, String>>()?;
    let expected = match &case["preferred"] {
        Value::Null => None,
        _ => Some(hz::fork_id(hex32(case, "preferred")?)),
    };
    let chosen = hz::preferred_fork(&forks);
    if chosen != expected {
        return Err(format!("chose {chosen:?}"));
    }
    // The choice must not depend on the order the forks were seen in.
    let mut reversed = forks;
    reversed.reverse();
    if hz::preferred_fork(&reversed) != expected {
        return Err("the choice depends on the order".to_owned());
    }
    Ok(())
}
