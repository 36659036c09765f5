//! Megolm, side by side: salamander, vodozemac 0.11.1 and libolm 3.2.13 in the same process.
//!
//! Every timed region goes from the wire input to the wire output as a Matrix client sees them
//! (messages and keys as base64). Fresh in-order ciphertexts and fresh index-0 inbound sessions
//! are prepared untimed.
//!
//! The index-jump rows need a message made by a real outbound session at a far index. None of
//! the libraries can move an outbound session forward except by encrypting, so the ratchet at
//! that index is taken from an inbound session's export and written into the outbound session's
//! pickle: the serde pickle's `ratchet` for salamander and vodozemac, and libolm's encrypted
//! pickle (opened and sealed again here with the RustCrypto crates) for libolm. Every such
//! message is checked once (plaintext and index) by an independent index-0 session.
//!
//! Benchmark ids: `megolm/<operation>/<implementation>` and, for the extra jump distances of the
//! scaling table, `megolm_jump/<operation>/<implementation>`.
//!
//! `cargo bench --bench megolm`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use common::{LIBOLM, SALAMANDER, SMALL, VODOZEMAC};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion,
};
use hmac::{KeyInit, Mac};
use salamander::megolm as sal;
use salamander::{base64_decode, base64_encode};
use salamander_libolm as lo;
use serde_json::json;
use vodozemac::megolm as vz;

/// In-order messages prepared per untimed batch.
const MESSAGE_BATCH: u64 = 256;

/// The jump distances of the main table (`megolm/decrypt_jump_<n>`).
const MAIN_JUMPS: [u32; 5] = [1, 1 << 8, 1 << 16, (1 << 24) - 1, 1 << 24];

/// The further distances of the scaling table (`megolm_jump/decrypt_jump_<n>`).
const SCALING_JUMPS: [u32; 3] = [1 << 4, 1 << 12, 1 << 20];

/// The key of libolm's pickles here.
const PICKLE_KEY: &[u8] = b"salamander megolm benches pickle";

/// Length of libolm's pickle MAC (HMAC-SHA-256 truncated).
const PICKLE_MAC_LENGTH: usize = 8;

// ---------------------------------------------------------------------------------------------
// libolm's pickle envelope (as in tests/megolm_interop_libolm.rs)

/// HKDF-SHA-256 of the pickle key (salt 32 zero bytes, info "Pickle", 80 bytes) split into
/// `AES key (32) ‖ MAC key (32) ‖ IV (16)`.
fn libolm_pickle_keys() -> ([u8; 32], [u8; 32], [u8; 16]) {
    let mut okm = [0u8; 80];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&[0u8; 32]), PICKLE_KEY)
        .expand(b"Pickle", &mut okm)
        .unwrap();
    (okm[..32].try_into().unwrap(), okm[32..64].try_into().unwrap(), okm[64..].try_into().unwrap())
}

fn libolm_pickle_mac(mac_key: &[u8; 32], ciphertext: &[u8]) -> Vec<u8> {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(mac_key).unwrap();
    mac.update(ciphertext);
    mac.finalize().into_bytes()[..PICKLE_MAC_LENGTH].to_vec()
}

