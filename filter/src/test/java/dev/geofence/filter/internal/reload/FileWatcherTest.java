package dev.geofence.filter.internal.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // the watchers run for the scope of each try block
class FileWatcherTest {

  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;

  private final AtomicInteger changes = new AtomicInteger();

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited too long for a change").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** Lets several polls pass, then checks no (further) change was reported. */
  private void assertQuietFor(int expected) throws InterruptedException {
    Thread.sleep(POLL.toMillis() * 6);
    assertThat(changes.get()).isEqualTo(expected);
  }

  @Test
  void renameOverIsSeen() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher = FileWatcher.watch(file, POLL, p -> changes.incrementAndGet())) {
      assertQuietFor(0);
      // Same size, same content length: only the file key (inode) tells them apart.
      Path temp = Files.writeString(dir.resolve("db.mmdb.tmp"), "two");
      Files.setLastModifiedTime(temp, Files.getLastModifiedTime(file));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      await(() -> changes.get() == 1);
      assertQuietFor(1);
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
    try (FileWatcher watcher = FileWatcher.watch(file, POLL, p -> changes.incrementAndGet())) {
      Path second = Files.createDirectory(dir.resolve("..2026_01_02"));
      Files.writeString(second.resolve("db.mmdb"), "other");
      Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
      Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      await(() -> changes.get() == 1);
      assertQuietFor(1);
    }
  }

  @Test
  void inPlaceRewriteDeletionAndRecreationAreSeen() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher = FileWatcher.watch(file, POLL, p -> changes.incrementAndGet())) {
      Files.writeString(file, "longer content");
      await(() -> changes.get() == 1);
      Files.delete(file);
      await(() -> changes.get() == 2);
      Files.writeString(file, "back");
      await(() -> changes.get() == 3);
    }
  }

  @Test
  void fileThatDoesNotExistYetIsWatchedUntilItAppears() throws Exception {
    Path file = dir.resolve("later.mmdb");
    try (FileWatcher watcher = FileWatcher.watch(file, POLL, p -> changes.incrementAndGet())) {
      assertQuietFor(0);
      Files.writeString(file, "now");
      await(() -> changes.get() == 1);
    }
  }

  @Test
  void failingCallbackDoesNotStopTheWatch() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    try (FileWatcher watcher =
        FileWatcher.watch(
            file,
            POLL,
            p -> {
              changes.incrementAndGet();
              throw new IllegalStateException("refused");
            })) {
      Files.writeString(file, "two two");
      await(() -> changes.get() == 1);
      Files.writeString(file, "three three three");
      await(() -> changes.get() == 2);
    }
  }

  @Test
  void closedWatcherReportsNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    FileWatcher watcher = FileWatcher.watch(file, POLL, p -> changes.incrementAndGet());
    watcher.close();
    watcher.close();
    Files.writeString(file, "changed after close");
    assertQuietFor(0);
  }

  @Test
  void tooShortIntervalIsRejected() throws IOException {
    Path file = Files.writeString(dir.resolve("db.mmdb"), "one");
    assertThatThrownBy(() -> FileWatcher.watch(file, Duration.ofMillis(1), p -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Poll interval PT0.001S is too short");
  }
}
