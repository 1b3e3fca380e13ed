package dev.geofence.filter.internal.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The watcher's polls are run by hand with a {@link ManualPollScheduler}: each {@link #poll()} is
 * one poll, finished when it returns, so no test waits for time to pass. The production scheduler's
 * daemon thread has a test of its own at the end.
 */
@SuppressWarnings("try") // the watchers run for the scope of each try block
class FileWatcherTest {

  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;

  private final ManualPollScheduler scheduler = new ManualPollScheduler();
  private final AtomicInteger changes = new AtomicInteger();

  private FileWatcher watch(Path file) {
    return FileWatcher.watch(file, POLL, scheduler, p -> changes.incrementAndGet());
  }

  /** Runs the next poll. */
  private void poll() {
    scheduler.advance(POLL);
  }

  private void polls(int count) {
    for (int i = 0; i < count; i++) {
      poll();
    }
  }

  @Test
  void renameOverIsSeen() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher = watch(file)) {
      polls(5);
      assertThat(changes).hasValue(0);
      // Same size, same content length: only the file key (inode) tells them apart.
      Path temp = Files.writeString(dir.resolve("db.mmdb.tmp"), "two");
      Files.setLastModifiedTime(temp, Files.getLastModifiedTime(file));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      polls(2);
      assertThat(changes).hasValue(1);
      polls(5);
      assertThat(changes).as("one change, reported once").hasValue(1);
      assertThat(watcher.path()).isEqualTo(file);
    }
  }

  @Test
  void configMapStyleSymlinkSwapIsSeen() throws Exception {
    // The kubelet layout: file -> ..data/file, ..data -> ..<timestamp>/, swapped by renaming a new
    // ..data link.
    Path first = Files.createDirectory(dir.resolve("..2026_01_01"));
    Files.writeString(first.resolve("db.mmdb"), "first");
    Path data = Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("db.mmdb"), Path.of("..data", "db.mmdb"));
    try (FileWatcher watcher = watch(file)) {
      Path second = Files.createDirectory(dir.resolve("..2026_01_02"));
      Files.writeString(second.resolve("db.mmdb"), "other");
      Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
      Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      polls(2);
      assertThat(changes).hasValue(1);
      polls(5);
      assertThat(changes).hasValue(1);
    }
  }

  @Test
  void inPlaceRewriteDeletionAndRecreationAreSeen() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher = watch(file)) {
      Files.writeString(file, "longer content");
      polls(2);
      assertThat(changes).as("after the rewrite").hasValue(1);
      Files.delete(file);
      polls(2);
      assertThat(changes).as("after the deletion").hasValue(2);
      Files.writeString(file, "back");
      polls(2);
      assertThat(changes).as("after the recreation").hasValue(3);
    }
  }

  @Test
  void fileThatDoesNotExistYetIsWatchedUntilItAppears() throws Exception {
    Path file = dir.resolve("later.mmdb");
    try (FileWatcher watcher = watch(file)) {
      polls(5);
      assertThat(changes).hasValue(0);
      Files.writeString(file, "now");
      polls(2);
      assertThat(changes).hasValue(1);
    }
  }

  @Test
  void changeIsReportedOnlyAfterTwoIdenticalPolls() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher = watch(file)) {
      Files.writeString(file, "changed");

      poll();
      assertThat(changes).as("after the first poll that sees the change").hasValue(0);
      poll();
      assertThat(changes).as("after the second, identical poll").hasValue(1);
    }
  }

  @Test
  void fileStillBeingWrittenIsReportedOnceItIsStable() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "header");
    try (FileWatcher watcher = watch(file)) {
      for (int chunk = 0; chunk < 5; chunk++) {
        // A download in progress: a little more between every two polls.
        Files.writeString(file, "chunk " + chunk, StandardOpenOption.APPEND);
        poll();
        assertThat(changes).as("while chunk %d is being written", chunk).hasValue(0);
      }

      poll();
      assertThat(changes).as("once two polls agree").hasValue(1);
      polls(5);
      assertThat(changes).hasValue(1);
    }
  }

  @Test
  void changeUndoneBeforeItSettledIsNotReported() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    FileTime modified = Files.getLastModifiedTime(file);
    try (FileWatcher watcher = watch(file)) {
      Files.writeString(file, "two two");
      poll();
      // Back to what the watcher last reported: same inode, size and modification time.
      Files.writeString(file, "one");
      Files.setLastModifiedTime(file, modified);
      polls(5);
      assertThat(changes).hasValue(0);
    }
  }

  /**
   * An exception, or an error a reader can throw on a damaged file (a scheduled task that throws is
   * never run again).
   */
  static Stream<Throwable> callbackFailures() {
    return Stream.of(
        new IllegalStateException("refused"), new StackOverflowError("a cycle in the file"));
  }

  @ParameterizedTest
  @MethodSource("callbackFailures")
  void failingCallbackDoesNotStopLaterReports(Throwable failure) throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher =
        FileWatcher.watch(
            file,
            POLL,
            scheduler,
            p -> {
              changes.incrementAndGet();
              if (failure instanceof Error error) {
                throw error;
              }
              throw (RuntimeException) failure;
            })) {
      Files.writeString(file, "two two");
      polls(2);
      assertThat(changes).hasValue(1);
      Files.writeString(file, "three three three");
      polls(2);
      assertThat(changes).hasValue(2);
      Files.delete(file);
      polls(2);
      assertThat(changes).hasValue(3);
    }
  }

  @Test
  void closeStopsPolling() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    FileWatcher watcher = watch(file);
    poll();
    assertThat(scheduler.pollsRun()).isEqualTo(1);

    watcher.close();
    watcher.close();
    Files.writeString(file, "changed after close");
    polls(5);

    assertThat(scheduler.pollsRun()).as("polls after close").isEqualTo(1);
    assertThat(scheduler.active()).isEmpty();
    assertThat(changes).hasValue(0);
  }

  @Test
  void pollsEveryIntervalUnderTheFilesName() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher = watch(file)) {
      assertThat(scheduler.active()).containsExactly("geofence-watch-db.mmdb");
      scheduler.advance(POLL.minusMillis(1));
      assertThat(scheduler.pollsRun()).as("before the first interval is over").isZero();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(scheduler.pollsRun()).isEqualTo(1);
      scheduler.advance(POLL.multipliedBy(3));
      assertThat(scheduler.pollsRun()).isEqualTo(4);
    }
  }

  @Test
  void tooShortIntervalIsRejected() throws IOException {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    assertThatThrownBy(() -> FileWatcher.watch(file, Duration.ofMillis(1), scheduler, p -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Poll interval PT0.001S is too short");
    assertThat(scheduler.active()).as("nothing scheduled").isEmpty();
  }

  /** The one test on a real thread: waits for a poll there, bounded, and for the thread to end. */
  @Test
  void productionSchedulerPollsOnANamedDaemonThreadThatCancelEnds() throws Exception {
    CompletableFuture<Thread> poller = new CompletableFuture<>();
    PollScheduler.Cancellable polls =
        PollScheduler.daemonThreads()
            .schedule(
                "geofence-watch-db.mmdb",
                Duration.ofMillis(10),
                () -> poller.complete(Thread.currentThread()));
    Thread thread;
    try {
      thread = poller.get(30, TimeUnit.SECONDS);
    } finally {
      polls.cancel();
    }
    polls.cancel();

    assertThat(thread.getName()).isEqualTo("geofence-watch-db.mmdb");
    assertThat(thread.isDaemon()).isTrue();
    thread.join(Duration.ofSeconds(30).toMillis());
    assertThat(thread.isAlive()).as("the poll thread after cancel").isFalse();
  }
}
