package dev.geofence.filter.internal.model;

import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the requested model from a request, trying the route's sources in order; the first source
 * that yields a value wins. A source that finds the model ambiguous or malformed rejects the
 * request rather than falling through, so a caller cannot choose which reader is believed.
 * Immutable and thread-safe.
 *
 * <ul>
 *   <li>body: see {@link JsonModelReader};
 *   <li>path: the {@code {model}} part of the canonical path (decoded, case kept);
 *   <li>header: the single value of the header; sent more than once, or a comma-separated list (the
 *       same thing to HTTP): 400 {@code ambiguous_model};
 *   <li>query: the decoded value ({@code +} is a space); given more than once, or a name differing
 *       only by case: 400 {@code ambiguous_model}; a malformed %-escape: 400 {@code
 *       malformed_query}.
 *   <li>highest: yields nothing here; the caller decides by {@link Route#decidesUnreadAsHighest()}.
 * </ul>
 *
 * The value is returned as the request gave it; whether it is a model id the policy accepts is for
 * the caller to check ({@code Policy.checkModelId}), so that a refusal can record what was sent.
 */
public final class ModelFinder {
  private final JsonModelReader json;

  private ModelFinder(JsonModelReader json) {
    this.json = json;
  }

  /** A finder reading JSON bodies with {@code json}. */
  public static ModelFinder of(JsonModelReader json) {
    return new ModelFinder(Objects.requireNonNull(json, "json"));
  }

  /** A finder with the default JSON limits. */
  public static ModelFinder defaults() {
    return of(JsonModelReader.defaults());
  }

  /**
   * The model requested, or empty when no source yields one.
   *
   * @throws IllegalArgumentException if the route reads the body but {@code request} has none
   */
  public Checked<Optional<FoundModel>> find(Route route, ModelRequest request) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(request, "request");
    for (ModelSource source : route.sources()) {
      Checked<Optional<FoundModel>> found = find(route, source, request);
      if (found.isRefused()) {
        return found;
      }
      if (found.value().isPresent()) {
        return found;
      }
    }
    return Checked.ok(Optional.empty());
  }

  private Checked<Optional<FoundModel>> find(
      Route route, ModelSource source, ModelRequest request) {
    if (source instanceof ModelSource.Body body) {
      var captured =
          request
              .body()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Route '"
                              + route
                              + "' reads the body; capture it before finding the model."));
      return json.read(captured.array(), captured.length(), body.field());
    }
    if (source instanceof ModelSource.Path) {
      return Checked.ok(
          route
              .pathPattern()
              .capture(request.normalizedPath())
              .map(
                  c ->
                      new FoundModel(
                          c.model(),
                          new ModelLocation.Path(request.normalizedPath(), c.start(), c.end()))));
    }
    if (source instanceof ModelSource.Highest || source instanceof ModelSource.Batch) {
      // highest: decided by the caller; batch: read entry by entry with JsonModelReader.readBatch.
      return Checked.ok(Optional.empty());
    }
    if (source instanceof ModelSource.Header header) {
      List<String> values = request.headers().apply(header.name());
      if (values.size() > 1) {
        return Checked.refused(
            RefusalReason.AMBIGUOUS_MODEL,
            "The header " + header.name() + " is sent " + values.size() + " times; expected once.");
      }
      // One line "a, b" means the same as two lines (RFC 9110 5.3): an application may split it and
      // take either.
      if (!values.isEmpty() && values.get(0).indexOf(',') >= 0) {
        return Checked.refused(
            RefusalReason.AMBIGUOUS_MODEL,
            "The header " + header.name() + " holds a comma-separated list; expected one model.");
      }
      return Checked.ok(
          values.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  new FoundModel(values.get(0), new ModelLocation.Header(header.name()))));
    }
    ModelSource.Query query = (ModelSource.Query) source;
    return request
        .rawQuery()
        .map(raw -> fromQuery(raw, query.name()))
        .orElse(Checked.ok(Optional.empty()));
  }

  private static Checked<Optional<FoundModel>> fromQuery(String raw, String name) {
    FoundModel found = null;
    int start = 0;
    while (start <= raw.length()) {
      int amp = raw.indexOf('&', start);
      int stop = amp < 0 ? raw.length() : amp;
      int eq = raw.indexOf('=', start);
      int nameEnd = eq < 0 || eq > stop ? stop : eq;
      int valueStart = eq < 0 || eq > stop ? stop : eq + 1;
      Optional<String> key = PercentCodec.decode(raw.substring(start, nameEnd), true);
      Optional<String> value = PercentCodec.decode(raw.substring(valueStart, stop), true);
      if (key.isEmpty() || value.isEmpty()) {
        return Checked.refused(
            RefusalReason.MALFORMED_QUERY,
            "The query parameter '"
                + shorten(raw.substring(start, stop))
                + "' has a malformed %-escape or is not UTF-8.");
      }
      if (key.get().equals(name)) {
        if (found != null) {
          return Checked.refused(
              RefusalReason.AMBIGUOUS_MODEL,
              "The query parameter '" + name + "' is given more than once.");
        }
        found = new FoundModel(value.get(), new ModelLocation.Query(name, raw, valueStart, stop));
      } else if (key.get().equalsIgnoreCase(name)) {
        return Checked.refused(
            RefusalReason.AMBIGUOUS_MODEL,
            "The query parameter '"
                + shorten(key.get())
                + "' differs from '"
                + name
                + "' only by case.");
      }
      start = stop + 1;
    }
    return Checked.ok(Optional.ofNullable(found));
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
