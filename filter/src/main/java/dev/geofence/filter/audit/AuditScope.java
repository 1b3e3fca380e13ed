package dev.geofence.filter.audit;

/** Which decisions an {@link AuditLog} keeps. */
public enum AuditScope {
  /** Every decision, allowed requests included. The default. */
  ALL,
  /** Blocks, substitutions, errors, and any decision by a rule marked {@code monitor}. */
  NOTABLE;

  boolean includes(AuditRecord record) {
    return includes(record.action(), record.monitor());
  }

  boolean includes(AuditAction action, boolean monitor) {
    return this == ALL || AuditRecord.isNotable(action, monitor);
  }
}
