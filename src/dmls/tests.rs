//! Group-level tests of the DMLS module (forks, retention, PSK rules, forward secrecy,
//! pickling); envelope, PPRF and storage tests sit beside their code. Scenarios follow
//! [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/) on
//! [RFC 9420](https://www.rfc-editor.org/rfc/rfc9420) groups.

use openmls::prelude::{MlsGroup, MlsMessageIn, PreSharedKeyProposal, Proposal, ProtocolMessage};
use openmls::schedule::PreSharedKeyId;
use tls_codec::{Deserialize as _, Serialize as _};

use super::group::{self, PPRF_COMPONENT};
use super::storage::{self, Provider};
use super::*;

fn identity(name: &str) -> DmlsIdentity {
    DmlsIdentity::new(name.as_bytes().to_vec()).unwrap()
}

/// Alice creates a group and adds Bob and Carol in one commit.
fn three() -> (DmlsGroup, DmlsGroup, DmlsGroup) {
    let alice_id = identity("alice");
    let mut bob_id = identity("bob");
    let mut carol_id = identity("carol");
    let mut alice = DmlsGroup::create(&alice_id).unwrap();
    let (kb, kc) = (bob_id.key_package().unwrap(), carol_id.key_package().unwrap());
    let add = alice.add_members(&[&kb, &kc]).unwrap();
    let welcome = add.welcome.unwrap();
    let bob = DmlsGroup::join(&mut bob_id, &welcome).unwrap();
    let carol = DmlsGroup::join(&mut carol_id, &welcome).unwrap();
    (alice, bob, carol)
}

fn open(group: &mut DmlsGroup, envelope: &[u8]) -> Vec<u8> {
    match group.process(envelope).unwrap() {
        Processed::Application { plaintext, .. } => plaintext.to_vec(),
        other => panic!("not an application message: {other:?}"),
    }
}

/// The plaintexts of the application messages among `replayed`, in order.
fn plaintexts(replayed: &[Processed]) -> Vec<Vec<u8>> {
    replayed
        .iter()
        .filter_map(|p| match p {
            Processed::Application { plaintext, .. } => Some(plaintext.to_vec()),
            _ => None,
        })
        .collect()
}

fn commit_fork(processed: Processed) -> ForkId {
    match processed {
        Processed::Commit { fork_id, .. } => fork_id,
        other => panic!("not a commit: {other:?}"),
    }
}

/// The whole state, to check that failures change nothing.
fn snapshot(group: &DmlsGroup) -> Vec<u8> {
    serde_json::to_vec(&group.pickle()).unwrap()
}

fn rewrap(envelope: &[u8], fork_id: ForkId) -> Vec<u8> {
    let mut e = Envelope::decode(envelope).unwrap();
    e.fork_id = fork_id;
    e.encode().unwrap()
}

#[test]
fn join_and_exchange() {
    let (mut alice, mut bob, mut carol) = three();
    let fork = alice.preferred_fork().unwrap();
    assert_eq!(bob.preferred_fork(), Some(fork));
    assert_eq!(carol.preferred_fork(), Some(fork));
    assert_eq!(
        alice.members(fork).unwrap(),
        vec![b"alice".to_vec(), b"bob".to_vec(), b"carol".to_vec()]
    );
    let m = bob.encrypt(b"hi from bob").unwrap();
    assert_eq!(open(&mut alice, &m), b"hi from bob");
    assert_eq!(open(&mut carol, &m), b"hi from bob");
    // A replay on the same fork is refused, and changes nothing.
    let before = snapshot(&carol);
    assert!(matches!(carol.process(&m), Err(DmlsError::Replayed)));
    assert_eq!(snapshot(&carol), before);
    // Own messages are not decrypted again.
    assert!(matches!(bob.process(&m), Err(DmlsError::OwnMessage)));
}

#[test]
fn concurrent_commits_make_two_forks_everywhere() {
    let (mut alice, mut bob, mut carol) = three();
    let base = alice.preferred_fork().unwrap();
    let a = alice.self_update().unwrap();
    let b = bob.self_update().unwrap();
    // Carol sees A then B, Alice sees B, Bob sees A.
    let ca = commit_fork(carol.process(&a.commit).unwrap());
    let cb = commit_fork(carol.process(&b.commit).unwrap());
    assert_eq!(commit_fork(alice.process(&b.commit).unwrap()), b.fork_id);
    assert_eq!(commit_fork(bob.process(&a.commit).unwrap()), a.fork_id);
    assert_eq!((ca, cb), (a.fork_id, b.fork_id));
    assert_ne!(a.fork_id, b.fork_id);
    for g in [&alice, &bob, &carol] {
        let ids: Vec<ForkId> = g.forks().iter().map(|f| f.id).collect();
        assert!(ids.contains(&base) && ids.contains(&a.fork_id) && ids.contains(&b.fork_id));
        assert_eq!(g.forks().iter().filter(|f| f.epoch == 2).count(), 2, "{g:?}");
        assert_eq!(g.preferred_fork(), Some(a.fork_id.max(b.fork_id)));
    }
    // Messages decrypt on both forks at everyone: send on each fork explicitly by making the
    // sender's other fork unavailable is not possible, so check the preferred one and then
    // the other fork via a member for whom it is the only epoch-2 fork.
    let m = alice.encrypt(b"on preferred").unwrap();
    assert_eq!(open(&mut bob, &m), b"on preferred");
    assert_eq!(open(&mut carol, &m), b"on preferred");
    // The same MLS bytes named as the other fork do not decrypt there.
    let preferred = alice.preferred_fork().unwrap();
    let other = if preferred == a.fork_id { b.fork_id } else { a.fork_id };
    let before = snapshot(&carol);
    assert!(carol.process(&rewrap(&m, other)).is_err());
    assert_eq!(snapshot(&carol), before);
}

