//! Megolm: encryption, sequential decryption, and decryption after index jumps.
//!
//! `cargo bench --bench megolm`

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use salamander::megolm::{
    ExportedSessionKey, GroupSession, GroupSessionPickle, InboundGroupSession, SessionConfig,
};

/// An outbound session moved to `index` (through its pickle, which holds the ratchet), and an
/// inbound session at 0 for the same session.
fn sessions_at(index: u32) -> (GroupSession, InboundGroupSession) {
    let outbound = GroupSession::new(SessionConfig::version_1());
    let mut inbound = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
    let exported = inbound.export_at(index).expect("an index after 0");
    let bytes = exported.to_bytes();
    let mut pickle = serde_json::to_value(outbound.pickle()).expect("pickle");
    pickle["ratchet"] = serde_json::json!({"inner": bytes[5..133].to_vec(), "counter": index});
    let pickle: GroupSessionPickle = serde_json::from_value(pickle).expect("pickle");
    (GroupSession::from_pickle(pickle), inbound)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("megolm");
    let plaintext = [0x42u8; 64];

    let mut outbound = GroupSession::new(SessionConfig::version_1());
    group.bench_function("encrypt 64 B", |b| b.iter(|| outbound.encrypt(plaintext)));

    let (mut outbound, inbound) = sessions_at(0);
    let messages: Vec<_> = (0..1000).map(|_| outbound.encrypt(plaintext)).collect();
    group.bench_function("decrypt 64 B (sequential)", |b| {
        b.iter_batched_ref(
            || {
                (
                    InboundGroupSession::import(
                        &inbound.export_at_first_known_index(),
                        SessionConfig::version_1(),
                    ),
                    0usize,
                )
            },
            |(session, next)| {
                for message in &messages[..100] {
                    let _ = session.decrypt(message);
                    *next += 1;
                }
            },
            BatchSize::SmallInput,
        )
    });

    for (name, index) in [
        ("jump 1", 1u32),
        ("jump 2^8", 1 << 8),
        ("jump 2^16", 1 << 16),
        ("jump 2^24", 1 << 24),
        ("jump 2^24 - 1", (1 << 24) - 1),
    ] {
        let (mut outbound, inbound) = sessions_at(index);
        let message = outbound.encrypt(plaintext);
        let key: ExportedSessionKey = inbound.export_at_first_known_index();
        group.bench_function(format!("decrypt after {name}"), |b| {
            b.iter_batched_ref(
                || InboundGroupSession::import(&key, SessionConfig::version_1()),
                |session| session.decrypt(&message).expect("decrypts"),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