/// The plaintext of a libolm pickle made with [`PICKLE_KEY`], after checking its MAC.
fn open_libolm_pickle(pickle: &str) -> Vec<u8> {
    let (aes_key, mac_key, iv) = libolm_pickle_keys();
    let raw = base64_decode(pickle).unwrap();
    let (ciphertext, mac) = raw.split_at(raw.len() - PICKLE_MAC_LENGTH);
    assert_eq!(libolm_pickle_mac(&mac_key, ciphertext), mac, "the pickle's MAC");
    cbc::Decryptor::<aes::Aes256>::new((&aes_key).into(), (&iv).into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .unwrap()
}

/// A libolm pickle of `plaintext` under [`PICKLE_KEY`].
fn seal_libolm_pickle(plaintext: &[u8]) -> String {
    let (aes_key, mac_key, iv) = libolm_pickle_keys();
    let mut raw = cbc::Encryptor::<aes::Aes256>::new((&aes_key).into(), (&iv).into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mac = libolm_pickle_mac(&mac_key, &raw);
    raw.extend_from_slice(&mac);
    base64_encode(raw)
}

// ---------------------------------------------------------------------------------------------
// Sessions at a far index

fn sal_config() -> sal::SessionConfig {
    sal::SessionConfig::version_1()
}

fn vz_config() -> vz::SessionConfig {
    vz::SessionConfig::version_1()
}

/// A session key (index 0) and the base64 message at `index` of that session, made by the
/// outbound session moved to `index` through its pickle.
fn sal_message_at(index: u32) -> (sal::SessionKey, String) {
    let outbound = sal::GroupSession::new(sal_config());
    let key = outbound.session_key();
    let mut helper = sal::InboundGroupSession::new(&key, sal_config());
    let ratchet = helper.export_at(index).unwrap().to_bytes()[5..133].to_vec();
    let mut pickle = serde_json::to_value(outbound.pickle()).unwrap();
    assert_eq!(pickle["ratchet"]["inner"].as_array().map(Vec::len), Some(128));
    pickle["ratchet"]["inner"] = json!(ratchet);
    pickle["ratchet"]["counter"] = json!(index);
    let mut jumped = sal::GroupSession::from_pickle(serde_json::from_value(pickle).unwrap());
    assert_eq!(jumped.message_index(), index);
    let message = jumped.encrypt(SMALL).to_base64();
    let mut check = sal::InboundGroupSession::new(&key, sal_config());
    let decrypted = check.decrypt(&sal::MegolmMessage::from_base64(&message).unwrap()).unwrap();
    assert_eq!((decrypted.plaintext.as_slice(), decrypted.message_index), (&SMALL[..], index));
    (key, message)
}

/// As [`sal_message_at`].
fn vz_message_at(index: u32) -> (vz::SessionKey, String) {
    let outbound = vz::GroupSession::new(vz_config());
    let key = outbound.session_key();
    let mut helper = vz::InboundGroupSession::new(&key, vz_config());
    let ratchet = helper.export_at(index).unwrap().to_bytes()[5..133].to_vec();
    let mut pickle = serde_json::to_value(outbound.pickle()).unwrap();
    assert_eq!(pickle["ratchet"]["inner"].as_array().map(Vec::len), Some(128));
    pickle["ratchet"]["inner"] = json!(ratchet);
    pickle["ratchet"]["counter"] = json!(index);
    let mut jumped = vz::GroupSession::from_pickle(serde_json::from_value(pickle).unwrap());
    assert_eq!(jumped.message_index(), index);
    let message = jumped.encrypt(SMALL).to_base64();
    let mut check = vz::InboundGroupSession::new(&key, vz_config());
    let decrypted = check.decrypt(&vz::MegolmMessage::from_base64(&message).unwrap()).unwrap();
    assert_eq!((decrypted.plaintext.as_slice(), decrypted.message_index), (&SMALL[..], index));
    (key, message)
}

/// As [`sal_message_at`]; libolm's pickle is `version (u32 BE, 1) ‖ ratchet (128) ‖ counter
/// (u32 BE) ‖ Ed25519 public key (32) ‖ Ed25519 expanded secret key (64)`.
fn lo_message_at(index: u32) -> (String, String) {
    let outbound = lo::OutboundGroupSession::new();
    let key = outbound.session_key();
    let helper = lo::InboundGroupSession::new(&key).unwrap();
    let exported = base64_decode(helper.export_at(index).unwrap()).unwrap();
    let pickle = outbound.pickle(PICKLE_KEY);
    let mut raw = open_libolm_pickle(&pickle);
    assert_eq!(seal_libolm_pickle(&raw), pickle, "the envelope is deterministic");
    assert_eq!(raw.len(), 4 + 128 + 4 + 32 + 64);
    assert_eq!(raw[..4], 1u32.to_be_bytes(), "pickle version");
    assert_eq!(raw[132..136], 0u32.to_be_bytes(), "counter");
    raw[4..132].copy_from_slice(&exported[5..133]);
    raw[132..136].copy_from_slice(&index.to_be_bytes());
    let mut jumped =
        lo::OutboundGroupSession::unpickle(&seal_libolm_pickle(&raw), PICKLE_KEY).unwrap();
    assert_eq!(jumped.message_index(), index);
    let message = jumped.encrypt(&SMALL).unwrap();
    let mut check = lo::InboundGroupSession::new(&key).unwrap();
    assert_eq!(check.decrypt(&message).unwrap(), (SMALL.to_vec(), index));
    (key, message)
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

/// Runs `iters` iterations in batches of at most `batch`: `prepare(state, n)` makes the inputs
/// of a batch untimed, `run(state, inputs)` consumes them timed. Returns the timed total.
fn batched<S, T>(
    iters: u64,
    batch: u64,
    state: &mut S,
    mut prepare: impl FnMut(&mut S, usize) -> Vec<T>,
    mut run: impl FnMut(&mut S, Vec<T>),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(batch);
        left -= n;
        let inputs = prepare(state, n as usize);
        let start = Instant::now();
        run(state, inputs);
        total += start.elapsed();
    }
    total
}

fn encrypt_decrypt(group: &mut BenchmarkGroup<'_, WallTime>) {
    for len in [64, 4096] {
        let plaintext = common::plaintext(len);
        let encrypt = format!("encrypt_{len}");
        let decrypt = format!("decrypt_{len}");

        // Encrypt: base64 out.
        let mut outbound = sal::GroupSession::new(sal_config());
        group.bench_function(BenchmarkId::new(&encrypt, SALAMANDER), |b| {
            b.iter(|| outbound.encrypt(black_box(&plaintext)).to_base64())
        });
        // Decrypt: fresh in-order messages (prepared untimed), base64 in.
        let inbound = sal::InboundGroupSession::new(&outbound.session_key(), sal_config());
        let mut pair = (outbound, inbound);
        group.bench_function(BenchmarkId::new(&decrypt, SALAMANDER), |b| {
            b.iter_custom(|iters| {
                batched(
                    iters,
                    MESSAGE_BATCH,
                    &mut pair,
                    |(outbound, _), n| {
                        (0..n).map(|_| outbound.encrypt(&plaintext).to_base64()).collect()
                    },
                    |(_, inbound), messages| {
                        for message in &messages {
                            let message = sal::MegolmMessage::from_base64(message).unwrap();
                            let decrypted = inbound.decrypt(&message).unwrap();
                            assert_eq!(decrypted.plaintext, plaintext);
                        }
                    },
                )
            })
        });

        let mut outbound = vz::GroupSession::new(vz_config());
        group.bench_function(BenchmarkId::new(&encrypt, VODOZEMAC), |b| {
            b.iter(|| outbound.encrypt(black_box(&plaintext)).to_base64())
        });
        let inbound = vz::InboundGroupSession::new(&outbound.session_key(), vz_config());
        let mut pair = (outbound, inbound);
        group.bench_function(BenchmarkId::new(&decrypt, VODOZEMAC), |b| {
            b.iter_custom(|iters| {
                batched(
                    iters,
                    MESSAGE_BATCH,
                    &mut pair,
                    |(outbound, _), n| {
                        (0..n).map(|_| outbound.encrypt(&plaintext).to_base64()).collect()
                    },
                    |(_, inbound), messages| {
                        for message in &messages {
                            let message = vz::MegolmMessage::from_base64(message).unwrap();
                            let decrypted = inbound.decrypt(&message).unwrap();
                            assert_eq!(decrypted.plaintext, plaintext);
                        }
                    },
                )
            })
        });

        let mut outbound = lo::OutboundGroupSession::new();
        group.bench_function(BenchmarkId::new(&encrypt, LIBOLM), |b| {
            b.iter(|| outbound.encrypt(black_box(&plaintext)).unwrap())
        });
        let inbound = lo::InboundGroupSession::new(&outbound.session_key()).unwrap();
        let mut pair = (outbound, inbound);
        group.bench_function(BenchmarkId::new(&decrypt, LIBOLM), |b| {
            b.iter_custom(|iters| {
                batched(
                    iters,
                    MESSAGE_BATCH,
                    &mut pair,
                    |(outbound, _), n| {
                        (0..n).map(|_| outbound.encrypt(&plaintext).unwrap()).collect()
                    },
                    |(_, inbound), messages| {
                        for message in &messages {
                            let (decrypted, _) = inbound.decrypt(message).unwrap();
                            assert_eq!(decrypted, plaintext);
                        }
                    },
                )
            })
        });
    }
}

/// Decrypt one 64-byte message at `index` with a fresh inbound session at index 0 (made
/// untimed from the session key, each iteration).
fn jump(group: &mut BenchmarkGroup<'_, WallTime>, index: u32) {
    let name = format!("decrypt_jump_{index}");

    let (key, message) = sal_message_at(index);
    group.bench_function(BenchmarkId::new(&name, SALAMANDER), |b| {
        b.iter_batched(
            || sal::InboundGroupSession::new(&key, sal_config()),
            |mut session| {
                let message = sal::MegolmMessage::from_base64(&message).unwrap();
                let decrypted = session.decrypt(&message).unwrap();
                assert_eq!(decrypted.plaintext, SMALL);
                session
            },
            BatchSize::SmallInput,
        )
    });

    let (key, message) = vz_message_at(index);
    group.bench_function(BenchmarkId::new(&name, VODOZEMAC), |b| {
        b.iter_batched(
            || vz::InboundGroupSession::new(&key, vz_config()),
            |mut session| {
                let message = vz::MegolmMessage::from_base64(&message).unwrap();
                let decrypted = session.decrypt(&message).unwrap();
                assert_eq!(decrypted.plaintext, SMALL);
                session
            },
            BatchSize::SmallInput,
        )
    });

    let (key, message) = lo_message_at(index);
    group.bench_function(BenchmarkId::new(&name, LIBOLM), |b| {
        b.iter_batched(
            || lo::InboundGroupSession::new(&key).unwrap(),
            |mut session| {
                let (decrypted, _) = session.decrypt(&message).unwrap();
                assert_eq!(decrypted, SMALL);
                session
            },
            BatchSize::SmallInput,
        )
    });
}

fn keys(group: &mut BenchmarkGroup<'_, WallTime>) {
    // Session key export (signed, at the current index) and import (signature checked).
    let outbound = sal::GroupSession::new(sal_config());
    group.bench_function(BenchmarkId::new("session_key_export", SALAMANDER), |b| {
        b.iter(|| outbound.session_key().to_base64())
    });
    let key = outbound.session_key().to_base64();
    group.bench_function(BenchmarkId::new("session_key_import", SALAMANDER), |b| {
        b.iter(|| {
            let key = sal::SessionKey::from_base64(black_box(&key)).unwrap();
            sal::InboundGroupSession::new(&key, sal_config())
        })
    });

    let outbound = vz::GroupSession::new(vz_config());
    group.bench_function(BenchmarkId::new("session_key_export", VODOZEMAC), |b| {
        b.iter(|| outbound.session_key().to_base64())
    });
    let key = outbound.session_key().to_base64();
    group.bench_function(BenchmarkId::new("session_key_import", VODOZEMAC), |b| {
        b.iter(|| {
            let key = vz::SessionKey::from_base64(black_box(&key)).unwrap();
            vz::InboundGroupSession::new(&key, vz_config())
        })
    });

    let outbound = lo::OutboundGroupSession::new();
    group.bench_function(BenchmarkId::new("session_key_export", LIBOLM), |b| {
        b.iter(|| outbound.session_key())
    });
    let key = outbound.session_key();
    group.bench_function(BenchmarkId::new("session_key_import", LIBOLM), |b| {
        b.iter(|| lo::InboundGroupSession::new(black_box(&key)).unwrap())
    });

    // Exported (unsigned) key at the first known index, and its import. The inbound session has
    // decrypted a few messages first.
    let mut outbound = sal::GroupSession::new(sal_config());
    let mut inbound = sal::InboundGroupSession::new(&outbound.session_key(), sal_config());
    for _ in 0..3 {
        inbound.decrypt(&outbound.encrypt(SMALL)).unwrap();
    }
    group.bench_function(BenchmarkId::new("exported_key_export", SALAMANDER), |b| {
        b.iter(|| inbound.export_at_first_known_index().to_base64())
    });
    let key = inbound.export_at_first_known_index().to_base64();
    group.bench_function(BenchmarkId::new("exported_key_import", SALAMANDER), |b| {
        b.iter(|| {
            let key = sal::ExportedSessionKey::from_base64(black_box(&key)).unwrap();
            sal::InboundGroupSession::import(&key, sal_config())
        })
    });

    let mut outbound = vz::GroupSession::new(vz_config());
    let mut inbound = vz::InboundGroupSession::new(&outbound.session_key(), vz_config());
    for _ in 0..3 {
        inbound.decrypt(&outbound.encrypt(SMALL)).unwrap();
    }
    group.bench_function(BenchmarkId::new("exported_key_export", VODOZEMAC), |b| {
        b.iter(|| inbound.export_at_first_known_index().to_base64())
    });
    let key = inbound.export_at_first_known_index().to_base64();
    group.bench_function(BenchmarkId::new("exported_key_import", VODOZEMAC), |b| {
        b.iter(|| {
            let key = vz::ExportedSessionKey::from_base64(black_box(&key)).unwrap();
            vz::InboundGroupSession::import(&key, vz_config())
        })
    });

    let mut outbound = lo::OutboundGroupSession::new();
    let mut inbound = lo::InboundGroupSession::new(&outbound.session_key()).unwrap();
    for _ in 0..3 {
        inbound.decrypt(&outbound.encrypt(&SMALL).unwrap()).unwrap();
    }
    group.bench_function(BenchmarkId::new("exported_key_export", LIBOLM), |b| {
        b.iter(|| inbound.export_at(inbound.first_known_index()).unwrap())
    });
    let key = inbound.export_at(inbound.first_known_index()).unwrap();
    group.bench_function(BenchmarkId::new("exported_key_import", LIBOLM), |b| {
        b.iter(|| lo::InboundGroupSession::import(black_box(&key)).unwrap())
    });
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("megolm");
    encrypt_decrypt(&mut group);
    for index in MAIN_JUMPS {
        jump(&mut group, index);
    }
    keys(&mut group);
    group.finish();

    // Scaling: decrypt cost against the jump distance. The other distances of the scaling
    // table are the `megolm/decrypt_jump_<n>` rows above.
    let mut group = c.benchmark_group("megolm_jump");
    for index in SCALING_JUMPS {
        jump(&mut group, index);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
