package dev.geofence.filter.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one file and calls back when it changes, on a daemon thread of its own.
 *
 * <p>A change is any difference in the file's real path (after following symlinks), file key
 * (device and inode where the platform has them), size or modification time. That sees a new file
 * renamed over the old one (how {@code geoipupdate} replaces databases), a Kubernetes ConfigMap
 * swap (the {@code ..data} symlink pointed at a new directory), an in-place rewrite, and the file
 * disappearing or appearing. Polling rather than a {@code WatchService} because watch services miss
 * symlink swaps and are unreliable on network and overlay file systems.
 *
 * <p>A change is reported once the file has looked the same for two polls in a row, so a file still
 * being written is not picked up half done. The callback runs on the watcher thread, one call at a
 * time; an exception it throws is logged and the watch goes on. Thread-safe; {@link #close()} is
 * idempotent.
 *
 * <pre>{@code
 * try (FileWatcher watcher = FileWatcher.watch(path, Duration.ofSeconds(30), p -> reload(p))) { ... }
 * }</pre>
 */
public final class FileWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
  private static final Duration MINIMUM_INTERVAL = Duration.ofMillis(10);

  private final Path path;
  private final Consumer<Path> onChange;
  // Touched only by the polls after construction, which the scheduler runs one at a time.
  private Fingerprint reported;
  private Fingerprint pending;
  private final PollScheduler.Cancellable polls;

  private FileWatcher(
      Path path, Duration interval, PollScheduler scheduler, Consumer<Path> onChange) {
    this.path = path;
    this.onChange = onChange;
    this.reported = Fingerprint.of(path);
    // Last, so that the first poll sees every field above.
    this.polls = scheduler.schedule("geofence-watch-" + path.getFileName(), interval, this::poll);
  }

  /**
   * Starts watching. The file's current state is the baseline: only later changes are reported. The
   * file need not exist yet.
   *
   * @param path the file to watch, possibly a symlink
   * @param interval time between polls, at least 10 ms
   * @param onChange called with {@code path} after each settled change
   * @return the running watcher; close it to stop
   * @throws IllegalArgumentException if the interval is shorter than 10 ms
   */
  public static FileWatcher watch(Path path, Duration interval, Consumer<Path> onChange) {
    return watch(path, interval, PollScheduler.daemonThreads(), onChange);
  }

  /** As {@link #watch(Path, Duration, Consumer)}, with the polls run by {@code scheduler}. */
  static FileWatcher watch(
      Path path, Duration interval, PollScheduler scheduler, Consumer<Path> onChange) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(onChange, "onChange");
    if (interval.compareTo(MINIMUM_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "Poll interval " + interval + " is too short; expected at least 10 ms.");
    }
    return new FileWatcher(path, interval, scheduler, onChange);
  }

  /** Returns the watched path as given. */
  public Path path() {
    return path;
  }

  private void poll() {
    try {
      Fingerprint now = Fingerprint.of(path);
      if (now.equals(reported)) {
        pending = null;
      } else if (!now.equals(pending)) {
        pending = now; // wait for it to settle
      } else {
        reported = now;
        pending = null;
        LOG.debug("{} changed: {}", path, now);
        onChange.accept(path);
      }
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      // A scheduled task that throws is never run again: one file that makes a reader overflow
      // its stack must not end every later reload in silence.
      LOG.warn("Handling a change of {} failed: {}", path, e.toString(), e);
    }
  }

  /** Stops polling; a callback already running finishes. */
  @Override
  public void close() {
    polls.cancel();
  }

  /** What a file looked like at one poll; MISSING for no file. */
  private record Fingerprint(Path realPath, Object fileKey, long size, long modifiedNanos) {
    static final Fingerprint MISSING = new Fingerprint(null, null, -1, -1);

    static Fingerprint of(Path path) {
      try {
        Path real = path.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        return new Fingerprint(
            real,
            attributes.fileKey(),
            attributes.size(),
            attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
      } catch (NoSuchFileException e) {
        return MISSING;
      } catch (IOException e) {
        // Unreadable counts as a state of its own, so that recovering from it is a change.
        return new Fingerprint(path, e.getClass().getName(), -2, -2);
      }
    }
  }
}
