//! Olm, side by side: salamander, vodozemac 0.11.1 and libolm 3.2.13 in the same process.
//!
//! Every timed region goes from the wire input to the wire output as a Matrix client sees them:
//! keys, messages and signatures as base64 strings. salamander and vodozemac draw their
//! randomness from the OS inside their calls; libolm's wrapper calls `getrandom` for the bytes
//! libolm asks for, inside the timed region too. Operations that consume state (fresh
//! accounts, one-time keys, pre-key messages, in-order ciphertexts) are prepared untimed.
//!
//! Benchmark ids: `olm/<operation>/<implementation>` and, for the skipped-key scaling,
//! `olm_skipped/<operation>/<implementation>`.
//!
//! `cargo bench --bench olm`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{LIBOLM, SALAMANDER, SMALL, VODOZEMAC};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion,
};
use salamander::olm as sal;
use salamander_libolm as lo;
use vodozemac::olm as vz;

/// One-time keys generated, and pre-key messages prepared, per untimed batch (libolm stores at
/// most 100 one-time keys).
const PRE_KEY_BATCH: u64 = 50;

/// In-order messages prepared per untimed batch.
const MESSAGE_BATCH: u64 = 256;

/// A message on the wire: `(type, base64 body)`, type 0 for pre-key messages.
type Wire = (usize, String);

// ---------------------------------------------------------------------------------------------
// salamander

fn sal_config() -> sal::SessionConfig {
    sal::SessionConfig::version_1()
}

fn sal_wire(message: &sal::OlmMessage) -> Wire {
    match message {
        sal::OlmMessage::Normal(m) => (1, m.to_base64()),
        sal::OlmMessage::PreKey(m) => (0, m.to_base64()),
    }
}

fn sal_parse((kind, body): &Wire) -> sal::OlmMessage {
    if *kind == 0 {
        sal::PreKeyMessage::from_base64(body).unwrap().into()
    } else {
        sal::Message::from_base64(body).unwrap().into()
    }
}

fn sal_decrypt(session: &mut sal::Session, wire: &Wire, expected: &[u8]) {
    let plaintext = session.decrypt(&sal_parse(wire)).unwrap();
    assert_eq!(plaintext, expected);
}

/// A session pair in steady state: Alice's pre-key message accepted, Bob replied, Alice turned
/// the ratchet and Bob received that. Alice sends on the same chain from now on; Bob's next
/// message turns the ratchet.
fn sal_pair() -> (sal::Session, sal::Session) {
    let alice = sal::Account::new();
    let mut bob = sal::Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let mut a = alice.create_outbound_session(sal_config(), bob.curve25519_key(), otk).unwrap();
    let first = sal_wire(&a.encrypt(b"first").unwrap());
    assert_eq!(first.0, 0);
    let pre_key = sal::PreKeyMessage::from_base64(&first.1).unwrap();
    let mut b = bob.create_inbound_session(sal_config(), alice.curve25519_key(), &pre_key).unwrap();
    assert_eq!(b.plaintext, b"first");
    let reply = sal_wire(&b.session.encrypt(b"reply").unwrap());
    sal_decrypt(&mut a, &reply, b"reply");
    let turn = sal_wire(&a.encrypt(b"turn").unwrap());
    assert_eq!(turn.0, 1);
    sal_decrypt(&mut b.session, &turn, b"turn");
    (a, b.session)
}

// ---------------------------------------------------------------------------------------------
// vodozemac

fn vz_config() -> vz::SessionConfig {
    vz::SessionConfig::version_1()
}

fn vz_wire(message: &vz::OlmMessage) -> Wire {
    match message {
        vz::OlmMessage::Normal(m) => (1, m.to_base64()),
        vz::OlmMessage::PreKey(m) => (0, m.to_base64()),
    }
}

fn vz_parse((kind, body): &Wire) -> vz::OlmMessage {
    if *kind == 0 {
        vz::PreKeyMessage::from_base64(body).unwrap().into()
    } else {
        vz::Message::from_base64(body).unwrap().into()
    }
}

