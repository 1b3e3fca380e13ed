package dev.geofence.filter.internal.response;

import dev.geofence.filter.RefusalFormat;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.policy.Decision;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What the client is told when a request is refused: a policy block (451/403) or a request that
 * could not be examined (400/405/413/415/503). Rendered by {@link RefusalWriter} in the configured
 * {@link RefusalFormat}. Immutable; build with {@link #builder(int)}.
 *
 * @param status HTTP status, 400 to 599
 * @param type RFC 9457 problem type URI; {@code about:blank} unless set
 * @param title short summary; the HTTP reason phrase unless set
 * @param detail one sentence for this occurrence; the title unless set
 * @param policyId id of the policy that decided, for blocks
 * @param policyVersion version of that policy
 * @param rule the rule that matched
 * @param country the caller's ISO 3166-1 country code, as resolved
 * @param reason machine-readable reason code for rejections, see {@link RefusalReason#code()}
 * @param retryAfterSeconds the {@code Retry-After} of a 429, at least 1; 0 for none
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
    Optional<RefusalReason> reason,
    long retryAfterSeconds) {

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
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException(
          "Retry-After " + retryAfterSeconds + " is negative; expected 0 (none) or more.");
    }
  }

  /**
   * The refusal of a request that could not be examined: the reason's status, title and code, and
   * one sentence saying what was wrong (CR and LF become spaces).
   */
  public static Refusal of(RefusalReason reason, String detail) {
    return builder(reason.status()).title(reason.title()).detail(detail).reason(reason).build();
  }

  /**
   * The refusal of a request the policy blocked: {@code blockStatus} with the policy, rule, country
   * and a sentence saying why; or, for a request decided before any rule (an unresolvable caller,
   * an invalid model id), 400 with what was wrong, whatever the block status is.
   */
  public static Refusal of(Screening screening, int blockStatus, Optional<URI> policyUrl) {
    Decision.Reason reason = screening.decision().reason();
    return reason == Decision.Reason.UNRESOLVABLE || reason == Decision.Reason.MODEL_INVALID
        ? beforeAnyRule(screening)
        : block(screening, blockStatus, policyUrl);
  }

  /** This refusal with another sentence for this occurrence (CR and LF become spaces). */
  public Refusal withDetail(String detail) {
    return new Refusal(
        status,
        type,
        title,
        Builder.requireText(detail, "detail"),
        policyId,
        policyVersion,
        rule,
        country,
        reason,
        retryAfterSeconds);
  }

  /** The refusal for a blocked request: status, policy, rule, country and a sentence saying why. */
  private static Refusal block(Screening g, int blockStatus, Optional<URI> policyUrl) {
    Decision d = g.decision();
    Refusal.Builder refusal =
        Refusal.builder(blockStatus)
            .detail(blockSentence(g))
            .policy(g.policy().id(), g.policy().version())
            .rule(d.ruleName());
    policyUrl.ifPresent(url -> refusal.type(url.toASCIIString()));
    if (g.origin().country() != null) {
      refusal.country(g.origin().country());
    }
    return refusal.build();
  }

  private static String blockSentence(Screening g) {
    Decision d = g.decision();
    String who =
        switch (d.reason()) {
          case ANONYMOUS -> "Requests through an anonymizing network";
          case UNKNOWN -> "Requests whose country cannot be determined";
          default ->
              "Requests from "
                  + d.matched()
                      .orElse(g.origin().country() == null ? "your region" : g.origin().country());
        };
    String to =
        d.requestedModel()
            .map(m -> " to the model " + shorten(m))
            .or(
                () ->
                    d.requestedTier()
                        .map(
                            t ->
                                " to this endpoint, whose model cannot be checked and is taken to be of"
                                    + " the tier "
                                    + t
                                    + ","))
            .orElse("");
    return who
        + to
        + " are not permitted by policy "
        + g.policy().id()
        + " version "
        + g.policy().version()
        + " (rule '"
        + d.ruleName()
        + "'"
        + d.basis().map(b -> "; basis: " + b).orElse("")
        + ").";
  }

  /**
   * The refusal of a request decided before any rule: 400 {@code model_invalid} with what is wrong
   * with the id, or 400 {@code address_unresolvable} with the rule of the walk the forwarding
   * header broke, whatever the policy's block status is. It is the request that is wrong, not the
   * caller's country.
   */
  private static Refusal beforeAnyRule(Screening g) {
    if (g.decision().reason() == Decision.Reason.MODEL_INVALID) {
      String model = g.decision().requestedModel().orElse("");
      return Refusal.of(
          RefusalReason.MODEL_INVALID,
          g.policy().checkModelId(model).orElse("The model id is not accepted."));
    }
    ClientAddress client = g.caller();
    UnresolvableReason why = client.reason().orElseThrow();
    String where =
        why == UnresolvableReason.BAD_PEER
            ? ""
            : " in the "
                + client.header().orElse("forwarding")
                + " header from the trusted proxy "
                + client.peer().map(IpAddresses::format).orElse("-");
    return Refusal.of(
        RefusalReason.ADDRESS_UNRESOLVABLE,
        "The caller's address cannot be determined: "
            + why.description()
            + where
            + " ("
            + why.code()
            + "). Requests are refused when the caller cannot be located.");
  }

  private static String shorten(String model) {
    return model.length() > 100 ? model.substring(0, 100) + "..." : model;
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
    private Optional<RefusalReason> reason = Optional.empty();
    private long retryAfterSeconds;

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

    /** Why a request that could not be examined was refused. */
    public Builder reason(RefusalReason reason) {
      this.reason = Optional.of(Objects.requireNonNull(reason, "reason"));
      return this;
    }

    /** The {@code Retry-After} header in seconds; 0 (the default) for none. */
    public Builder retryAfter(long seconds) {
      this.retryAfterSeconds = seconds;
      return this;
    }

    /** The refusal; title defaults to the reason phrase, detail to the title. */
    public Refusal build() {
      String t = title != null ? title : reasonPhrase(status);
      String d = detail != null ? detail : t;
      return new Refusal(
          status, type, t, d, policyId, policyVersion, rule, country, reason, retryAfterSeconds);
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
