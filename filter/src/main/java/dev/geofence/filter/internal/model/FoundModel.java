package dev.geofence.filter.internal.model;

import java.util.Objects;

/**
 * A model named by a request, as the application will read it: JSON escapes undone,
 * percent-encoding decoded, but case and surrounding spaces kept (policy tiering folds those
 * itself). Immutable.
 *
 * @param value the model, possibly empty
 * @param location where it was found, for {@link ModelRewriter}
 */
public record FoundModel(String value, ModelLocation location) {
  public FoundModel {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(location, "location");
  }
}
