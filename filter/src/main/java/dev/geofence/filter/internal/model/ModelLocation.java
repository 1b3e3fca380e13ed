package dev.geofence.filter.internal.model;

import java.util.Objects;

/** Where in a request a model was found, precisely enough to rewrite just that value. Immutable. */
public sealed interface ModelLocation
    permits ModelLocation.Body, ModelLocation.Path, ModelLocation.Header, ModelLocation.Query {

  /**
   * A string token in a JSON body.
   *
   * @param field the top-level field name
   * @param start byte offset of the token's opening quote
   * @param end byte offset just past its closing quote
   */
  record Body(String field, int start, int end) implements ModelLocation {
    public Body {
      Objects.requireNonNull(field, "field");
      if (start < 0 || end < start + 2) {
        throw new IllegalArgumentException(
            "Invalid token span " + start + ".." + end + "; expected a quoted string.");
      }
    }
  }

  /**
   * Characters of the canonical path.
   *
   * @param normalizedPath the canonical path (decoded), from {@link PathNormalizer}
   * @param start offset of the model's first character
   * @param end offset just past its last
   */
  record Path(String normalizedPath, int start, int end) implements ModelLocation {
    public Path {
      Objects.requireNonNull(normalizedPath, "normalizedPath");
      Objects.checkFromToIndex(start, end, normalizedPath.length());
    }
  }

  /**
   * A request header.
   *
   * @param name the header name
   */
  record Header(String name) implements ModelLocation {
    public Header {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * The value of one parameter in the raw query string.
   *
   * @param name the decoded parameter name
   * @param rawQuery the query string as sent, still encoded
   * @param start offset of the raw (encoded) value in {@code rawQuery}
   * @param end offset just past it
   */
  record Query(String name, String rawQuery, int start, int end) implements ModelLocation {
    public Query {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(rawQuery, "rawQuery");
      Objects.checkFromToIndex(start, end, rawQuery.length());
    }
  }
}
