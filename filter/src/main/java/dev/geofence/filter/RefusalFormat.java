package dev.geofence.filter;

import java.util.Locale;
import java.util.Objects;

/**
 * The shape of a refusal body. AI SDKs parse their provider's error shape, so a gateway in front of
 * an Anthropic- or OpenAI-compatible API should answer in that shape.
 */
public enum RefusalFormat {
  /**
   * RFC 9457 {@code application/problem+json}: type, title, status, detail and extension members.
   */
  PROBLEM("application/problem+json"),
  /** Anthropic: {@code {"type":"error","error":{"type":"permission_error","message":"..."}}}. */
  ANTHROPIC("application/json"),
  /** OpenAI: {@code {"error":{"message":"...","type":"...","param":null,"code":"..."}}}. */
  OPENAI("application/json");

  private final String contentType;

  RefusalFormat(String contentType) {
    this.contentType = contentType;
  }

  /** The media type of bodies in this format. */
  public String contentType() {
    return contentType;
  }

  /**
   * The format named {@code problem}, {@code anthropic} or {@code openai}, in any case.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static RefusalFormat parse(String name) {
    Objects.requireNonNull(name, "name");
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "problem" -> PROBLEM;
      case "anthropic" -> ANTHROPIC;
      case "openai" -> OPENAI;
      default ->
          throw new IllegalArgumentException(
              "Unknown refusal format '" + name + "'; expected problem, anthropic or openai.");
    };
  }
}
