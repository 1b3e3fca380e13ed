package dev.geofence.filter.audit;

/**
 * What a request thread does with its audit record when a sink is slow, its queue is full or its
 * disk fails. Chosen per action in {@link AuditLog.Builder#overflow(String, OverflowPolicy)}.
 */
public enum OverflowPolicy {
  /**
   * Hold the request until its record is written (and forced to disk when the file sink's
   * durability is {@link Durability#eachRecord()}), at most the log's wait timeout. Default for
   * blocks, substitutions and errors.
   */
  WAIT,
  /**
   * Never hold the request: queue the record, or count it as lost when the queue is full or the
   * sink is failing. Default for allowed requests.
   */
  DROP
}