#[test]
fn messages_on_the_non_preferred_fork_decrypt() {
    let (mut alice, mut bob, mut carol) = three();
    let a = alice.self_update().unwrap();
    let b = bob.self_update().unwrap();
    // Before seeing the rival, each committer sends on its own fork.
    let ma = alice.encrypt(b"from fork a").unwrap();
    let mb = bob.encrypt(b"from fork b").unwrap();
    carol.process(&a.commit).unwrap();
    carol.process(&b.commit).unwrap();
    alice.process(&b.commit).unwrap();
    bob.process(&a.commit).unwrap();
    assert_eq!(Envelope::decode(&ma).unwrap().fork_id, a.fork_id);
    assert_eq!(Envelope::decode(&mb).unwrap().fork_id, b.fork_id);
    assert_eq!(open(&mut carol, &ma), b"from fork a");
    assert_eq!(open(&mut carol, &mb), b"from fork b");
    assert_eq!(open(&mut bob, &ma), b"from fork a");
    assert_eq!(open(&mut alice, &mb), b"from fork b");
}

#[test]
fn duplicate_commits_are_idempotent() {
    let (mut alice, mut bob, _) = three();
    let a = alice.self_update().unwrap();
    bob.process(&a.commit).unwrap();
    let before = snapshot(&bob);
    assert!(
        matches!(bob.process(&a.commit), Err(DmlsError::Duplicate { child: Some(id) }) if id == a.fork_id)
    );
    assert_eq!(snapshot(&bob), before);
    // The committer receiving its own commit back.
    let before = snapshot(&alice);
    assert!(
        matches!(alice.process(&a.commit), Err(DmlsError::Duplicate { child: Some(id) }) if id == a.fork_id)
    );
    assert_eq!(snapshot(&alice), before);
}

#[test]
fn out_of_order_messages_wait_for_their_fork() {
    let (mut alice, mut bob, _) = three();
    let a = alice.self_update().unwrap();
    let m = alice.encrypt(b"early").unwrap();
    let a2 = alice.self_update().unwrap();
    let m2 = alice.encrypt(b"earlier still").unwrap();
    assert!(matches!(bob.process(&m2).unwrap(), Processed::Queued { .. }));
    assert!(matches!(bob.process(&a2.commit).unwrap(), Processed::Queued { .. }));
    assert!(
        matches!(bob.process(&m).unwrap(), Processed::Queued { fork_id } if fork_id == a.fork_id)
    );
    let Processed::Commit { fork_id, replayed, .. } = bob.process(&a.commit).unwrap() else {
        panic!("not a commit")
    };
    assert_eq!(fork_id, a.fork_id);
    assert_eq!(replayed.len(), 3, "{replayed:?}");
    let texts = plaintexts(&replayed);
    assert_eq!(texts, vec![b"early".to_vec(), b"earlier still".to_vec()]);
    assert_eq!(bob.preferred_fork(), Some(a2.fork_id));
    assert!(bob.queue.is_empty());
}

#[test]
fn queue_is_bounded_and_old_unknown_forks_are_refused() {
    let (mut alice, mut bob, _) = three();
    bob.set_limits(RetentionLimits { max_queued: 2, ..RetentionLimits::default() });
    alice.self_update().unwrap();
    let msgs: Vec<Vec<u8>> = (0..3).map(|i| alice.encrypt(&[i]).unwrap()).collect();
    assert!(matches!(bob.process(&msgs[0]).unwrap(), Processed::Queued { .. }));
    assert!(matches!(bob.process(&msgs[1]).unwrap(), Processed::Queued { .. }));
    let before = snapshot(&bob);
    assert!(matches!(bob.process(&msgs[2]), Err(DmlsError::QueueFull)));
    assert_eq!(snapshot(&bob), before);
    // A message naming an unknown fork at an epoch no retained fork can lead to.
    let m = bob.encrypt(b"x").unwrap();
    let before = snapshot(&bob);
    let bogus = ForkId::from_bytes([0xee; 32]);
    // (Bob's oldest retained fork is epoch 1, the message's epoch.)
    assert!(
        matches!(bob.process(&rewrap(&m, bogus)), Err(DmlsError::UnknownFork(id)) if id == bogus)
    );
    assert_eq!(snapshot(&bob), before);
}

