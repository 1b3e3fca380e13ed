package dev.geofence.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * The grammar every model id must follow before any tier pattern is tried, wherever the id was read
 * (a JSON body, a batch entry, a path, a header, a query parameter), so that an id means the same
 * thing to the policy and to everything downstream: an application that trims or folds it, a
 * gateway that puts it into a URL (Bedrock's {@code /model/{modelId}/invoke}, Vertex paths) or a
 * query string.
 *
 * <p>A model id is 1 to {@value #MAX_LENGTH} printable ASCII characters ({@code !} to {@code ~})
 * except {@code \ % ? # " < > ^ ` { | } [ ] ,}; and none of its {@code /}-separated segments is
 * {@code .} or {@code ..} (also when followed by {@code ;} path parameters, as in {@code ..;}). So
 * no white space, no control or non-ASCII character, nothing a URL parser decodes ({@code %}), ends
 * ({@code ? #}), splits ({@code ,}) or reads as a path step. Real ids of every provider family
 * pass: {@code claude-sonnet-4-5}, {@code anthropic/claude-sonnet-4}, {@code
 * us.anthropic.claude-3-5-sonnet-20241022-v2:0}, {@code ft:gpt-4o-mini-2024-07-18:org::A1b2C3},
 * {@code claude-3-5-sonnet-v2@20241022}, {@code models/gemini-2.5-pro}, {@code
 * arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0}.
 *
 * <p>A policy may narrow this grammar with its {@code model-id-pattern} (see {@link
 * Policy#checkModelId}); nothing widens it. Stateless; checking allocates nothing when the id is
 * valid.
 */
public final class ModelIds {

  /**
   * The longest model id accepted, in characters: more than twice the longest real id known (a
   * Bedrock application inference profile ARN is about 100).
   */
  public static final int MAX_LENGTH = 256;

  private static final String EXCLUDED = "\\%?#\"<>^`{|}[],";

  /** Printable ASCII minus {@link #EXCLUDED}, by code: one look-up per character. */
  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 0x21; c <= 0x7E; c++) {
      ALLOWED[c] = EXCLUDED.indexOf(c) < 0;
    }
  }

  private ModelIds() {}

  /**
   * Why {@code id} is not a model id, as one sentence; empty when it is one.
   *
   * @param id the id as the request gave it, not null
   */
  public static Optional<String> problem(String id) {
    Objects.requireNonNull(id, "id");
    int length = id.length();
    if (length == 0) {
      return Optional.of("The model id is empty; expected a model id such as claude-sonnet-4.");
    }
    if (length > MAX_LENGTH) {
      return Optional.of(
          "The model id is " + length + " characters long; expected at most " + MAX_LENGTH + ".");
    }
    int segmentStart = 0;
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return Optional.of(
            String.format(
                "The model id '%s' contains %s at position %d; expected printable ASCII without"
                    + " white space or any of \\ %% ? # \" < > ^ ` { | } [ ] ,.",
                printable(id), describe(c), i + 1));
      }
      if (c == '/') {
        if (isDotSegment(id, segmentStart, i)) {
          return dotSegment(id);
        }
        segmentStart = i + 1;
      }
    }
    return isDotSegment(id, segmentStart, length) ? dotSegment(id) : Optional.empty();
  }

  /** Whether {@code id} is a model id: {@link #problem} is empty. Allocates nothing. */
  public static boolean isValid(String id) {
    Objects.requireNonNull(id, "id");
    int length = id.length();
    if (length == 0 || length > MAX_LENGTH) {
      return false;
    }
    int segmentStart = 0;
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return false;
      }
      if (c == '/') {
        if (isDotSegment(id, segmentStart, i)) {
          return false;
        }
        segmentStart = i + 1;
      }
    }
    return !isDotSegment(id, segmentStart, length);
  }

  private static Optional<String> dotSegment(String id) {
    return Optional.of(
        "The model id '"
            + printable(id)
            + "' has a '.' or '..' segment, which a gateway that puts the id into a URL would"
            + " resolve to another model; expected none.");
  }

  /** {@code .} or {@code ..}, optionally followed by {@code ;} and path parameters. */
  private static boolean isDotSegment(String id, int from, int to) {
    int end = from;
    while (end < to && id.charAt(end) != ';') {
      end++;
    }
    int n = end - from;
    return (n == 1 && id.charAt(from) == '.')
        || (n == 2 && id.charAt(from) == '.' && id.charAt(from + 1) == '.');
  }

  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (c > 0x20 && c < 0x7F) {
      return "'" + c + "'";
    }
    return String.format("the character U+%04X", (int) c);
  }

  /** The id for a message: at most 80 characters, anything but printable ASCII as \\uXXXX. */
  static String printable(String id) {
    StringBuilder out = new StringBuilder(Math.min(id.length(), 80) + 3);
    int i = 0;
    for (; i < id.length() && out.length() < 80; i++) {
      char c = id.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04X", (int) c));
      }
    }
    return i < id.length() ? out.append("...").toString() : out.toString();
  }
}
