//! The floor: the primitives Olm, Megolm and the pickles are made of, exactly as salamander
//! calls them (its public key types, its base64 and, with the `hazmat` feature, its AES, HMAC
//! and HKDF). `scripts/bench-results` adds these up into a floor for every protocol row.
//!
//! Benchmark ids: `primitives/<operation>/<implementation>`, where the implementation is
//! `salamander` (through salamander's API), `rustcrypto` (the `sha2` crate directly) or `os`
//! (`getrandom`).
//!
//! `cargo bench --features hazmat --bench primitives`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::hint::black_box;

use common::SALAMANDER;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use salamander::hazmat::primitives;
use salamander::{
    base64_decode, base64_encode, Curve25519PublicKey, Curve25519SecretKey, Ed25519Keypair,
    Ed25519PublicKey, Ed25519SecretKey,
};
use sha2::Digest;

/// Binary sizes of the base64 rows: a key, a signature or a small message, a 64-byte Megolm
/// message (158 B) or pre-key message (~230 B), and a 4 KiB Megolm message (4191 B, 5.5 KiB of
/// base64 text).
const BASE64_SIZES: [usize; 5] = [32, 64, 200, 1024, 4200];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("primitives");

    // Curve25519 / Ed25519.
    let secret = Curve25519SecretKey::from_slice(&[7; 32]);
    let public = Curve25519PublicKey::from(&Curve25519SecretKey::from_slice(&[9; 32]));
    group.bench_function(BenchmarkId::new("x25519_dh", SALAMANDER), |b| {
        b.iter(|| black_box(&secret).diffie_hellman(black_box(&public)).unwrap())
    });
    group.bench_function(BenchmarkId::new("x25519_public_key", SALAMANDER), |b| {
        b.iter(|| Curve25519PublicKey::from(black_box(&secret)))
    });
    group.bench_function(BenchmarkId::new("ed25519_public_key", SALAMANDER), |b| {
        b.iter(|| Ed25519SecretKey::from_slice(black_box(&[5; 32])).public_key())
    });
    let ed25519_bytes = *Ed25519SecretKey::from_slice(&[5; 32]).public_key().as_bytes();
    group.bench_function(BenchmarkId::new("ed25519_public_key_parse", SALAMANDER), |b| {
        b.iter(|| Ed25519PublicKey::from_slice(black_box(&ed25519_bytes)).unwrap())
    });
    group.bench_function(BenchmarkId::new("getrandom_32", "os"), |b| {
        b.iter(|| {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).unwrap();
            bytes
        })
    });
    let keypair = Ed25519Keypair::new();
    let public_key = keypair.public_key();
    for len in [64, 4096] {
        let message = common::plaintext(len);
        group.bench_function(BenchmarkId::new(format!("ed25519_sign_{len}"), SALAMANDER), |b| {
            b.iter(|| keypair.sign(black_box(&message)))
        });
        let signature = keypair.sign(&message);
        group.bench_function(
            BenchmarkId::new(format!("ed25519_verify_strict_{len}"), SALAMANDER),
            |b| b.iter(|| public_key.verify(black_box(&message), &signature).unwrap()),
        );
    }

    // AES-256-CBC with PKCS#7 padding, key schedule included.
    let key = [3u8; 32];
    let iv = [4u8; 16];
    for len in [64, 4096] {
        let plaintext = common::plaintext(len);
        group.bench_function(
            BenchmarkId::new(format!("aes256cbc_encrypt_{len}"), SALAMANDER),
            |b| b.iter(|| primitives::aes_256_cbc_encrypt(&key, &iv, black_box(&plaintext))),
        );
        let ciphertext = primitives::aes_256_cbc_encrypt(&key, &iv, &plaintext);
        group.bench_function(
            BenchmarkId::new(format!("aes256cbc_decrypt_{len}"), SALAMANDER),
            |b| {
                b.iter(|| {
                    primitives::aes_256_cbc_decrypt(&key, &iv, black_box(&ciphertext)).unwrap()
                })
            },
        );
    }

    // HMAC-SHA-256 with a 32-byte key; on 1 byte it is an Olm chain step or a Megolm ratchet
    // hash.
    for len in [1, 32, 100, 4096] {
        let message = common::plaintext(len);
        group.bench_function(BenchmarkId::new(format!("hmac_sha256_{len}"), SALAMANDER), |b| {
            b.iter(|| primitives::hmac_sha256(black_box(&key), black_box(&message)))
        });
    }

    // HKDF-SHA-256, extract and expand: Olm/pickle cipher keys (32-byte input, zero salt, 80
    // bytes), Megolm cipher keys (the 128-byte ratchet), the 3DH root (96 bytes in, 64 out) and
    // an Olm root-key step (32-byte DH under the 32-byte root key as salt, 64 out).
    let ikm = common::plaintext(128);
    let hkdf_rows: [(&str, &[u8], usize, usize); 4] = [
        ("hkdf_sha256_80_ikm32", &[0; 32], 32, 80),
        ("hkdf_sha256_80_ikm128", &[0; 32], 128, 80),
        ("hkdf_sha256_64_ikm96", &[0; 32], 96, 64),
        ("hkdf_sha256_64_ikm32", &[1; 32], 32, 64),
    ];
    for (name, salt, ikm_len, out_len) in hkdf_rows {
        let ikm = &ikm[..ikm_len];
        group.bench_function(BenchmarkId::new(name, SALAMANDER), |b| {
            b.iter(|| primitives::hkdf_sha256(salt, black_box(ikm), b"INFO", out_len))
        });
    }

    let input = common::plaintext(96);
    group.bench_function(BenchmarkId::new("sha256_96", "rustcrypto"), |b| {
        b.iter(|| sha2::Sha256::digest(black_box(&input)))
    });

    // base64 (unpadded), as salamander encodes and decodes keys, messages and pickles.
    for len in BASE64_SIZES {
        let bytes = common::plaintext(len);
        group.bench_function(BenchmarkId::new(format!("base64_encode_{len}"), SALAMANDER), |b| {
            b.iter(|| base64_encode(black_box(&bytes)))
        });
        let text = base64_encode(&bytes);
        group.bench_function(BenchmarkId::new(format!("base64_decode_{len}"), SALAMANDER), |b| {
            b.iter(|| base64_decode(black_box(&text)).unwrap())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
