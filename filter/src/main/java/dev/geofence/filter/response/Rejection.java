package dev.geofence.filter.response;

import java.util.Objects;

/**
 * A request refused because it could not be examined safely, with a one-sentence detail for the
 * client. Immutable.
 *
 * @param reason why, which fixes the HTTP status
 * @param detail what was wrong, e.g. {@code "the body has 2 top-level \"model\" fields"}; never
 *     contains CR or LF
 */
public record Rejection(RejectionReason reason, String detail) {

  /**
   * @throws NullPointerException if an argument is null
   */
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    detail = detail.replace('\r', ' ').replace('\n', ' ');
  }

  /** The HTTP status, from the reason. */
  public int status() {
    return reason.status();
  }

  /** The refusal to send for this rejection. */
  public Refusal toRefusal() {
    return Refusal.builder(reason.status())
        .title(reason.title())
        .detail(detail)
        .reason(reason.code())
        .build();
  }
}
