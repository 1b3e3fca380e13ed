package dev.geofence.filter.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the hash chain of audit files written by {@link FileAuditSink}: every line's {@code
 * geofence.audit.prev_hash} must be the SHA-256 of the line before it (across files) and its {@code
 * seq} one more than the previous line's.
 *
 * <p>Reports the first break and what it looks like: an {@link Kind#EDITED edited} line, {@link
 * Kind#MISSING missing} lines, {@link Kind#REORDERED reordered} lines, a {@link Kind#MISSING_FILE
 * missing file}, a {@link Kind#MALFORMED line that is not a record}, or a {@link
 * Kind#TRUNCATED_TAIL cut-short line} in the middle of the trail. A cut-short last line of the last
 * file is what a crash leaves; it is reported separately in {@link Result#truncatedTail()} and does
 * not break the chain, and neither does a cut-short line that the next file's {@code chain_restart}
 * record accounts for.
 *
 * <p>The chain proves order and completeness between the first and the last line given; it cannot
 * show that lines were removed from the very end, or that the whole tail was rewritten with fresh
 * hashes, unless the last hash is compared with one kept elsewhere ({@code expectedLastHash}).
 * Stateless and thread-safe.
 */
public final class AuditChainVerifier {

  private AuditChainVerifier() {}

  /** How the chain is broken. */
  public enum Kind {
    /** A line's bytes differ from what the next line's hash recorded. */
    EDITED,
    /** Records are missing: the sequence jumps forward inside a file. */
    MISSING,
    /** Lines are out of order: the sequence goes back, or a skipped number turns up later. */
    REORDERED,
    /**
     * The sequence jumps at the start of a file: a file (or the end of the previous one) is
     * missing.
     */
    MISSING_FILE,
    /** A line cut short in the middle of the trail that no chain_restart record accounts for. */
    TRUNCATED_TAIL,
    /** A complete line that is not a chained audit record (inserted or edited beyond parsing). */
    MALFORMED,
    /** The chain holds but its last hash is not the one expected. */
    LAST_HASH_MISMATCH,
    /**
     * A checkpoint's Merkle root does not match the lines it covers: a line was edited, added or
     * removed and the chain recomputed after it.
     */
    ROOT_MISMATCH,
    /** A checkpoint's signature does not verify with the key it names: forged or altered. */
    BAD_SIGNATURE,
    /** A checkpoint is signed by a key that is none of the public keys given. */
    UNKNOWN_KEY,
    /**
     * A checkpoint does not follow the one before it (its {@code previous} hash), or does not cover
     * its file from its first line to the line before it.
     */
    CHECKPOINT_MISMATCH;

    /** Lower-case words, as printed by the command line. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * Where and how the chain breaks.
   *
   * @param file the file holding the line
   * @param line the line number in that file, from 1
   */
  public record Break(Path file, long line, Kind kind, String detail) {
    public Break {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(detail, "detail");
    }

    /** One sentence: {@code audit-000002-….jsonl line 17: edited: …}. */
    public String describe() {
      return file + " line " + line + ": " + kind.label() + ": " + detail;
    }
  }

  /**
   * The outcome of a verification.
   *
   * @param files files read
   * @param records chained lines read up to the first break (all of them when intact)
   * @param firstSeq sequence number of the first line, 0 when there was none
   * @param lastSeq sequence number of the last line read before any break, 0 when there was none
   * @param startsAtOrigin whether the first line is the very first of its trail (seq 1, zero hash)
   * @param lastHash hex SHA-256 of that line, to compare with an anchor kept elsewhere
   * @param restarts chain_restart records accepted (crashes recovered from)
   * @param firstBreak the first break, empty when the chain holds
   * @param truncatedTail a cut-short last line at the very end (a crash), empty otherwise
   * @param shortenedModels records whose model field is written shortened or cleaned, with the
   *     SHA-256 of the whole value beside it ({@code geofence.model.truncated})
   */
  public record Result(
      int files,
      long records,
      long firstSeq,
      long lastSeq,
      boolean startsAtOrigin,
      String lastHash,
      int restarts,
      Optional<Break> firstBreak,
      Optional<Break> truncatedTail,
      long shortenedModels) {

    /** True when no break was found (a truncated tail at the very end is allowed). */
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /** Verifies the files, given in chain order. */
  public static Result verify(List<Path> files) throws IOException {
    return verify(files, Optional.empty());
  }

  /**
   * Verifies the files, given in chain order, and that the last line hashes to the expected value
   * (a hash logged by the sink at rotation, kept outside the trail).
   *
   * @throws IOException when a file cannot be read
   */
  public static Result verify(List<Path> files, Optional<String> expectedLastHash)
      throws IOException {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(expectedLastHash, "expectedLastHash");
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no audit files given; name the files of the trail in order");
    }
    Checker checker = new Checker();
    MessageDigest digest = AuditFiles.sha256();
    for (Path file : files) {
      AuditFiles.readLines(
          file,
          (bytes, number, terminated) ->
              checker.accept(
                  new Entry(
                      file,
                      number,
                      AuditFiles.sha256Hex(digest, bytes),
                      bytes.length,
                      terminated,
                      terminated ? AuditLine.parse(bytes) : Optional.empty())));
    }
    return checker.finish(files.size(), expectedLastHash);
  }

  private record Entry(
      Path file,
      long line,
      String hash,
      long length,
      boolean terminated,
      Optional<AuditLine> parsed) {

    long seq() {
      return parsed.get().seq();
    }

    String prevHash() {
      return parsed.get().prevHash();
    }
  }

  /** Sees the lines one at a time, judging each transition with one line of look-ahead. */
  private static final class Checker {
    private Entry previous; // last accepted chained line
    private Entry current; // chained line waiting for its successor as look-ahead
    private Entry cutShort; // a cut-short line not yet accounted for
    private Entry first;
    private long records;
    private long shortenedModels;
    private int restarts;
    private Break firstBreak;
    // After a forward jump: were the skipped numbers seen later (reordered) or never (missing)?
    private Break gap;
    private long gapFrom;
    private long gapTo;

    void accept(Entry entry) {
      if (firstBreak != null) {
        return;
      }
      if (gap != null) {
        if (entry.parsed.filter(AuditLine::isChained).isPresent()
            && entry.seq() >= gapFrom
            && entry.seq() < gapTo) {
          breakAt(
              new Break(
                  gap.file(),
                  gap.line(),
                  Kind.REORDERED,
                  "seq "
                      + gapTo
                      + " comes before seq "
                      + entry.seq()
                      + ", which turns up later at "
                      + entry.file()
                      + " line "
                      + entry.line()));
        }
        return;
      }
      if (!entry.terminated) {
        flush(entry); // the line before the cut is judged now; the cut applies to the line after it
        if (cutShort == null) {
          cutShort = entry;
        }
        return;
      }
      if (entry.parsed.filter(AuditLine::isChained).isEmpty()) {
        flush(entry);
        if (firstBreak == null && gap == null) {
          breakAt(
              new Break(
                  entry.file,
                  entry.line,
                  Kind.MALFORMED,
                  "the line is not a chained audit record (no JSON object with geofence.audit.seq and prev_hash)"));
        }
        return;
      }
      flush(entry);
      current = entry;
    }

    /** Judges {@code current} now that its successor (or the end) is known. */
    private void flush(Entry next) {
      if (current == null) {
        return;
      }
      Entry b = current;
      current = null;
      if (previous == null) {
        first = b;
        if (cutShort != null) {
          // The trail given starts after a cut-short line: only a restart record explains it.
          if (!acceptsCutShort(b)) {
            return;
          }
        }
        accepted(b);
        return;
      }
      if (cutShort != null && !acceptsCutShort(b)) {
        return;
      }
      Entry a = previous;
      long expected = a.seq() + 1;
      boolean linked = b.prevHash().equalsIgnoreCase(a.hash);
      if (linked && b.seq() == expected) {
        accepted(b);
      } else if (linked) {
        breakAt(
            new Break(
                b.file,
                b.line,
                Kind.EDITED,
                "its seq is "
                    + b.seq()
                    + " but it follows seq "
                    + a.seq()
                    + " by hash, so the seq was changed"));
      } else if (b.seq() == expected) {
        boolean bChanged =
            next != null
                && next.parsed.filter(AuditLine::isChained).isPresent()
                && next.seq() == b.seq() + 1
                && !next.prevHash().equalsIgnoreCase(b.hash);
        Entry edited = bChanged ? b : a;
        breakAt(
            new Break(
                edited.file,
                edited.line,
                Kind.EDITED,
                "the line's bytes no longer match the hash "
                    + "recorded by the line after it (seq "
                    + edited.seq()
                    + ")"));
      } else if (b.seq() > expected) {
        long missing = b.seq() - expected;
        boolean newFile = !b.file.equals(a.file);
        Break found =
            newFile
                ? new Break(
                    b.file,
                    b.line,
                    Kind.MISSING_FILE,
                    "the file starts at seq "
                        + b.seq()
                        + " but "
                        + a.file
                        + " ends at seq "
                        + a.seq()
                        + ": "
                        + missing
                        + " records are missing between them (a missing file, "
                        + "or the end of "
                        + a.file.getFileName()
                        + " was cut)")
                : new Break(
                    b.file,
                    b.line,
                    Kind.MISSING,
                    missing
                        + (missing == 1 ? " record" : " records")
                        + " (seq "
                        + expected
                        + (missing == 1 ? "" : " to " + (b.seq() - 1))
                        + ") missing before this line");
        gap = found;
        gapFrom = expected;
        gapTo = b.seq();
        if (next != null) {
          accept(next); // the look-ahead line may already be the skipped one
        }
      } else {
        breakAt(
            new Break(
                b.file, b.line, Kind.REORDERED, "seq " + b.seq() + " comes after seq " + a.seq()));
      }
    }

    private boolean acceptsCutShort(Entry b) {
      AuditLine line = b.parsed.get();
      if (line.isRestart() && line.truncatedBytes() == cutShort.length) {
        restarts++;
        cutShort = null;
        return true;
      }
      breakAt(
          new Break(
              cutShort.file,
              cutShort.line,
              Kind.TRUNCATED_TAIL,
              "the file ends with "
                  + cutShort.length
                  + " bytes of an incomplete line, and the next line ("
                  + b.file.getFileName()
                  + " line "
                  + b.line
                  + ") is not a chain_restart record that accounts for them"));
      return false;
    }

    private void accepted(Entry b) {
      previous = b;
      records++;
      if (b.parsed.get().modelTruncated()) {
        shortenedModels++;
      }
    }

    private void breakAt(Break found) {
      firstBreak = found;
    }

    Result finish(int files, Optional<String> expectedLastHash) {
      if (firstBreak == null && gap == null) {
        flush(null);
      }
      if (firstBreak == null && gap != null) {
        firstBreak = gap;
      }
      Optional<Break> tail = Optional.empty();
      if (firstBreak == null && cutShort != null) {
        tail =
            Optional.of(
                new Break(
                    cutShort.file,
                    cutShort.line,
                    Kind.TRUNCATED_TAIL,
                    "the last line is "
                        + cutShort.length
                        + " bytes without a line feed, as a crash during a write leaves it; the chain holds "
                        + "up to the line before"));
      }
      String lastHash = previous == null ? AuditFiles.ORIGIN_HASH : previous.hash;
      if (firstBreak == null
          && expectedLastHash.isPresent()
          && !expectedLastHash.get().equalsIgnoreCase(lastHash)) {
        firstBreak =
            previous == null
                ? new Break(
                    Path.of("-"),
                    0,
                    Kind.LAST_HASH_MISMATCH,
                    "no records, expected last hash " + expectedLastHash.get())
                : new Break(
                    previous.file,
                    previous.line,
                    Kind.LAST_HASH_MISMATCH,
                    "the last line hashes to "
                        + lastHash
                        + ", expected "
                        + expectedLastHash.get()
                        + ": lines at the end were removed, added or rewritten");
      }
      boolean origin =
          first != null && first.seq() == 1 && AuditFiles.ORIGIN_HASH.equals(first.prevHash());
      return new Result(
          files,
          records,
          first == null ? 0 : first.seq(),
          previous == null ? 0 : previous.seq(),
          origin,
          lastHash,
          restarts,
          Optional.ofNullable(firstBreak),
          tail,
          shortenedModels);
    }
  }
}
