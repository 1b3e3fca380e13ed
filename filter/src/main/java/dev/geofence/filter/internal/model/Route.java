package dev.geofence.filter.internal.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model route: a URL pattern, the HTTP methods it applies to, and the ordered sources the
 * requested model is read from (the first source that yields a value wins; no sources means the
 * route carries no model, e.g. {@code GET /v1/models}; a final {@code highest} decides a request no
 * source finds a model in as the policy's highest tier). Immutable and thread-safe; build with
 * {@link #builder()}.
 *
 * <p>A route accepting {@code GET} also accepts {@code HEAD}, because servlets answer {@code HEAD}
 * with {@code doGet}. Methods compare exactly (HTTP methods are case-sensitive).
 */
public final class Route {
  private final Set<String> methods;
  private final PathPattern pattern;
  private final List<ModelSource> sources;
  // Asked on every request: worked out once here rather than by a stream each time.
  private final boolean readsBody;
  private final boolean decidesUnreadAsHighest;

  private Route(Set<String> methods, PathPattern pattern, List<ModelSource> sources) {
    this.methods = methods;
    this.pattern = pattern;
    this.sources = sources;
    this.readsBody =
        sources.stream()
            .anyMatch(s -> s instanceof ModelSource.Body || s instanceof ModelSource.Batch);
    this.decidesUnreadAsHighest =
        !sources.isEmpty() && sources.get(sources.size() - 1) instanceof ModelSource.Highest;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The methods, or an empty set when every method is accepted. */
  public Set<String> methods() {
    return methods;
  }

  /** The URL pattern as written. */
  public String pattern() {
    return pattern.toString();
  }

  /** Whether the route reads every entry of a Message Batches body ({@code batch}). */
  public boolean readsBatch() {
    return sources.contains(ModelSource.batch());
  }

  /** The sources, in order. */
  public List<ModelSource> sources() {
    return sources;
  }

  /** Whether a source reads the body, so the body must be captured before the model is found. */
  public boolean readsBody() {
    return readsBody;
  }

  /** Whether the route accepts this method. */
  public boolean acceptsMethod(String method) {
    Objects.requireNonNull(method, "method");
    return methods.isEmpty()
        || methods.contains(method)
        || (method.equals("HEAD") && methods.contains("GET"));
  }

  /**
   * Whether a request no other source finds a model in is decided as the policy's highest tier (the
   * route ends with {@link ModelSource#highest()}) rather than refused as naming no model.
   */
  public boolean decidesUnreadAsHighest() {
    return decidesUnreadAsHighest;
  }

  /** Whether the canonical path matches the route's pattern (literals ignoring case). */
  public boolean matchesPath(String normalizedPath) {
    Objects.requireNonNull(normalizedPath, "normalizedPath");
    return pattern.matches(normalizedPath);
  }

  PathPattern pathPattern() {
    return pattern;
  }

  @Override
  public String toString() {
    String m = methods.isEmpty() ? "*" : String.join(",", methods);
    String s =
        sources.isEmpty()
            ? "none"
            : String.join(" ", sources.stream().map(Object::toString).toList());
    return m + " " + pattern + " " + s;
  }

  /** Builds a {@link Route}; each option is validated when set. Not thread-safe. */
  public static final class Builder {
    private final Set<String> methods = new LinkedHashSet<>();
    private boolean anyMethod;
    private PathPattern pattern;
    private final List<ModelSource> sources = new ArrayList<>();

    private Builder() {}

    /**
     * Adds accepted methods; {@code *} accepts every method.
     *
     * @throws IllegalArgumentException if a method is not an upper-case HTTP token
     */
    public Builder methods(String... methods) {
      for (String method : methods) {
        Objects.requireNonNull(method, "method");
        if (method.equals("*")) {
          anyMethod = true;
        } else if (method.isEmpty()
            || !method.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
          throw new IllegalArgumentException(
              "Invalid HTTP method '"
                  + method
                  + "'; expected an upper-case method such as POST, or * for any.");
        } else {
          this.methods.add(method);
        }
      }
      return this;
    }

    /**
     * Sets the URL pattern, see {@link ModelRoutes} for the syntax.
     *
     * @throws IllegalArgumentException if the pattern is malformed
     * @throws IllegalStateException if a pattern was already set
     */
    public Builder pattern(String pattern) {
      if (this.pattern != null) {
        throw new IllegalStateException(
            "The route pattern is already set to '" + this.pattern + "'.");
      }
      this.pattern = PathPattern.parse(pattern);
      return this;
    }

    /**
     * Appends a source; order matters.
     *
     * @throws IllegalArgumentException if the same source is added twice, any after {@code
     *     highest}, or any with {@code batch}
     */
    public Builder source(ModelSource source) {
      Objects.requireNonNull(source, "source");
      if (sources.contains(source)) {
        throw new IllegalArgumentException("Source '" + source + "' is listed twice.");
      }
      if (source instanceof ModelSource.Batch && !sources.isEmpty()
          || sources.contains(ModelSource.batch())) {
        // Each entry has its own model: no other source can stand for the batch.
        throw new IllegalArgumentException(
            "Source '" + source + "' is combined with 'batch'; expected batch alone.");
      }
      if (sources.contains(ModelSource.highest())) {
        // highest always yields: a source after it would never be tried.
        throw new IllegalArgumentException(
            "Source '"
                + source
                + "' follows 'highest', which always decides;"
                + " expected highest last.");
      }
      sources.add(source);
      return this;
    }

    /**
     * The route.
     *
     * @throws IllegalStateException if no pattern or method was set, or a {@code path} source is
     *     used with a pattern that has no {@code {model}}
     */
    public Route build() {
      if (pattern == null) {
        throw new IllegalStateException("A route needs a URL pattern.");
      }
      if (methods.isEmpty() && !anyMethod) {
        throw new IllegalStateException(
            "Route '" + pattern + "' needs at least one method, or * for any.");
      }
      if (sources.contains(ModelSource.path()) && !pattern.hasModel()) {
        throw new IllegalStateException(
            "Route '"
                + pattern
                + "' reads the model from the path but its pattern has no {model} placeholder.");
      }
      // Any-method routes keep an empty set; otherwise declaration order is kept for messages.
      Set<String> m =
          anyMethod ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(methods));
      return new Route(m, pattern, List.copyOf(sources));
    }
  }
}
