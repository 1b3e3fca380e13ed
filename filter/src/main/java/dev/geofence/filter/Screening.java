package dev.geofence.filter;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import jakarta.servlet.ServletRequest;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The geo-fence's screening of one request: who called (address and where it came from), where the
 * look-up places them, and what the policy decided. Made once per request, before anything reaches
 * the application; the audit record, the metrics, the decision headers and the request attribute
 * {@link #ATTRIBUTE} all read this one value. The application can use it:
 *
 * <pre>{@code
 * Screening s = Screening.of(request).orElseThrow();
 * List<String> listed = models.stream().filter(s::allows).toList();   // GET /v1/models
 * }</pre>
 *
 * <p>Immutable and thread-safe. A screening holds nothing that belongs to one request only (the
 * request id is in {@link #REQUEST_ID_ATTRIBUTE}), so the filter reuses it for the next request of
 * the same caller, model and policy, as long as no dated rule starts or ends in between. {@link
 * #allows} and {@link #decide} evaluate against the same policy snapshot and origin, at {@link
 * #at}, so a policy reload in between never gives a mixed answer.
 *
 * @param caller the caller's address and where it came from
 * @param geo the look-up result; {@link GeoResult#unavailable()} when the caller is unresolvable
 * @param origin what the policy was given
 * @param decision the policy's decision for the requested model (none: the country decision)
 * @param policy the policy snapshot that decided
 * @param at an instant the decision holds for: the request's own, or one in the same stretch of
 *     time in which no rule of the policy starts or ends
 */
public record Screening(
    ClientAddress caller,
    GeoResult geo,
    Origin origin,
    Decision decision,
    Policy policy,
    Instant at) {

  /** The request attribute holding the screening: {@code dev.geofence.filter.Screening}. */
  public static final String ATTRIBUTE = "dev.geofence.filter.Screening";

  /**
   * The request attribute holding the request id, as in the audit record ({@code String}): {@code
   * dev.geofence.filter.requestId}.
   */
  public static final String REQUEST_ID_ATTRIBUTE = "dev.geofence.filter.requestId";

  /** Rejects nulls. */
  public Screening {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(geo, "geo");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(at, "at");
  }

  /**
   * The screening the filter attached to {@code request}; empty when the filter let the request
   * through undecided (an unmatched path with {@code unmatched=pass}) or did not run.
   */
  public static Optional<Screening> of(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(ATTRIBUTE) instanceof Screening s
        ? Optional.of(s)
        : Optional.empty();
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
    return caller.isResolved()
        ? policy.evaluate(origin, model, at)
        : policy.refuseUnresolvable(model);
  }
}
