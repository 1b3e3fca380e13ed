package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.lines;
import static dev.geofence.filter.audit.AuditFixtures.parse;
import static dev.geofence.filter.audit.AuditFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.geofence.filter.Await;
import dev.geofence.filter.Mounts;
import dev.geofence.filter.audit.AuditSink.Delivery;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file sink on a real disk that really fails: a small tmpfs that fills up, a directory made
 * read-only, the current file deleted and the directory removed under the writer. Mounting needs
 * root and a kernel that lets this process mount; elsewhere the mount tests are skipped (the same
 * paths are covered with injected errors in {@link FileAuditSinkTest}). Every test checks that the
 * sink holds no more open files afterwards than before and that the trail still verifies.
 */
class FileAuditSinkDiskFaultTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration SHORT = Duration.ofMillis(100);

  @TempDir Path tmp;
  private Path dir;
  private final Mounts mounts = new Mounts();

  @BeforeEach
  void directory() throws IOException {
    dir = Files.createDirectories(tmp.resolve("audit"));
  }

  @AfterEach
  void unmount() {
    mounts.unmountAll();
  }

  private FileAuditSink.Builder sink() {
    return FileAuditSink.builder(dir)
        .durability(Durability.eachRecord())
        .retryDelay(Duration.ofMillis(5))
        .instance("disk-test");
  }

  /** Descriptors this process holds on anything in the trail's directory (Linux only). */
  private long openFiles() throws IOException {
    Path fdDir = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fdDir), "no /proc/self/fd to count open files");
    String trail = dir.toString() + "/";
    try (Stream<Path> fds = Files.list(fdDir)) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().startsWith(trail);
                } catch (IOException closedMeanwhile) {
                  return false;
                }
              })
          .count();
    }
  }

  private List<JsonNode> records() throws IOException {
    List<JsonNode> all = new ArrayList<>();
    for (Path file : AuditFiles.trailFiles(dir, "audit")) {
      lines(file).forEach(line -> all.add(parse(line)));
    }
    return all;
  }

  private static List<String> actions(List<JsonNode> records) {
    return records.stream().map(r -> r.at("/event/action").asText()).toList();
  }

  /** Fills the file system holding {@code dir} until the kernel answers ENOSPC. */
  private Path fill() throws IOException {
    Path filler = dir.resolve("filler.bin");
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException expected) {
      // no space left on device
    }
    return filler;
  }

  @Test
  void aFullDiskAnswersWaitersNotWrittenCountsLossesAndRecordsThemOnceThereIsSpace()
      throws IOException {
    mounts.mount(dir, "-t", "tmpfs", "-o", "size=256k", "tmpfs");
    long before = openFiles();
    try (FileAuditSink sink = sink().build()) {
      assertThat(sink.write(simple("allow", "before"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
      Instant filledAt = Instant.now();
      Path filler = fill();

      // Lines still fit in the page the file already has; then a record that must be on disk
      // before the answer cannot be: the caller is told so (the filter answers 503) instead of
      // being held forever or told it was written.
      Delivery refused = Delivery.WRITTEN;
      for (int i = 0; i < 100 && refused == Delivery.WRITTEN; i++) {
        refused = sink.write(simple("block", "refused"), IpPrivacy.full(), SHORT);
      }
      assertThat(refused).isNotEqualTo(Delivery.WRITTEN);
      assertThat(openFiles()).as("the trail file only").isEqualTo(1);
      Await.until("the sink to report the full disk", () -> sink.stats().lastError().isPresent());
      assertThat(sink.stats().lastError().get()).containsIgnoringCase("space");
      assertThat(sink.stats().lastErrorAt())
          .hasValueSatisfying(at -> assertThat(at).isBetween(filledAt, Instant.now()));
      // Records nobody waits for are counted as lost at once; the thread retries, bounded.
      for (int i = 0; i < 5; i++) {
        assertThat(sink.write(simple("allow", "lost" + i), IpPrivacy.full(), Duration.ZERO))
            .isEqualTo(Delivery.LOST);
      }
      assertThat(sink.stats().lost()).isEqualTo(5);

      Files.delete(filler);
      assertThat(sink.write(simple("allow", "after"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
    }
    assertThat(openFiles()).isLessThanOrEqualTo(before);
    List<JsonNode> records = records();
    int n = records.size();
    // The refused request's record was kept and written once there was room (whether the retry
    // got a page back before or after the losses were counted): it is there, and still a refusal.
    assertThat(records)
        .filteredOn(r -> r.at("/http/request/id").asText().equals("refused"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.at("/event/action").asText()).isEqualTo("block"));
    // Every loss is on record. Usually in one records_lost line; when a retry finds a page free
    // between two losses (the cut-back of a failed write can free one), in more, adding up.
    assertThat(
            records.stream()
                .filter(r -> r.at("/event/action").asText().equals("records_lost"))
                .mapToLong(r -> r.at("/geofence/lost/count").asLong())
                .sum())
        .isEqualTo(5);
    assertThat(records.get(n - 1).at("/http/request/id").asText()).isEqualTo("after");
    assertIntact();
  }

  @Test
  void aDirectoryMadeReadOnlyIsNoticedAtTheNextFileAndWrittenAgainOnceWritable()
      throws IOException {
    // A read-only remount is refused (EBUSY) while the sink holds its file open for writing,
    // so the directory is made read-only the way an operator can: a read-only bind mount over it.
    // Lines keep going into the file already open; the next file cannot be created.
    long before = openFiles();
    try (FileAuditSink sink = sink().maxFileSize(4096).build()) {
      mounts.mount(dir, "--bind", dir.toString());
      assumeTrue(
          Mounts.run("mount", "-o", "remount,bind,ro", dir.toString()), "no read-only remount");
      int written = 0;
      Delivery last = Delivery.WRITTEN;
      while (last == Delivery.WRITTEN && written < 100) {
        last = sink.write(simple("allow", "r" + written), IpPrivacy.full(), SHORT);
        written++;
      }
      assertThat(last).as("a record past the first file").isNotEqualTo(Delivery.WRITTEN);
      Await.until(
          "the sink to report the read-only disk", () -> sink.stats().lastError().isPresent());
      assertThat(sink.stats().lastError().get()).containsIgnoringCase("read-only");
      assertThat(sink.write(simple("allow", "lost"), IpPrivacy.full(), Duration.ZERO))
          .isEqualTo(Delivery.LOST);

      assertThat(mounts.unmount(dir)).isTrue();
      assertThat(sink.write(simple("allow", "after"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
    }
    assertThat(openFiles()).isLessThanOrEqualTo(before);
    assertThat(actions(records())).contains("records_lost");
    assertIntact();
  }

  @Test
  void theCurrentFileDeletedUnderTheWriterIsNoticedAndTheChainGoesOnInANewFileWithAGapRecord()
      throws IOException {
    long before = openFiles();
    try (FileAuditSink sink = sink().build()) {
      assertThat(sink.write(simple("allow", "gone1"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
      Path deleted = sink.currentFile();
      Files.delete(deleted);
      assertThat(sink.write(simple("block", "kept"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
      assertThat(sink.currentFile()).isNotEqualTo(deleted);
    }
    assertThat(openFiles()).isLessThanOrEqualTo(before);
    List<JsonNode> records = records();
    assertThat(actions(records)).containsExactly("records_lost", "block");
    assertThat(records.get(0).at("/geofence/lost/count").asLong()).isEqualTo(1);
    assertThat(records.get(0).at("/event/reason").asText())
        .contains("was deleted while being written");
  }

  @Test
  void atAnIntervalDurabilityTheDeletedFileIsNoticedLaterAndEveryLineWrittenIntoItIsCountedLost()
      throws IOException {
    try (FileAuditSink sink = sink().durability(Durability.every(Duration.ofSeconds(1))).build()) {
      assertThat(sink.write(simple("allow", "gone"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
      Path deleted = sink.currentFile();
      Files.delete(deleted);
      // The file's presence is looked up now and then, not before every batch: the lines written
      // until then go into the deleted file, and each of them must be counted as lost.
      long intoDeleted = 1;
      long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        assertThat(sink.write(simple("block", "after" + intoDeleted), IpPrivacy.full(), WAIT))
            .isEqualTo(Delivery.WRITTEN);
        if (!sink.currentFile().equals(deleted)) {
          break;
        }
        intoDeleted++;
        assertThat(System.nanoTime()).as("the deletion is noticed at all").isLessThan(giveUp);
      }
      List<JsonNode> records = records();
      assertThat(actions(records)).containsExactly("records_lost", "block");
      assertThat(records.get(0).at("/geofence/lost/count").asLong()).isEqualTo(intoDeleted);
    }
    assertIntact();
  }

  @Test
  void theDirectoryRemovedUnderTheWriterIsCreatedAgainAndTheChainGoesOnWithAGapRecord()
      throws IOException {
    long before = openFiles();
    try (FileAuditSink sink = sink().build()) {
      assertThat(sink.write(simple("allow", "gone1"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
      assertThat(sink.write(simple("block", "kept"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
    }
    assertThat(openFiles()).isLessThanOrEqualTo(before);
    assertThat(actions(records())).containsExactly("records_lost", "block");
  }

  private void assertIntact() throws IOException {
    AuditChainVerifier.Result result =
        AuditChainVerifier.verify(AuditFiles.trailFiles(dir, "audit"));
    assertThat(result.firstBreak()).isEmpty();
    assertThat(result.truncatedTail()).isEmpty();
  }
}
