//! Writes seed corpora for every fuzz target into `fuzz/corpus/<target>/`, from the known-answer
//! vectors in `test-vectors/` and from the fixtures the stateful targets use.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --bin seed-corpus`

use std::{fs, path::Path};

use salamander::{
    megolm::{GroupSession, InboundGroupSession, SessionConfig as MegolmConfig},
    olm::{Account, SessionConfig},
};
use salamander_fuzz::{
    megolm_fixture, olm_fixture, open_dehydrated, open_libolm, LIBOLM_PICKLE_KEY,
};
use sha2::{Digest, Sha256};

fn write(root: &Path, target: &str, data: &[u8]) {
    let dir = root.join(target);
    fs::create_dir_all(&dir).unwrap();
    let name: String = Sha256::digest(data).iter().take(10).map(|b| format!("{b:02x}")).collect();
    fs::write(dir.join(name), data).unwrap();
}

/// Every string under `key` anywhere in a JSON value, with its parent object.
fn strings<'a>(
    value: &'a serde_json::Value,
    key: &str,
    out: &mut Vec<(&'a serde_json::Value, &'a str)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    if let Some(s) = v.as_str() {
                        out.push((value, s));
                    }
                }
                strings(v, key, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, key, out)),
        _ => {}
    }
}

fn vector_files(dir: &Path, out: &mut Vec<serde_json::Value>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            vector_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            if let Ok(value) = serde_json::from_str(&fs::read_to_string(&path).unwrap_or_default())
            {
                out.push(value);
            }
        }
    }
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("corpus");

    // From the known-answer vectors.
    let mut files = Vec::new();
    vector_files(&manifest.join("../test-vectors"), &mut files);
    for file in &files {
        let mut bodies = Vec::new();
        strings(file, "body", &mut bodies);
        for (parent, body) in bodies {
            let Ok(bytes) = salamander::base64_decode(body) else { continue };
            match parent.get("type").and_then(|t| t.as_u64()) {
                Some(t) => {
                    write(&root, "olm_message_decode", &bytes);
                    let mut typed = vec![t as u8];
                    typed.extend_from_slice(&bytes);
                    write(&root, "olm_decrypt", &typed);
                }
                None => {
                    write(&root, "megolm_message_decode", &bytes);
                    let mut raw = vec![0u8];
                    raw.extend_from_slice(&bytes);
                    write(&root, "megolm_decrypt", &raw);
                }
            }
        }
        for (key, target) in
            [("sessionKey", "session_key_decode"), ("exportedKey", "exported_session_key_decode")]
        {
            let mut keys = Vec::new();
            strings(file, key, &mut keys);
            for (_, key) in keys {
                if let Ok(bytes) = salamander::base64_decode(key) {
                    write(&root, target, &bytes);
                }
                write(&root, target, key.as_bytes());
            }
        }
        let mut identity = Vec::new();
        strings(file, "curve25519", &mut identity);
        strings(file, "ed25519", &mut identity);
        for (_, key) in identity {
            write(&root, "key_decode", key.as_bytes());
            if let Ok(bytes) = salamander::base64_decode(key) {
                write(&root, "key_decode", &bytes);
            }
        }
    }

    // From the stateful fixtures.
    for (message_type, bytes, _) in &olm_fixture().genuine {
        let mut typed = vec![*message_type as u8];
        typed.extend_from_slice(bytes);
        write(&root, "olm_decrypt", &typed);
        write(&root, "olm_message_decode", bytes);
    }
    for (bytes, _) in &megolm_fixture().genuine {
        let mut raw = vec![0u8];
        raw.extend_from_slice(bytes);
        write(&root, "megolm_decrypt", &raw);
        let mut resign = vec![1u8];
        resign.extend_from_slice(&bytes[..bytes.len() - 64]);
        write(&root, "megolm_decrypt", &resign);
        write(&root, "megolm_message_decode", bytes);
    }
    write(
        &root,
        "megolm_decrypt",
        &[
            2, 0, 0, 0, 3, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0,
            0xd0, 0xe0, 0xf0, 0xff,
        ],
    );

    // DMLS: genuine envelopes (commits and application messages), their splices, a pickle.
    let dmls = salamander_fuzz::dmls_fixture();
    for (i, envelope) in dmls.genuine.iter().enumerate() {
        write(&root, "dmls_envelope_decode", envelope);
        let mut raw = vec![0u8];
        raw.extend_from_slice(envelope);
        write(&root, "dmls_process", &raw);
        write(&root, "dmls_process", &[1, i as u8, 0, 40, 0xFF, 0x00, 0x7F]);
    }
    write(&root, "dmls_pickle_decode", dmls.bob.as_bytes());

    // Pickles of every type, in both formats.
    let mut account = Account::new();
    account.generate_one_time_keys(3);
    account.generate_fallback_key();
    account.mark_keys_as_published();
    account.generate_one_time_keys(1);
    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let mut session = account
        .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), otk)
        .unwrap();
    let message = session.encrypt("x").unwrap();
    let salamander::olm::OlmMessage::PreKey(pre_key) = &message else { unreachable!() };
    let mut bob_session = bob
        .create_inbound_session(SessionConfig::version_1(), account.curve25519_key(), pre_key)
        .unwrap()
        .session;
    session.decrypt(&bob_session.encrypt("y").unwrap()).unwrap();
    let mut outbound = GroupSession::new(MegolmConfig::version_1());
    outbound.encrypt("z");
    let inbound = InboundGroupSession::from(&outbound);

    let json = |kind: u8, value: serde_json::Value| {
        let mut bytes = vec![kind];
        bytes.extend_from_slice(value.to_string().as_bytes());
        bytes
    };
    write(&root, "native_pickle_decode", &json(0, serde_json::to_value(account.pickle()).unwrap()));
    write(&root, "native_pickle_decode", &json(1, serde_json::to_value(session.pickle()).unwrap()));
    write(
        &root,
        "native_pickle_decode",
        &json(1, serde_json::to_value(bob_session.pickle()).unwrap()),
    );
    write(
        &root,
        "native_pickle_decode",
        &json(2, serde_json::to_value(outbound.pickle()).unwrap()),
    );
    write(&root, "native_pickle_decode", &json(3, serde_json::to_value(inbound.pickle()).unwrap()));

    let libolm = |pickle: String| open_libolm(&pickle, LIBOLM_PICKLE_KEY).unwrap();
    write(
        &root,
        "libolm_pickle_account",
        &libolm(account.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap()),
    );
    write(
        &root,
        "libolm_pickle_session",
        &libolm(session.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap()),
    );
    write(
        &root,
        "libolm_pickle_session",
        &libolm(bob_session.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap()),
    );
    write(
        &root,
        "libolm_pickle_group_session",
        &libolm(outbound.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap()),
    );
    write(
        &root,
        "libolm_pickle_inbound_group_session",
        &libolm(inbound.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap()),
    );

    let device = account.to_dehydrated_device(&[7; 32]).unwrap();
    write(
        &root,
        "dehydrated_device_decode",
        &open_dehydrated(&device.ciphertext, &device.nonce).unwrap(),
    );

    let key = salamander::Ed25519SecretKey::from_slice(&[3; 32]);
    let mut signed = key.public_key().as_bytes().to_vec();
    signed.extend_from_slice(&key.sign(b"message").to_bytes());
    signed.extend_from_slice(b"message");
    write(&root, "ed25519_verify", &signed);

    for (i, size) in [16usize, 64, 256, 1024].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..size).map(|j| (j * 7 + i) as u8).collect();
        write(&root, "differential_conversation", &bytes);
    }
    println!("seed corpora written under {}", root.display());
}
