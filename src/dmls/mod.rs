//! Decentralised MLS (DMLS): MLS groups whose epoch history may fork.
//!
//! [RFC 9420](https://www.rfc-editor.org/rfc/rfc9420) (MLS) needs one agreed order of commits
//! per epoch. In a decentralised setting (Matrix federation, peer-to-peer) two members can
//! commit on the same epoch; [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/)
//! keeps every resulting epoch state — a *fork* — for a while, names each by an identifier sent
//! with every message, and limits what a retained state reveals through a puncturable PRF.
//! This module implements that model on unmodified [openmls](https://crates.io/crates/openmls)
//! 0.9.2 (feature `dmls`):
//!
//! - [`DmlsIdentity`]: credential, signature key, KeyPackages.
//! - [`DmlsGroup`]: create, add/remove members, self-update, join from a [`DmlsWelcome`],
//!   `encrypt` on the [preferred fork](DmlsGroup::preferred_fork), `process` any envelope.
//!   Each retained fork lives in its own openmls storage; a late rival commit on an older
//!   retained fork creates a second child; messages on every retained fork decrypt; messages
//!   for a fork not known yet wait in a bounded queue.
//! - [`Envelope`]: `version ‖ fork id ‖ MLS message` on the wire.
//! - [`RetentionLimits`]: how many forks, how deep, how old; evicted forks are zeroized.
//! - Forward secrecy for processed forks: every commit carries an external PSK from a
//!   puncturable PRF keyed by openmls's `safe_export_secret` (see `pprf.rs`); after
//!   processing, the retained parent can no longer re-derive the child.
//! - Pickling with the crate's [pickle API](crate::pickle).
//!
//! # Forks
//!
//! A fork's id is `MLS-Exporter("salamander dmls fork id", "", 32)`. The preferred fork is the
//! retained fork with the highest epoch, ties broken by the highest fork id, so members
//! holding the same forks agree whatever order they saw them in. A "merge" of forks is a new
//! commit on the preferred fork redoing the losing side's membership changes.
//!
//! # Example
//!
//! ```
//! use salamander::dmls::{DmlsGroup, DmlsIdentity, Processed};
//!
//! # fn main() -> Result<(), salamander::dmls::DmlsError> {
//! let alice_id = DmlsIdentity::new(b"alice".to_vec())?;
//! let mut bob_id = DmlsIdentity::new(b"bob".to_vec())?;
//! let mut alice = DmlsGroup::create(&alice_id)?;
//!
//! // Alice adds Bob; Bob joins from the Welcome.
//! let kp = bob_id.key_package()?;
//! let add = alice.add_members(&[&kp])?;
//! let mut bob = DmlsGroup::join(&mut bob_id, add.welcome.as_deref().unwrap_or_default())?;
//! assert_eq!(bob.preferred_fork(), alice.preferred_fork());
//!
//! // Both self-update concurrently: two forks of epoch 2.
//! let a = alice.self_update()?;
//! let b = bob.self_update()?;
//! alice.process(&b.commit)?;
//! bob.process(&a.commit)?;
//! assert_eq!(alice.forks().iter().filter(|f| f.epoch == 2).count(), 2);
//! assert_eq!(alice.preferred_fork(), bob.preferred_fork());
//!
//! // Messages go on the preferred fork and decrypt at the other member.
//! let envelope = alice.encrypt(b"hello")?;
//! let Processed::Application { plaintext, .. } = bob.process(&envelope)? else {
//!     unreachable!()
//! };
//! assert_eq!(plaintext.as_slice(), b"hello");
//! # Ok(())
//! # }
//! ```

mod commit;
mod crypto;
mod envelope;
mod error;
pub(crate) mod fork;
pub(crate) mod group;
mod identity;
mod pickle;
pub(crate) mod pprf;
mod process;
mod storage;
pub(crate) mod welcome;

#[cfg(test)]
mod passive_client;
#[cfg(test)]
mod tests;

pub use envelope::{Envelope, EnvelopeError, ENVELOPE_VERSION, MAX_ENVELOPE_LEN};
pub use error::{DmlsError, OpenmlsError};
pub use fork::{ForkId, ForkInfo, RetentionLimits, MAX_QUEUED};
pub use group::{DmlsCommit, DmlsGroup, Processed};
pub use identity::{DmlsIdentity, DmlsIdentityPickle, CIPHERSUITE};
pub use pickle::DmlsGroupPickle;
pub use pprf::PprfError;
pub use welcome::DmlsWelcome;
