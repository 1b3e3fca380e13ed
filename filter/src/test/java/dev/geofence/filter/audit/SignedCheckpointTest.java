package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.lines;
import static dev.geofence.filter.audit.AuditFixtures.parse;
import static dev.geofence.filter.audit.AuditFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.geofence.filter.audit.AuditChainVerifier.Kind;
import dev.geofence.filter.audit.AuditSink.Delivery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedCheckpointTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern PREV = Pattern.compile("\"prev_hash\":\"([0-9a-f]{64})\"");

  @TempDir Path dir;
  @TempDir Path keys;
  private Path privateKey;
  private PublicKey publicKey;

  @BeforeEach
  void keyPair() throws IOException {
    KeyPair pair = AuditKeys.generate();
    privateKey = keys.resolve("audit.key");
    AuditKeys.write(pair, privateKey, keys.resolve("audit.pub"));
    publicKey = AuditKeys.readPublicKey(keys.resolve("audit.pub"));
  }

  private FileAuditSink.Builder sink() {
    return FileAuditSink.builder(dir)
        .durability(Durability.eachRecord())
        .signingKey(privateKey)
        .checkpointEvery(5, Duration.ofHours(1))
        .instance("gw-1");
  }

  private List<Path> files() throws IOException {
    return AuditFiles.trailFiles(dir, "audit");
  }

  private void writeTrail(int records) {
    try (FileAuditSink sink = sink().build()) {
      for (int i = 1; i <= records; i++) {
        assertThat(sink.write(simple("block", "r" + i), IpPrivacy.full(), WAIT))
            .isEqualTo(Delivery.WRITTEN);
      }
    }
  }

  private AuditSignatureVerifier.Result verify(PublicKey... with) throws IOException {
    return AuditSignatureVerifier.verify(files(), List.of(with));
  }

  /** Rewrites one file's lines, then recomputes every prev_hash after them as an attacker would. */
  private void rewriteWithChain(Path file, java.util.function.UnaryOperator<List<String>> edit)
      throws IOException {
    List<String> edited = new ArrayList<>(edit.apply(new ArrayList<>(lines(file))));
    for (int i = 1; i < edited.size(); i++) {
      String previousHash =
          AuditFiles.sha256Hex(
              AuditFiles.sha256(), edited.get(i - 1).getBytes(StandardCharsets.UTF_8));
      Matcher m = PREV.matcher(edited.get(i));
      edited.set(i, m.replaceFirst("\"prev_hash\":\"" + previousHash + "\""));
    }
    Files.write(file, (String.join("\n", edited) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void checkpointsEveryNLinesAndAtCloseCoverTheWholeFileAndVerify() throws IOException {
    writeTrail(12);

    List<JsonNode> lines = lines(files().get(0)).stream().map(AuditFixtures::parse).toList();
    List<Long> checkpoints =
        lines.stream()
            .filter(j -> j.at("/event/action").asText().equals("checkpoint"))
            .map(j -> j.at("/geofence/audit/seq").asLong())
            .toList();
    // 5 records, checkpoint 6; 5 more lines, checkpoint 12; 2 more, checkpoint 15 at close.
    assertThat(checkpoints).containsExactly(6L, 12L, 15L);
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.at("/geofence/checkpoint/first_seq").asLong()).isEqualTo(1);
    assertThat(last.at("/geofence/checkpoint/last_seq").asLong()).isEqualTo(14);
    assertThat(last.at("/geofence/checkpoint/tree_size").asLong()).isEqualTo(14);
    assertThat(last.at("/geofence/checkpoint/key_id").asText())
        .isEqualTo(AuditKeys.keyId(publicKey));
    assertThat(last.at("/service/node/name").asText()).isEqualTo("gw-1");
    assertThat(lines)
        .allSatisfy(j -> assertThat(j.at("/service/node/name").asText()).isEqualTo("gw-1"));
    for (String line : lines(files().get(0))) {
      assertThat(AuditFixtures.schemaViolations(line)).as(line).isEmpty();
    }

    assertThat(AuditChainVerifier.verify(files()).intact()).isTrue();
    AuditSignatureVerifier.Result result = verify(publicKey);
    assertThat(result.findings()).isEmpty();
    assertThat(result.checkpoints()).isEqualTo(3);
    assertThat(result.signedThrough()).isEqualTo(14);
    assertThat(result.unsignedTail()).isZero();
    assertThat(result.keyIds()).containsExactly(AuditKeys.keyId(publicKey));
  }

  @Test
  void anEditedRecordWithARecomputedChainPassesTheChainButNotTheSignedRoot() throws IOException {
    writeTrail(12);
    Path file = files().get(0);
    rewriteWithChain(
        file,
        lines -> {
          lines.set(2, lines.get(2).replace("\"action\":\"block\"", "\"action\":\"allow\""));
          return lines;
        });

    assertThat(AuditChainVerifier.verify(files()).intact()).isTrue(); // what 0.1 could tell
    AuditSignatureVerifier.Result result = verify(publicKey);
    assertThat(result.findings()).isNotEmpty();
    assertThat(result.findings().get(0).kind()).isEqualTo(Kind.ROOT_MISMATCH);
    assertThat(result.findings().get(0).line()).isEqualTo(6);
  }

  @Test
  void aForgedCheckpointFailsItsSignature() throws IOException {
    writeTrail(12);
    Path file = files().get(0);
    // The attacker edits a record and writes the matching root into the checkpoint, but cannot
    // sign.
    List<String> original = lines(file);
    rewriteWithChain(
        file,
        lines -> {
          lines.set(2, lines.get(2).replace("\"id\":\"r3\"", "\"id\":\"r9\""));
          return lines;
        });
    List<String> edited = lines(file);
    List<byte[]> leaves = new ArrayList<>();
    java.security.MessageDigest sha = AuditFiles.sha256();
    for (int i = 0; i < 5; i++) {
      leaves.add(
          MerkleTree.leafHash(sha, sha.digest(edited.get(i).getBytes(StandardCharsets.UTF_8))));
    }
    String forgedRoot = java.util.HexFormat.of().formatHex(MerkleTree.root(leaves));
    String oldRoot = parse(original.get(5)).at("/geofence/checkpoint/root").asText();
    rewriteWithChain(
        file,
        lines -> {
          lines.set(5, lines.get(5).replace(oldRoot, forgedRoot));
          return lines;
        });

    AuditSignatureVerifier.Result result = verify(publicKey);
    assertThat(result.findings()).isNotEmpty();
    assertThat(result.findings().get(0).kind()).isEqualTo(Kind.BAD_SIGNATURE);
    assertThat(result.findings().get(0).detail()).contains("forged or altered");
  }

  @Test
  void aWrongKeyIsAFinding() throws IOException {
    writeTrail(6);
    PublicKey other = AuditKeys.generate().getPublic();

    AuditSignatureVerifier.Result result = verify(other);

    assertThat(result.findings()).isNotEmpty();
    assertThat(result.findings().get(0).kind()).isEqualTo(Kind.UNKNOWN_KEY);
    assertThat(result.findings().get(0).detail()).contains(AuditKeys.keyId(publicKey));
  }

  @Test
  void aRemovedCheckpointWithARecomputedChainBreaksTheNextCheckpointsLink() throws IOException {
    writeTrail(12);
    rewriteWithChain(
        files().get(0),
        lines -> {
          lines.remove(5); // the checkpoint at seq 6
          return lines;
        });

    AuditSignatureVerifier.Result result = verify(publicKey);

    assertThat(result.findings()).isNotEmpty();
    assertThat(result.findings().get(0).kind())
        .isIn(Kind.CHECKPOINT_MISMATCH, Kind.BAD_SIGNATURE, Kind.ROOT_MISMATCH);
  }

  @Test
  void recordsAfterTheLastCheckpointAreAnUnsignedTailNotAFinding() throws IOException {
    try (FileAuditSink sink = sink().build()) {
      for (int i = 1; i <= 7; i++) {
        sink.write(simple("block", "r" + i), IpPrivacy.full(), WAIT);
      }
      AuditSignatureVerifier.Result open = verify(publicKey);
      assertThat(open.findings()).isEmpty();
      assertThat(open.checkpoints()).isEqualTo(1);
      assertThat(open.unsignedTail()).isEqualTo(2); // seq 7 and 8 follow the checkpoint at 6
    }
    assertThat(verify(publicKey).unsignedTail()).isZero();
  }

  @Test
  void aNewKeyTakesEffectAtTheNextCheckpointAndVerificationAcceptsBoth() throws IOException {
    KeyPair second = AuditKeys.generate();
    try (FileAuditSink sink = sink().build()) {
      for (int i = 1; i <= 5; i++) {
        sink.write(simple("block", "a" + i), IpPrivacy.full(), WAIT);
      }
      Files.delete(privateKey);
      Files.delete(keys.resolve("audit.pub"));
      AuditKeys.write(second, privateKey, keys.resolve("audit.pub"));
      Files.setLastModifiedTime(privateKey, FileTime.fromMillis(0));
      for (int i = 1; i <= 5; i++) {
        sink.write(simple("block", "b" + i), IpPrivacy.full(), WAIT);
      }
    }

    AuditSignatureVerifier.Result both = verify(publicKey, second.getPublic());
    assertThat(both.findings()).isEmpty();
    assertThat(both.keyIds())
        .containsExactlyInAnyOrder(AuditKeys.keyId(publicKey), AuditKeys.keyId(second.getPublic()));
    assertThat(verify(publicKey).findings())
        .extracting(AuditChainVerifier.Break::kind)
        .contains(Kind.UNKNOWN_KEY);
  }

  @Test
  void eachFileOfARotatedTrailEndsWithACheckpointAndTheCheckpointsChainAcrossFiles()
      throws IOException {
    try (FileAuditSink sink = sink().maxFileSize(4096).build()) {
      for (int i = 1; i <= 30; i++) {
        sink.write(simple("block", "r" + i), IpPrivacy.full(), WAIT);
      }
    }
    assertThat(files()).hasSizeGreaterThan(2);
    for (Path file : files()) {
      List<String> lines = lines(file);
      assertThat(parse(lines.get(lines.size() - 1)).at("/event/action").asText())
          .isEqualTo("checkpoint");
    }
    assertThat(AuditChainVerifier.verify(files()).intact()).isTrue();
    AuditSignatureVerifier.Result result = verify(publicKey);
    assertThat(result.findings()).isEmpty();
    assertThat(result.uncovered()).isEmpty();
  }

  @Test
  void aRestartedSinkLinksItsFirstCheckpointToTheLastOneOfTheEarlierFile() throws IOException {
    writeTrail(3);
    writeTrail(3);

    assertThat(files()).hasSize(2);
    assertThat(AuditChainVerifier.verify(files()).intact()).isTrue();
    AuditSignatureVerifier.Result result = verify(publicKey);
    assertThat(result.findings()).isEmpty();
    assertThat(result.checkpoints()).isEqualTo(2);
    assertThat(result.signedThrough()).isEqualTo(7); // 3 records, checkpoint 4, 3 records
  }

  @Test
  void aProofOfOneRecordVerifiesAloneAndAChangeToAnyOfItsBytesFails() throws IOException {
    writeTrail(12);
    String proof = AuditProof.create(files(), 8);

    AuditProof.Result valid = AuditProof.verify(proof, List.of(publicKey));
    assertThat(valid.valid()).as(valid.detail()).isTrue();
    assertThat(valid.seq()).isEqualTo(8);
    assertThat(parse(proof).at("/record").asText()).contains("\"id\":\"r7\"");
    assertThat(AuditProof.verify(proof, List.of(AuditKeys.generate().getPublic())).valid())
        .isFalse();

    byte[] bytes = proof.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte[] changed = bytes.clone();
      changed[i] ^= 1;
      AuditProof.Result result =
          AuditProof.verify(new String(changed, StandardCharsets.UTF_8), List.of(publicKey));
      assertThat(result.valid()).as("byte %d changed", i).isFalse();
    }
  }

  @Test
  void aRecordInTheUnsignedTailCannotBeProvenYet() throws IOException {
    try (FileAuditSink sink = sink().build()) {
      for (int i = 1; i <= 7; i++) {
        sink.write(simple("block", "r" + i), IpPrivacy.full(), WAIT);
      }
      assertThatThrownBy(() -> AuditProof.create(files(), 7)).hasMessageContaining("unsigned tail");
    }
    assertThatThrownBy(() -> AuditProof.create(files(), 99)).hasMessageContaining("seq 99");
  }

  @Test
  void keyFilesKeepThePrivateKeyToTheOwnerAndAreNeverOverwritten() throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
        .isEqualTo("rw-------");
    assertThat(AuditKeys.publicKeyOf(AuditKeys.readPrivateKey(privateKey))).isEqualTo(publicKey);
    assertThatThrownBy(
            () -> AuditKeys.write(AuditKeys.generate(), privateKey, keys.resolve("other.pub")))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> AuditKeys.readPrivateKey(keys.resolve("audit.pub")))
        .hasMessageContaining("audit.pub")
        .hasMessageContaining("BEGIN PRIVATE KEY");
    assertThatThrownBy(() -> FileAuditSink.builder(dir).signingKey(keys.resolve("audit.pub")))
        .hasMessageContaining("signing key");
  }
}
