//! Pickles, side by side: one timed iteration is a pickle and an unpickle of the same state
//! (pickle string out, object back in), with a 32-byte pickle key.
//!
//! * `pickle/<state>/{salamander,vodozemac}`: each library's native (encrypted serde) pickle;
//!   `pickle/<state>/libolm`: libolm's own (and only) format.
//! * `pickle/<state>_libolm_format/{salamander,vodozemac}`: the libolm format made by
//!   salamander's `to_libolm_pickle` / `from_libolm_pickle` (vodozemac 0.11.1 can write it only
//!   for accounts). Compare with `pickle/<state>/libolm`.
//!
//! States: an account (identity keys and 50 published one-time keys), an Olm session in the
//! middle of a conversation (five ratchet turns, three messages each), a Megolm outbound
//! session and a Megolm inbound session that has decrypted three messages.
//!
//! `cargo bench --bench pickle`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{LIBOLM, SALAMANDER, SMALL, VODOZEMAC};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use salamander::megolm as sal_megolm;
use salamander::olm as sal;
use salamander_libolm as lo;
use vodozemac::megolm as vz_megolm;
use vodozemac::olm as vz;

const KEY: [u8; 32] = *b"salamander pickle benches key 32";

/// Ratchet turns in the conversation of the session state, and messages per turn.
const TURNS: usize = 5;
const MESSAGES_PER_TURN: usize = 3;

// ---------------------------------------------------------------------------------------------
// States

fn sal_account() -> sal::Account {
    let mut account = sal::Account::new();
    account.generate_one_time_keys(50);
    account.mark_keys_as_published();
    account
}

fn vz_account() -> vz::Account {
    let mut account = vz::Account::new();
    account.generate_one_time_keys(50);
    account.mark_keys_as_published();
    account
}

fn lo_account() -> lo::Account {
    let mut account = lo::Account::new();
    account.generate_one_time_keys(50);
    account.mark_keys_as_published();
    account
}

/// Alice's side of a conversation: her pre-key messages accepted, then [`TURNS`] changes of
/// direction with [`MESSAGES_PER_TURN`] messages each, all delivered.
fn sal_session() -> sal::Session {
    let alice = sal::Account::new();
    let mut bob = sal::Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let config = sal::SessionConfig::version_1();
    let mut a = alice.create_outbound_session(config, bob.curve25519_key(), otk).unwrap();
    let sal::OlmMessage::PreKey(first) = a.encrypt(SMALL).unwrap() else {
        unimplemented!("the first message is a pre-key message")
    };
    let mut b = bob.create_inbound_session(config, alice.curve25519_key(), &first).unwrap().session;
    for turn in 0..TURNS {
        let (from, to) = if turn % 2 == 0 { (&mut b, &mut a) } else { (&mut a, &mut b) };
        for _ in 0..MESSAGES_PER_TURN {
            assert_eq!(to.decrypt(&from.encrypt(SMALL).unwrap()).unwrap(), SMALL);
        }
    }
    a
}

/// As [`sal_session`].
fn vz_session() -> vz::Session {
    let alice = vz::Account::new();
    let mut bob = vz::Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let config = vz::SessionConfig::version_1();
    let mut a = alice.create_outbound_session(config, bob.curve25519_key(), otk).unwrap();
    let vz::OlmMessage::PreKey(first) = a.encrypt(SMALL).unwrap() else {
        unimplemented!("the first message is a pre-key message")
    };
    let mut b = bob.create_inbound_session(config, alice.curve25519_key(), &first).unwrap().session;
    for turn in 0..TURNS {
        let (from, to) = if turn % 2 == 0 { (&mut b, &mut a) } else { (&mut a, &mut b) };
        for _ in 0..MESSAGES_PER_TURN {
            assert_eq!(to.decrypt(&from.encrypt(SMALL).unwrap()).unwrap(), SMALL);
        }
    }
    a
}

