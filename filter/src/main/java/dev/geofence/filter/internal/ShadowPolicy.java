package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.internal.reload.FileWatcher;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Policy;
import dev.geofence.policy.ValidationReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow policy: a candidate policy loaded, watched and reloaded as the enforced one is, whose
 * decisions are only counted and recorded. Unlike the enforced policy it may be absent: a shadow
 * file that is missing, unreadable or invalid at start leaves no shadow policy, and one refused on
 * reload leaves the previous one in use; either way the error is logged and shown in the status,
 * and no answer changes.
 *
 * <p>Thread-safe: the policy is an immutable snapshot in an {@link AtomicReference}; the counters
 * are lock-free adders, so counting allocates nothing.
 */
final class ShadowPolicy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShadowPolicy.class);
  private static final int ACTIONS = Action.values().length;

  private final Path file;
  private final Clock clock;
  private final AtomicReference<Loaded> loaded = new AtomicReference<>();
  private final AtomicReference<Failure> failure = new AtomicReference<>();
  private final LongAdder[] byAction = new LongAdder[ACTIONS * ACTIONS];
  private final LongAdder diverged = new LongAdder();
  private final FileWatcher watcher; // null when watching is off

  private record Loaded(Policy policy, Instant at) {}

  private record Failure(String message, Instant at) {}

  ShadowPolicy(Path file, Duration watchInterval, Clock clock) {
    this.file = file;
    this.clock = clock;
    for (int i = 0; i < byAction.length; i++) {
      byAction[i] = new LongAdder();
    }
    reload();
    this.watcher =
        watchInterval.isZero() ? null : FileWatcher.watch(file, watchInterval, p -> reload());
  }

  /** The shadow policy in use, or null while none has loaded. */
  Policy policy() {
    Loaded l = loaded.get();
    return l == null ? null : l.policy();
  }

  /**
   * Reads the shadow file again: a valid policy replaces the current one; anything else is logged
   * and kept in the status, and the current one (if any) stays in use.
   *
   * @return true if the file's policy is now in use
   */
  boolean reload() {
    ValidationReport report;
    try {
      report = Policy.validate(file);
    } catch (RuntimeException e) {
      refuse(e.toString());
      return false;
    }
    if (report.policy().isPresent()) {
      Loaded previous = loaded.getAndSet(new Loaded(report.policy().get(), clock.instant()));
      failure.set(null);
      LOG.info(
          "Shadow policy loaded from {}: {}{}",
          file,
          report.policy().get(),
          previous == null ? "" : " replaces " + previous.policy());
      return true;
    }
    refuse(report.errors().stream().map(Object::toString).collect(Collectors.joining("; ")));
    return false;
  }

  private void refuse(String errors) {
    String message =
        "The shadow policy "
            + file
            + " was refused"
            + (loaded.get() == null
                ? ", so no shadow policy is decided"
                : ", the previous one stays in use")
            + "; enforcement is not affected: "
            + errors;
    failure.set(new Failure(message, clock.instant()));
    LOG.error("{}", message);
  }

  /**
   * Counts one request decided by both policies.
   *
   * @return true when the shadow outcome differs from the enforced one
   */
  boolean count(Decision enforced, Decision shadow) {
    byAction[enforced.action().ordinal() * ACTIONS + shadow.action().ordinal()].increment();
    // No Optional.map: comparing two decisions allocates nothing.
    boolean differs =
        enforced.action() != shadow.action()
            || !enforced.effectiveModel().equals(shadow.effectiveModel());
    if (differs) {
      diverged.increment();
    }
    return differs;
  }

  /** The shadow policy's part of the status. */
  GeofenceStatus.Shadow status() {
    Loaded l = loaded.get();
    Failure f = failure.get();
    Action[] actions = Action.values();
    List<GeofenceStatus.ActionPair> pairs = new ArrayList<>();
    long decided = 0;
    for (Action e : actions) {
      for (Action s : actions) {
        long n = byAction[e.ordinal() * ACTIONS + s.ordinal()].sum();
        decided += n;
        pairs.add(new GeofenceStatus.ActionPair(e, s, n));
      }
    }
    Optional<Policy> p = Optional.ofNullable(l).map(Loaded::policy);
    return new GeofenceStatus.Shadow(
        file,
        p.map(Policy::id),
        p.map(Policy::version),
        p.map(Policy::sha256),
        Optional.ofNullable(l).map(Loaded::at),
        Optional.ofNullable(f).map(Failure::message),
        Optional.ofNullable(f).map(Failure::at),
        decided,
        diverged.sum(),
        pairs);
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
