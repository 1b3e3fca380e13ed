package dev.geofence.filter.internal.reload;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link FileWatcher}'s polls, as Caffeine's {@code Ticker} gives a cache its time: in
 * production on a daemon thread per watcher, in tests by hand, so that tests move from poll to poll
 * instead of waiting for them.
 */
interface PollScheduler {

  /**
   * Runs {@code poll} every {@code interval}, the first time one interval from now, never two runs
   * at once, until cancelled.
   *
   * @param name the name of the thread that runs the polls, where there is one
   * @return what stops the polls; cancelling twice is harmless
   */
  Cancellable schedule(String name, Duration interval, Runnable poll);

  /** Stops a schedule: no poll starts afterwards; one already running finishes. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** The production scheduler: each schedule has a single daemon thread of its own. */
  static PollScheduler daemonThreads() {
    return (name, interval, poll) -> {
      ScheduledExecutorService executor =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
              });
      long millis = interval.toMillis();
      executor.scheduleWithFixedDelay(poll, millis, millis, TimeUnit.MILLISECONDS);
      return executor::shutdownNow;
    };
  }
}
