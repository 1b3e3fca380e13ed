package dev.geofence.filter;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;

/**
 * The one way filter tests wait for another thread (a real file watcher, a server, an audit
 * writer): Awaitility, polling every few milliseconds, failing after a bound generous enough for a
 * loaded machine, with a message that names what was awaited. Tests that can drive time themselves
 * (a manual poll scheduler, a mutable clock) do that instead.
 */
public final class Await {

  /** Long enough never to be hit by a working reload on a busy machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Await() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param what what is awaited, for the failure message ("the reload to PL")
   * @throws org.awaitility.core.ConditionTimeoutException if it does not hold within {@link
   *     #TIMEOUT}
   */
  public static void until(String what, Callable<Boolean> condition) {
    Awaitility.await(what)
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(condition);
  }
}
