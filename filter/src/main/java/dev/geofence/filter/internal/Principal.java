package dev.geofence.filter.internal;

/**
 * Who is calling, as the {@code principal-source} setting told it: the principal as read ({@code
 * raw}, for counting use per principal; it never leaves the process as it is) and as the audit
 * trail records it ({@code recorded}: the same text, or its keyed hash under {@code
 * principal-privacy: hmac}). Both are null when there is no principal.
 *
 * @param raw the principal as the source gave it; null when none
 * @param recorded the form written as ECS {@code user.id}; null when none
 * @param invalid whether the source named a principal the filter refuses ({@code
 *     principal_invalid}): too long, with a control character, or sent twice
 */
record Principal(String raw, String recorded, boolean invalid) {

  /** No principal: the source is {@code none}, named nothing, or was not believed. */
  static final Principal NONE = new Principal(null, null, false);

  /** A principal the filter refuses; neither form is kept. */
  static final Principal INVALID = new Principal(null, null, true);

  /** Whether there is a principal to record. */
  boolean isPresent() {
    return raw != null;
  }
}