/// As [`sal_session`].
fn lo_session() -> lo::Session {
    let curve25519 = |account: &lo::Account| {
        let keys: serde_json::Value = serde_json::from_str(&account.identity_keys()).unwrap();
        keys["curve25519"].as_str().unwrap().to_owned()
    };
    let alice = lo::Account::new();
    let mut bob = lo::Account::new();
    bob.generate_one_time_keys(1);
    let keys: serde_json::Value = serde_json::from_str(&bob.one_time_keys()).unwrap();
    let otk = keys["curve25519"].as_object().unwrap().values().next().unwrap().as_str().unwrap();
    let mut a = lo::Session::create_outbound(&alice, &curve25519(&bob), otk).unwrap();
    let (kind, first) = a.encrypt(&SMALL).unwrap();
    assert_eq!(kind, 0);
    let mut b = lo::Session::create_inbound_from(&mut bob, &curve25519(&alice), &first).unwrap();
    assert_eq!(b.decrypt(kind, &first).unwrap(), SMALL);
    bob.remove_one_time_keys(&b).unwrap();
    for turn in 0..TURNS {
        let (from, to) = if turn % 2 == 0 { (&mut b, &mut a) } else { (&mut a, &mut b) };
        for _ in 0..MESSAGES_PER_TURN {
            let (kind, body) = from.encrypt(&SMALL).unwrap();
            assert_eq!(to.decrypt(kind, &body).unwrap(), SMALL);
        }
    }
    a
}

fn sal_inbound(outbound: &mut sal_megolm::GroupSession) -> sal_megolm::InboundGroupSession {
    let config = sal_megolm::SessionConfig::version_1();
    let mut inbound = sal_megolm::InboundGroupSession::new(&outbound.session_key(), config);
    for _ in 0..3 {
        inbound.decrypt(&outbound.encrypt(SMALL)).unwrap();
    }
    inbound
}

fn vz_inbound(outbound: &mut vz_megolm::GroupSession) -> vz_megolm::InboundGroupSession {
    let config = vz_megolm::SessionConfig::version_1();
    let mut inbound = vz_megolm::InboundGroupSession::new(&outbound.session_key(), config);
    for _ in 0..3 {
        inbound.decrypt(&outbound.encrypt(SMALL)).unwrap();
    }
    inbound
}