#[test]
fn a_second_commit_on_a_used_psk_input_changes_nothing() {
    let (mut alice, mut bob, _) = three();
    // Alice equivocates: two different commits on the same fork with the same sender and
    // counter, so the same PPRF input.
    let mut alice_again = DmlsGroup::from_pickle(alice.pickle());
    let a = alice.self_update().unwrap();
    let rival = alice_again.self_update().unwrap();
    assert_ne!(a.commit, rival.commit);
    bob.process(&a.commit).unwrap();
    let before = snapshot(&bob);
    // Bob reports the commit that used the input first.
    assert!(
        matches!(bob.process(&rival.commit), Err(DmlsError::Duplicate { child: Some(id) }) if id == a.fork_id)
    );
    assert_eq!(snapshot(&bob), before);
    // With the record of that commit lost, the punctured PPRF still refuses the input.
    let mut json = serde_json::to_value(bob.pickle()).unwrap();
    for fork in json["forks"].as_array_mut().unwrap() {
        fork["commits"] = serde_json::json!([]);
    }
    let mut forgetful = DmlsGroup::from_pickle(serde_json::from_value(json).unwrap());
    let before = snapshot(&forgetful);
    assert!(matches!(forgetful.process(&rival.commit), Err(DmlsError::PskInputUsed)));
    assert!(matches!(forgetful.process(&a.commit), Err(DmlsError::PskInputUsed)));
    assert_eq!(snapshot(&forgetful), before);
}

#[test]
fn eviction_drops_waiting_messages_no_retained_fork_can_lead_to() {
    let (mut alice, mut bob, mut carol) = three();
    // A message on Alice's fork at epoch 2, which Bob has not seen: it waits.
    alice.self_update().unwrap();
    let m = alice.encrypt(b"waits").unwrap();
    assert!(matches!(bob.process(&m).unwrap(), Processed::Queued { .. }));
    // Carol's rival commit gives Bob another epoch-2 fork; evicting the base (epoch 1) leaves
    // no retained fork below epoch 2, so nothing can create Alice's fork any more.
    bob.process(&carol.self_update().unwrap().commit).unwrap();
    bob.set_limits(RetentionLimits { max_depth: 1, ..RetentionLimits::default() });
    assert_eq!(bob.queue.len(), 1, "the base is still retained");
    bob.set_limits(RetentionLimits { max_depth: 0, ..RetentionLimits::default() });
    assert_eq!(bob.forks().len(), 1);
    assert!(bob.queue.is_empty());
}

#[test]
fn the_queue_holds_at_most_16_mib() {
    let (mut alice, mut bob, _) = three();
    alice.self_update().unwrap();
    let m = alice.encrypt(b"waits").unwrap();
    assert!(matches!(bob.process(&m).unwrap(), Processed::Queued { .. }));
    let queued = bob.queue.pop_back().unwrap();
    let filler = |len: usize| group::Queued { message: vec![0; len], ..queued.clone() };
    // Room for exactly this message: queued.
    bob.queue.push_back(filler(16 * 1024 * 1024 - queued.message.len()));
    assert!(matches!(bob.process(&m).unwrap(), Processed::Queued { .. }));
    // One byte less room: refused, and nothing changes.
    bob.queue.clear();
    bob.queue.push_back(filler(16 * 1024 * 1024 - queued.message.len() + 1));
    let before = snapshot(&bob);
    assert!(matches!(bob.process(&m), Err(DmlsError::QueueFull)));
    assert_eq!(snapshot(&bob), before);
}

#[test]
fn lowered_and_restored_limits_bound_the_queue_and_the_evicted_ids() {
    let (mut alice, mut bob, _) = three();
    let a = alice.self_update().unwrap();
    for i in 0..4u8 {
        let m = alice.encrypt(&[i]).unwrap();
        assert!(matches!(bob.process(&m).unwrap(), Processed::Queued { .. }));
    }
    let full = bob.pickle();
    let waiting: Vec<Vec<u8>> = bob.queue.iter().map(|q| q.message.clone()).collect();
    // At the limit nothing goes; a lowered limit drops the newest waiting messages now.
    bob.set_limits(RetentionLimits { max_queued: 4, ..RetentionLimits::default() });
    assert_eq!(bob.queue.len(), 4);
    bob.set_limits(RetentionLimits { max_queued: 2, ..RetentionLimits::default() });
    assert_eq!(bob.queue.len(), 2);
    let Processed::Commit { replayed, .. } = bob.process(&a.commit).unwrap() else {
        panic!("not a commit")
    };
    let texts = plaintexts(&replayed);
    assert_eq!(texts, vec![vec![0], vec![1]]);

    // A pickle holding more than its own limits allow is cut down on restore: the queue to
    // `max_queued` (the oldest kept), the evicted ids to `MAX_EVICTED` (the newest kept).
    let id = |i: usize| {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&(i as u64).to_be_bytes());
        ForkId::from_bytes(bytes)
    };
    let restore = |max_queued: usize, evicted: usize| {
        let mut json = serde_json::to_value(&full).unwrap();
        json["limits"]["max_queued"] = max_queued.into();
        json["evicted"] = serde_json::to_value((0..evicted).map(id).collect::<Vec<_>>()).unwrap();
        DmlsGroup::from_pickle(serde_json::from_value(json).unwrap())
    };
    let at_limits = restore(4, group::MAX_EVICTED);
    assert_eq!(at_limits.queue.len(), 4);
    assert_eq!(at_limits.evicted.len(), group::MAX_EVICTED);
    let over = restore(3, group::MAX_EVICTED + 2);
    let queued: Vec<Vec<u8>> = over.queue.iter().map(|q| q.message.clone()).collect();
    assert_eq!(queued, waiting[..3]);
    assert_eq!(over.evicted.len(), group::MAX_EVICTED);
    assert_eq!(over.evicted.front(), Some(&id(2)));
    assert_eq!(over.evicted.back(), Some(&id(group::MAX_EVICTED + 1)));
}

