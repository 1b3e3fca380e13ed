package dev.geofence.filter.internal.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ordered list of model routes. Immutable and thread-safe.
 *
 * <p>Spec syntax (one string, e.g. a servlet init-param): routes separated by {@code ;} or new
 * lines; {@code #} starts a comment to the end of the line. A route is three or more fields
 * separated by spaces: methods, URL pattern, sources.
 *
 * <pre>
 * POST /v1/messages body                                  # Anthropic
 * POST /v1/chat/completions body:model header:x-model     # body first, then a header
 * POST,PUT /v1beta/models/{model}:* path                  # Gemini, any :action
 * POST /model/{model}/* path                              # Bedrock invoke, converse, ...
 * POST /async-invoke body:modelId highest                 # read modelId; without it, the highest tier
 * POST /v1/messages/batches batch                         # each requests[].params.model
 * GET /v1/models none
 * </pre>
 *
 * Methods: comma-separated upper-case methods or {@code *}. Pattern: see {@link Route}; literal
 * segments match ignoring case, a trailing {@code /} is ignored, {@code /*} at the end matches the
 * path and everything below. Sources: {@code body[:FIELD]}, {@code path}, {@code header:NAME},
 * {@code query:NAME}, {@code highest} (last), {@code batch} (alone), or {@code none}. The first
 * route whose pattern and method match wins.
 */
public final class ModelRoutes {
  private final List<Route> routes;
  private final List<Optional<Route>> matches; // one per route, so matching allocates nothing

  private ModelRoutes(List<Route> routes) {
    this.matches = routes.stream().map(Optional::of).toList();
    this.routes = routes;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses a route spec.
   *
   * @throws IllegalArgumentException naming the route number, its text and the bad part
   */
  public static ModelRoutes parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    Builder builder = builder();
    int number = 0;
    for (String line : spec.split("\\R")) {
      int hash = line.indexOf('#');
      String code = hash >= 0 ? line.substring(0, hash) : line;
      for (String text : code.split(";")) {
        if (text.isBlank()) {
          continue;
        }
        number++;
        try {
          builder.route(parseRoute(text.trim()));
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new IllegalArgumentException(
              "Route " + number + " '" + text.trim() + "': " + e.getMessage(), e);
        }
      }
    }
    return builder.build();
  }

  private static Route parseRoute(String text) {
    String[] fields = text.split("\\s+");
    if (fields.length < 3) {
      throw new IllegalArgumentException(
          "expected 'METHODS PATTERN SOURCES', e.g. 'POST /v1/messages body', but found "
              + fields.length
              + " field(s).");
    }
    Route.Builder route = Route.builder().methods(fields[0].split(",", -1)).pattern(fields[1]);
    if (fields.length == 3 && fields[2].equals("none")) {
      return route.build();
    }
    for (int i = 2; i < fields.length; i++) {
      route.source(parseSource(fields[i]));
    }
    return route.build();
  }

  private static ModelSource parseSource(String text) {
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon);
    String arg = colon < 0 ? null : text.substring(colon + 1);
    switch (kind) {
      case "body":
        return arg == null ? ModelSource.body() : ModelSource.body(arg);
      case "path":
        if (arg == null) {
          return ModelSource.path();
        }
        break;
      case "header":
        if (arg != null) {
          return ModelSource.header(arg);
        }
        break;
      case "highest":
        if (arg == null) {
          return ModelSource.highest();
        }
        break;
      case "batch":
        if (arg == null) {
          return ModelSource.batch();
        }
        break;
      case "query":
        if (arg != null) {
          return ModelSource.query(arg);
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(
        "unknown source '"
            + text
            + "'; expected body, body:FIELD, path, header:NAME, query:NAME, highest (last), batch (alone), or none alone.");
  }

  /** The routes, in match order. */
  public List<Route> routes() {
    return routes;
  }

  /**
   * The first route whose pattern matches the canonical path and which accepts the method.
   *
   * @param method the request method, as sent
   * @param normalizedPath a path from {@link PathNormalizer#normalize(String)}
   */
  public Optional<Route> match(String method, String normalizedPath) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(normalizedPath, "normalizedPath");
    for (int i = 0; i < routes.size(); i++) {
      Route route = routes.get(i);
      if (route.acceptsMethod(method) && route.matchesPath(normalizedPath)) {
        return matches.get(i);
      }
    }
    return Optional.empty();
  }

  /** Whether any route covers the path, whatever the method. Allocates nothing. */
  public boolean isModelPath(String normalizedPath) {
    for (Route route : routes) {
      if (route.matchesPath(normalizedPath)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The methods accepted by the routes whose pattern matches the path: empty when no route covers
   * the path; {@code ["*"]} when one accepts any method. When {@link #match} is empty but this is
   * not, the method is not allowed on a model route (answer 405 with an {@code Allow} header, never
   * pass the request through unexamined).
   */
  public Set<String> allowedMethods(String normalizedPath) {
    Objects.requireNonNull(normalizedPath, "normalizedPath");
    Set<String> methods = new LinkedHashSet<>();
    for (Route route : routes) {
      if (route.matchesPath(normalizedPath)) {
        if (route.methods().isEmpty()) {
          return Set.of("*");
        }
        methods.addAll(route.methods());
        if (route.methods().contains("GET")) {
          methods.add("HEAD");
        }
      }
    }
    return Collections.unmodifiableSet(methods);
  }

  @Override
  public String toString() {
    return String.join("; ", routes.stream().map(Route::toString).toList());
  }

  /** Builds {@link ModelRoutes}; not thread-safe. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /**
     * Appends a route; earlier routes win.
     *
     * @throws IllegalArgumentException if a route with the same pattern and methods exists
     */
    public Builder route(Route route) {
      Objects.requireNonNull(route, "route");
      for (Route existing : routes) {
        if (existing.pattern().equals(route.pattern())
            && existing.methods().equals(route.methods())) {
          throw new IllegalArgumentException(
              "duplicate route for "
                  + route.pattern()
                  + "; each pattern and method set may appear once.");
        }
      }
      routes.add(route);
      return this;
    }

    /** The routes (possibly none: then no request is a model request). */
    public ModelRoutes build() {
      return new ModelRoutes(List.copyOf(routes));
    }
  }
}
