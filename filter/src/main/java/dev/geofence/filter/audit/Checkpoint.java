package dev.geofence.filter.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * What a signed checkpoint line states: the Merkle tree root over the lines of its file from {@code
 * firstSeq} to {@code lastSeq} (the line before it), the hash of the previous checkpoint line
 * (across files, 64 zeros for the trail's first), the time, the instance and the signing key's id.
 * The signature covers {@link #signedBytes()}, a fixed text of exactly those fields, so verifying
 * does not depend on how the JSON line happens to be laid out.
 *
 * @param time {@code @timestamp} of the checkpoint line, as written
 * @param prevHash the checkpoint line's own {@code prev_hash} (the hash of line {@code lastSeq}),
 *     signed too so that every byte of the checkpoint line is bound by the signature
 * @param signature base64 Ed25519 signature, empty before signing
 */
record Checkpoint(
    String node,
    long firstSeq,
    long lastSeq,
    String root,
    String previous,
    String time,
    String keyId,
    String prevHash,
    String signature) {

  static final String ACTION = "checkpoint";

  long treeSize() {
    return lastSeq - firstSeq + 1;
  }

  byte[] signedBytes() {
    return ("geofence-audit-checkpoint/1\n"
            + "node "
            + node
            + "\nfirst_seq "
            + firstSeq
            + "\nlast_seq "
            + lastSeq
            + "\ntree_size "
            + treeSize()
            + "\nroot "
            + root
            + "\nprevious "
            + previous
            + "\ntime "
            + time
            + "\nkey_id "
            + keyId
            + "\nprev_hash "
            + prevHash
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  Checkpoint signedWith(PrivateKey key) {
    try {
      Signature signer = Signature.getInstance(AuditKeys.ALGORITHM);
      signer.initSign(key);
      signer.update(signedBytes());
      return new Checkpoint(
          node,
          firstSeq,
          lastSeq,
          root,
          previous,
          time,
          keyId,
          prevHash,
          Base64.getEncoder().encodeToString(signer.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the audit checkpoint: " + e.getMessage(), e);
    }
  }

  /** Whether the signature is valid for this public key (its key id is checked by the caller). */
  boolean verifies(PublicKey key) {
    try {
      Signature verifier = Signature.getInstance(AuditKeys.ALGORITHM);
      verifier.initVerify(key);
      verifier.update(signedBytes());
      return verifier.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
