package dev.geofence.policy.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A YAML node with the 1-based line and column where it starts. Scalars keep their source text
 * verbatim, so {@code NO} stays the country code of Norway instead of becoming YAML 1.1 false.
 * Immutable.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {

  int line();

  int column();

  /** A short noun for messages: "a text value", "a list", "a mapping". */
  String describe();

  /** How the YAML parser typed a scalar; only booleans and nulls matter to the policy. */
  enum Kind {
    STRING,
    NUMBER,
    BOOLEAN,
    NULL
  }

  /** A scalar and its source text. */
  record Scalar(String text, Kind kind, int line, int column) implements YamlNode {
    public Scalar {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(kind, "kind");
    }

    /** True for {@code ~}, {@code null} and a key with no value. */
    public boolean isEmpty() {
      return kind == Kind.NULL || text.isBlank();
    }

    @Override
    public String describe() {
      return isEmpty() ? "an empty value" : "the value '" + text + "'";
    }
  }

  /** A sequence. */
  record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /** A mapping whose keys are unique (the reader reports and drops repeated keys). */
  record Mapping(List<Entry> entries, int line, int column) implements YamlNode {
    public Mapping {
      entries = List.copyOf(entries);
    }

    public Optional<Entry> entry(String key) {
      for (Entry e : entries) {
        if (e.key().text().equals(key)) {
          return Optional.of(e);
        }
      }
      return Optional.empty();
    }

    public Optional<YamlNode> get(String key) {
      return entry(key).map(Entry::value);
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** One key and its value. */
  record Entry(Scalar key, YamlNode value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }
}