fn lo_inbound(outbound: &mut lo::OutboundGroupSession) -> lo::InboundGroupSession {
    let mut inbound = lo::InboundGroupSession::new(&outbound.session_key()).unwrap();
    for _ in 0..3 {
        inbound.decrypt(&outbound.encrypt(&SMALL).unwrap()).unwrap();
    }
    inbound
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

fn native(group: &mut BenchmarkGroup<'_, WallTime>) {
    let account = sal_account();
    group.bench_function(BenchmarkId::new("account", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = account.pickle().encrypt(&KEY);
            sal::Account::from_pickle(sal::AccountPickle::from_encrypted(&pickle, &KEY).unwrap())
        })
    });
    let account = vz_account();
    group.bench_function(BenchmarkId::new("account", VODOZEMAC), |b| {
        b.iter(|| {
            let pickle = account.pickle().encrypt(&KEY);
            vz::Account::from_pickle(vz::AccountPickle::from_encrypted(&pickle, &KEY).unwrap())
        })
    });
    let account = lo_account();
    group.bench_function(BenchmarkId::new("account", LIBOLM), |b| {
        b.iter(|| lo::Account::unpickle(&account.pickle(&KEY), &KEY).unwrap())
    });

    let session = sal_session();
    group.bench_function(BenchmarkId::new("session", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = session.pickle().encrypt(&KEY);
            sal::Session::from_pickle(sal::SessionPickle::from_encrypted(&pickle, &KEY).unwrap())
        })
    });
    let session = vz_session();
    group.bench_function(BenchmarkId::new("session", VODOZEMAC), |b| {
        b.iter(|| {
            let pickle = session.pickle().encrypt(&KEY);
            vz::Session::from_pickle(vz::SessionPickle::from_encrypted(&pickle, &KEY).unwrap())
        })
    });
    let session = lo_session();
    group.bench_function(BenchmarkId::new("session", LIBOLM), |b| {
        b.iter(|| lo::Session::unpickle(&session.pickle(&KEY), &KEY).unwrap())
    });

    let mut outbound = sal_megolm::GroupSession::new(sal_megolm::SessionConfig::version_1());
    let inbound = sal_inbound(&mut outbound);
    group.bench_function(BenchmarkId::new("group_session", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = outbound.pickle().encrypt(&KEY);
            let pickle = sal_megolm::GroupSessionPickle::from_encrypted(&pickle, &KEY).unwrap();
            sal_megolm::GroupSession::from_pickle(pickle)
        })
    });
    group.bench_function(BenchmarkId::new("inbound_group_session", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = inbound.pickle().encrypt(&KEY);
            let pickle =
                sal_megolm::InboundGroupSessionPickle::from_encrypted(&pickle, &KEY).unwrap();
            sal_megolm::InboundGroupSession::from_pickle(pickle)
        })
    });

    let mut outbound = vz_megolm::GroupSession::new(vz_megolm::SessionConfig::version_1());
    let inbound = vz_inbound(&mut outbound);
    group.bench_function(BenchmarkId::new("group_session", VODOZEMAC), |b| {
        b.iter(|| {
            let pickle = outbound.pickle().encrypt(&KEY);
            let pickle = vz_megolm::GroupSessionPickle::from_encrypted(&pickle, &KEY).unwrap();
            vz_megolm::GroupSession::from_pickle(pickle)
        })
    });
    group.bench_function(BenchmarkId::new("inbound_group_session", VODOZEMAC), |b| {
        b.iter(|| {
            let pickle = inbound.pickle().encrypt(&KEY);
            let pickle =
                vz_megolm::InboundGroupSessionPickle::from_encrypted(&pickle, &KEY).unwrap();
            vz_megolm::InboundGroupSession::from_pickle(pickle)
        })
    });

    let mut outbound = lo::OutboundGroupSession::new();
    let inbound = lo_inbound(&mut outbound);
    group.bench_function(BenchmarkId::new("group_session", LIBOLM), |b| {
        b.iter(|| lo::OutboundGroupSession::unpickle(&outbound.pickle(&KEY), &KEY).unwrap())
    });
    group.bench_function(BenchmarkId::new("inbound_group_session", LIBOLM), |b| {
        b.iter(|| lo::InboundGroupSession::unpickle(&inbound.pickle(&KEY), &KEY).unwrap())
    });
}

fn libolm_format(group: &mut BenchmarkGroup<'_, WallTime>) {
    let account = sal_account();
    group.bench_function(BenchmarkId::new("account_libolm_format", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = account.to_libolm_pickle(&KEY).unwrap();
            sal::Account::from_libolm_pickle(&pickle, &KEY).unwrap()
        })
    });
    let account = vz_account();
    group.bench_function(BenchmarkId::new("account_libolm_format", VODOZEMAC), |b| {
        b.iter(|| {
            let pickle = account.to_libolm_pickle(&KEY).unwrap();
            vz::Account::from_libolm_pickle(&pickle, &KEY).unwrap()
        })
    });

    let session = sal_session();
    group.bench_function(BenchmarkId::new("session_libolm_format", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = session.to_libolm_pickle(&KEY).unwrap();
            sal::Session::from_libolm_pickle(&pickle, &KEY).unwrap()
        })
    });

    let mut outbound = sal_megolm::GroupSession::new(sal_megolm::SessionConfig::version_1());
    let inbound = sal_inbound(&mut outbound);
    group.bench_function(BenchmarkId::new("group_session_libolm_format", SALAMANDER), |b| {
        b.iter(|| {
            let pickle = outbound.to_libolm_pickle(&KEY).unwrap();
            sal_megolm::GroupSession::from_libolm_pickle(&pickle, &KEY).unwrap()
        })
    });
    group.bench_function(
        BenchmarkId::new("inbound_group_session_libolm_format", SALAMANDER),
        |b| {
            b.iter(|| {
                let pickle = inbound.to_libolm_pickle(&KEY).unwrap();
                sal_megolm::InboundGroupSession::from_libolm_pickle(&pickle, &KEY).unwrap()
            })
        },
    );
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("pickle");
    native(&mut group);
    libolm_format(&mut group);
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
