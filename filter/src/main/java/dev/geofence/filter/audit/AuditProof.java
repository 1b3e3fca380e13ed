package dev.geofence.filter.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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

/**
 * A proof that one audit record is in a trail signed by a known key, checkable without the rest of
 * the trail: the record's line, its Merkle inclusion path (RFC 6962) and the signed checkpoint line
 * whose root the path leads to. Showing one decision this way discloses no other record. Every byte
 * of a proof matters: the record is hashed, the path leads to the signed root, and the checkpoint
 * line must be exactly the line its signed fields encode to. Stateless and thread-safe.
 */
public final class AuditProof {

  /** The value of the proof's {@code format} field. */
  public static final String FORMAT = "geofence-audit-proof/1";

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private AuditProof() {}

  /**
   * The outcome of {@link #verify}.
   *
   * @param valid whether the proof holds
   * @param detail one sentence: what was proven, or why the proof fails
   * @param seq the proven record's seq, 0 when the proof could not be read
   */
  public record Result(boolean valid, String detail, long seq) {
    public Result {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The proof for the record with the given seq, as one line of JSON, using the first checkpoint
   * after it in its file.
   *
   * @param files the trail's files in chain order (the file holding the record is enough)
   * @throws IllegalArgumentException when no file holds the record, or no checkpoint covers it yet
   * @throws IOException when a file cannot be read
   */
  public static String create(List<Path> files, long seq) throws IOException {
    Objects.requireNonNull(files, "files");
    if (seq < 1) {
      throw new IllegalArgumentException(
          "seq " + seq + " is not a record number; expected 1 or more");
    }
    for (Path file : files) {
      Finder finder = new Finder(seq);
      AuditFiles.readLines(file, (bytes, number, terminated) -> finder.line(bytes, terminated));
      if (finder.record != null) {
        if (finder.checkpoint == null) {
          throw new IllegalArgumentException(
              "record seq "
                  + seq
                  + " in "
                  + file
                  + " is not covered by a signed checkpoint yet (it is in the unsigned tail); "
                  + "prove it after the next checkpoint");
        }
        return write(finder);
      }
    }
    throw new IllegalArgumentException(
        "no chained record with seq " + seq + " in the " + files.size() + " files given");
  }

  /** Collects one file's leaves until the checkpoint that covers the wanted record. */
  private static final class Finder {
    final long seq;
    final MessageDigest digest = AuditFiles.sha256();
    final List<byte[]> leaves = new ArrayList<>();
    byte[] record;
    long firstSeq = -1;
    byte[] checkpoint;
    Checkpoint parsed;

    Finder(long seq) {
      this.seq = seq;
    }

    void line(byte[] bytes, boolean terminated) {
      if (checkpoint != null || !terminated) {
        return;
      }
      Optional<AuditLine> line = AuditLine.parse(bytes).filter(AuditLine::isChained);
      if (line.isEmpty()) {
        return;
      }
      if (firstSeq < 0) {
        firstSeq = line.get().seq();
      }
      if (record != null && line.get().isCheckpoint()) {
        Checkpoint c = line.get().checkpoint().get();
        if (c.firstSeq() == firstSeq && c.lastSeq() >= seq) {
          checkpoint = bytes;
          parsed = c;
          return;
        }
      }
      if (line.get().seq() == seq) {
        record = bytes;
      }
      leaves.add(MerkleTree.leafHash(digest, digest.digest(bytes)));
    }
  }

  private static String write(Finder f) throws IOException {
    int size = (int) f.parsed.treeSize();
    int index = (int) (f.seq - f.parsed.firstSeq());
    List<byte[]> path = MerkleTree.inclusionPath(f.leaves.subList(0, size), index);
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeStringField("record", new String(f.record, StandardCharsets.UTF_8));
      g.writeNumberField("leaf_index", index);
      g.writeNumberField("tree_size", size);
      g.writeArrayFieldStart("path");
      for (byte[] node : path) {
        g.writeString(HexFormat.of().formatHex(node));
      }
      g.writeEndArray();
      g.writeStringField("checkpoint", new String(f.checkpoint, StandardCharsets.UTF_8));
      g.writeEndObject();
    }
    return text + "\n";
  }

