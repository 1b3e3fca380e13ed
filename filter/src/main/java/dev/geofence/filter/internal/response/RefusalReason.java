package dev.geofence.filter.internal.response;

/**
 * Why a request was refused other than by a policy block: before any policy was consulted (the
 * request itself was malformed, too large, ambiguous or could not be examined), or after it, for a
 * rule's usage limit ({@link #isUsage()}). Each reason has a fixed HTTP status and a stable
 * machine-readable code that appears in refusal bodies.
 */
public enum RefusalReason {
  /** The request path is malformed or uses an encoding that could dodge URL patterns. */
  MALFORMED_PATH(400, "malformed_path", "Malformed request path"),
  /** The query string has broken percent-encoding. */
  MALFORMED_QUERY(400, "malformed_query", "Malformed query string"),
  /** The body of a JSON route is not a single well-formed JSON object. */
  MALFORMED_JSON(400, "malformed_json", "Malformed JSON body"),
  /** The compressed body is corrupt or truncated. */
  MALFORMED_ENCODING(400, "malformed_content_encoding", "Malformed compressed body"),
  /** The body could not be read from the connection. */
  BODY_UNREADABLE(400, "body_unreadable", "Request body could not be read"),
  /**
   * The model is given more than once (duplicate keys, headers or parameters), so readers may
   * disagree.
   */
  AMBIGUOUS_MODEL(400, "ambiguous_model", "Ambiguous model"),
  /**
   * The model is not a string, or not a model id the policy accepts ({@code
   * dev.geofence.policy.ModelIds} grammar and the policy's {@code model-id-pattern}).
   */
  MODEL_INVALID(400, "model_invalid", "Invalid model"),
  /** A model route was called without naming a model. */
  MODEL_MISSING(400, "model_missing", "Model missing"),
  /**
   * A Message Batches body is not shaped as one: {@code requests} is not a non-empty array of
   * objects, or an entry has no string {@code custom_id} or no {@code params} object.
   */
  MALFORMED_BATCH(400, "malformed_batch", "Malformed batch"),
  /** A batch has more entries than the {@code max-batch-entries} setting allows. */
  BATCH_TOO_LARGE(413, "batch_too_large", "Content Too Large"),
  /**
   * A trusted proxy's forwarding header cannot be resolved where it matters (or the peer is not an
   * IP address), so the caller could be anywhere.
   */
  ADDRESS_UNRESOLVABLE(400, "address_unresolvable", "Caller address unresolvable"),
  /**
   * The principal named by {@code principal-source} is longer than 256 characters, holds a control
   * character, or (from a header) is sent more than once: it is refused rather than shortened or
   * hashed, so that no caller can make itself many principals by padding or varying one.
   */
  PRINCIPAL_INVALID(400, "principal_invalid", "Invalid principal"),
  /**
   * The caller's principal (or address) is over its rule's {@code usage-limit} and the rule's
   * {@code over-usage} is {@code block}: answered with {@code Retry-After}.
   */
  USAGE_LIMIT_EXCEEDED(429, "usage_limit_exceeded", "Too Many Requests"),
  /**
   * The rule has a usage limit but the shared usage store cannot be reached and {@code
   * usage-store-failure} is {@code block}: refused rather than served uncounted, with {@code
   * Retry-After: 1}.
   */
  USAGE_UNVERIFIABLE(429, "usage_unverifiable", "Too Many Requests"),
  /** The method is not one of those configured for the route. */
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method Not Allowed"),
  /** The body, as sent or once decompressed, is larger than the configured limit. */
  BODY_TOO_LARGE(413, "body_too_large", "Content Too Large"),
  /** The body uses a Content-Encoding that cannot be decoded for inspection. */
  UNSUPPORTED_ENCODING(415, "unsupported_content_encoding", "Unsupported Media Type"),
  /**
   * The request was decided and answered by the application, but its audit record, which must be
   * written before the caller has the answer (overflow policy {@code WAIT}), could not be written
   * within the wait timeout: the answer is withheld rather than given without a record.
   */
  AUDIT_UNAVAILABLE(503, "audit_unavailable", "Service Unavailable"),
  /** The filter failed internally; the request was not let through unexamined. */
  INTERNAL_ERROR(503, "internal_error", "Service Unavailable");

  private final int status;
  private final String code;
  private final String title;

  RefusalReason(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
  }

  /** The HTTP status this reason is answered with. */
  public int status() {
    return status;
  }

  /** Whether this is a usage-limit refusal (429), decided after the policy, not before it. */
  public boolean isUsage() {
    return this == USAGE_LIMIT_EXCEEDED || this == USAGE_UNVERIFIABLE;
  }

  /** The stable snake_case code shown to clients, e.g. {@code body_too_large}. */
  public String code() {
    return code;
  }

  /** A short human-readable summary, used as the problem title. */
  public String title() {
    return title;
  }
}
