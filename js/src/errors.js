// The errors salamander throws. The WASM side calls `makeError`; the package's index re-exports
// the classes so that callers can test `error instanceof DecryptionError` or `error.name`.
//
// `name` is stable: it is set on each prototype (a minifier that renames classes keeps it).
// `kind` is the name of the variant of salamander's Rust error (for example "InvalidMAC" or
// "UnknownMessageIndex"); `message` is salamander's own description of the error.

/** The base class of every error salamander throws. */
export class SalamanderError extends Error {
  constructor(message, kind) {
    super(message);
    this.kind = kind;
  }
}

/** A message, key, session key or signature could not be decoded. */
export class DecodeError extends SalamanderError {}
/** A message could not be decrypted; the session is unchanged. */
export class DecryptionError extends SalamanderError {}
/** A message could not be encrypted; the session is unchanged. */
export class EncryptionError extends SalamanderError {}
/** An Olm session could not be created. */
export class SessionCreationError extends SalamanderError {}
/** A pickle could not be written or read (wrong key, damaged, not a pickle of this type). */
export class PickleError extends SalamanderError {}
/** A libolm pickle could not be read or written. */
export class LibolmPickleError extends SalamanderError {}
/** A dehydrated device could not be made or restored. */
export class DehydratedDeviceError extends SalamanderError {}
/** A key is not valid: bad base64, wrong length, not a curve point or of small order. */
export class KeyError extends SalamanderError {}
/** An Ed25519 signature could not be decoded or did not verify. */
export class SignatureError extends SalamanderError {}

const classes = {
  SalamanderError,
  DecodeError,
  DecryptionError,
  EncryptionError,
  SessionCreationError,
  PickleError,
  LibolmPickleError,
  DehydratedDeviceError,
  KeyError,
  SignatureError,
};

/**
 * Sets the stable `name` on each class's prototype and returns the function the WASM side calls
 * to build an error of one of them by name (`fallback` for a name this version does not know).
 * The DMLS build's errors (dmls-errors.js) use it too.
 */
export function errorFamily(family, fallback) {
  for (const [name, cls] of Object.entries(family)) {
    Object.defineProperty(cls.prototype, "name", {
      value: name,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  return (name, kind, message) => {
    const cls = Object.prototype.hasOwnProperty.call(family, name) ? family[name] : fallback;
    return new cls(message, kind);
  };
}

export const makeError = errorFamily(classes, SalamanderError);
