package dev.geofence.filter.internal.model;

import java.util.Objects;

/**
 * One place a route reads the requested model from. Immutable.
 *
 * <p>Config spelling: {@code body} or {@code body:FIELD} (top-level field of a JSON body, default
 * {@code model}), {@code path} (the route pattern's {@code {model}} placeholder), {@code
 * header:NAME}, {@code query:NAME}, {@code highest} (last: the route serves a model the filter
 * cannot read or rewrite, so the request is decided as one for the policy's highest tier), {@code
 * batch} (alone: every {@code requests[].params.model} of a Message Batches body).
 */
public sealed interface ModelSource
    permits ModelSource.Body,
        ModelSource.Path,
        ModelSource.Header,
        ModelSource.Query,
        ModelSource.Highest,
        ModelSource.Batch {

  /** The default JSON field name. */
  String DEFAULT_FIELD = "model";

  /** The top-level {@code model} field of a JSON body. */
  static Body body() {
    return new Body(DEFAULT_FIELD);
  }

  /** A top-level field of a JSON body. */
  static Body body(String field) {
    return new Body(field);
  }

  /** The {@code {model}} placeholder of the route's URL pattern. */
  static Path path() {
    return Path.INSTANCE;
  }

  /** A request header. */
  static Header header(String name) {
    return new Header(name);
  }

  /** A query parameter. */
  static Query query(String name) {
    return new Query(name);
  }

  /**
   * No model to read: the route serves a model the filter cannot read or rewrite (inside a batch, a
   * multipart upload, an uploaded file, a stored assistant), so the request is decided as one for
   * the policy's highest tier, without substitution. Always yields, so it must be the last source:
   * {@code body:modelId highest} reads {@code modelId} and decides as the highest tier without it.
   */
  static Highest highest() {
    return Highest.INSTANCE;
  }

  /**
   * The {@code params.model} of every entry of a Message Batches body ({@code requests[]}): each
   * entry is decided on its own. Reads the body; stands alone on its route.
   */
  static Batch batch() {
    return Batch.INSTANCE;
  }

  /** Every entry's model in a Message Batches body; see {@link ModelSource#batch()}. */
  record Batch() implements ModelSource {
    static final Batch INSTANCE = new Batch();

    @Override
    public String toString() {
      return "batch";
    }
  }

  /**
   * The top-level field {@code field} of a JSON object body.
   *
   * @param field non-empty field name, compared exactly (after JSON unescaping)
   */
  record Body(String field) implements ModelSource {
    public Body {
      requireName(field, "JSON field", false);
    }

    @Override
    public String toString() {
      return "body:" + field;
    }
  }

  /** The {@code {model}} placeholder of the route's URL pattern. */
  record Path() implements ModelSource {
    static final Path INSTANCE = new Path();

    @Override
    public String toString() {
      return "path";
    }
  }

  /** Decide as the policy's highest tier; see {@link ModelSource#highest()}. */
  record Highest() implements ModelSource {
    static final Highest INSTANCE = new Highest();

    @Override
    public String toString() {
      return "highest";
    }
  }

  /**
   * A request header, named case-insensitively.
   *
   * @param name an HTTP token
   */
  record Header(String name) implements ModelSource {
    public Header {
      requireName(name, "header", true);
    }

    @Override
    public String toString() {
      return "header:" + name;
    }
  }

  /**
   * A query parameter, named exactly (after decoding).
   *
   * @param name non-empty parameter name
   */
  record Query(String name) implements ModelSource {
    public Query {
      requireName(name, "query parameter", false);
    }

    @Override
    public String toString() {
      return "query:" + name;
    }
  }

  private static void requireName(String name, String what, boolean token) {
    Objects.requireNonNull(name, what + " name");
    boolean ok = !name.isEmpty() && name.chars().noneMatch(c -> c < 0x21 || c == 0x7F);
    if (token) {
      ok =
          ok
              && name.chars()
                  .allMatch(
                      c ->
                          c < 0x7F
                              && (Character.isLetterOrDigit(c)
                                  || "!#$%&'*+-.^_`|~".indexOf(c) >= 0));
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "Invalid "
              + what
              + " name '"
              + name
              + "'; expected "
              + (token
                  ? "an HTTP token such as x-model."
                  : "a non-empty name without spaces or control characters."));
    }
  }
}
