package dev.geofence.policy;

import dev.geofence.policy.internal.YamlNode;
import dev.geofence.policy.internal.YamlNode.Mapping;
import dev.geofence.policy.internal.YamlNode.Scalar;
import dev.geofence.policy.internal.YamlNode.Sequence;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Typed reads of YAML nodes that report a located error instead of failing. Not thread-safe. */
final class Values {

  final Diagnostics diagnostics;

  Values(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  Optional<Mapping> mapping(YamlNode node, String what, String expected) {
    if (node instanceof Mapping m) {
      return Optional.of(m);
    }
    diagnostics.error(node, what + " must be " + expected + "; found " + node.describe());
    return Optional.empty();
  }

  Optional<Scalar> text(YamlNode node, String what) {
    if (!(node instanceof Scalar s)) {
      diagnostics.error(node, what + " must be a single value; found " + node.describe());
      return Optional.empty();
    }
    if (s.isEmpty()) {
      diagnostics.error(node, what + " is empty");
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** A single value or a list of single values; an empty value is an error. */
  List<Scalar> textList(YamlNode node, String what) {
    if (node instanceof Scalar) {
      return text(node, what).map(List::of).orElse(List.of());
    }
    if (!(node instanceof Sequence seq)) {
      diagnostics.error(
          node, what + " must be a value or a list of values; found " + node.describe());
      return List.of();
    }
    List<Scalar> values = new ArrayList<>();
    for (YamlNode item : seq.items()) {
      text(item, "an entry of " + what).ifPresent(values::add);
    }
    return values;
  }

  Optional<Boolean> bool(YamlNode node, String what) {
    if (node instanceof Scalar s && s.kind() == YamlNode.Kind.BOOLEAN) {
      // YAML 1.1 booleans: true/false, yes/no, on/off.
      return Optional.of(
          List.of("true", "yes", "on").contains(s.text().strip().toLowerCase(Locale.ROOT)));
    }
    diagnostics.error(node, what + " must be true or false; found " + node.describe());
    return Optional.empty();
  }

  Optional<LocalDate> date(YamlNode node, String what) {
    Optional<Scalar> s = text(node, "'" + what + "'");
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String v = s.get().text().strip();
    try {
      if (v.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return Optional.of(LocalDate.parse(v));
      }
    } catch (DateTimeParseException e) {
      // fall through to the message below
    }
    diagnostics.error(
        s.get(), "invalid date '" + v + "' for '" + what + "'; expected a UTC date as YYYY-MM-DD");
    return Optional.empty();
  }
}
