package dev.geofence.filter.internal.model;

import java.util.Objects;

/**
 * One entry of a Message Batches body as read: its {@code custom_id} and its {@code params.model}
 * with the byte span of the model's token, for {@link ModelRewriter#batch}. Immutable.
 *
 * @param index the entry's position in {@code requests[]}, from 0
 * @param customId the entry's {@code custom_id}, as sent (unescaped)
 * @param model the entry's model and where it is in the body
 */
public record BatchEntry(int index, String customId, FoundModel model) {
  public BatchEntry {
    Objects.requireNonNull(customId, "customId");
    Objects.requireNonNull(model, "model");
    if (!(model.location() instanceof ModelLocation.Body)) {
      throw new IllegalArgumentException("A batch entry's model is in the body.");
    }
  }
}
