//! The sender's side (device S): [`HpkeSenderChannel`] → [`UnidirectionalSenderChannel`] →
//! [`EstablishedHpkeChannel`].

use hpke::OpModeS;
use rand_core::CryptoRng;

#[cfg(doc)]
use super::HpkeRecipientChannel;
use super::{
    keys, response::Exporter, BidirectionalCreationResult, Error, EstablishedHpkeChannel,
    InitialMessage, InitialResponse, Role, SenderContext, UnidirectionalHpkeChannel,
    MATRIX_QR_LOGIN_INFO_PREFIX,
};
use crate::{rng::OsRng, Curve25519PublicKey};

/// The result of [`HpkeSenderChannel::establish_channel`].
pub struct SenderCreationResult {
    /// The channel, waiting for the recipient's [`InitialResponse`].
    pub channel: UnidirectionalSenderChannel,
    /// The initial message to send to the recipient.
    pub message: InitialMessage,
}

/// The sender's side before the channel exists: only the application info. The ephemeral key
/// is made when the channel is established.
#[derive(Debug)]
pub struct HpkeSenderChannel {
    application_info_prefix: String,
}

impl HpkeSenderChannel {
    /// A sender with MSC4388's application info `MATRIX_QR_CODE_LOGIN`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self::with_info(MATRIX_QR_LOGIN_INFO_PREFIX)
    }

    /// A sender with another application info (HPKE's `info`), which separates the keys of
    /// different uses of the scheme.
    pub fn with_info(info: &str) -> Self {
        Self { application_info_prefix: info.to_owned() }
    }

    /// Establish the channel towards the recipient's public key (obtained out of band) and seal
    /// `initial_plaintext` with associated data `aad` into the [`InitialMessage`].
    ///
    /// Fails with [`Error::Encapsulation`] if their key is of small order.
    pub fn establish_channel(
        self,
        their_public_key: Curve25519PublicKey,
        initial_plaintext: &[u8],
        aad: &[u8],
    ) -> Result<SenderCreationResult, Error> {
        self.establish_channel_with_rng(their_public_key, initial_plaintext, aad, &mut OsRng)
    }

    /// As [`HpkeSenderChannel::establish_channel`], drawing the 32 bytes the ephemeral key is
    /// derived from (HPKE's `DeriveKeyPair` input) from `rng` (for tests and known-answer
    /// vectors).
    pub fn establish_channel_with_rng<R: CryptoRng + ?Sized>(
        self,
        their_public_key: Curve25519PublicKey,
        initial_plaintext: &[u8],
        aad: &[u8],
        rng: &mut R,
    ) -> Result<SenderCreationResult, Error> {
        let Self { application_info_prefix } = self;
        let (encapsulated_key, mut context): (_, SenderContext) = hpke::setup_sender_with_rng(
            &OpModeS::Base,
            &keys::to_hpke(their_public_key)?,
            application_info_prefix.as_bytes(),
            &mut &mut *rng,
        )?;
        let ciphertext = context.seal(initial_plaintext, aad)?;
        let encapsulated_key = keys::from_encapped(&encapsulated_key);

        Ok(SenderCreationResult {
            channel: UnidirectionalSenderChannel(UnidirectionalHpkeChannel {
                context,
                application_info: application_info_prefix,
                our_public_key: encapsulated_key,
                their_public_key,
            }),
            message: InitialMessage { encapsulated_key, ciphertext },
        })
    }
}

/// The sender's side after the initial message, waiting for the [`InitialResponse`].
pub struct UnidirectionalSenderChannel(UnidirectionalHpkeChannel<SenderContext>);

impl std::fmt::Debug for UnidirectionalSenderChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnidirectionalSenderChannel")
            .field("application_info_prefix", &self.0.application_info)
            .field("our_public_key", &self.0.our_public_key)
            .field("their_public_key", &self.0.their_public_key)
            .finish_non_exhaustive()
    }
}

impl UnidirectionalSenderChannel {
    /// Open the recipient's [`InitialResponse`] (sealed with `aad`), which makes the channel
    /// bidirectional.
    ///
    /// Fails with [`Error::Decryption`] if the response does not open.
    pub fn establish_bidirectional_channel(
        self,
        message: &InitialResponse,
        aad: &[u8],
    ) -> Result<BidirectionalCreationResult<Vec<u8>>, Error> {
        let Self(UnidirectionalHpkeChannel {
            context,
            application_info,
            our_public_key,
            their_public_key,
        }) = self;

        let mut receiving = context
            .response_keys(&application_info, our_public_key, &message.base_response_nonce)?
            .into_sender_side();
        let plaintext = receiving.open(&message.ciphertext, aad).map_err(|_| Error::Decryption)?;
        // We are S: Gp is their key, Sp (the encapsulated key) ours.
        let check_code = context.check_code(&application_info, their_public_key, our_public_key)?;

        Ok(BidirectionalCreationResult {
            channel: EstablishedHpkeChannel {
                our_public_key,
                their_public_key,
                role: Role::Sender { sending: context, receiving },
                check_code,
            },
            message: plaintext,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hpke::HpkeRecipientChannel;

    #[test]
    fn debug() {
        assert_eq!(
            format!("{:?}", HpkeSenderChannel::new()),
            "HpkeSenderChannel { application_info_prefix: \"MATRIX_QR_CODE_LOGIN\" }"
        );
        let bob = HpkeRecipientChannel::new();
        let SenderCreationResult { channel, message } =
            HpkeSenderChannel::new().establish_channel(bob.public_key(), b"", &[]).unwrap();
        assert_eq!(
            format!("{channel:?}"),
            format!(
                "UnidirectionalSenderChannel {{ application_info_prefix: \"MATRIX_QR_CODE_LOGIN\", \
                 our_public_key: {:?}, their_public_key: {:?}, .. }}",
                message.encapsulated_key,
                bob.public_key()
            )
        );
    }
}
