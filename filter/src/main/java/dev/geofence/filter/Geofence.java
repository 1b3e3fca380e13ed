package dev.geofence.filter;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.filter.internal.Engine;
import dev.geofence.filter.internal.Explanations;
import dev.geofence.policy.Policy;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision engine behind {@link GeofenceFilter}, usable without a servlet container (the {@code
 * geofence explain} command, benchmarks, other frameworks): resolves the caller's address, looks up
 * its country and evaluates the region policy, exactly as the filter does.
 *
 * <pre>{@code
 * try (Geofence fence = Geofence.create(settings)) {
 *   Screening s = fence.screen("10.0.0.5", List.of("203.0.113.7"), "claude-opus-4-1", Instant.now());
 *   System.out.println(fence.explain("10.0.0.5", List.of("203.0.113.7"), "claude-opus-4-1", Instant.now()));
 * }
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every thread. The policy is an immutable snapshot swapped
 * whole when its file changes; an invalid new file is refused and the last good policy keeps
 * serving ({@link #status()} shows the error). The GeoIP database reloads itself. Screening never
 * throws for request content; a failing custom {@code GeoLookup} does throw.
 */
public final class Geofence implements AutoCloseable {

  private final Engine engine;

  private Geofence(Engine engine) {
    this.engine = engine;
  }

  /**
   * Loads the policy, opens the databases and starts watching the policy file.
   *
   * @throws IllegalArgumentException naming the setting ({@code policy-file}, {@code
   *     geoip-database}) when the policy does not load or a database is refused
   */
  public static Geofence create(GeofenceSettings settings) {
    return new Geofence(Engine.start(Objects.requireNonNull(settings, "settings")));
  }

  /**
   * Screens a request as the filter does: resolve the caller, look it up, decide.
   *
   * @param peer the TCP peer address ({@code getRemoteAddr()}); null makes the caller unresolvable
   * @param proxyHeaderLines every line of the configured proxy header, in order; empty when absent
   * @param model the requested model, or null when the request names none (the country decision)
   * @param at the instant to decide for
   */
  public Screening screen(String peer, List<String> proxyHeaderLines, String model, Instant at) {
    Objects.requireNonNull(proxyHeaderLines, "proxyHeaderLines");
    Objects.requireNonNull(at, "at");
    ClientAddress caller = engine.resolver().resolve(peer, proxyHeaderLines);
    GeoResult geo = engine.locate(caller);
    return engine.screen(engine.policy(), caller, geo, model, at);
  }

  /**
   * Screens as {@link #screen} and says how, step by step: the address, the look-up, the origin,
   * each policy rule tried, and the decision.
   */
  public GeofenceExplanation explain(
      String peer, List<String> proxyHeaderLines, String model, Instant at) {
    return Explanations.explain(engine, screen(peer, proxyHeaderLines, model, at), peer, model);
  }

  /** The policy serving now. */
  public Policy policy() {
    return engine.policy();
  }

  /** The settings this engine was created with. */
  public GeofenceSettings settings() {
    return engine.settings();
  }

  /** The current state, without audit or request counts (the filter keeps those). */
  public GeofenceStatus status() {
    return engine.status(Optional.empty(), GeofenceStatus.Counts.NONE, Optional.empty());
  }

  /** Stops watching the policy file and closes the databases this engine opened. Idempotent. */
  @Override
  public void close() {
    engine.close();
  }
}
