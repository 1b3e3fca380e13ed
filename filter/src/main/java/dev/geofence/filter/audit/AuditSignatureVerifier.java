package dev.geofence.filter.audit;

import dev.geofence.filter.audit.AuditChainVerifier.Break;
import dev.geofence.filter.audit.AuditChainVerifier.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Checks the signed checkpoints of audit files written by a {@link FileAuditSink} with a signing
 * key: each checkpoint's Ed25519 signature with the public key its key id names, its Merkle root
 * against the lines of its file that it covers, and that it follows the previous checkpoint. Lines
 * after the last checkpoint are an unsigned tail: reported, not a finding, because they are what a
 * running or crashed sink has not signed yet. Use it together with {@link AuditChainVerifier},
 * which checks the chain between the lines. Stateless and thread-safe.
 */
public final class AuditSignatureVerifier {

  private AuditSignatureVerifier() {}

  /**
   * The outcome.
   *
   * @param checkpoints checkpoints whose signature, root and link all verified
   * @param signedThrough the last seq covered by a verified checkpoint, 0 when none
   * @param unsignedTail lines after the last checkpoint of the last file
   * @param uncovered files other than the last whose last lines no checkpoint covers (a sink that
   *     did not close cleanly), each with the number of such lines
   * @param keyIds the key ids that signed the verified checkpoints, sorted
   * @param findings every checkpoint that failed, in file order
   */
  public record Result(
      int checkpoints,
      long signedThrough,
      long unsignedTail,
      Map<Path, Long> uncovered,
      List<String> keyIds,
      List<Break> findings) {

    public Result {
      uncovered = Map.copyOf(uncovered);
      keyIds = List.copyOf(keyIds);
      findings = List.copyOf(findings);
    }

    /** True when no checkpoint failed. */
    public boolean valid() {
      return findings.isEmpty();
    }
  }

  /**
   * Verifies the checkpoints of the files, given in chain order.
   *
   * @param keys the public keys checkpoints may be signed with (several across a key rotation)
   * @throws IOException when a file cannot be read
   */
  public static Result verify(List<Path> files, List<PublicKey> keys) throws IOException {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(keys, "keys");
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no audit files given; name the files of the trail in order");
    }
    Map<String, PublicKey> byId = new LinkedHashMap<>();
    for (PublicKey key : keys) {
      byId.put(AuditKeys.keyId(key), key);
    }
    State state = new State(byId);
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      state.startFile();
      AuditFiles.readLines(
          file, (bytes, number, terminated) -> state.line(file, number, bytes, terminated));
      if (i < files.size() - 1 && state.tail > 0) {
        state.uncovered.put(file, state.tail);
      }
    }
    return new Result(
        state.verified,
        state.signedThrough,
        state.tail,
        state.uncovered,
        new ArrayList<>(state.keyIds),
        state.findings);
  }

  private static final class State {
    final Map<String, PublicKey> keys;
    final MessageDigest digest = AuditFiles.sha256();
    final MerkleTree.Frontier frontier = new MerkleTree.Frontier();
    final List<Break> findings = new ArrayList<>();
    final Map<Path, Long> uncovered = new LinkedHashMap<>();
    final TreeSet<String> keyIds = new TreeSet<>();
    long fileFirstSeq;
    long lastSeq;
    long tail;
    int verified;
    long signedThrough;
    Optional<String> previousCheckpoint = Optional.empty();
    boolean anyLine;

    State(Map<String, PublicKey> keys) {
      this.keys = keys;
    }

    void startFile() {
      frontier.clear();
      fileFirstSeq = -1;
      tail = 0;
    }

    void line(Path file, long number, byte[] bytes, boolean terminated) {
      if (!terminated) {
        return; // a cut-short line is the chain verifier's to judge
      }
      Optional<AuditLine> parsed = AuditLine.parse(bytes).filter(AuditLine::isChained);
      if (parsed.isEmpty()) {
        return;
      }
      AuditLine line = parsed.get();
      byte[] lineHash = digest.digest(bytes);
      if (fileFirstSeq < 0) {
        fileFirstSeq = line.seq();
      }
      if (line.isCheckpoint()) {
        check(file, number, line.checkpoint().get(), line.seq());
        previousCheckpoint = Optional.of(HexFormat.of().formatHex(lineHash));
        tail = 0;
      } else {
        tail++;
      }
      anyLine = true;
      lastSeq = line.seq();
      frontier.add(MerkleTree.leafHash(digest, lineHash));
    }

    private void check(Path file, long number, Checkpoint c, long seq) {
      String root = HexFormat.of().formatHex(frontier.root());
      PublicKey key = keys.get(c.keyId());
      if (key == null) {
        fail(
            file,
            number,
            Kind.UNKNOWN_KEY,
            "the checkpoint is signed by key "
                + c.keyId()
                + ", which is none of the public keys given ("
                + String.join(", ", keys.keySet())
                + ")");
      } else if (c.firstSeq() != fileFirstSeq || c.lastSeq() != seq - 1) {
        fail(
            file,
            number,
            Kind.CHECKPOINT_MISMATCH,
            "the checkpoint covers seq "
                + c.firstSeq()
                + " to "
                + c.lastSeq()
                + " but the file's lines before it are seq "
                + fileFirstSeq
                + " to "
                + (seq - 1));
      } else if (!root.equals(c.root())) {
        fail(
            file,
            number,
            Kind.ROOT_MISMATCH,
            "the lines seq "
                + c.firstSeq()
                + " to "
                + c.lastSeq()
                + " hash to the Merkle root "
                + root
                + " but the signed checkpoint says "
                + c.root()
                + ": a line was edited, added or removed and the chain recomputed"
                + (c.verifies(key) ? "" : " (the checkpoint's signature fails too)"));
      } else if (!c.verifies(key)) {
        fail(
            file,
            number,
            Kind.BAD_SIGNATURE,
            "the signature of the checkpoint does not verify with key "
                + c.keyId()
                + ": the checkpoint was forged or altered");
      } else if (previousCheckpoint.isPresent()
          ? !previousCheckpoint.get().equals(c.previous())
          : c.firstSeq() == 1 && !AuditFiles.ORIGIN_HASH.equals(c.previous())) {
        fail(
            file,
            number,
            Kind.CHECKPOINT_MISMATCH,
            "the checkpoint names "
                + c.previous()
                + " as the previous checkpoint, but the previous checkpoint line hashes to "
                + previousCheckpoint.orElse(AuditFiles.ORIGIN_HASH)
                + ": a checkpoint was removed or replaced");
      } else {
        verified++;
        signedThrough = c.lastSeq();
        keyIds.add(c.keyId());
      }
    }

    private void fail(Path file, long number, Kind kind, String detail) {
      findings.add(new Break(file, number, kind, detail));
    }
  }
}
