//! End-to-end DMLS scenarios (research note dmls.md §4) through the public API only.
#![cfg(test)]
#![cfg(feature = "dmls")]

use salamander::dmls::{
    DmlsError, DmlsGroup, DmlsGroupPickle, DmlsIdentity, Envelope, ForkId, Processed,
    RetentionLimits,
};

struct Member {
    id: DmlsIdentity,
    group: DmlsGroup,
}

fn identity(name: &str) -> DmlsIdentity {
    DmlsIdentity::new(name.as_bytes().to_vec()).unwrap()
}

/// Alice creates the group and adds the others in one commit.
fn group(names: &[&str]) -> Vec<Member> {
    let alice_id = identity(names[0]);
    let mut alice = DmlsGroup::create(&alice_id).unwrap();
    let mut ids: Vec<DmlsIdentity> = names[1..].iter().map(|n| identity(n)).collect();
    let kps: Vec<Vec<u8>> = ids.iter_mut().map(|id| id.key_package().unwrap()).collect();
    let refs: Vec<&[u8]> = kps.iter().map(Vec::as_slice).collect();
    let add = alice.add_members(&refs).unwrap();
    let welcome = add.welcome.unwrap();
    let mut members = vec![Member { id: alice_id, group: alice }];
    for mut id in ids {
        let group = DmlsGroup::join(&mut id, &welcome).unwrap();
        members.push(Member { id, group });
    }
    members
}

fn open(group: &mut DmlsGroup, envelope: &[u8]) -> Vec<u8> {
    match group.process(envelope).unwrap() {
        Processed::Application { plaintext, .. } => plaintext.to_vec(),
        other => panic!("not an application message: {other:?}"),
    }
}

fn fork_of(envelope: &[u8]) -> ForkId {
    Envelope::decode(envelope).unwrap().fork_id
}

fn renamed(envelope: &[u8], fork_id: ForkId) -> Vec<u8> {
    let mut e = Envelope::decode(envelope).unwrap();
    e.fork_id = fork_id;
    e.encode().unwrap()
}

fn epoch_forks(group: &DmlsGroup, epoch: u64) -> Vec<ForkId> {
    group.forks().iter().filter(|f| f.epoch == epoch).map(|f| f.id).collect()
}

/// §4.1, 4.2, 4.6: two concurrent commits; every member holds both forks, fork ids agree,
/// messages decrypt on both forks at every member and not across forks, and the preferred
/// fork is the same whatever the arrival order.
#[test]
fn concurrent_commits_fork_and_both_forks_work_everywhere() {
    let mut m = group(&["alice", "bob", "carol"]);
    let epoch = m[0].group.forks().last().unwrap().epoch;
    let a = m[0].group.self_update().unwrap();
    let b = m[1].group.self_update().unwrap();
    let on_a = m[0].group.encrypt(b"sent on A").unwrap();
    let on_b = m[1].group.encrypt(b"sent on B").unwrap();
    assert_eq!((fork_of(&on_a), fork_of(&on_b)), (a.fork_id, b.fork_id));

    // Carol sees B first, the committers see each other's commit late.
    m[2].group.process(&b.commit).unwrap();
    m[2].group.process(&a.commit).unwrap();
    m[0].group.process(&b.commit).unwrap();
    m[1].group.process(&a.commit).unwrap();
    let mut expected = vec![a.fork_id, b.fork_id];
    expected.sort();
    for member in &m {
        let mut forks = epoch_forks(&member.group, epoch + 1);
        forks.sort();
        assert_eq!(forks, expected, "{:?}", member.group);
        assert_eq!(member.group.preferred_fork(), Some(a.fork_id.max(b.fork_id)));
    }

    assert_eq!(open(&mut m[1].group, &on_a), b"sent on A");
    assert_eq!(open(&mut m[2].group, &on_a), b"sent on A");
    assert_eq!(open(&mut m[0].group, &on_b), b"sent on B");
    assert_eq!(open(&mut m[2].group, &on_b), b"sent on B");
    // Fork A's bytes presented as fork B fail, and fail without changing anything.
    let before = m[2].group.pickle().encrypt(&[1; 32]);
    assert!(m[2].group.process(&renamed(&on_a, b.fork_id)).is_err());
    assert_eq!(m[2].group.pickle().encrypt(&[1; 32]), before);

    // Exported values agree per fork across members and differ between forks.
    for fork in [a.fork_id, b.fork_id] {
        let values: Vec<Vec<u8>> = m
            .iter()
            .map(|x| x.group.export_secret(fork, "scenario", 32).unwrap().to_vec())
            .collect();
        assert!(values.windows(2).all(|w| w[0] == w[1]));
    }
    assert_ne!(
        m[0].group.export_secret(a.fork_id, "scenario", 32).unwrap().to_vec(),
        m[0].group.export_secret(b.fork_id, "scenario", 32).unwrap().to_vec()
    );
}

