package dev.geofence.demo;

import java.util.List;

/** The models the demo model API knows, highest tier first in the embedded policy. Immutable. */
final class DemoModels {

  /** One model of the catalogue, in the shape of Anthropic's {@code GET /v1/models} entries. */
  record Model(String id, String displayName, String createdAt) {}

  static final List<Model> ALL =
      List.of(
          new Model("claude-opus-4", "Claude Opus 4", "2025-05-22T00:00:00Z"),
          new Model("claude-sonnet-4", "Claude Sonnet 4", "2025-05-22T00:00:00Z"),
          new Model("claude-3-5-sonnet-20241022", "Claude Sonnet 3.5", "2024-10-22T00:00:00Z"),
          new Model("claude-haiku-4", "Claude Haiku 4", "2025-10-01T00:00:00Z"));

  private DemoModels() {}
}