  /**
   * Checks a proof written by {@link #create} against the public keys that may have signed it.
   * Never throws on a bad proof: it is reported as not valid, with the reason.
   */
  public static Result verify(String proof, List<PublicKey> keys) {
    Objects.requireNonNull(proof, "proof");
    Objects.requireNonNull(keys, "keys");
    Map<String, Object> fields;
    try {
      fields = read(proof);
    } catch (IOException | IllegalArgumentException e) {
      return new Result(false, "the proof cannot be read: " + e.getMessage(), 0);
    }
    if (!FORMAT.equals(fields.get("format"))) {
      return new Result(false, "the proof's format is not " + FORMAT, 0);
    }
    byte[] recordBytes = ((String) fields.get("record")).getBytes(StandardCharsets.UTF_8);
    byte[] checkpointBytes = ((String) fields.get("checkpoint")).getBytes(StandardCharsets.UTF_8);
    Optional<AuditLine> record = AuditLine.parse(recordBytes).filter(AuditLine::isChained);
    if (record.isEmpty()) {
      return new Result(false, "the proof's record is not a chained audit line", 0);
    }
    long seq = record.get().seq();
    Optional<Checkpoint> found = AuditLine.parse(checkpointBytes).flatMap(AuditLine::checkpoint);
    if (found.isEmpty()) {
      return new Result(false, "the proof's checkpoint is not a checkpoint line", seq);
    }
    Checkpoint c = found.get();
    if (!java.util.Arrays.equals(new AuditEncoder().encodeCheckpoint(c), checkpointBytes)) {
      return new Result(
          false, "the checkpoint line is not exactly what its signed fields encode to", seq);
    }
    PublicKey key = null;
    for (PublicKey k : keys) {
      if (AuditKeys.keyId(k).equals(c.keyId())) {
        key = k;
      }
    }
    if (key == null) {
      return new Result(
          false,
          "the checkpoint is signed by key " + c.keyId() + ", which is none of the keys given",
          seq);
    }
    if (!c.verifies(key)) {
      return new Result(
          false, "the checkpoint's signature does not verify with key " + c.keyId(), seq);
    }
    long index = (Long) fields.get("leaf_index");
    long size = (Long) fields.get("tree_size");
    if (size != c.treeSize() || index != seq - c.firstSeq() || seq > c.lastSeq()) {
      return new Result(
          false,
          "the proof places seq "
              + seq
              + " at leaf "
              + index
              + " of "
              + size
              + ", but the checkpoint covers seq "
              + c.firstSeq()
              + " to "
              + c.lastSeq(),
          seq);
    }
    @SuppressWarnings("unchecked")
    List<byte[]> path = (List<byte[]>) fields.get("path");
    MessageDigest sha256 = AuditFiles.sha256();
    byte[] leaf = MerkleTree.leafHash(sha256, sha256.digest(recordBytes));
    if (!MerkleTree.verifyInclusion(leaf, index, size, path, HexFormat.of().parseHex(c.root()))) {
      return new Result(
          false, "the record and its path do not lead to the signed root " + c.root(), seq);
    }
    return new Result(
        true,
        "record seq "
            + seq
            + " is leaf "
            + index
            + " of the "
            + size
            + " lines signed by key "
            + c.keyId()
            + " at "
            + c.time()
            + (c.node().isEmpty() ? "" : " on " + c.node()),
        seq);
  }

  /** Reads the proof's fields strictly: each exactly once, nothing else, hex in lower case. */
  private static Map<String, Object> read(String proof) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(proof)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("it is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        Object read =
            switch (name) {
              case "format", "record", "checkpoint" -> {
                expect(value == JsonToken.VALUE_STRING, name);
                yield p.getText();
              }
              case "leaf_index", "tree_size" -> {
                expect(value == JsonToken.VALUE_NUMBER_INT, name);
                yield p.getLongValue();
              }
              case "path" -> {
                expect(value == JsonToken.START_ARRAY, name);
                List<byte[]> nodes = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                  String hex = p.getText();
                  expect(hex.matches("[0-9a-f]{64}"), "path");
                  nodes.add(HexFormat.of().parseHex(hex));
                }
                expect(p.currentToken() == JsonToken.END_ARRAY, name);
                yield nodes;
              }
              default -> throw new IllegalArgumentException("unknown field '" + name + "'");
            };
        if (fields.put(name, read) != null) {
          throw new IllegalArgumentException("the field '" + name + "' appears twice");
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IllegalArgumentException("it does not end after its one object");
      }
    }
    for (String name :
        List.of("format", "record", "leaf_index", "tree_size", "path", "checkpoint")) {
      if (!fields.containsKey(name)) {
        throw new IllegalArgumentException("the field '" + name + "' is missing");
      }
    }
    return fields;
  }

  private static void expect(boolean ok, String field) {
    if (!ok) {
      throw new IllegalArgumentException("the field '" + field + "' has the wrong type or form");
    }
  }
}
