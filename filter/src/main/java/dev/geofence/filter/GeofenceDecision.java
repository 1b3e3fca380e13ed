package dev.geofence.filter;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.time.Instant;
import java.util.Objects;

/**
 * The geo-fence decision for one request: who called (address and where it came from), where the
 * look-up places them, and what the policy decided. The filter puts it into the request attribute
 * {@link #ATTRIBUTE} of every request it lets through, so the application can use it:
 *
 * <pre>{@code
 * GeofenceDecision d = (GeofenceDecision) request.getAttribute(GeofenceDecision.ATTRIBUTE);
 * List<String> listed = models.stream().filter(d::allows).toList();   // GET /v1/models
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #allows} and {@link #decide} evaluate against the same
 * policy snapshot, origin and instant as the request's own decision, so a policy reload in between
 * never gives a mixed answer.
 *
 * @param requestId the request id (a trusted request-id header or a generated one)
 * @param client the caller's address and where it came from
 * @param geo the look-up result; {@link GeoResult#unavailable()} when the caller is unknown
 * @param origin what the policy was given
 * @param decision the policy's decision for the requested model (none: the country decision)
 * @param policy the policy snapshot that decided
 * @param at the instant decided for
 */
public record GeofenceDecision(
    String requestId,
    ClientAddress client,
    GeoResult geo,
    Origin origin,
    Decision decision,
    Policy policy,
    Instant at) {

  /** The request attribute name: {@code dev.geofence.filter.GeofenceDecision}. */
  public static final String ATTRIBUTE = "dev.geofence.filter.GeofenceDecision";

  /** Rejects nulls. */
  public GeofenceDecision {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(geo, "geo");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(at, "at");
  }

  /** What happens to the request: allow, substitute or block. */
  public Action action() {
    return decision.action();
  }

  /** True if this caller may use {@code model} as it is (an allow decision, not a substitution). */
  public boolean allows(String model) {
    return decide(model).action() == Action.ALLOW;
  }

  /** The decision this caller would get for {@code model}, by the same policy snapshot. */
  public Decision decide(String model) {
    Objects.requireNonNull(model, "model");
    return policy.evaluate(origin, model, at);
  }
}
