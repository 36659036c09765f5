//! Indicative timings of DMLS operations (one run, wall clock; not a benchmark).
//!
//! `cargo run --release --features dmls --example dmls_timing [members] [rounds]`

use std::time::{Duration, Instant};

use salamander::dmls::{DmlsGroup, DmlsIdentity};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let members: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10).max(2);
    let rounds: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(50).max(1);

    let alice_id = DmlsIdentity::new(b"member 0".to_vec())?;
    let mut alice = DmlsGroup::create(&alice_id)?;
    let mut bob_id = DmlsIdentity::new(b"member 1".to_vec())?;
    let mut key_packages = vec![bob_id.key_package()?];
    for i in 2..members {
        key_packages.push(DmlsIdentity::new(format!("member {i}").into_bytes())?.key_package()?);
    }
    let refs: Vec<&[u8]> = key_packages.iter().map(Vec::as_slice).collect();
    let start = Instant::now();
    let add = alice.add_members(&refs)?;
    println!("add {} members in one commit: {:?}", members - 1, start.elapsed());
    let welcome = add.welcome.ok_or("no welcome")?;
    let start = Instant::now();
    let mut bob = DmlsGroup::join(&mut bob_id, &welcome)?;
    println!("join from the Welcome: {:?}", start.elapsed());

    let (mut commit, mut process, mut encrypt, mut decrypt) = [Duration::ZERO; 4].into();
    for _ in 0..rounds {
        let t = Instant::now();
        let c = alice.self_update()?;
        commit += t.elapsed();
        let t = Instant::now();
        bob.process(&c.commit)?;
        process += t.elapsed();
        let t = Instant::now();
        let m = alice.encrypt(b"a short message")?;
        encrypt += t.elapsed();
        let t = Instant::now();
        bob.process(&m)?;
        decrypt += t.elapsed();
    }
    println!("self-update commit (incl. PSK, snapshots, merge): {:?}", commit / rounds);
    println!("process + merge a commit (incl. PSK, PPRF):        {:?}", process / rounds);
    println!("encrypt an application message:                   {:?}", encrypt / rounds);
    println!("decrypt an application message:                   {:?}", decrypt / rounds);
    println!("retained forks at the end: {}", bob.forks().len());
    let t = Instant::now();
    let pickle = bob.pickle().encrypt(&[0; 32]);
    println!("pickle + encrypt: {:?} ({} bytes)", t.elapsed(), pickle.len());
    Ok(())
}
