package dev.geofence.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/** Anthropic Messages API request bodies of a given size, for benchmarks and load tests. */
final class RequestBodies {

  private RequestBodies() {}

  /** Parses {@code 1KB}, {@code 64KB}, {@code 4MB} (binary units). */
  static int bytes(String size) {
    String s = size.strip().toUpperCase(Locale.ROOT);
    if (s.endsWith("MB")) {
      return Integer.parseInt(s.substring(0, s.length() - 2)) << 20;
    }
    if (s.endsWith("KB")) {
      return Integer.parseInt(s.substring(0, s.length() - 2)) << 10;
    }
    throw new IllegalArgumentException(
        "Body size '" + size + "' is not understood; expected e.g. 1KB, 64KB or 4MB.");
  }

  /**
   * A {@code POST /v1/messages} body of exactly {@code size} bytes naming {@code model} as the
   * first or the last field. Up to 4 KB the padding is chat text; above, it is a base64 PNG-like
   * image, as in a request that carries a picture.
   */
  static byte[] messages(int size, boolean modelFirst, String model) {
    String modelField = "\"model\":\"" + model + "\"";
    String head =
        "{"
            + (modelFirst ? modelField + "," : "")
            + "\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":[";
    String tail = "]}]" + (modelFirst ? "" : "," + modelField) + "}";
    boolean image = size > 4096;
    String open =
        image
            ? "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
            : "{\"type\":\"text\",\"text\":\"";
    String close = image ? "\"}},{\"type\":\"text\",\"text\":\"What is in this picture?\"}" : "\"}";
    int padding = size - head.length() - tail.length() - open.length() - close.length();
    if (padding < 0) {
      throw new IllegalArgumentException(
          "Body size " + size + " is too small; expected at least " + (size - padding) + " bytes.");
    }
    String filler = image ? base64(padding) : chat(padding);
    byte[] body = (head + open + filler + close + tail).getBytes(StandardCharsets.UTF_8);
    if (body.length != size) {
      throw new IllegalStateException("Built a " + body.length + "-byte body instead of " + size);
    }
    return body;
  }

  private static String base64(int length) {
    byte[] raw = new byte[length / 4 * 3 + 3];
    new SplittableRandom(length).nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw).substring(0, length);
  }

  private static String chat(int length) {
    String words =
        "Please summarise the attached quarterly report and list the three largest risks. ";
    return words.repeat(length / words.length() + 1).substring(0, length);
  }
}
