//! DMLS (`salamander::dmls`) next to plain openmls 0.9.2, in the same process.
//!
//! For groups of 2, 100 and 1000 members (`DMLS_BENCH_SIZES=2,100` restricts them), with the
//! ciphersuite, wire format policy (pure ciphertext) and ratchet-tree extension salamander uses,
//! the plain side being an `MlsGroup` over `OpenMlsRustCrypto` (RustCrypto + `MemoryStorage`)
//! kept loaded in memory as an openmls application would:
//!
//! - `dmls_n<n>/commit/<impl>`: a self-update commit (forced update path) created, serialized
//!   and merged by the committer. salamander adds its per-commit PSK, keeps the retained parent
//!   and evicts forks past the default [`RetentionLimits`] (steady state: each commit evicts one).
//! - `dmls_n<n>/process_commit/<impl>`: the other member decodes, processes and merges it
//!   (salamander: with the PPRF evaluation and puncturing, the PSK check, and in steady state
//!   the eviction of the fork past `max_depth`).
//! - `dmls_n<n>/encrypt/<impl>`: one 64-byte application message, to wire bytes.
//! - `dmls_n<n>/decrypt/<impl>`: the other member decodes and decrypts it.
//! - `dmls_n<n>/process_first_commit/salamander` and `.../process_rival_commit/salamander`:
//!   Bob processing Alice's commit on fork F from a restored state holding F only, against a
//!   state where Bob has already committed on F himself (so F is a retained parent and Alice's
//!   commit creates its second child): the cost of branching a fork. Neither evicts a fork.
//! - `dmls_n<n>/storage_copy/openmls` and `dmls_n<n>/group_load/openmls`: cloning the plain
//!   member's `MemoryStorage` entries and `MlsGroup::load` from them, the two steps salamander
//!   adds to every operation (each works on a copy of the fork's storage).
//! - `dmls_forks/process_application/k<k>` and `dmls_forks/process_commit/k<k>` (100 members):
//!   one member holding F and k concurrent children of F (commits from k different members on
//!   the same epoch) processes an application message on one child, or a commit on one child.
//!
//! Every iteration is a genuine operation: senders and receivers advance together (messages
//! and commits are made untimed in `iter_batched` set-ups and processed in order), and the rows
//! that need a fixed starting state restore it from a pickle (salamander) or a copy of the
//! `MemoryStorage` (openmls) in the untimed set-up; outputs, including whole groups, are dropped
//! outside the timed region. Only Alice and Bob act (plus 7 committers for the fork rows); the
//! other members are added from KeyPackages and never act. The same passive KeyPackages are
//! added to both the salamander and the openmls group.
//!
//! Memory: a counting global allocator measures the heap bytes a member holds per additional
//! retained fork (Bob processing 8 successive commits with retention limits raised so nothing is
//! evicted; and, at 100 members, between 1 and 8 concurrent children), next to the heap of one
//! plain openmls group (its `MemoryStorage` plus the loaded `MlsGroup`). They are printed as
//! `DMLS-MEMORY {json}` lines and written to `target/dmls-memory/n<n>.json`, which
//! `scripts/dmls-bench-results` reads with criterion's estimates. The counter costs two relaxed
//! atomic additions per allocation on both sides alike.
//!
//! `cargo bench --bench dmls --features dmls`

// The counting allocator below needs `unsafe` (the package denies it everywhere else); the
// library itself is `#![forbid(unsafe_code)]`.
#![allow(unsafe_code)]
// Bench fixtures: panicking on a broken set-up is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use common::{SALAMANDER, SMALL};
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, SamplingMode,
};
use openmls::prelude::{
    BasicCredential, CredentialWithKey, KeyPackage, MlsGroup, MlsGroupJoinConfig, MlsMessageBodyIn,
    MlsMessageIn, ProcessedMessageContent, ProtocolVersion, StagedWelcome,
    PURE_CIPHERTEXT_WIRE_FORMAT_POLICY,
};
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::OpenMlsProvider as _;
use salamander::dmls::{DmlsGroup, DmlsIdentity, Processed, RetentionLimits, CIPHERSUITE};
use serde_json::json;
use tls_codec::{Deserialize as _, Serialize as _};

/// Plain openmls 0.9.2 with OpenMlsRustCrypto.
const OPENMLS: &str = "openmls";

