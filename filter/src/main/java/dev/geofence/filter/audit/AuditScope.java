package dev.geofence.filter.audit;

/** Which decisions an {@link AuditLog} keeps. */
public enum AuditScope {
  /** Every decision, allowed requests included. The default. */
  ALL,
  /**
   * Blocks, substitutions, errors, any decision by a rule marked {@code monitor}, and any decision
   * a shadow policy would have made otherwise.
   */
  NOTABLE;

  boolean includes(AuditRecord record) {
    return this == ALL || record.isNotable();
  }

  boolean includes(AuditAction action, boolean monitor) {
    return this == ALL || AuditRecord.isNotable(action, monitor);
  }
}
