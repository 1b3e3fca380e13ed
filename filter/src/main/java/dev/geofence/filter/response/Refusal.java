package dev.geofence.filter.response;

import java.util.Objects;
import java.util.Optional;

/**
 * What the client is told when a request is refused: a policy block (451/403) or a rejected request
 * (400/405/413/415/503). Rendered by {@link RefusalWriter} in the configured {@link RefusalFormat}.
 * Immutable; build with {@link #builder(int)}.
 *
 * @param status HTTP status, 400 to 599
 * @param type RFC 9457 problem type URI; {@code about:blank} unless set
 * @param title short summary; the HTTP reason phrase unless set
 * @param detail one sentence for this occurrence; the title unless set
 * @param policyId id of the policy that decided, for blocks
 * @param policyVersion version of that policy
 * @param rule the rule that matched
 * @param country the caller's ISO 3166-1 country code, as resolved
 * @param reason machine-readable reason code for rejections, see {@link RejectionReason#code()}
 */
public record Refusal(
    int status,
    String type,
    String title,
    String detail,
    Optional<String> policyId,
    Optional<String> policyVersion,
    Optional<String> rule,
    Optional<String> country,
    Optional<String> reason) {

  /**
   * @throws NullPointerException if any component is null
   */
  public Refusal {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(policyVersion, "policyVersion");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(reason, "reason");
    requireStatus(status);
  }

  /**
   * A builder for a refusal with the given status.
   *
   * @throws IllegalArgumentException if {@code status} is not 400 to 599
   */
  public static Builder builder(int status) {
    return new Builder(requireStatus(status));
  }

  private static int requireStatus(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException(
          "Refusal status " + status + " is not an error status; expected 400 to 599.");
    }
    return status;
  }

  /** The standard reason phrase for an error status, or "Error". */
  static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }

  /** Builds a {@link Refusal}; not thread-safe. */
  public static final class Builder {
    private final int status;
    private String type = "about:blank";
    private String title;
    private String detail;
    private Optional<String> policyId = Optional.empty();
    private Optional<String> policyVersion = Optional.empty();
    private Optional<String> rule = Optional.empty();
    private Optional<String> country = Optional.empty();
    private Optional<String> reason = Optional.empty();

    private Builder(int status) {
      this.status = status;
    }

    /** The problem type URI, e.g. the policy's public URL. */
    public Builder type(String type) {
      this.type = requireText(type, "type");
      return this;
    }

    /** A short summary that does not change between occurrences. */
    public Builder title(String title) {
      this.title = requireText(title, "title");
      return this;
    }

    /** One sentence explaining this occurrence. */
    public Builder detail(String detail) {
      this.detail = requireText(detail, "detail");
      return this;
    }

    /** The deciding policy's id and version. */
    public Builder policy(String id, String version) {
      this.policyId = Optional.of(requireText(id, "policy id"));
      this.policyVersion = Optional.of(requireText(version, "policy version"));
      return this;
    }

    /** The rule that matched. */
    public Builder rule(String rule) {
      this.rule = Optional.of(requireText(rule, "rule"));
      return this;
    }

    /** The caller's country code. */
    public Builder country(String country) {
      this.country = Optional.of(requireText(country, "country"));
      return this;
    }

    /** A machine-readable reason code. */
    public Builder reason(String reason) {
      this.reason = Optional.of(requireText(reason, "reason"));
      return this;
    }

    /** The refusal; title defaults to the reason phrase, detail to the title. */
    public Refusal build() {
      String t = title != null ? title : reasonPhrase(status);
      String d = detail != null ? detail : t;
      return new Refusal(status, type, t, d, policyId, policyVersion, rule, country, reason);
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(
            "Refusal " + name + " '" + value + "' is blank; expected some text.");
      }
      return value.replace('\r', ' ').replace('\n', ' ');
    }
  }
}