#[test]
fn preferred_fork_is_independent_of_arrival_order() {
    let (mut alice, mut bob, mut carol) = three();
    let a = alice.self_update().unwrap();
    let b = bob.self_update().unwrap();
    let c = carol.self_update().unwrap();
    alice.process(&c.commit).unwrap();
    alice.process(&b.commit).unwrap();
    bob.process(&a.commit).unwrap();
    bob.process(&c.commit).unwrap();
    carol.process(&b.commit).unwrap();
    carol.process(&a.commit).unwrap();
    let expected = a.fork_id.max(b.fork_id).max(c.fork_id);
    for g in [&alice, &bob, &carol] {
        assert_eq!(g.preferred_fork(), Some(expected));
    }
    // And all three can talk on it.
    let m = carol.encrypt(b"agreed").unwrap();
    assert_eq!(open(&mut alice, &m), b"agreed");
    assert_eq!(open(&mut bob, &m), b"agreed");
}

#[test]
fn retention_max_forks_at_and_past_the_limit() {
    let (mut alice, mut bob, mut carol) = three();
    let base = alice.preferred_fork().unwrap();
    // Carol keeps at most 3 forks: the base and two children fit.
    carol.set_limits(RetentionLimits { max_forks: 3, ..RetentionLimits::default() });
    let a = alice.self_update().unwrap();
    let b = bob.self_update().unwrap();
    carol.process(&a.commit).unwrap();
    carol.process(&b.commit).unwrap();
    assert_eq!(carol.forks().len(), 3);
    // One past the limit: the oldest non-preferred fork (the base) goes.
    let preferred = carol.preferred_fork().unwrap();
    let next = if preferred == a.fork_id {
        alice.process(&b.commit).unwrap();
        alice.self_update().unwrap()
    } else {
        bob.process(&a.commit).unwrap();
        bob.self_update().unwrap()
    };
    carol.process(&next.commit).unwrap();
    let ids: Vec<ForkId> = carol.forks().iter().map(|f| f.id).collect();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&base), "the base was evicted");
    assert_eq!(carol.preferred_fork(), Some(next.fork_id));
    // A commit on the evicted base is refused with a typed error.
    let rival_on_base = b.commit.clone();
    let before = snapshot(&carol);
    // b's commit names the base fork.
    assert!(matches!(carol.process(&rival_on_base), Err(DmlsError::EvictedFork(id)) if id == base));
    assert_eq!(snapshot(&carol), before);
}

#[test]
fn retention_max_depth_and_age() {
    let (mut alice, mut bob, _) = three();
    let base = bob.preferred_fork().unwrap();
    bob.set_limits(RetentionLimits { max_depth: 2, ..RetentionLimits::default() });
    let mut commits = Vec::new();
    for _ in 0..3 {
        commits.push(alice.self_update().unwrap());
    }
    bob.process(&commits[0].commit).unwrap();
    bob.process(&commits[1].commit).unwrap();
    // Depth 2 behind the newest: at the limit, still retained.
    assert!(bob.forks().iter().any(|f| f.id == base));
    bob.process(&commits[2].commit).unwrap();
    // Depth 3: one past, evicted.
    assert!(!bob.forks().iter().any(|f| f.id == base));
    assert_eq!(bob.forks().len(), 3);
    // A message on the evicted fork gets a typed error.
    let stale = rewrap(&alice.encrypt(b"x").unwrap(), base);
    assert!(matches!(bob.process(&stale), Err(DmlsError::EvictedFork(_))));

    // Age: forks created at time 10; at 10 + max_age they stay, one past they go (but never
    // the preferred fork).
    bob.set_limits(RetentionLimits { max_age: Some(100), ..RetentionLimits::default() });
    let c = alice.self_update().unwrap();
    bob.set_time(10);
    bob.process(&c.commit).unwrap();
    assert_eq!(bob.forks().len(), 4);
    bob.set_time(100);
    assert_eq!(bob.forks().len(), 4, "the forks from time 0 are 100 old: at the limit");
    bob.set_time(101);
    assert_eq!(bob.forks().len(), 1, "one past the limit");
    assert_eq!(bob.preferred_fork(), Some(c.fork_id));
    bob.set_time(1000);
    assert_eq!(bob.forks().len(), 1, "the preferred fork is never evicted");
    let m = alice.encrypt(b"still here").unwrap();
    assert_eq!(open(&mut bob, &m), b"still here");
}