fn vz_decrypt(session: &mut vz::Session, wire: &Wire, expected: &[u8]) {
    let plaintext = session.decrypt(&vz_parse(wire)).unwrap();
    assert_eq!(plaintext, expected);
}

/// As [`sal_pair`].
fn vz_pair() -> (vz::Session, vz::Session) {
    let alice = vz::Account::new();
    let mut bob = vz::Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let mut a = alice.create_outbound_session(vz_config(), bob.curve25519_key(), otk).unwrap();
    let first = vz_wire(&a.encrypt(b"first").unwrap());
    assert_eq!(first.0, 0);
    let pre_key = vz::PreKeyMessage::from_base64(&first.1).unwrap();
    let mut b = bob.create_inbound_session(vz_config(), alice.curve25519_key(), &pre_key).unwrap();
    assert_eq!(b.plaintext, b"first");
    let reply = vz_wire(&b.session.encrypt(b"reply").unwrap());
    vz_decrypt(&mut a, &reply, b"reply");
    let turn = vz_wire(&a.encrypt(b"turn").unwrap());
    assert_eq!(turn.0, 1);
    vz_decrypt(&mut b.session, &turn, b"turn");
    (a, b.session)
}

/// vodozemac's `Session` is not `Clone`: copies go through its serde pickle (untimed).
fn vz_copy(pickle: &str) -> vz::Session {
    vz::Session::from_pickle(serde_json::from_str(pickle).unwrap())
}

// ---------------------------------------------------------------------------------------------
// libolm

/// The Curve25519 identity key (base64) from libolm's identity-keys JSON.
fn lo_curve25519(account: &lo::Account) -> String {
    let keys: serde_json::Value = serde_json::from_str(&account.identity_keys()).unwrap();
    keys["curve25519"].as_str().unwrap().to_owned()
}

/// The unpublished one-time keys (base64) from libolm's JSON.
fn lo_one_time_keys(account: &lo::Account) -> Vec<String> {
    let keys: serde_json::Value = serde_json::from_str(&account.one_time_keys()).unwrap();
    keys["curve25519"]
        .as_object()
        .unwrap()
        .values()
        .map(|key| key.as_str().unwrap().to_owned())
        .collect()
}

fn lo_decrypt(session: &mut lo::Session, (kind, body): &Wire, expected: &[u8]) {
    let plaintext = session.decrypt(*kind, body).unwrap();
    assert_eq!(plaintext, expected);
}

/// As [`sal_pair`].
fn lo_pair() -> (lo::Session, lo::Session) {
    let alice = lo::Account::new();
    let mut bob = lo::Account::new();
    bob.generate_one_time_keys(1);
    let otk = lo_one_time_keys(&bob).remove(0);
    let mut a = lo::Session::create_outbound(&alice, &lo_curve25519(&bob), &otk).unwrap();
    let first = a.encrypt(b"first").unwrap();
    assert_eq!(first.0, 0);
    let mut b =
        lo::Session::create_inbound_from(&mut bob, &lo_curve25519(&alice), &first.1).unwrap();
    lo_decrypt(&mut b, &first, b"first");
    bob.remove_one_time_keys(&b).unwrap();
    let reply = b.encrypt(b"reply").unwrap();
    lo_decrypt(&mut a, &reply, b"reply");
    let turn = a.encrypt(b"turn").unwrap();
    assert_eq!(turn.0, 1);
    lo_decrypt(&mut b, &turn, b"turn");
    (a, b)
}

const LIBOLM_PICKLE_KEY: &[u8] = b"salamander olm benches pickle k.";

// ---------------------------------------------------------------------------------------------
// Untimed batches

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

// ---------------------------------------------------------------------------------------------
// Benchmarks

