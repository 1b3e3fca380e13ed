package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.lines;
import static dev.geofence.filter.audit.AuditFixtures.parse;
import static dev.geofence.filter.audit.AuditFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.geofence.filter.Await;
import dev.geofence.filter.audit.AuditFixtures.FailingOpener;
import dev.geofence.filter.audit.AuditFixtures.MutableClock;
import dev.geofence.filter.audit.AuditSink.Delivery;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuditSinkTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private FileAuditSink.Builder sink() {
    return FileAuditSink.builder(dir)
        .durability(Durability.eachRecord())
        .retryDelay(Duration.ofMillis(5));
  }

  private List<Path> files() throws IOException {
    return AuditFiles.trailFiles(dir, "audit");
  }

  private static List<JsonNode> records(List<Path> files) {
    List<JsonNode> all = new ArrayList<>();
    for (Path file : files) {
      lines(file).forEach(line -> all.add(parse(line)));
    }
    return all;
  }

  private static void assertIntact(List<Path> files) throws IOException {
    AuditChainVerifier.Result result = AuditChainVerifier.verify(files);
    assertThat(result.firstBreak()).isEmpty();
    assertThat(result.truncatedTail()).isEmpty();
  }

  @Test
  void writesOneChainedLinePerRecord() throws IOException {
    try (FileAuditSink sink = sink().build()) {
      for (int i = 1; i <= 3; i++) {
        assertThat(sink.write(simple("allow", "r" + i), IpPrivacy.full(), WAIT))
            .isEqualTo(Delivery.WRITTEN);
      }
      assertThat(sink.stats().written()).isEqualTo(3);
    }
    List<String> lines = lines(files().get(0));
    assertThat(lines).hasSize(3);
    assertThat(parse(lines.get(0)).at("/geofence/audit/seq").asLong()).isEqualTo(1);
    assertThat(parse(lines.get(0)).at("/geofence/audit/prev_hash").asText())
        .isEqualTo(AuditFiles.ORIGIN_HASH);
    assertThat(parse(lines.get(1)).at("/geofence/audit/prev_hash").asText())
        .isEqualTo(
            AuditFiles.sha256Hex(
                AuditFiles.sha256(), lines.get(0).getBytes(StandardCharsets.UTF_8)));
    assertThat(parse(lines.get(2)).at("/http/request/id").asText()).isEqualTo("r3");
    assertThat(files().get(0).getFileName().toString())
        .matches("audit-000001-\\d{8}T\\d{6}Z\\.jsonl");
    assertIntact(files());
  }

  @Test
  void dropRecordsAreQueuedAndWrittenByTheWriterThread() throws IOException {
    try (FileAuditSink sink = sink().durability(Durability.every(Duration.ofMillis(50))).build()) {
      for (int i = 0; i < 100; i++) {
        assertThat(sink.write(simple("allow", "r" + i), IpPrivacy.full(), Duration.ZERO))
            .isIn(Delivery.QUEUED, Delivery.LOST);
      }
    }
    assertThat(lines(files().get(0))).hasSize(100);
    assertIntact(files());
  }

  @Test
  void rotatesBySizeAndChainsAcrossFiles() throws IOException {
    try (FileAuditSink sink = sink().maxFileSize(4096).build()) {
      for (int i = 0; i < 40; i++) {
        sink.write(simple("block", "r" + i), IpPrivacy.full(), WAIT);
      }
    }
    List<Path> files = files();
    assertThat(files).hasSizeGreaterThan(3);
    for (Path file : files) {
      assertThat(Files.size(file)).isLessThanOrEqualTo(4096);
    }
    List<String> first = lines(files.get(0));
    JsonNode secondStart = parse(lines(files.get(1)).get(0));
    assertThat(secondStart.at("/geofence/audit/prev_hash").asText())
        .isEqualTo(
            AuditFiles.sha256Hex(
                AuditFiles.sha256(), first.get(first.size() - 1).getBytes(StandardCharsets.UTF_8)));
    assertThat(records(files)).hasSize(40);
    assertIntact(files);
  }

  @Test
  void rotatesByTimeAtPeriodBoundariesWithoutSleeping() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T23:59:00Z"));
    try (FileAuditSink sink = sink().clock(clock).build()) {
      sink.write(simple("allow", "before-midnight"), IpPrivacy.full(), WAIT);
      clock.advance(Duration.ofSeconds(30));
      sink.write(simple("allow", "still-before"), IpPrivacy.full(), WAIT);
      clock.advance(Duration.ofSeconds(31));
      sink.write(simple("allow", "after-midnight"), IpPrivacy.full(), WAIT);
      clock.advance(Duration.ofDays(1));
      sink.write(simple("allow", "next-day"), IpPrivacy.full(), WAIT);
    }
    List<Path> files = files();
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .containsExactly(
            "audit-000001-20261128T235900Z.jsonl",
            "audit-000002-20261129T000001Z.jsonl",
            "audit-000003-20261130T000001Z.jsonl");
    assertThat(lines(files.get(0))).hasSize(2);
    assertIntact(files);
  }

  @Test
  void aNewSinkContinuesTheChainInANewFile() throws IOException {
    try (FileAuditSink sink = sink().build()) {
      sink.write(simple("allow", "first-run"), IpPrivacy.full(), WAIT);
    }
    try (FileAuditSink sink = sink().build()) {
      sink.write(simple("allow", "second-run"), IpPrivacy.full(), WAIT);
    }
    List<Path> files = files();
    assertThat(files).hasSize(2);
    assertThat(parse(lines(files.get(1)).get(0)).at("/geofence/audit/seq").asLong()).isEqualTo(2);
    assertIntact(files);
  }

  @Test
  void aCutShortTailIsFollowedByAChainRestartRecord() throws IOException {
    try (FileAuditSink sink = sink().build()) {
      sink.write(simple("allow", "a"), IpPrivacy.full(), WAIT);
      sink.write(simple("allow", "b"), IpPrivacy.full(), WAIT);
    }
    Path crashed = files().get(0);
    byte[] partial = "{\"@timestamp\":\"2026-11-28T2".getBytes(StandardCharsets.UTF_8);
    Files.write(crashed, partial, StandardOpenOption.APPEND);
    assertThat(AuditChainVerifier.verify(files()).truncatedTail()).isPresent();

    try (FileAuditSink sink = sink().build()) {
      sink.write(simple("allow", "c"), IpPrivacy.full(), WAIT);
    }

    List<String> next = lines(files().get(1));
    JsonNode restart = parse(next.get(0));
    assertThat(restart.at("/event/action").asText()).isEqualTo("chain_restart");
    assertThat(restart.at("/geofence/restart/truncated_bytes").asLong()).isEqualTo(partial.length);
    assertThat(restart.at("/geofence/restart/previous_file").asText())
        .isEqualTo(crashed.getFileName().toString());
    assertThat(restart.at("/geofence/audit/seq").asLong()).isEqualTo(3);
    assertThat(parse(next.get(1)).at("/geofence/audit/seq").asLong()).isEqualTo(4);
    AuditChainVerifier.Result result = AuditChainVerifier.verify(files());
    assertThat(result.firstBreak()).isEmpty();
    assertThat(result.restarts()).isEqualTo(1);
    assertThat(result.truncatedTail()).isEmpty();
  }

  @Test
  void refusesToContinueAChainWhoseLastLineIsNotARecord() throws IOException {
    Files.writeString(dir.resolve("audit-000001-20261128T000000Z.jsonl"), "hello\n");
    assertThatThrownBy(() -> sink().build())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("audit-000001-20261128T000000Z.jsonl")
        .hasMessageContaining("not a chained audit record");
  }

  @Test
  void waitHoldsTheCallerWhileTheDiskFailsAndWritesOnceItRecovers() throws Exception {
    FailingOpener disk = new FailingOpener();
    try (FileAuditSink sink = sink().opener(disk).build()) {
      disk.failing = true;
      CompletableFuture<Delivery> held =
          CompletableFuture.supplyAsync(
              () -> sink.write(simple("block", "held"), IpPrivacy.full(), WAIT));
      awaitFailures(disk, sink);
      assertThat(held).isNotDone();

      disk.failing = false;

      assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(Delivery.WRITTEN);
      assertThat(sink.stats().lost()).isZero();
    }
    assertThat(records(files()))
        .extracting(j -> j.at("/http/request/id").asText())
        .containsExactly("held");
    assertIntact(files());
  }

  @Test
  void waitGivesUpAfterItsTimeoutButTheRecordIsStillWrittenLater() throws Exception {
    FailingOpener disk = new FailingOpener();
    try (FileAuditSink sink = sink().opener(disk).build()) {
      disk.failing = true;
      assertThat(sink.write(simple("block", "late"), IpPrivacy.full(), Duration.ofMillis(50)))
          .isEqualTo(Delivery.TIMED_OUT);
      disk.failing = false;
    }
    assertThat(records(files()))
        .extracting(j -> j.at("/http/request/id").asText())
        .containsExactly("late");
  }

  @Test
  void dropCountsLossesWhileTheDiskFailsAndRecordsThemAfterRecovery() throws Exception {
    FailingOpener disk = new FailingOpener();
    disk.partialWrites = true; // a full disk can take half a line: it must not stay in the file
    try (FileAuditSink sink = sink().opener(disk).build()) {
      sink.write(simple("allow", "before"), IpPrivacy.full(), WAIT);
      disk.failing = true;
      sink.write(
          simple("block", "stuck"), IpPrivacy.full(), Duration.ofMillis(1)); // occupies the writer
      awaitFailures(disk, sink);

      for (int i = 0; i < 5; i++) {
        assertThat(sink.write(simple("allow", "dropped" + i), IpPrivacy.full(), Duration.ZERO))
            .isEqualTo(Delivery.LOST);
      }
      assertThat(sink.stats().lost()).isEqualTo(5);
      assertThat(sink.stats().lastError()).contains("No space left on device");

      disk.failing = false;
      assertThat(sink.write(simple("block", "after"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
    }
    List<JsonNode> records = records(files());
    assertThat(records)
        .extracting(j -> j.at("/event/action").asText() + ":" + j.at("/http/request/id").asText())
        .filteredOn(s -> !s.startsWith("records_lost"))
        .containsExactly("allow:before", "block:stuck", "block:after");
    // The writer may snapshot the count while the last drops happen: then a second line reports the
    // rest.
    List<JsonNode> lost =
        records.stream()
            .filter(j -> j.at("/event/action").asText().equals("records_lost"))
            .collect(Collectors.toList());
    assertThat(records.get(1).at("/event/action").asText()).isEqualTo("records_lost");
    assertThat(lost.stream().mapToLong(j -> j.at("/geofence/lost/count").asLong()).sum())
        .isEqualTo(5);
    assertThat(lost.stream().mapToLong(j -> j.at("/geofence/lost/allow").asLong()).sum())
        .isEqualTo(5);
    assertThat(lost.get(0).at("/event/reason").asText()).contains("No space left on device");
    assertIntact(files());
  }

  @Test
  void aFullQueueCountsDropLossesAndReportsThem() throws Exception {
    FailingOpener disk = new FailingOpener();
    try (FileAuditSink sink = sink().opener(disk).queueCapacity(2).build()) {
      disk.failing = true;
      sink.write(simple("block", "stuck"), IpPrivacy.full(), Duration.ofMillis(1));
      awaitFailures(disk, sink);
      // While failing, a WAIT record that cannot even be queued in time is lost too.
      sink.write(simple("block", "q1"), IpPrivacy.full(), Duration.ofMillis(1));
      sink.write(simple("block", "q2"), IpPrivacy.full(), Duration.ofMillis(1));
      assertThat(sink.write(simple("block", "overflow"), IpPrivacy.full(), Duration.ofMillis(1)))
          .isEqualTo(Delivery.LOST);
      assertThat(sink.stats().queueDepth()).isEqualTo(2);
      disk.failing = false;
    }
    List<JsonNode> records = records(files());
    // Usually first, but the writer may have taken its loss snapshot just before the overflow.
    assertThat(records)
        .extracting(j -> j.at("/event/action").asText())
        .containsExactlyInAnyOrder("records_lost", "block", "block", "block");
    assertThat(records)
        .filteredOn(j -> j.at("/event/action").asText().equals("records_lost"))
        .singleElement()
        .satisfies(j -> assertThat(j.at("/geofence/lost/block").asLong()).isEqualTo(1));
    assertIntact(files());
  }

  @Test
  void closeGivesUpOnADeadDiskAfterItsTimeoutAndCountsWhatIsLeft() throws Exception {
    FailingOpener disk = new FailingOpener();
    FileAuditSink sink = sink().opener(disk).closeTimeout(Duration.ofMillis(20)).build();
    disk.failing = true;
    sink.write(simple("block", "never"), IpPrivacy.full(), Duration.ofMillis(1));
    sink.close();
    assertThat(sink.stats().lost()).isEqualTo(1);
    assertThat(sink.write(simple("block", "after-close"), IpPrivacy.full(), WAIT))
        .isEqualTo(Delivery.LOST);
  }

  @Test
  void concurrentWritersGetAGaplessChain() throws Exception {
    try (FileAuditSink sink = sink().build()) {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    assertThat(
                            sink.write(simple("block", thread + "-" + i), IpPrivacy.full(), WAIT))
                        .isEqualTo(Delivery.WRITTEN);
                  }
                }));
      }
      CompletableFuture.allOf(writers.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    }
    List<JsonNode> records = records(files());
    assertThat(records).hasSize(200);
    assertThat(
            records.stream()
                .map(j -> j.at("/http/request/id").asText())
                .collect(Collectors.toSet()))
        .hasSize(200);
    assertIntact(files());
  }

  @Test
  void waitingAndQueuedWritersTogetherLeaveNoGapAndKeepEachThreadsOrder() throws Exception {
    int threads = 6;
    int perThread = 300;
    try (FileAuditSink sink =
        sink().durability(Durability.every(Duration.ofMillis(5))).queueCapacity(1 << 16).build()) {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    // Half the threads wait for their line, half only queue it, as allowed
                    // requests do next to refused ones.
                    Duration wait = thread % 2 == 0 ? WAIT : Duration.ZERO;
                    assertThat(
                            sink.write(simple("block", thread + "-" + i), IpPrivacy.full(), wait))
                        .isIn(Delivery.WRITTEN, Delivery.QUEUED);
                  }
                },
                java.util.concurrent.Executors.newSingleThreadExecutor()));
      }
      CompletableFuture.allOf(writers.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    }
    List<JsonNode> records = records(files());
    assertThat(records).hasSize(threads * perThread);
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i).at("/geofence/audit/seq").asLong()).isEqualTo(i + 1);
    }
    int[] next = new int[threads];
    for (JsonNode record : records) {
      String[] id = record.at("/http/request/id").asText().split("-");
      int thread = Integer.parseInt(id[0]);
      assertThat(Integer.parseInt(id[1])).as("thread %d's order", thread).isEqualTo(next[thread]++);
    }
    assertIntact(files());
  }

  @Test
  void aBurstLargerThanOneWriteIsWrittenInSeveralWritesWithoutAGap() throws IOException {
    int burst = 5000; // about 2 MB of lines: more than one write takes
    try (FileAuditSink sink = sink().queueCapacity(1 << 16).build()) {
      for (int i = 0; i < burst; i++) {
        assertThat(sink.write(simple("allow", "b" + i), IpPrivacy.full(), Duration.ZERO))
            .isEqualTo(Delivery.QUEUED);
      }
    }
    List<JsonNode> records = records(files());
    assertThat(records).hasSize(burst);
    assertThat(records.get(burst - 1).at("/http/request/id").asText()).isEqualTo("b" + (burst - 1));
    assertIntact(files());
  }

  /**
   * At an interval durability the sink's thread forces the file (tens of milliseconds on a busy
   * disk) and a rotated file after it lets go of the write lock: a refusal that waits for its line
   * is written meanwhile, across a rotation, instead of waiting for the flush.
   */
  @Test
  void aRecordThatWaitsIsWrittenWhileTheSinksThreadForcesTheFile() throws Exception {
    HeldForce disk = new HeldForce();
    int refusals = 20;
    try (FileAuditSink sink =
        sink()
            .durability(Durability.every(Duration.ofMillis(1)))
            .maxFileSize(4096)
            .opener(disk)
            .build()) {
      try {
        sink.write(simple("allow", "a"), IpPrivacy.full(), Duration.ZERO);
        disk.awaitForcing();

        for (int i = 0; i < refusals; i++) {
          assertThat(sink.write(simple("block", "b" + i), IpPrivacy.full(), Duration.ofSeconds(5)))
              .isEqualTo(Delivery.WRITTEN);
        }
        assertThat(files()).as("the refusals filled a file and rotated").hasSizeGreaterThan(1);
      } finally {
        disk.release();
      }
    }
    assertThat(records(files())).hasSize(1 + refusals);
    assertIntact(files());
  }

  /**
   * A request thread that finds the file deleted closes it while the sink's thread is forcing it
   * outside the lock: that force then fails on a closed file, which is not a disk failure.
   */
  @Test
  void aFileClosedWhileTheSinksThreadForcesItIsNoWriteFailure() throws Exception {
    HeldForce disk = new HeldForce();
    try (FileAuditSink sink =
        sink().durability(Durability.every(Duration.ofMillis(1))).opener(disk).build()) {
      try {
        sink.write(simple("allow", "a"), IpPrivacy.full(), Duration.ZERO);
        disk.awaitForcing();
        Files.delete(sink.currentFile());

        assertThat(sink.write(simple("block", "b"), IpPrivacy.full(), WAIT))
            .isEqualTo(Delivery.WRITTEN);
      } finally {
        disk.release();
      }
      assertThat(sink.write(simple("block", "c"), IpPrivacy.full(), WAIT))
          .isEqualTo(Delivery.WRITTEN);
      assertThat(sink.stats().lastError()).isEmpty();
    }
  }

  /** Real files whose force waits, once entered, until the test releases it. */
  private static final class HeldForce implements AuditOutput.Opener {
    private final CountDownLatch forcing = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public AuditOutput open(Path file) throws IOException {
      return new AuditFixtures.ForwardingOutput(file) {
        @Override
        public void force() throws IOException {
          forcing.countDown();
          try {
            released.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while held in force");
          }
          real.force();
        }
      };
    }

    void awaitForcing() throws InterruptedException {
      assertThat(forcing.await(30, TimeUnit.SECONDS)).as("the sink's thread forces").isTrue();
    }

    void release() {
      released.countDown();
    }
  }

  @Test
  void builderRejectsBadSettings() {
    FileAuditSink.Builder b = FileAuditSink.builder(dir);
    assertThatThrownBy(() -> b.maxFileSize(100))
        .hasMessageContaining("100 bytes")
        .hasMessageContaining("4096");
    assertThatThrownBy(() -> b.rotateEvery(Duration.ofMillis(10))).hasMessageContaining("PT0.01S");
    assertThatThrownBy(() -> b.queueCapacity(0)).hasMessageContaining("queue capacity 0");
    assertThatThrownBy(() -> b.retryDelay(Duration.ZERO)).hasMessageContaining("retry delay PT0S");
    assertThatThrownBy(() -> b.closeTimeout(Duration.ofHours(1)))
        .hasMessageContaining("close timeout PT1H");
    assertThatThrownBy(() -> b.filePrefix("../x")).hasMessageContaining("'../x'");
    assertThatThrownBy(() -> Durability.every(Duration.ZERO)).hasMessageContaining("PT0S");
  }

  /** Waits until the writer has hit the failing disk and recorded the error. */
  private static void awaitFailures(FailingOpener disk, FileAuditSink sink) {
    Await.until(
        "the writer to reach the failing disk",
        () -> disk.failures > 0 && sink.stats().lastError().isPresent());
  }
}