#[test]
fn removed_member_leaves_the_new_fork() {
    let (mut alice, mut bob, mut carol) = three();
    let r = alice.remove_members(&[b"carol"]).unwrap();
    assert!(matches!(carol.process(&r.commit).unwrap(), Processed::Removed { .. }));
    bob.process(&r.commit).unwrap();
    assert_eq!(bob.members(r.fork_id).unwrap(), vec![b"alice".to_vec(), b"bob".to_vec()]);
    let m = alice.encrypt(b"without carol").unwrap();
    assert_eq!(open(&mut bob, &m), b"without carol");
    assert!(matches!(
        carol.process(&m),
        Err(DmlsError::UnknownFork(_) | DmlsError::EvictedFork(_)) | Ok(Processed::Queued { .. })
    ));
    // Carol keeps her old fork; a duplicate of the removal is idempotent.
    assert!(matches!(carol.process(&r.commit), Err(DmlsError::Duplicate { child: None })));
}

/// Build a commit on `group`'s preferred fork by hand, with AAD `x` and the PSK for `psk_x`
/// (or no PSK).
fn forged_commit(group: &DmlsGroup, x: u64, psk_x: Option<u64>) -> Vec<u8> {
    let fork_id = group.preferred_fork().unwrap();
    let fork = group.forks.get(&fork_id).unwrap();
    let work = fork.storage.branch();
    let provider = Provider { crypto: &group.crypto, storage: &work };
    let mut mls = MlsGroup::load(&work, &mls_group_id(group)).unwrap().unwrap();
    mls.set_aad(x.to_be_bytes().to_vec());
    let mut builder = mls.commit_builder().force_self_update(true);
    if let Some(psk_x) = psk_x {
        let mut pprf = fork.pprf.clone();
        let psk = pprf.evaluate(psk_x).unwrap();
        let mut id_bytes = group::PSK_ID_PREFIX.to_vec();
        id_bytes.extend_from_slice(fork_id.as_bytes());
        id_bytes.extend_from_slice(&psk_x.to_be_bytes());
        let id = PreSharedKeyId::external(id_bytes, vec![1; 32]);
        id.store(&provider, psk.as_slice()).unwrap();
        builder =
            builder.add_proposal(Proposal::PreSharedKey(Box::new(PreSharedKeyProposal::new(id))));
    }
    let bundle = builder
        .load_psks(&work)
        .unwrap()
        .build(&group.crypto, &group.crypto, &group.signer, |_| true)
        .unwrap()
        .stage_commit(&provider)
        .unwrap();
    let message = bundle.commit().tls_serialize_detached().unwrap();
    Envelope { fork_id, message }.encode().unwrap()
}

fn mls_group_id(group: &DmlsGroup) -> openmls::prelude::GroupId {
    openmls::prelude::GroupId::from_slice(&group.group_id)
}

#[test]
fn commits_without_the_psk_or_with_a_wrong_sender_are_rejected() {
    let (alice, mut bob, _) = three();
    let before = snapshot(&bob);
    // Alice is leaf 0, Bob leaf 1.
    let no_psk = forged_commit(&alice, 0, None);
    assert!(matches!(bob.process(&no_psk), Err(DmlsError::MissingPsk)));
    assert_eq!(snapshot(&bob), before);
    // The PSK for Bob's input, sent by Alice.
    let x = 1u64 << 32;
    let wrong_sender = forged_commit(&alice, x, Some(x));
    assert!(matches!(bob.process(&wrong_sender), Err(DmlsError::SenderMismatch)));
    assert_eq!(snapshot(&bob), before);
    // The AAD names one input, the PSK another.
    let mismatch = forged_commit(&alice, 5, Some(6));
    assert!(bob.process(&mismatch).is_err());
    assert_eq!(snapshot(&bob), before);
    // The genuine path still works afterwards: nothing was punctured by the failures.
    let honest = forged_commit(&alice, 0, Some(0));
    assert!(matches!(bob.process(&honest).unwrap(), Processed::Commit { .. }));
}

