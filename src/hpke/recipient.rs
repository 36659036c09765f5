//! The recipient's side (device G): [`HpkeRecipientChannel`] → [`UnidirectionalRecipientChannel`]
//! → [`EstablishedHpkeChannel`].

use hpke::{Kem as _, OpModeR};
use rand_core::CryptoRng;

use super::{
    keys, response::Exporter, response::ResponseKeys, BidirectionalCreationResult, CheckCode,
    Error, EstablishedHpkeChannel, InitialMessage, InitialResponse, Kem, RecipientContext, Role,
    UnidirectionalHpkeChannel, MATRIX_QR_LOGIN_INFO_PREFIX,
};
use crate::{rng::OsRng, Curve25519PublicKey};

/// The result of [`HpkeRecipientChannel::establish_channel`].
#[derive(Debug)]
pub struct RecipientCreationResult {
    /// The channel, which can now send the [`InitialResponse`].
    pub channel: UnidirectionalRecipientChannel,
    /// The initial message's plaintext.
    pub message: Vec<u8>,
}

/// The recipient's key pair, before the channel exists. Its secret key zeroizes on drop and is
/// never printed.
pub struct HpkeRecipientChannel {
    secret_key: <Kem as hpke::Kem>::PrivateKey,
    public_key: Curve25519PublicKey,
    application_info_prefix: String,
}

impl std::fmt::Debug for HpkeRecipientChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HpkeRecipientChannel")
            .field("our_public_key", &self.public_key)
            .field("application_info_prefix", &self.application_info_prefix)
            .finish_non_exhaustive()
    }
}

impl HpkeRecipientChannel {
    /// A new random key pair, with MSC4388's application info `MATRIX_QR_CODE_LOGIN`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self::with_info(MATRIX_QR_LOGIN_INFO_PREFIX)
    }

    /// A new random key pair with another application info (HPKE's `info`).
    pub fn with_info(info: &str) -> Self {
        Self::with_info_and_rng(info, &mut OsRng)
    }

    /// As [`HpkeRecipientChannel::new`], drawing the 32 bytes the key pair is derived from
    /// (HPKE's `DeriveKeyPair` input) from `rng` (for tests and known-answer vectors).
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::with_info_and_rng(MATRIX_QR_LOGIN_INFO_PREFIX, rng)
    }

    /// As [`HpkeRecipientChannel::with_info`], drawing the key pair's 32 input bytes from `rng`.
    pub fn with_info_and_rng<R: CryptoRng + ?Sized>(info: &str, rng: &mut R) -> Self {
        let (secret_key, public_key) = Kem::gen_keypair_with_rng(&mut &mut *rng);
        Self {
            secret_key,
            public_key: keys::from_hpke(&public_key),
            application_info_prefix: info.to_owned(),
        }
    }

    /// Our public key, to show to the sender out of band.
    pub fn public_key(&self) -> Curve25519PublicKey {
        self.public_key
    }

    /// Establish the channel from the sender's [`InitialMessage`] and open it (it must have been
    /// sealed with `aad`).
    ///
    /// Fails with [`Error::Decryption`] if the message does not open, including when its
    /// encapsulated key is of small order.
    pub fn establish_channel(
        self,
        message: &InitialMessage,
        aad: &[u8],
    ) -> Result<RecipientCreationResult, Error> {
        let Self { secret_key, public_key, application_info_prefix } = self;
        let InitialMessage { encapsulated_key, ciphertext } = message;

        let encapped = keys::to_encapped(*encapsulated_key).map_err(|_| Error::Decryption)?;
        let mut context: RecipientContext = hpke::setup_receiver(
            &OpModeR::Base,
            &secret_key,
            &encapped,
            application_info_prefix.as_bytes(),
        )
        .map_err(|_| Error::Decryption)?;
        let plaintext = context.open(ciphertext, aad).map_err(|_| Error::Decryption)?;

        Ok(RecipientCreationResult {
            channel: UnidirectionalRecipientChannel(UnidirectionalHpkeChannel {
                context,
                application_info: application_info_prefix,
                our_public_key: public_key,
                their_public_key: *encapsulated_key,
            }),
            message: plaintext,
        })
    }
}