/// The group sizes, unless `DMLS_BENCH_SIZES` says otherwise.
const SIZES: [usize; 3] = [2, 100, 1000];

/// The group size of the `dmls_forks` rows.
const FORK_MEMBERS: usize = 100;

/// The numbers of concurrent children of one fork in the `dmls_forks` rows.
const FORK_COUNTS: [usize; 4] = [1, 2, 4, 8];

/// Commits Bob processes (and forks he retains) for the memory measure.
const MEMORY_STEPS: usize = 8;

// ---------------------------------------------------------------------------------------------
// Heap accounting

/// Heap bytes currently allocated by the process.
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting live bytes.
struct Counting;

// SAFETY: every method forwards to `System` unchanged and only updates a counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// The heap bytes held by what `make` returns (everything else it allocates being freed).
fn heap_of<T>(make: impl FnOnce() -> T) -> (T, isize) {
    let before = live();
    let value = make();
    (value, live() - before)
}

// ---------------------------------------------------------------------------------------------
// Plain openmls

/// A plain openmls member: provider (RustCrypto + MemoryStorage), signer, loaded group.
struct Plain {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    group: MlsGroup,
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .wire_format_policy(PURE_CIPHERTEXT_WIRE_FORMAT_POLICY)
        .build()
}

fn plain_identity(name: &[u8]) -> (OpenMlsRustCrypto, SignatureKeyPair, CredentialWithKey) {
    let signer = SignatureKeyPair::new(CIPHERSUITE.signature_algorithm()).unwrap();
    let credential = CredentialWithKey {
        credential: BasicCredential::new(name.to_vec()).into(),
        signature_key: signer.public().into(),
    };
    (OpenMlsRustCrypto::default(), signer, credential)
}

fn decode(bytes: &[u8]) -> MlsMessageBodyIn {
    MlsMessageIn::tls_deserialize_exact(bytes).unwrap().extract()
}

impl Plain {
    /// An independent copy: the storage's entries, and the group loaded from them.
    fn copy(&self) -> Self {
        let provider = OpenMlsRustCrypto::default();
        let values = self.provider.storage().values.read().unwrap().clone();
        *provider.storage().values.write().unwrap() = values;
        let group = MlsGroup::load(provider.storage(), self.group.group_id()).unwrap().unwrap();
        Self { provider, signer: self.signer.clone(), group }
    }

    fn encrypt(&mut self, plaintext: &[u8]) -> Vec<u8> {
        self.group
            .create_message(&self.provider, &self.signer, plaintext)
            .unwrap()
            .tls_serialize_detached()
            .unwrap()
    }

    /// A self-update commit (forced update path, as salamander's), merged; its wire bytes.
    fn commit(&mut self) -> Vec<u8> {
        let bundle = self
            .group
            .commit_builder()
            .force_self_update(true)
            .load_psks(self.provider.storage())
            .unwrap()
            .build(self.provider.rand(), self.provider.crypto(), &self.signer, |_| true)
            .unwrap()
            .stage_commit(&self.provider)
            .unwrap();
        let bytes = bundle.commit().tls_serialize_detached().unwrap();
        self.group.merge_pending_commit(&self.provider).unwrap();
        bytes
    }

