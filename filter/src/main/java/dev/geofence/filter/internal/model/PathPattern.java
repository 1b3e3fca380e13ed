package dev.geofence.filter.internal.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A URL pattern of a route, matched against canonical paths from {@link PathNormalizer}.
 *
 * <p>Syntax: {@code /} followed by segments. A segment is a literal ({@code messages}), {@code *}
 * or {@code {name}} (any one segment), or a segment holding the single {@code {model}} placeholder
 * with an optional literal prefix and suffix ({@code {model}:generateContent}); a suffix ending in
 * {@code *} ({@code {model}:*}) accepts anything after its literal part. A final {@code /*} matches
 * the path itself and everything below it, as in servlet mappings. Literal segments compare
 * ignoring case and a trailing {@code /} on the path is ignored, so neither can dodge a pattern.
 * Immutable.
 */
final class PathPattern {
  private final String text;
  private final List<Segment> segments;
  private final boolean prefix;
  private final int modelSegment;

  private PathPattern(String text, List<Segment> segments, boolean prefix, int modelSegment) {
    this.text = text;
    this.segments = segments;
    this.prefix = prefix;
    this.modelSegment = modelSegment;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException naming the pattern and the bad part
   */
  static PathPattern parse(String text) {
    Objects.requireNonNull(text, "pattern");
    if (!text.startsWith("/")) {
      throw bad(text, "it does not start with '/'");
    }
    String body = text.substring(1);
    boolean prefix = false;
    if (body.equals("*")) {
      return new PathPattern(text, List.of(), true, -1);
    }
    if (body.endsWith("/*")) {
      prefix = true;
      body = body.substring(0, body.length() - 2);
    }
    List<Segment> segments = new ArrayList<>();
    int model = -1;
    if (!body.isEmpty()) {
      for (String part : body.split("/", -1)) {
        Segment segment = Segment.parse(text, part);
        if (segment.kind == Kind.MODEL) {
          if (model >= 0) {
            throw bad(text, "it has more than one {model} placeholder");
          }
          model = segments.size();
        }
        segments.add(segment);
      }
    }
    return new PathPattern(text, List.copyOf(segments), prefix, model);
  }

  /** Whether the pattern has a {@code {model}} placeholder. */
  boolean hasModel() {
    return modelSegment >= 0;
  }

  /** Whether the canonical path matches this pattern. */
  boolean matches(String path) {
    return match(path) != null;
  }

  /** The model captured from the canonical path, with its character span in that path. */
  Optional<Capture> capture(String path) {
    int[] span = match(path);
    if (span == null || modelSegment < 0) {
      return Optional.empty();
    }
    return Optional.of(new Capture(path.substring(span[0], span[1]), span[0], span[1]));
  }

  /** A captured model and its span. */
  record Capture(String model, int start, int end) {}

  /** Null if no match; else the model span (or {-1,-1}). Avoids allocating a segment list. */
  private int[] match(String path) {
    int[] span = {-1, -1};
    int pos = 1;
    int length = path.endsWith("/") && path.length() > 1 ? path.length() - 1 : path.length();
    for (int i = 0; i < segments.size(); i++) {
      if (pos > length) {
        return null;
      }
      int slash = path.indexOf('/', pos);
      int stop = slash < 0 || slash > length ? length : slash;
      if (stop == pos
          || !segments.get(i).matches(path, pos, stop, i == modelSegment ? span : null)) {
        return null;
      }
      pos = stop + 1;
    }
    boolean consumedAll = pos > length || (segments.isEmpty() && length <= 1);
    return consumedAll || prefix ? span : null;
  }

  @Override
  public String toString() {
    return text;
  }

  private static IllegalArgumentException bad(String pattern, String why) {
    return new IllegalArgumentException(
        "URL pattern '"
            + pattern
            + "' is invalid: "
            + why
            + "; expected e.g. /v1/messages, /v1/*, or /v1beta/models/{model}:generateContent.");
  }

  private enum Kind {
    LITERAL,
    ANY,
    MODEL
  }

  private static final class Segment {
    private final Kind kind;
    private final String before;
    private final String after;
    private final boolean open;

    private Segment(Kind kind, String before, String after, boolean open) {
      this.kind = kind;
      this.before = before;
      this.after = after;
      this.open = open;
    }

    static Segment parse(String pattern, String part) {
      if (part.isEmpty()) {
        throw bad(pattern, "it has an empty segment");
      }
      if (part.equals("*")
          || (part.startsWith("{")
              && part.endsWith("}")
              && !part.equals("{model}")
              && part.indexOf('{', 1) < 0
              && isName(part.substring(1, part.length() - 1)))) {
        return new Segment(Kind.ANY, "", "", false);
      }
      int open = part.indexOf("{model}");
      String before = open < 0 ? part : part.substring(0, open);
      String after = open < 0 ? "" : part.substring(open + "{model}".length());
      boolean openEnded = after.endsWith("*") && open >= 0;
      if (openEnded) {
        after = after.substring(0, after.length() - 1);
        if (after.isEmpty()) {
          throw bad(
              pattern, "'{model}*' needs a literal between {model} and '*', as in '{model}:*'");
        }
      }
      checkLiteral(pattern, before);
      checkLiteral(pattern, after);
      if (open < 0 && (part.equals(".") || part.equals(".."))) {
        throw bad(pattern, "it has a dot segment '" + part + "'");
      }
      return new Segment(open < 0 ? Kind.LITERAL : Kind.MODEL, before, after, openEnded);
    }

    private static boolean isName(String name) {
      return !name.isEmpty()
          && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
    }

    private static void checkLiteral(String pattern, String literal) {
      for (int i = 0; i < literal.length(); i++) {
        char c = literal.charAt(i);
        if ("{}*%;\\?#".indexOf(c) >= 0 || Character.isWhitespace(c) || c < 0x20) {
          throw bad(
              pattern,
              "'"
                  + c
                  + "' is not allowed in a literal segment; write paths decoded,"
                  + " with at most one {model} and '*' only as a whole segment or after {model}'s suffix");
        }
      }
    }

    boolean matches(String path, int from, int to, int[] span) {
      switch (kind) {
        case ANY:
          return true;
        case LITERAL:
          return to - from == before.length()
              && path.regionMatches(true, from, before, 0, before.length());
        default:
          int modelStart = from + before.length();
          if (to - from < before.length() + after.length() + 1
              || !path.regionMatches(true, from, before, 0, before.length())) {
            return false;
          }
          int modelEnd;
          if (open) {
            modelEnd = indexIgnoringCase(path, after, modelStart + 1, to);
            if (modelEnd < 0) {
              return false;
            }
          } else {
            modelEnd = to - after.length();
            if (!path.regionMatches(true, modelEnd, after, 0, after.length())) {
              return false;
            }
          }
          if (span != null) {
            span[0] = modelStart;
            span[1] = modelEnd;
          }
          return true;
      }
    }

    private static int indexIgnoringCase(String s, String needle, int from, int to) {
      for (int i = from; i + needle.length() <= to; i++) {
        if (s.regionMatches(true, i, needle, 0, needle.length())) {
          return i;
        }
      }
      return -1;
    }
  }
}