fn account(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .bench_function(BenchmarkId::new("account_new", SALAMANDER), |b| b.iter(sal::Account::new));
    group.bench_function(BenchmarkId::new("account_new", VODOZEMAC), |b| b.iter(vz::Account::new));
    group.bench_function(BenchmarkId::new("account_new", LIBOLM), |b| b.iter(lo::Account::new));

    // 50 one-time keys into a fresh account (made untimed; dropped untimed).
    group.bench_function(BenchmarkId::new("otk_generate_50", SALAMANDER), |b| {
        b.iter_batched(
            sal::Account::new,
            |mut account| {
                black_box(account.generate_one_time_keys(50));
                account
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("otk_generate_50", VODOZEMAC), |b| {
        b.iter_batched(
            vz::Account::new,
            |mut account| {
                black_box(account.generate_one_time_keys(50));
                account
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("otk_generate_50", LIBOLM), |b| {
        b.iter_batched(
            lo::Account::new,
            |mut account| {
                account.generate_one_time_keys(50);
                account
            },
            BatchSize::SmallInput,
        )
    });

    // Ed25519 signature of 64 bytes with the account's identity key, base64 out.
    let account = sal::Account::new();
    group.bench_function(BenchmarkId::new("sign_64", SALAMANDER), |b| {
        b.iter(|| account.sign(black_box(SMALL)).to_base64())
    });
    let account = vz::Account::new();
    group.bench_function(BenchmarkId::new("sign_64", VODOZEMAC), |b| {
        b.iter(|| account.sign(black_box(SMALL)).to_base64())
    });
    let account = lo::Account::new();
    group.bench_function(BenchmarkId::new("sign_64", LIBOLM), |b| {
        b.iter(|| account.sign(black_box(&SMALL)))
    });
}

fn outbound(group: &mut BenchmarkGroup<'_, WallTime>) {
    // From Bob's base64 identity key and one-time key, as fetched from the server.
    let alice = sal::Account::new();
    let mut bob = sal::Account::new();
    bob.generate_one_time_keys(1);
    let identity = bob.curve25519_key().to_base64();
    let otk = bob.one_time_keys().values().next().unwrap().to_base64();
    group.bench_function(BenchmarkId::new("outbound_session", SALAMANDER), |b| {
        b.iter(|| {
            let identity = salamander::Curve25519PublicKey::from_base64(&identity).unwrap();
            let otk = salamander::Curve25519PublicKey::from_base64(&otk).unwrap();
            alice.create_outbound_session(sal_config(), identity, otk).unwrap()
        })
    });

    let alice = vz::Account::new();
    let mut bob = vz::Account::new();
    bob.generate_one_time_keys(1);
    let identity = bob.curve25519_key().to_base64();
    let otk = bob.one_time_keys().values().next().unwrap().to_base64();
    group.bench_function(BenchmarkId::new("outbound_session", VODOZEMAC), |b| {
        b.iter(|| {
            let identity = vodozemac::Curve25519PublicKey::from_base64(&identity).unwrap();
            let otk = vodozemac::Curve25519PublicKey::from_base64(&otk).unwrap();
            alice.create_outbound_session(vz_config(), identity, otk).unwrap()
        })
    });

    let alice = lo::Account::new();
    let mut bob = lo::Account::new();
    bob.generate_one_time_keys(1);
    let identity = lo_curve25519(&bob);
    let otk = lo_one_time_keys(&bob).remove(0);
    group.bench_function(BenchmarkId::new("outbound_session", LIBOLM), |b| {
        b.iter(|| lo::Session::create_outbound(&alice, &identity, &otk).unwrap())
    });
}

fn inbound(group: &mut BenchmarkGroup<'_, WallTime>) {
    // Each iteration: a distinct one-time key and pre-key message (prepared untimed, 50 at a
    // time); timed: parse the sender's key and the message, 3DH, decrypt, remove the key.
    let alice = sal::Account::new();
    let alice_key = alice.curve25519_key().to_base64();
    let mut bob = sal::Account::new();
    group.bench_function(BenchmarkId::new("inbound_session", SALAMANDER), |b| {
        b.iter_custom(|iters| {
            batched(
                iters,
                PRE_KEY_BATCH,
                &mut bob,
                |bob, n| {
                    bob.generate_one_time_keys(n);
                    let keys: Vec<_> = bob.one_time_keys().into_values().collect();
                    bob.mark_keys_as_published();
                    let identity = bob.curve25519_key();
                    keys.into_iter()
                        .map(|otk| {
                            let mut session =
                                alice.create_outbound_session(sal_config(), identity, otk).unwrap();
                            sal_wire(&session.encrypt(SMALL).unwrap()).1
                        })
                        .collect()
                },
                |bob, messages| {
                    for message in messages {
                        let sender =
                            salamander::Curve25519PublicKey::from_base64(&alice_key).unwrap();
                        let pre_key = sal::PreKeyMessage::from_base64(&message).unwrap();
                        let created =
                            bob.create_inbound_session(sal_config(), sender, &pre_key).unwrap();
                        assert_eq!(created.plaintext, SMALL);
                        black_box(created.session);
                    }
                },
            )
        })
    });

    let alice = vz::Account::new();
    let alice_key = alice.curve25519_key().to_base64();
    let mut bob = vz::Account::new();
    group.bench_function(BenchmarkId::new("inbound_session", VODOZEMAC), |b| {
        b.iter_custom(|iters| {
            batched(
                iters,
                PRE_KEY_BATCH,
                &mut bob,
                |bob, n| {
                    bob.generate_one_time_keys(n);
                    let keys: Vec<_> = bob.one_time_keys().into_values().collect();
                    bob.mark_keys_as_published();
                    let identity = bob.curve25519_key();
                    keys.into_iter()
                        .map(|otk| {
                            let mut session =
                                alice.create_outbound_session(vz_config(), identity, otk).unwrap();
                            vz_wire(&session.encrypt(SMALL).unwrap()).1
                        })
                        .collect()
                },
                |bob, messages| {
                    for message in messages {
                        let sender =
                            vodozemac::Curve25519PublicKey::from_base64(&alice_key).unwrap();
                        let pre_key = vz::PreKeyMessage::from_base64(&message).unwrap();
                        let created =
                            bob.create_inbound_session(vz_config(), sender, &pre_key).unwrap();
                        assert_eq!(created.plaintext, SMALL);
                        black_box(created.session);
                    }
                },
            )
        })
    });

    // libolm: create_inbound_session_from (checks the sender's key) + decrypt of the pre-key
    // message + remove_one_time_keys.
    let alice = lo::Account::new();
    let alice_key = lo_curve25519(&alice);
    let mut bob = lo::Account::new();
    let bob_key = lo_curve25519(&bob);
    group.bench_function(BenchmarkId::new("inbound_session", LIBOLM), |b| {
        b.iter_custom(|iters| {
            batched(
                iters,
                PRE_KEY_BATCH,
                &mut bob,
                |bob, n| {
                    bob.generate_one_time_keys(n);
                    let keys = lo_one_time_keys(bob);
                    bob.mark_keys_as_published();
                    keys.iter()
                        .map(|otk| {
                            let mut session =
                                lo::Session::create_outbound(&alice, &bob_key, otk).unwrap();
                            let (kind, body) = session.encrypt(&SMALL).unwrap();
                            assert_eq!(kind, 0);
                            body
                        })
                        .collect()
                },
                |bob, messages| {
                    for message in messages {
                        let mut session =
                            lo::Session::create_inbound_from(bob, &alice_key, &message).unwrap();
                        let plaintext = session.decrypt(0, &message).unwrap();
                        assert_eq!(plaintext, SMALL);
                        bob.remove_one_time_keys(&session).unwrap();
                        black_box(session);
                    }
                },
            )
        })
    });
}

fn encrypt_decrypt(group: &mut BenchmarkGroup<'_, WallTime>) {
    for len in [64, 4096] {
        let plaintext = common::plaintext(len);
        let encrypt = format!("encrypt_{len}");
        let decrypt = format!("decrypt_{len}");

        // Encrypt: steady state, Alice sends on the same chain over and over; base64 out.
        let (mut a, _) = sal_pair();
        group.bench_function(BenchmarkId::new(&encrypt, SALAMANDER), |bench| {
            bench.iter(|| sal_wire(&a.encrypt(black_box(&plaintext)).unwrap()))
        });
        // Decrypt: fresh in-order messages, prepared untimed; base64 in. A pair of its own: Bob
        // never saw the messages above, and all three libraries refuse a gap of over 2000.
        let mut pair = sal_pair();
        group.bench_function(BenchmarkId::new(&decrypt, SALAMANDER), |bench| {
            bench.iter_custom(|iters| {
                batched(
                    iters,
                    MESSAGE_BATCH,
                    &mut pair,
                    |(a, _), n| (0..n).map(|_| sal_wire(&a.encrypt(&plaintext).unwrap())).collect(),
                    |(_, b), messages| {
                        for message in &messages {
                            sal_decrypt(b, message, &plaintext);
                        }
                    },
                )
            })
        });

        let (mut a, _) = vz_pair();
        group.bench_function(BenchmarkId::new(&encrypt, VODOZEMAC), |bench| {
            bench.iter(|| vz_wire(&a.encrypt(black_box(&plaintext)).unwrap()))
        });
        let mut pair = vz_pair();
        group.bench_function(BenchmarkId::new(&decrypt, VODOZEMAC), |bench| {
            bench.iter_custom(|iters| {
                batched(
                    iters,
                    MESSAGE_BATCH,
                    &mut pair,
                    |(a, _), n| (0..n).map(|_| vz_wire(&a.encrypt(&plaintext).unwrap())).collect(),
                    |(_, b), messages| {
                        for message in &messages {
                            vz_decrypt(b, message, &plaintext);
                        }
                    },
                )
            })
        });

        let (mut a, _) = lo_pair();
        group.bench_function(BenchmarkId::new(&encrypt, LIBOLM), |bench| {
            bench.iter(|| a.encrypt(black_box(&plaintext)).unwrap())
        });
        let mut pair = lo_pair();
        group.bench_function(BenchmarkId::new(&decrypt, LIBOLM), |bench| {
            bench.iter_custom(|iters| {
                batched(
                    iters,
                    MESSAGE_BATCH,
                    &mut pair,
                    |(a, _), n| (0..n).map(|_| a.encrypt(&plaintext).unwrap()).collect(),
                    |(_, b), messages| {
                        for message in &messages {
                            lo_decrypt(b, message, &plaintext);
                        }
                    },
                )
            })
        });
    }
}

fn round_trip(group: &mut BenchmarkGroup<'_, WallTime>) {
    // Direction alternates, so every message carries a new ratchet key: the sender makes a
    // ratchet key pair and a DH, the receiver a DH and a new receiving chain. Per message.
    let name = "roundtrip_ratchet_64";
    let (mut a, mut b) = sal_pair();
    let mut bob_sends = true;
    group.bench_function(BenchmarkId::new(name, SALAMANDER), |bench| {
        bench.iter(|| {
            let (from, to) = if bob_sends { (&mut b, &mut a) } else { (&mut a, &mut b) };
            bob_sends = !bob_sends;
            let wire = sal_wire(&from.encrypt(SMALL).unwrap());
            sal_decrypt(to, &wire, &SMALL);
        })
    });

    let (mut a, mut b) = vz_pair();
    let mut bob_sends = true;
    group.bench_function(BenchmarkId::new(name, VODOZEMAC), |bench| {
        bench.iter(|| {
            let (from, to) = if bob_sends { (&mut b, &mut a) } else { (&mut a, &mut b) };
            bob_sends = !bob_sends;
            let wire = vz_wire(&from.encrypt(SMALL).unwrap());
            vz_decrypt(to, &wire, &SMALL);
        })
    });

    let (mut a, mut b) = lo_pair();
    let mut bob_sends = true;
    group.bench_function(BenchmarkId::new(name, LIBOLM), |bench| {
        bench.iter(|| {
            let (from, to) = if bob_sends { (&mut b, &mut a) } else { (&mut a, &mut b) };
            bob_sends = !bob_sends;
            let wire = from.encrypt(&SMALL).unwrap();
            lo_decrypt(to, &wire, &SMALL);
        })
    });
}

/// Bob's state (a copyable form of it) and Alice's messages `0..=stored + 1` on her current
/// chain. Bob has decrypted message `stored` (when `stored` > 0), so he holds the keys of
/// messages `0..stored` as skipped message keys.
struct Skipped<S> {
    bob: S,
    messages: Vec<Wire>,
}

fn sal_skipped(stored: usize) -> Skipped<sal::Session> {
    let (mut a, mut b) = sal_pair();
    let messages: Vec<_> = (0..=stored + 1).map(|_| sal_wire(&a.encrypt(SMALL).unwrap())).collect();
    if stored > 0 {
        sal_decrypt(&mut b, &messages[stored], &SMALL);
    }
    Skipped { bob: b, messages }
}

fn vz_skipped(stored: usize) -> Skipped<String> {
    let (mut a, mut b) = vz_pair();
    let messages: Vec<_> = (0..=stored + 1).map(|_| vz_wire(&a.encrypt(SMALL).unwrap())).collect();
    if stored > 0 {
        vz_decrypt(&mut b, &messages[stored], &SMALL);
    }
    Skipped { bob: serde_json::to_string(&b.pickle()).unwrap(), messages }
}

fn lo_skipped(stored: usize) -> Skipped<String> {
    let (mut a, mut b) = lo_pair();
    let messages: Vec<_> = (0..=stored + 1).map(|_| a.encrypt(&SMALL).unwrap()).collect();
    if stored > 0 {
        lo_decrypt(&mut b, &messages[stored], &SMALL);
    }
    Skipped { bob: b.pickle(LIBOLM_PICKLE_KEY), messages }
}

/// Bob holds `stored` skipped message keys on Alice's chain (`stored` ≤ 40, the limit of all
/// three libraries); each iteration starts from a copy of that state (made untimed) and
/// decrypts one message: with `Target::Stored`, the skipped one in the middle (message
/// `stored / 2`); with `Target::Next`, the next in-order message (`stored + 1`).
#[derive(Clone, Copy)]
enum Target {
    Stored,
    Next,
}

fn skipped_bench(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    stored: usize,
    target: Target,
) {
    let index = match target {
        Target::Stored => stored / 2,
        Target::Next if stored == 0 => 0,
        Target::Next => stored + 1,
    };

    let state = sal_skipped(stored);
    let message = &state.messages[index];
    group.bench_function(BenchmarkId::new(name, SALAMANDER), |b| {
        b.iter_batched(
            || state.bob.clone(),
            |mut bob| {
                sal_decrypt(&mut bob, message, &SMALL);
                bob
            },
            BatchSize::SmallInput,
        )
    });

    let state = vz_skipped(stored);
    let message = &state.messages[index];
    group.bench_function(BenchmarkId::new(name, VODOZEMAC), |b| {
        b.iter_batched(
            || vz_copy(&state.bob),
            |mut bob| {
                vz_decrypt(&mut bob, message, &SMALL);
                bob
            },
            BatchSize::SmallInput,
        )
    });

    let state = lo_skipped(stored);
    let message = &state.messages[index];
    group.bench_function(BenchmarkId::new(name, LIBOLM), |b| {
        b.iter_batched(
            || lo::Session::unpickle(&state.bob, LIBOLM_PICKLE_KEY).unwrap(),
            |mut bob| {
                lo_decrypt(&mut bob, message, &SMALL);
                bob
            },
            BatchSize::SmallInput,
        )
    });
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("olm");
    account(&mut group);
    outbound(&mut group);
    inbound(&mut group);
    encrypt_decrypt(&mut group);
    skipped_bench(&mut group, "decrypt_64_skipped_40", 40, Target::Stored);
    round_trip(&mut group);
    group.finish();

    // Scaling: decrypt cost against the number of stored skipped keys (should be flat). The
    // stored-key series at 40 is `olm/decrypt_64_skipped_40`.
    let mut group = c.benchmark_group("olm_skipped");
    for stored in [0, 10, 20, 30, 40] {
        skipped_bench(&mut group, &format!("next_with_{stored}"), stored, Target::Next);
    }
    for stored in [1, 10, 20, 30] {
        skipped_bench(&mut group, &format!("stored_with_{stored}"), stored, Target::Stored);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