/// §4.3 and §4.9: duplicates and replays change nothing.
#[test]
fn duplicates_and_replays() {
    let mut m = group(&["alice", "bob"]);
    let a = m[0].group.self_update().unwrap();
    m[1].group.process(&a.commit).unwrap();
    assert!(matches!(m[1].group.process(&a.commit), Err(DmlsError::Duplicate { .. })));
    assert!(matches!(m[0].group.process(&a.commit), Err(DmlsError::Duplicate { .. })));
    let msg = m[0].group.encrypt(b"once").unwrap();
    assert_eq!(open(&mut m[1].group, &msg), b"once");
    assert!(matches!(m[1].group.process(&msg), Err(DmlsError::Replayed)));
}

/// §4.4: a message for a fork not known yet waits and is delivered with the commit.
#[test]
fn out_of_order_delivery() {
    let mut m = group(&["alice", "bob"]);
    let a = m[0].group.self_update().unwrap();
    let msg = m[0].group.encrypt(b"before its commit").unwrap();
    assert!(matches!(m[1].group.process(&msg).unwrap(), Processed::Queued { .. }));
    let Processed::Commit { replayed, .. } = m[1].group.process(&a.commit).unwrap() else {
        panic!("not a commit")
    };
    assert!(matches!(
        replayed.as_slice(),
        [Processed::Application { plaintext, .. }] if plaintext.as_slice() == b"before its commit"
    ));
}

/// §4.5: the retention limit evicts the oldest non-preferred fork; a commit naming it gets a
/// typed error.
#[test]
fn retention_evicts_oldest() {
    let mut m = group(&["alice", "bob", "carol"]);
    let base = m[2].group.preferred_fork().unwrap();
    m[2].group.set_limits(RetentionLimits { max_forks: 2, ..RetentionLimits::default() });
    let a = m[0].group.self_update().unwrap();
    let b = m[1].group.self_update().unwrap();
    m[2].group.process(&a.commit).unwrap();
    assert_eq!(m[2].group.forks().len(), 2, "at the limit: base and A");
    m[2].group.process(&b.commit).unwrap();
    let ids: Vec<ForkId> = m[2].group.forks().iter().map(|f| f.id).collect();
    assert_eq!(ids.len(), 2, "one past the limit");
    assert!(!ids.contains(&base));
    let c = m[0].group.self_update().unwrap();
    // Alice's new commit builds on her preferred fork; whichever it is, a rival naming the
    // evicted base is refused.
    let late_on_base = renamed(&c.commit, base);
    assert!(
        matches!(m[2].group.process(&late_on_base), Err(DmlsError::EvictedFork(id)) if id == base)
    );
}

/// §4.7: a removed member cannot follow the new fork; on a rival fork without the removal it
/// stays until a resolution commit on the winner carries the removal over.
#[test]
fn removal_and_rival_fork() {
    let mut m = group(&["alice", "bob", "carol", "dave"]);
    let epoch = m[0].group.forks().last().unwrap().epoch;
    let x = m[0].group.remove_members(&[b"dave"]).unwrap();
    let y = m[1].group.self_update().unwrap();
    for i in [1, 2] {
        m[i].group.process(&x.commit).unwrap();
    }
    for i in [0, 2] {
        m[i].group.process(&y.commit).unwrap();
    }
    assert!(matches!(m[3].group.process(&x.commit).unwrap(), Processed::Removed { .. }));
    m[3].group.process(&y.commit).unwrap();
    assert_eq!(epoch_forks(&m[3].group, epoch + 1), vec![y.fork_id]);
    assert_eq!(m[3].group.preferred_fork(), Some(y.fork_id));
    let on_x = m[0].group.encrypt(b"x").unwrap();
    if fork_of(&on_x) == x.fork_id {
        // Dave never gets fork X: the message can only wait in his queue.
        assert!(matches!(m[3].group.process(&on_x), Ok(Processed::Queued { .. })));
    }

    let winner = x.fork_id.max(y.fork_id);
    for member in &m[..3] {
        assert_eq!(member.group.preferred_fork(), Some(winner));
    }
    if winner == y.fork_id {
        // Resolution: redo the losing side's removal on the winning fork.
        let r = m[2].group.remove_members(&[b"dave"]).unwrap();
        for i in [0, 1] {
            m[i].group.process(&r.commit).unwrap();
        }
        assert!(matches!(m[3].group.process(&r.commit).unwrap(), Processed::Removed { .. }));
        let msg = m[0].group.encrypt(b"without dave").unwrap();
        assert_eq!(fork_of(&msg), r.fork_id);
        assert_eq!(open(&mut m[1].group, &msg), b"without dave");
        // Dave never learns the fork: the message can only wait in his queue.
        assert!(matches!(m[3].group.process(&msg), Ok(Processed::Queued { .. })));
    } else {
        // The removal won: Dave has no fork at the winning epoch.
        let msg = m[1].group.encrypt(b"without dave").unwrap();
        assert_eq!(open(&mut m[2].group, &msg), b"without dave");
        assert!(!matches!(m[3].group.process(&msg), Ok(Processed::Application { .. })));
    }
}

