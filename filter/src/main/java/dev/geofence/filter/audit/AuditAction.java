package dev.geofence.filter.audit;

import java.util.Locale;
import java.util.Optional;

/**
 * What the geo-fence did with a request, as its audit record says ({@code event.action}). The order
 * is the order reports list them.
 */
public enum AuditAction {
  /** The request went through unchanged. */
  ALLOW(null, new String[] {"access", "allowed"}, "success"),
  /** The request went through with a smaller model than the one asked for. */
  SUBSTITUTE(null, new String[] {"access", "allowed", "change"}, "success"),
  /** The request was refused: by the policy, or as malformed before any rule. */
  BLOCK(null, new String[] {"access", "denied"}, "failure"),
  /** No decision could be made (for example a custom look-up failed): answered 503. */
  ERROR(null, new String[] {"error"}, "unknown"),
  /**
   * Not a request but an alert about one principal's use ({@code event.kind: alert}, {@code
   * event.action: usage-alert}): it was seen from a rule's {@code alert-countries} countries within
   * the window, or crossed a usage limit whose {@code over-usage} is {@code flag}. Written beside
   * the record of the request that raised it, in the same trail; reports do not count it as a
   * request.
   */
  ALERT("usage-alert", new String[] {"info"}, "unknown");

  private final String label;
  private final String[] eventTypes;
  private final String outcome;

  AuditAction(String label, String[] eventTypes, String outcome) {
    this.label = label != null ? label : name().toLowerCase(Locale.ROOT);
    this.eventTypes = eventTypes;
    this.outcome = outcome;
  }

  /** Whether this is a request's record rather than an {@link #ALERT}. */
  public boolean isRequest() {
    return this != ALERT;
  }

  /** The ECS {@code event.kind}: {@code alert} for an alert, {@code event} for a request. */
  String kind() {
    return this == ALERT ? "alert" : "event";
  }

  /**
   * The value written to {@code event.action}: {@code allow}, {@code substitute}, {@code block},
   * {@code error}, {@code usage-alert}.
   */
  public String label() {
    return label;
  }

  /** The action written as {@code label}, if it is one. */
  public static Optional<AuditAction> fromLabel(String label) {
    for (AuditAction action : values()) {
      if (action.label.equals(label)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }

  /** The ECS {@code event.type} values; a shared array, not to be modified. */
  String[] eventTypes() {
    return eventTypes;
  }

  /** The ECS {@code event.outcome}. */
  String outcome() {
    return outcome;
  }

  /** Blocks, substitutions, errors and alerts: kept under {@code audit-scope: notable}. */
  boolean isNotable() {
    return this != ALLOW;
  }
}
