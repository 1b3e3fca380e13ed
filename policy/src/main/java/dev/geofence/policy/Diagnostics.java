package dev.geofence.policy;

import dev.geofence.policy.internal.YamlNode;
import java.util.ArrayList;
import java.util.List;

/** Collects the diagnostics for one file. Not thread-safe. */
final class Diagnostics {

  /** Most diagnostics reported for one file. */
  static final int MAX_REPORTED = 100;

  private final String file;
  private final List<Diagnostic> list = new ArrayList<>();

  Diagnostics(String file) {
    this.file = file;
  }

  void add(Diagnostic d) {
    list.add(d);
  }

  void error(YamlNode at, String message) {
    list.add(Diagnostic.error(file, at.line(), at.column(), message));
  }

  void warning(YamlNode at, String message) {
    list.add(Diagnostic.warning(file, at.line(), at.column(), message));
  }

  boolean hasErrors() {
    return list.stream().anyMatch(Diagnostic::isError);
  }

  /**
   * Every diagnostic in file order; past {@link #MAX_REPORTED} only a count of the rest, so garbage
   * input stays readable.
   */
  List<Diagnostic> sorted() {
    List<Diagnostic> all = list.stream().sorted(Diagnostic.IN_FILE_ORDER).toList();
    if (all.size() <= MAX_REPORTED) {
      return all;
    }
    List<Diagnostic> kept = new ArrayList<>(all.subList(0, MAX_REPORTED));
    Diagnostic last = kept.get(MAX_REPORTED - 1);
    kept.add(
        Diagnostic.error(
            file,
            last.line(),
            last.column(),
            "too many problems; " + (all.size() - MAX_REPORTED) + " more not shown"));
    return kept;
  }

  /** Reports every key of {@code m} not in {@code allowed}, suggesting the closest allowed key. */
  void checkKeys(YamlNode.Mapping m, List<String> allowed, String context) {
    for (YamlNode.Entry e : m.entries()) {
      String key = e.key().text();
      if (!allowed.contains(key)) {
        String suggestion = Suggestions.didYouMean(key, allowed);
        error(
            e.key(),
            "unknown key '"
                + key
                + "'"
                + context
                + (suggestion.isEmpty()
                    ? "; expected one of " + String.join(", ", allowed)
                    : suggestion));
      }
    }
  }
}