#[test]
fn retained_parent_cannot_rederive_a_processed_child() {
    let (mut alice, mut bob, mut carol) = three();
    let base = carol.preferred_fork().unwrap();
    let a = alice.self_update().unwrap();
    let x_a = 0u64; // Alice: leaf 0, counter 0 on this epoch.
                    // The PSK value, computed from Carol's unpunctured PPRF (what an attacker would need).
    let psk_a = carol.forks[&base].pprf.clone().evaluate(x_a).unwrap();
    carol.process(&a.commit).unwrap();
    let child_secret = carol.export_secret(a.fork_id, "test", 32).unwrap();

    // The attacker's view: Carol's retained parent and her punctured PPRF.
    let parent = &carol.forks[&base];
    let mut pprf = parent.pprf.clone();
    assert_eq!(pprf.evaluate(x_a).map(|_| ()), Err(PprfError::Punctured));
    // No PSK and no PSK value anywhere in any fork's state.
    for fork in carol.forks.values() {
        assert_eq!(fork.storage.psk_count(), 0);
        for (k, v) in fork.storage.entries() {
            for hay in [&k, &v] {
                assert!(!hay.windows(32).any(|w| w == psk_a.as_slice()));
                assert!(!hay.windows(32).any(|w| w == child_secret.as_slice()));
            }
        }
    }
    let json = serde_json::to_string(&carol.pickle()).unwrap();
    let psk_json = serde_json::to_string(&psk_a.to_vec()).unwrap();
    assert!(!json.contains(&psk_json[1..psk_json.len() - 1]));
    // The parent's exporter tree is punctured at the PPRF component.
    let work = parent.storage.branch();
    let mut mls = MlsGroup::load(&work, &mls_group_id(&carol)).unwrap().unwrap();
    assert!(mls.safe_export_secret(&carol.crypto, &work, PPRF_COMPONENT).is_err());
    // Re-processing Alice's commit on the parent copy: without the PSK, or with a guess, fails.
    let commit = Envelope::decode(&a.commit).unwrap().message;
    for guess in [None, Some([0u8; 32])] {
        let work = parent.storage.branch();
        let provider = Provider { crypto: &carol.crypto, storage: &work };
        if let Some(guess) = guess {
            let mut id = group::PSK_ID_PREFIX.to_vec();
            id.extend_from_slice(base.as_bytes());
            id.extend_from_slice(&x_a.to_be_bytes());
            PreSharedKeyId::external(id, vec![0; 32]).store(&provider, &guess).unwrap();
        }
        let mut mls = MlsGroup::load(&work, &mls_group_id(&carol)).unwrap().unwrap();
        let message = MlsMessageIn::tls_deserialize_exact(commit.as_slice())
            .unwrap()
            .try_into_protocol_message()
            .unwrap();
        assert!(matches!(message, ProtocolMessage::PrivateMessage(_)));
        assert!(mls.process_message(&provider, message).is_err(), "guess {guess:?}");
    }
    // A message Carol decrypted on the child cannot be decrypted again from anything she
    // holds: its key is gone from the child, and the child cannot be re-derived (above).
    let m = alice.encrypt(b"forward secret").unwrap();
    assert_eq!(open(&mut carol, &m), b"forward secret");
    let mut stolen = DmlsGroup::from_pickle(carol.pickle());
    assert!(matches!(stolen.process(&m), Err(DmlsError::Replayed)));
    // The same commit through the API is a duplicate; a rival with a fresh input still works.
    assert!(matches!(carol.process(&a.commit), Err(DmlsError::Duplicate { .. })));
    let b = bob.self_update().unwrap();
    assert!(matches!(carol.process(&b.commit).unwrap(), Processed::Commit { .. }));
    // And the committer's retained parent holds no pending commit, no PSK, and a PPRF
    // punctured at her input.
    let alice_parent = &alice.forks[&base];
    assert!(!alice_parent.pprf.can_evaluate(x_a));
    assert!(alice.forks.values().all(|f| f.storage.psk_count() == 0));
    let work = alice_parent.storage.branch();
    let mls = MlsGroup::load(&work, &mls_group_id(&alice)).unwrap().unwrap();
    assert!(mls.pending_commit().is_none());
    let _ = alice.encrypt(b"still works").unwrap();
}

#[test]
fn pickle_mid_fork_and_continue() {
    let (mut alice, mut bob, mut carol) = three();
    let a = alice.self_update().unwrap();
    let b = bob.self_update().unwrap();
    let ma = alice.encrypt(b"on a").unwrap();
    let mb = bob.encrypt(b"on b").unwrap();
    carol.process(&a.commit).unwrap();
    let key = [9u8; 32];
    let stored = carol.pickle().encrypt(&key);
    assert!(DmlsGroupPickle::from_encrypted(&stored, &[8u8; 32]).is_err());
    let mut restored =
        DmlsGroup::from_pickle(DmlsGroupPickle::from_encrypted(&stored, &key).unwrap());
    assert_eq!(restored.forks(), carol.forks());
    assert_eq!(restored.preferred_fork(), carol.preferred_fork());
    // The rival commit still processes after the restore, and both forks decrypt.
    assert_eq!(commit_fork(restored.process(&b.commit).unwrap()), b.fork_id);
    assert_eq!(open(&mut restored, &ma), b"on a");
    assert_eq!(open(&mut restored, &mb), b"on b");
    // The restored group can commit, and the others follow.
    alice.process(&b.commit).unwrap();
    let next = restored.self_update().unwrap();
    assert_eq!(commit_fork(alice.process(&next.commit).unwrap()), next.fork_id);
    let m = restored.encrypt(b"after restore").unwrap();
    assert_eq!(open(&mut alice, &m), b"after restore");
    // Twice pickled gives the same state.
    assert_eq!(snapshot(&DmlsGroup::from_pickle(restored.pickle())), snapshot(&restored));
}

