package dev.geofence.filter.internal.usage;

/** Where a {@link Verdict} was decided: which counter saw the request, if any. */
public enum Counted {
  /** In this process: the store is local ({@code usage-store: local}). */
  LOCAL,
  /** In the shared Redis store, so every instance saw it. */
  SHARED,
  /** In this process because the shared store is unreachable ({@link StoreFailure#LOCAL}). */
  FALLBACK_LOCAL,
  /**
   * Not counted and allowed because the shared store is unreachable ({@link StoreFailure#ALLOW}).
   */
  UNCOUNTED_ALLOWED,
  /**
   * Not counted and refused because the shared store is unreachable ({@link StoreFailure#BLOCK}).
   */
  UNCOUNTED_BLOCKED
}