    /// Decode and process a message; a commit is merged. The plaintext of an application
    /// message.
    fn process(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        let message = MlsMessageIn::tls_deserialize_exact(bytes)
            .unwrap()
            .try_into_protocol_message()
            .unwrap();
        match self.group.process_message(&self.provider, message).unwrap().into_content() {
            ProcessedMessageContent::ApplicationMessage(message) => Some(message.into_bytes()),
            ProcessedMessageContent::StagedCommitMessage(staged) => {
                self.group.merge_staged_commit(&self.provider, *staged).unwrap();
                None
            }
            _ => panic!("unexpected message"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/// An independent copy of a salamander group (through its pickle).
fn copy(group: &DmlsGroup) -> DmlsGroup {
    DmlsGroup::from_pickle(group.pickle())
}

/// One group size: salamander's Alice (creator), Bob and `committers`, and plain openmls's
/// Alice and Bob, all at the epoch after Alice added everyone in one commit.
struct Fixture {
    members: usize,
    alice: DmlsGroup,
    bob: DmlsGroup,
    committers: Vec<DmlsGroup>,
    alice_p: Plain,
    bob_p: Plain,
}

impl Fixture {
    fn new(members: usize, committers: usize) -> Self {
        assert!(members >= 2 + committers);
        let alice_id = DmlsIdentity::new(b"alice".to_vec()).unwrap();
        let mut alice = DmlsGroup::create(&alice_id).unwrap();
        let mut bob_id = DmlsIdentity::new(b"bob".to_vec()).unwrap();
        let mut committer_ids: Vec<DmlsIdentity> = (0..committers)
            .map(|i| DmlsIdentity::new(format!("committer {i}").into_bytes()).unwrap())
            .collect();
        let bob_kp = bob_id.key_package().unwrap();
        // Everyone but Bob: the committers, then the passive members.
        let mut others: Vec<Vec<u8>> =
            committer_ids.iter_mut().map(|id| id.key_package().unwrap()).collect();
        others.extend((2 + committers..members).map(|i| {
            DmlsIdentity::new(format!("member {i}").into_bytes()).unwrap().key_package().unwrap()
        }));
        let refs: Vec<&[u8]> =
            std::iter::once(bob_kp.as_slice()).chain(others.iter().map(Vec::as_slice)).collect();
        let welcome = alice.add_members(&refs).unwrap().welcome.unwrap();
        let bob = DmlsGroup::join(&mut bob_id, &welcome).unwrap();
        let committers =
            committer_ids.iter_mut().map(|id| DmlsGroup::join(id, &welcome).unwrap()).collect();

        let (provider, signer, credential) = plain_identity(b"alice");
        let mut group = MlsGroup::builder()
            .ciphersuite(CIPHERSUITE)
            .use_ratchet_tree_extension(true)
            .with_wire_format_policy(PURE_CIPHERTEXT_WIRE_FORMAT_POLICY)
            .build(&provider, &signer, credential)
            .unwrap();
        let (bob_provider, bob_signer, bob_credential) = plain_identity(b"bob");
        let bob_kp = KeyPackage::builder()
            .build(CIPHERSUITE, &bob_provider, &bob_signer, bob_credential)
            .unwrap()
            .key_package()
            .clone();
        let key_packages: Vec<KeyPackage> = std::iter::once(bob_kp)
            .chain(others.iter().map(|bytes| {
                let MlsMessageBodyIn::KeyPackage(kp) = decode(bytes) else { panic!() };
                kp.validate(provider.crypto(), ProtocolVersion::Mls10).unwrap()
            }))
            .collect();
        let (_, welcome, _) = group.add_members(&provider, &signer, &key_packages).unwrap();
        group.merge_pending_commit(&provider).unwrap();
        let MlsMessageBodyIn::Welcome(welcome) = decode(&welcome.tls_serialize_detached().unwrap())
        else {
            panic!()
        };
        let bob_group =
            StagedWelcome::new_from_welcome(&bob_provider, &join_config(), welcome, None)
                .unwrap()
                .into_group(&bob_provider)
                .unwrap();
        assert_eq!(bob_group.members().count(), members);
        assert_eq!(bob.members(bob.preferred_fork().unwrap()).unwrap().len(), members);

        Self {
            members,
            alice,
            bob,
            committers,
            alice_p: Plain { provider, signer, group },
            bob_p: Plain { provider: bob_provider, signer: bob_signer, group: bob_group },
        }
    }
}

/// A member holding fork F and k concurrent children of F, for each k of [`FORK_COUNTS`];
/// Alice on her own child (the one every receiver holds), and her next commit on it.
struct Forks {
    receivers: Vec<(usize, DmlsGroup)>,
    alice: DmlsGroup,
    next_commit: Vec<u8>,
    /// Heap bytes of each receiver.
    heap: Vec<(usize, isize)>,
}

impl Forks {
    /// From a fixture whose members are all still on the epoch they joined.
    fn new(f: &mut Fixture) -> Self {
        let mut alice = copy(&f.alice);
        let mut commits = vec![alice.self_update().unwrap().commit];
        for committer in &mut f.committers {
            commits.push(committer.self_update().unwrap().commit);
        }
        let next_commit = copy(&alice).self_update().unwrap().commit;
        let mut base = copy(&f.bob);
        let parent = base.preferred_fork().unwrap();
        let epoch = base.forks()[0].epoch;
        base.set_limits(RetentionLimits { max_forks: 64, ..RetentionLimits::default() });
        let mut receivers = Vec::new();
        let mut heap = Vec::new();
        let mut done = 0;
        for k in FORK_COUNTS {
            while done < k {
                let processed = base.process(&commits[done]).unwrap();
                assert!(matches!(processed, Processed::Commit { parent: p, .. } if p == parent));
                done += 1;
            }
            let forks = base.forks();
            assert_eq!(forks.len(), k + 1);
            assert_eq!(forks.iter().filter(|fork| fork.epoch == epoch + 1).count(), k);
            let (receiver, bytes) = heap_of(|| copy(&base));
            heap.push((k, bytes));
            receivers.push((k, receiver));
        }
        Self { receivers, alice, next_commit, heap }
    }
}

// ---------------------------------------------------------------------------------------------
// Memory

/// Heap per retained fork at one group size; printed and written for the results script.
fn memory(f: &Fixture, forks: Option<&Forks>) {
    // Bob retains every fork Alice's commits create.
    let mut alice = copy(&f.alice);
    let mut bob = copy(&f.bob);
    bob.set_limits(RetentionLimits { max_forks: 64, max_depth: 64, ..RetentionLimits::default() });
    let commits: Vec<Vec<u8>> =
        (0..MEMORY_STEPS).map(|_| alice.self_update().unwrap().commit).collect();
    let forks_before = bob.forks().len();
    let before = live();
    for commit in &commits {
        bob.process(commit).unwrap();
    }
    let chain = (live() - before) / MEMORY_STEPS as isize;
    assert_eq!(bob.forks().len(), forks_before + MEMORY_STEPS);
    drop(bob);

    let (plain, plain_bytes) = heap_of(|| f.bob_p.copy());
    drop(plain);
    let (one, one_bytes) = heap_of(|| {
        let mut one = copy(&f.bob);
        one.set_limits(RetentionLimits { max_forks: 1, ..RetentionLimits::default() });
        one
    });
    assert_eq!(one.forks().len(), 1);
    drop(one);

    let mut report = json!({
        "members": f.members,
        "bytes_per_fork_chain": chain,
        "chain_forks_added": MEMORY_STEPS,
        "salamander_one_fork_bytes": one_bytes,
        "openmls_group_bytes": plain_bytes,
    });
    if let Some(forks) = forks {
        let (k1, h1) = forks.heap[0];
        let (kn, hn) = forks.heap[forks.heap.len() - 1];
        report["bytes_per_fork_rival"] = json!((hn - h1) / (kn - k1) as isize);
        report["rival_heap_by_k"] =
            forks.heap.iter().map(|(k, bytes)| json!({"k": k, "bytes": bytes})).collect();
    }
    println!("DMLS-MEMORY {report}");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("dmls-memory");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("n{}.json", f.members)), format!("{report:#}\n")).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

fn sizes() -> Vec<usize> {
    match std::env::var("DMLS_BENCH_SIZES") {
        Ok(list) => list.split(',').map(|s| s.trim().parse().unwrap()).collect(),
        Err(_) => SIZES.to_vec(),
    }
}

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, members: usize) {
    if members >= 100 {
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
    }
}

fn dmls(c: &mut Criterion) {
    for members in sizes() {
        let start = Instant::now();
        let committers = if members == FORK_MEMBERS { FORK_COUNTS[3] - 1 } else { 0 };
        let mut f = Fixture::new(members, committers);
        let forks = (committers > 0).then(|| Forks::new(&mut f));
        memory(&f, forks.as_ref());
        eprintln!("dmls: {members} members set up in {:.1?}", start.elapsed());
        size(c, &mut f);
        if let Some(forks) = forks {
            fork_rows(c, &forks);
        }
    }
}

fn size(c: &mut Criterion, f: &mut Fixture) {
    let mut group = c.benchmark_group(format!("dmls_n{}", f.members));
    configure(&mut group, f.members);

    // Encrypt, on copies of Alice (so that Bob stays within openmls's forward distance).
    let mut alice = copy(&f.alice);
    group.bench_function(format!("encrypt/{SALAMANDER}"), |b| {
        b.iter(|| alice.encrypt(black_box(&SMALL)).unwrap())
    });
    let mut alice = f.alice_p.copy();
    group.bench_function(format!("encrypt/{OPENMLS}"), |b| {
        b.iter(|| alice.encrypt(black_box(&SMALL)))
    });

    // Decrypt: Alice encrypts (untimed), Bob processes, in order.
    group.bench_function(format!("decrypt/{SALAMANDER}"), |b| {
        b.iter_batched(
            || f.alice.encrypt(&SMALL).unwrap(),
            |message| f.bob.process(&message).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(format!("decrypt/{OPENMLS}"), |b| {
        b.iter_batched(
            || f.alice_p.encrypt(&SMALL),
            |message| f.bob_p.process(&message).unwrap(),
            BatchSize::SmallInput,
        )
    });

    // Commit, on copies of Alice; every iteration commits on the epoch the last one made.
    let mut alice = copy(&f.alice);
    group.bench_function(format!("commit/{SALAMANDER}"), |b| {
        b.iter(|| alice.self_update().unwrap())
    });
    let mut alice = f.alice_p.copy();
    group.bench_function(format!("commit/{OPENMLS}"), |b| b.iter(|| alice.commit()));
    drop(alice);

    // Process + merge: Alice commits (untimed), Bob processes, in order.
    group.bench_function(format!("process_commit/{SALAMANDER}"), |b| {
        b.iter_batched(
            || f.alice.self_update().unwrap().commit,
            |commit| f.bob.process(&commit).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(format!("process_commit/{OPENMLS}"), |b| {
        b.iter_batched(
            || f.alice_p.commit(),
            |commit| f.bob_p.process(&commit),
            BatchSize::SmallInput,
        )
    });

    // For scale: what copying a fork's storage and reloading its group cost. salamander copies
    // the storage for commits only and keeps each fork's group loaded, as plain openmls does.
    group.bench_function(format!("storage_copy/{OPENMLS}"), |b| {
        b.iter(|| f.bob_p.provider.storage().values.read().unwrap().clone())
    });
    group.bench_function(format!("group_load/{OPENMLS}"), |b| {
        b.iter(|| {
            MlsGroup::load(f.bob_p.provider.storage(), f.bob_p.group.group_id()).unwrap().unwrap()
        })
    });

    // Branching: Alice's commit on F, at Bob holding F only, or F and his own child of F.
    // Both states start from F alone, so that neither evicts a fork while timed.
    let commit = copy(&f.alice).self_update().unwrap().commit;
    let parent = f.bob.preferred_fork().unwrap();
    let mut first_state = copy(&f.bob);
    first_state.set_limits(RetentionLimits { max_forks: 1, ..RetentionLimits::default() });
    first_state.set_limits(RetentionLimits::default());
    assert_eq!(first_state.forks().len(), 1);
    let mut rival_state = copy(&first_state);
    rival_state.self_update().unwrap();
    {
        let mut check = copy(&rival_state);
        let processed = check.process(&commit).unwrap();
        assert!(matches!(processed, Processed::Commit { parent: p, .. } if p == parent));
        let epoch = check.forks().iter().map(|fork| fork.epoch).max().unwrap();
        assert_eq!(check.forks().iter().filter(|fork| fork.epoch == epoch).count(), 2);
    }
    group.bench_function(format!("process_first_commit/{SALAMANDER}"), |b| {
        b.iter_batched(
            || copy(&first_state),
            |mut bob| {
                let processed = bob.process(&commit).unwrap();
                (bob, processed)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function(format!("process_rival_commit/{SALAMANDER}"), |b| {
        b.iter_batched(
            || copy(&rival_state),
            |mut bob| {
                let processed = bob.process(&commit).unwrap();
                (bob, processed)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn fork_rows(c: &mut Criterion, forks: &Forks) {
    let mut group = c.benchmark_group("dmls_forks");
    configure(&mut group, FORK_MEMBERS);
    for (k, receiver) in &forks.receivers {
        let mut alice = copy(&forks.alice);
        let mut bob = copy(receiver);
        group.bench_function(format!("process_application/k{k}"), |b| {
            b.iter_batched(
                || alice.encrypt(&SMALL).unwrap(),
                |message| bob.process(&message).unwrap(),
                BatchSize::SmallInput,
            )
        });
        assert_eq!(bob.forks().len(), k + 1);
        group.bench_function(format!("process_commit/k{k}"), |b| {
            b.iter_batched(
                || copy(receiver),
                |mut bob| {
                    let processed = bob.process(&forks.next_commit).unwrap();
                    (bob, processed)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = dmls
}
criterion_main!(benches);