/// §4.11 and resolution: Alice adds Erin on fork X while Bob commits fork Y. Erin joins only
/// X. Everyone converges on the preferred fork, where a resolution commit redoes the losing
/// side's change (re-adding Erin, or Bob's update).
#[test]
fn welcome_into_one_fork_then_resolution() {
    let mut m = group(&["alice", "bob", "carol"]);
    let mut erin_id = identity("erin");
    let kp = erin_id.key_package().unwrap();
    let x = m[0].group.add_members(&[&kp]).unwrap();
    let y = m[1].group.self_update().unwrap();
    let mut erin = DmlsGroup::join(&mut erin_id, &x.welcome.unwrap()).unwrap();
    assert_eq!(erin.preferred_fork(), Some(x.fork_id));
    assert_eq!(erin.forks().len(), 1);
    m[0].group.process(&y.commit).unwrap();
    m[1].group.process(&x.commit).unwrap();
    m[2].group.process(&y.commit).unwrap();
    m[2].group.process(&x.commit).unwrap();
    // Erin cannot process fork Y: she never had its parent.
    let on_y = m[1].group.encrypt(b"on the preferred fork").unwrap();
    let winner = x.fork_id.max(y.fork_id);
    assert_eq!(fork_of(&on_y), winner);
    if winner == y.fork_id {
        assert!(erin.process(&on_y).is_err());
        assert!(matches!(erin.process(&y.commit), Err(DmlsError::UnknownFork(_))));
        // Resolution on the winner: re-add Erin with a fresh KeyPackage.
        let kp = erin_id.key_package().unwrap();
        let r = m[2].group.add_members(&[&kp]).unwrap();
        for i in [0, 1] {
            m[i].group.process(&r.commit).unwrap();
        }
        erin = DmlsGroup::join(&mut erin_id, &r.welcome.unwrap()).unwrap();
        assert_eq!(erin.preferred_fork(), Some(r.fork_id));
    } else {
        assert_eq!(open(&mut erin, &on_y), b"on the preferred fork");
        // Resolution on the winner: Bob redoes his update there.
        let r = m[1].group.self_update().unwrap();
        for member in [0, 2] {
            m[member].group.process(&r.commit).unwrap();
        }
        erin.process(&r.commit).unwrap();
    }
    let preferred = erin.preferred_fork();
    for member in &m {
        assert_eq!(member.group.preferred_fork(), preferred);
    }
    let hello = erin.encrypt(b"hello from erin").unwrap();
    for member in &mut m {
        assert_eq!(open(&mut member.group, &hello), b"hello from erin");
    }
}

/// §4.10: pickle with two live forks, restore, both decrypt, a rival commit still processes.
#[test]
fn pickle_restore_mid_fork() {
    let mut m = group(&["alice", "bob", "carol"]);
    let a = m[0].group.self_update().unwrap();
    let b = m[1].group.self_update().unwrap();
    let on_a = m[0].group.encrypt(b"A").unwrap();
    let on_b = m[1].group.encrypt(b"B").unwrap();
    m[2].group.process(&a.commit).unwrap();
    let key = [0x42; 32];
    let stored = m[2].group.pickle().encrypt(&key);
    let identity = m[2].id.pickle().encrypt(&key);
    let mut carol = DmlsGroup::from_pickle(DmlsGroupPickle::from_encrypted(&stored, &key).unwrap());
    let _carol_id = DmlsIdentity::from_pickle(
        salamander::dmls::DmlsIdentityPickle::from_encrypted(&identity, &key).unwrap(),
    );
    assert_eq!(carol.forks(), m[2].group.forks());
    carol.process(&b.commit).unwrap();
    assert_eq!(open(&mut carol, &on_a), b"A");
    assert_eq!(open(&mut carol, &on_b), b"B");
}