#[test]
fn welcome_without_matching_key_package_or_psk_is_refused() {
    let alice_id = identity("alice");
    let mut bob_id = identity("bob");
    let mut eve_id = identity("eve");
    let mut alice = DmlsGroup::create(&alice_id).unwrap();
    let kp = bob_id.key_package().unwrap();
    let add = alice.add_members(&[&kp]).unwrap();
    let welcome = add.welcome.unwrap();
    assert!(matches!(DmlsGroup::join(&mut eve_id, &welcome), Err(DmlsError::NoMatchingKeyPackage)));
    let mut stripped = DmlsWelcome::decode(&welcome).unwrap();
    stripped.sealed.clear();
    assert!(matches!(
        DmlsGroup::join(&mut bob_id, &stripped.encode().unwrap()),
        Err(DmlsError::MissingPsk)
    ));
    let mut wrong = DmlsWelcome::decode(&welcome).unwrap();
    wrong.psk_id.push(0);
    assert!(DmlsGroup::join(&mut bob_id, &wrong.encode().unwrap()).is_err());
    // The genuine Welcome still works (the failures kept the KeyPackage).
    let bob = DmlsGroup::join(&mut bob_id, &welcome).unwrap();
    assert_eq!(bob.preferred_fork(), alice.preferred_fork());
    assert_eq!(bob.forks[&add.fork_id].storage.psk_count(), 0);
}

#[test]
#[allow(deprecated)]
fn external_commits_are_refused() {
    let (alice, mut bob, _) = three();
    let fork_id = alice.preferred_fork().unwrap();
    let fork = alice.forks.get(&fork_id).unwrap();
    let mls = MlsGroup::load(&fork.storage, &mls_group_id(&alice)).unwrap().unwrap();
    let info = mls.export_group_info(&alice.crypto, &alice.signer, true).unwrap();
    let info =
        MlsMessageIn::tls_deserialize_exact(info.tls_serialize_detached().unwrap().as_slice())
            .unwrap()
            .extract();
    let openmls::prelude::MlsMessageBodyIn::GroupInfo(info) = info else { panic!("no GroupInfo") };
    let eve = identity("eve");
    let storage = storage::ForkStorage::new();
    let provider = Provider { crypto: &alice.crypto, storage: &storage };
    let (_, commit, _) = MlsGroup::join_by_external_commit(
        &provider,
        &eve.signer(),
        None,
        info,
        &openmls::prelude::MlsGroupJoinConfig::default(),
        None,
        None,
        &[],
        eve.credential_with_key(),
    )
    .unwrap();
    let message = commit.tls_serialize_detached().unwrap();
    let before = snapshot(&bob);
    let envelope = Envelope { fork_id, message }.encode().unwrap();
    assert!(matches!(bob.process(&envelope), Err(DmlsError::ExternalCommit)));
    assert_eq!(snapshot(&bob), before);
}

#[test]
fn evicted_fork_leaves_no_trace_in_the_pickle() {
    let (mut alice, mut bob, _) = three();
    let base = bob.preferred_fork().unwrap();
    let secret = bob.export_secret(base, "evicted", 32).unwrap();
    let json = |g: &DmlsGroup| serde_json::to_string(&g.pickle()).unwrap();
    let needle = serde_json::to_string(secret.as_slice()).unwrap();
    let needle = needle.trim_start_matches('[').trim_end_matches(']').to_owned();
    let id = serde_json::to_string(base.as_bytes()).unwrap();
    let id = id.trim_start_matches('[').trim_end_matches(']').to_owned();
    assert!(json(&bob).contains(&id));
    bob.set_limits(RetentionLimits { max_depth: 0, ..RetentionLimits::default() });
    let c = alice.self_update().unwrap();
    bob.process(&c.commit).unwrap();
    assert!(bob.forks().iter().all(|f| f.id != base));
    let after = json(&bob);
    assert!(!after.contains(&needle));
    // Storage entries are base64 in the pickle: scan them raw.
    for fork in bob.forks.values() {
        for (k, v) in fork.storage.entries() {
            assert!(![k, v].iter().any(|b| b.windows(32).any(|w| w == secret.as_slice())));
        }
    }
    // Only the id stays: as the child's parent link and in the bounded list of evicted ids.
    assert_eq!(after.matches(&id).count(), 2);
    assert!(bob.evicted.contains(&base));
}

/// Bob's pickle (JSON), a commit and an application envelope for him, built once.
fn corruption_fixture() -> &'static (String, Vec<u8>, Vec<u8>) {
    static FIXTURE: std::sync::OnceLock<(String, Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (mut alice, bob, _) = three();
        let app = alice.encrypt(b"payload").unwrap();
        let commit = alice.self_update().unwrap().commit;
        (serde_json::to_string(&bob.pickle()).unwrap(), commit, app)
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn corrupted_envelopes_change_nothing(
        index in proptest::prelude::any::<proptest::sample::Index>(),
        bit in 0u8..8,
        commit in proptest::prelude::any::<bool>(),
    ) {
        let (pickle, commit_env, app_env) = corruption_fixture();
        let mut bob = DmlsGroup::from_pickle(serde_json::from_str(pickle).unwrap());
        let mut envelope = if commit { commit_env.clone() } else { app_env.clone() };
        let i = index.index(envelope.len());
        envelope[i] ^= 1 << bit;
        let before = snapshot(&bob);
        match bob.process(&envelope) {
            // A flipped fork id names a fork not known yet: queued, which is a change.
            Ok(Processed::Queued { .. }) => proptest::prop_assert!((1..33).contains(&i)),
            Ok(other) => proptest::prop_assert!(false, "corrupted envelope accepted: {other:?}"),
            Err(_) => proptest::prop_assert_eq!(snapshot(&bob), before),
        }
    }
}