/// The recipient's side after the initial message; sending the [`InitialResponse`] makes it
/// bidirectional.
pub struct UnidirectionalRecipientChannel(UnidirectionalHpkeChannel<RecipientContext>);

impl std::fmt::Debug for UnidirectionalRecipientChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnidirectionalRecipientChannel")
            .field("application_info_prefix", &self.0.application_info)
            .field("their_public_key", &self.0.their_public_key)
            .field("our_public_key", &self.0.our_public_key)
            .finish_non_exhaustive()
    }
}

impl UnidirectionalRecipientChannel {
    /// Seal `plaintext` with associated data `aad` into the [`InitialResponse`], which makes the
    /// channel bidirectional.
    ///
    /// Cannot fail in practice; for a plaintext over 256 GiB the response has an empty
    /// ciphertext, which the sender refuses (vodozemac panics there).
    pub fn establish_bidirectional_channel(
        self,
        plaintext: &[u8],
        aad: &[u8],
    ) -> BidirectionalCreationResult<InitialResponse> {
        self.establish_bidirectional_channel_with_rng(plaintext, aad, &mut OsRng)
    }

    /// As [`UnidirectionalRecipientChannel::establish_bidirectional_channel`], drawing the
    /// 32-byte response nonce from `rng` (for tests and known-answer vectors).
    pub fn establish_bidirectional_channel_with_rng<R: CryptoRng + ?Sized>(
        self,
        plaintext: &[u8],
        aad: &[u8],
        rng: &mut R,
    ) -> BidirectionalCreationResult<InitialResponse> {
        let Self(UnidirectionalHpkeChannel {
            context,
            application_info,
            our_public_key,
            their_public_key,
        }) = self;

        // MSC4388 (after RFC 9458): the response nonce is as long as the AEAD key.
        let mut base_response_nonce = [0u8; 32];
        rng.fill_bytes(&mut base_response_nonce);

        // Neither derivation can fail (they ask HKDF-SHA-256 for at most 32 bytes); should one
        // ever fail, random values make the channel fail closed instead of panicking.
        let mut sending = context
            .response_keys(&application_info, their_public_key, &base_response_nonce)
            .unwrap_or_else(|_| ResponseKeys::random(rng))
            .into_recipient_side();
        // We are G: Gp is our key, Sp (the encapsulated key) theirs.
        let check_code = context
            .check_code(&application_info, our_public_key, their_public_key)
            .unwrap_or_else(|_| {
                let mut bytes = [0u8; 2];
                rng.fill_bytes(&mut bytes);
                CheckCode { bytes }
            });
        let ciphertext = sending.seal(plaintext, aad).unwrap_or_default();

        BidirectionalCreationResult {
            channel: EstablishedHpkeChannel {
                our_public_key,
                their_public_key,
                role: Role::Recipient { receiving: context, sending },
                check_code,
            },
            message: InitialResponse { base_response_nonce, ciphertext },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hpke::{HpkeSenderChannel, SenderCreationResult};

    #[test]
    fn debug_is_redacted() {
        let mut rng = crate::hpke::tests::Counting(0);
        let bob = HpkeRecipientChannel::new_with_rng(&mut rng);
        let debug = format!("{bob:?}");
        assert_eq!(
            debug,
            format!(
                "HpkeRecipientChannel {{ our_public_key: {:?}, application_info_prefix: \
                 \"MATRIX_QR_CODE_LOGIN\", .. }}",
                bob.public_key()
            )
        );
        let secret = hpke::Serializable::to_bytes(&bob.secret_key);
        assert!(!debug.contains(&crate::base64_encode(secret.as_slice())));

        let bob_key = bob.public_key();
        let SenderCreationResult { message, .. } =
            HpkeSenderChannel::new().establish_channel(bob_key, b"", &[]).unwrap();
        let RecipientCreationResult { channel, .. } = bob.establish_channel(&message, &[]).unwrap();
        assert_eq!(
            format!("{channel:?}"),
            format!(
                "UnidirectionalRecipientChannel {{ application_info_prefix: \
                 \"MATRIX_QR_CODE_LOGIN\", their_public_key: {:?}, our_public_key: {:?}, .. }}",
                message.encapsulated_key, bob_key
            )
        );
    }
}
