package dev.geofence.filter.audit;

import java.util.Locale;
import java.util.Optional;

/**
 * What the geo-fence did with a request, as its audit record says ({@code event.action}). The order
 * is the order reports list them.
 */
public enum AuditAction {
  /** The request went through unchanged. */
  ALLOW(new String[] {"access", "allowed"}, "success"),
  /** The request went through with a smaller model than the one asked for. */
  SUBSTITUTE(new String[] {"access", "allowed", "change"}, "success"),
  /** The request was refused: by the policy, or as malformed before any rule. */
  BLOCK(new String[] {"access", "denied"}, "failure"),
  /** No decision could be made (for example a custom look-up failed): answered 503. */
  ERROR(new String[] {"error"}, "unknown");

  private final String label = name().toLowerCase(Locale.ROOT);
  private final String[] eventTypes;
  private final String outcome;

  AuditAction(String[] eventTypes, String outcome) {
    this.eventTypes = eventTypes;
    this.outcome = outcome;
  }

  /** The value written to {@code event.action}: {@code allow}, {@code substitute}, ... */
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

  /** Blocks, substitutions and errors: kept under {@code audit-scope: notable}. */
  boolean isNotable() {
    return this != ALLOW;
  }
}
