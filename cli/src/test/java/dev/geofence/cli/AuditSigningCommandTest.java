package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.IpPrivacy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, then a signed trail, then verify, prove and verify-proof, as an operator runs them. */
class AuditSigningCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path privateKey;
  private Path publicKey;
  private List<Path> files;

  @BeforeEach
  void keysAndTrail() throws IOException {
    privateKey = dir.resolve("audit.key");
    publicKey = dir.resolve("audit.pub");
    assertThat(
            run(
                "audit",
                "keygen",
                "--private-key",
                privateKey.toString(),
                "--public-key",
                publicKey.toString()))
        .isZero();
    Path trail = Files.createDirectory(dir.resolve("trail"));
    try (FileAuditSink sink =
        FileAuditSink.builder(trail)
            .signingKey(privateKey)
            .checkpointEvery(4, Duration.ofMinutes(1))
            .build()) {
      for (int i = 1; i <= 10; i++) {
        sink.write(
            AuditRecord.builder()
                .action(i % 3 == 0 ? AuditAction.BLOCK : AuditAction.ALLOW)
                .country(i % 3 == 0 ? "IR" : "DE")
                .requestId("r" + i)
                .build(),
            IpPrivacy.full(),
            Duration.ofSeconds(30));
      }
    }
    try (Stream<Path> list = Files.list(trail)) {
      files = list.sorted().toList();
    }
    out.getBuffer().setLength(0);
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out), new PrintWriter(err));
  }

  private String[] withFiles(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    files.forEach(p -> all.add(p.toString()));
    return all.toArray(new String[0]);
  }

  @Test
  void keygenWritesAnOwnerOnlyPrivateKeyAndRefusesToOverwrite() throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(publicKey)).startsWith("-----BEGIN PUBLIC KEY-----");

    assertThat(
            run(
                "audit",
                "keygen",
                "--private-key",
                privateKey.toString(),
                "--public-key",
                dir.resolve("x.pub").toString()))
        .isEqualTo(Main.FINDING);
    assertThat(err.toString()).contains("audit.key exists");
  }

  @Test
  void verifyWithThePublicKeyChecksEveryCheckpoint() {
    assertThat(run(withFiles("audit", "verify", "--public-key", publicKey.toString()))).isZero();
    assertThat(out.toString())
        .contains("OK 13 records")
        .containsPattern("SIGNED 3 checkpoints verified up to seq 12, by key [0-9a-f]{16}")
        .doesNotContain("WARNING");
  }

  @Test
  void verifyWithoutAKeySaysSignaturesWereNotChecked() {
    assertThat(run(withFiles("audit", "verify"))).isZero();
    assertThat(out.toString()).contains("Signatures were not checked");
  }

  @Test
  void verifyWithAnotherKeyIsAFinding() {
    Path otherKey = dir.resolve("other.key");
    Path otherPub = dir.resolve("other.pub");
    run(
        "audit",
        "keygen",
        "--private-key",
        otherKey.toString(),
        "--public-key",
        otherPub.toString());
    out.getBuffer().setLength(0);

    assertThat(run(withFiles("audit", "verify", "--public-key", otherPub.toString())))
        .isEqualTo(Main.FINDING);
    assertThat(out.toString()).contains("BAD CHECKPOINT").contains("unknown key");
  }

  @Test
  void aProofVerifiesAloneAndAnEditedProofDoesNot() throws IOException {
    assertThat(run(withFiles("audit", "prove", "--seq", "6"))).isZero();
    Path proof = dir.resolve("proof.json");
    Files.writeString(proof, out.toString(), StandardCharsets.UTF_8);
    out.getBuffer().setLength(0);

    assertThat(run("audit", "verify-proof", proof.toString(), "--public-key", publicKey.toString()))
        .isZero();
    // r1-r4, checkpoint 5, r5-r8 (seq 6 to 9), checkpoint 10 over the 9 lines before it.
    assertThat(out.toString())
        .startsWith("VALID record seq 6 is leaf 5 of the 9 lines signed by key");

    // The record is a JSON string inside the proof, so its quotes are escaped there.
    String text = Files.readString(proof);
    String r5 = "\\\"id\\\":\\\"r5\\\"";
    assertThat(text).contains(r5);
    Files.writeString(proof, text.replace(r5, r5.replace("r5", "r4")));
    out.getBuffer().setLength(0);
    assertThat(run("audit", "verify-proof", proof.toString(), "--public-key", publicKey.toString()))
        .isEqualTo(Main.FINDING);
    assertThat(out.toString()).startsWith("INVALID");
  }

  @Test
  void proveSaysWhenNoFileHoldsTheRecord() {
    assertThat(run(withFiles("audit", "prove", "--seq", "999"))).isEqualTo(Main.FINDING);
    assertThat(err.toString()).contains("no chained record with seq 999");
  }
}
