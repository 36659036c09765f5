// The errors of the DMLS build (cargo feature `dmls`): a family under `DmlsError`, itself a
// `SalamanderError`. Only the DMLS build references this module, so the default package is
// unchanged. As in errors.js, `name` is stable and set on each prototype; `kind` names the
// variant of salamander's Rust error (`salamander::dmls::DmlsError`, or for `DmlsDecodeError`
// the variant of `EnvelopeError`).
import { SalamanderError, errorFamily } from "./errors.js";

/** The base class of the DMLS errors; thrown itself only for an error this version does not know. */
export class DmlsError extends SalamanderError {}
/** An envelope, Welcome or KeyPackage could not be decoded. */
export class DmlsDecodeError extends DmlsError {}
/** The message names a fork that is unknown or was evicted, or the queue for unknown forks is full. */
export class DmlsForkError extends DmlsError {}
/** This member is not in the group, a member to remove is not in it, or a Welcome is not for this identity. */
export class DmlsMembershipError extends DmlsError {}
/** A message was refused: replayed, sent by this member, for another group, or of a kind DMLS does not use. */
export class DmlsMessageError extends DmlsError {}
/** The MLS layer refused a commit or message (bad signature or MAC, missing or reused DMLS PSK, ...). */
export class DmlsProtocolError extends DmlsError {}

const classes = {
  DmlsError,
  DmlsDecodeError,
  DmlsForkError,
  DmlsMembershipError,
  DmlsMessageError,
  DmlsProtocolError,
};

export const makeDmlsError = errorFamily(classes, DmlsError);