/// A pickle whose openmls storage values were damaged (truncated or replaced JSON) restores,
/// and every use of a damaged fork is a typed error, never a panic. Regression test for the
/// `dmls_pickle_decode` fuzz target's first crash: openmls_memory_storage 0.6 `unwrap`s the
/// stored bytes in `group_context` and a dozen other reads, which ForkStorage now reads itself.
#[test]
fn damaged_storage_in_a_pickle_is_an_error_not_a_panic() {
    let (mut alice, mut bob, _carol) = three();
    let envelope = alice.encrypt(b"before").unwrap();
    let json = serde_json::to_value(bob.pickle()).unwrap();
    let entries = json["forks"][0]["storage"].as_array().unwrap().len();
    assert!(entries > 10);
    for damage in [&b"{"[..], b"[1,2,", b"\"not the type\"", b"[]", b"{}", b"null"] {
        for entry in 0..entries {
            let mut damaged = json.clone();
            damaged["forks"][0]["storage"][entry][1] =
                serde_json::Value::String(crate::codec::base64::encode_secret(damage));
            let pickle: DmlsGroupPickle = serde_json::from_value(damaged).unwrap();
            let mut group = DmlsGroup::from_pickle(pickle);
            // Whatever was damaged, nothing panics; most damage makes these fail.
            let _ = group.encrypt(b"after");
            let _ = group.process(&envelope);
            let _ = group.self_update();
        }
    }
    // The undamaged pickle still works.
    let mut restored = DmlsGroup::from_pickle(serde_json::from_value(json).unwrap());
    assert_eq!(open(&mut restored, &envelope), b"before");
    let _ = open(&mut bob, &envelope);
}

/// Each fork keeps its group loaded between operations, and only ever the state its storage
/// holds: a success puts the group back with the new storage, a failure drops it (the storage
/// is untouched) and the next operation reloads. Commits hand the processed group to the child.
#[test]
fn the_loaded_group_follows_successes_only() {
    let (mut alice, mut bob, _carol) = three();
    let fork = bob.preferred_fork().unwrap();
    let loaded = |g: &DmlsGroup, f: ForkId| g.forks.get(&f).is_some_and(|f| f.loaded.is_some());
    let first = alice.encrypt(b"first").unwrap();
    let second = alice.encrypt(b"second").unwrap();
    assert_eq!(open(&mut bob, &first), b"first");
    assert!(loaded(&bob, fork), "a decrypted message leaves the group loaded");

    for position in [second.len() - 1, second.len() - 20, 60] {
        let mut damaged = second.clone();
        damaged[position] ^= 0x40;
        let before = snapshot(&bob);
        assert!(bob.process(&damaged).is_err());
        assert_eq!(snapshot(&bob), before, "a failure changes nothing");
        assert!(!loaded(&bob, fork), "a failure drops the loaded group");
        // The next operation reloads from the untouched storage.
        let reply = bob.encrypt(b"reply").unwrap();
        assert_eq!(open(&mut alice, &reply), b"reply");
        assert!(loaded(&bob, fork));
    }
    assert_eq!(open(&mut bob, &second), b"second");

    // A processed commit moves the group to the child; the parent reloads if it is used again.
    let commit = alice.self_update().unwrap();
    let child = commit_fork(bob.process(&commit.commit).unwrap());
    assert!(loaded(&bob, child) && !loaded(&bob, fork));
    let late = bob.forks.get(&fork).map(|f| f.storage.branch()).unwrap();
    assert!(bob.load(&late).is_ok(), "the parent's storage still holds its group");
    let on_child = alice.encrypt(b"on the child").unwrap();
    assert_eq!(open(&mut bob, &on_child), b"on the child");
    // The committer keeps its child loaded too.
    assert!(loaded(&alice, commit.fork_id));
}

/// A plaintext past the envelope limit is refused before anything changes (application messages
/// work on the fork's storage directly, so nothing may be written first).
#[test]
fn oversized_plaintext_is_refused_unchanged() {
    let (mut alice, mut bob, _carol) = three();
    let before = snapshot(&alice);
    let big = vec![0u8; group::MAX_PLAINTEXT_LEN + 1];
    assert!(matches!(
        alice.encrypt(&big),
        Err(DmlsError::Decode(EnvelopeError::TooLong(n))) if n == big.len()
    ));
    assert_eq!(snapshot(&alice), before);
    let next = alice.encrypt(b"still fine").unwrap();
    assert_eq!(open(&mut bob, &next), b"still fine");
}
