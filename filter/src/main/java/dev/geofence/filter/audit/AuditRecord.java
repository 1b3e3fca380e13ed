package dev.geofence.filter.audit;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One geo-fence decision as it is written to the audit trail: plain values filled in by the filter,
 * encoded by the sinks as one JSON line with Elastic Common Schema field names (see {@code
 * docs/audit.md} and the schema {@code dev/geofence/filter/audit/audit-record.schema.json}).
 *
 * <p>Immutable and thread-safe. Text fields are never null: an empty string means "not known" and
 * is left out of the JSON line. Values that came from the request (path, method, model, request id,
 * header name) may hold anything; the encoder strips control characters and bounds their length, so
 * the filter can pass them as they are. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * AuditRecord record = AuditRecord.builder()
 *     .timestamp(now).action(AuditAction.BLOCK).reason("country is sanctioned")
 *     .ruleName("sanctioned").sourceIp(client).country("IR")
 *     .httpMethod("POST").urlPath("/v1/chat/completions").statusCode(451)
 *     .build();
 * }</pre>
 *
 * @param timestamp when the request was decided
 * @param action what the geo-fence did with the request
 * @param reason a sentence saying why, for people reading the trail
 * @param ruleName the policy rule that decided
 * @param sourceIp the client address the decision was made for; empty when unknown
 * @param country ISO 3166-1 alpha-2 code of the client's country
 * @param regionIsoCode ISO 3166-2 code of the subdivision, such as {@code US-CA}
 * @param httpMethod the request method
 * @param urlPath the request path; a query string or fragment is cut off when encoded
 * @param statusCode the response status, 0 when not known
 * @param policyId id of the policy in force
 * @param policyVersion version of the policy in force
 * @param policySha256 hex SHA-256 of the policy file
 * @param basis the rule's stated basis (law, sanction list, contract)
 * @param databaseType the GeoIP database type, such as {@code GeoIP2-Country}
 * @param databaseBuildTime when the GeoIP database was built
 * @param databaseSha256 hex SHA-256 of the GeoIP database file
 * @param requestedModel the model the client asked for
 * @param requestedTier tier of the requested model
 * @param effectiveModel the model the request went to (differs after a substitution)
 * @param effectiveTier tier of the effective model
 * @param registeredCountry ISO code of the country the address block is registered to
 * @param representedCountry ISO code of the country the address's users represent (such as a
 *     military base or an embassy abroad), as the look-up gives it; empty for nearly every address
 * @param anonymizerFlags anonymizer traits of the address, such as {@code vpn} or {@code tor}
 * @param addressSource {@code peer}, or the name of the header the client address came from
 * @param peerAddress the address of the TCP peer (the proxy when there is one)
 * @param requestId the request id (a trusted {@code X-Request-Id} or a generated one)
 * @param decisionMicros how long the decision took, in microseconds
 * @param monitor whether the deciding rule is marked {@code monitor}
 * @param addressUnresolvable why the caller's address could not be told (the code of {@code
 *     ClientAddress.UnresolvableReason}, such as {@code too_many_hops}); empty when it could
 * @param batchEntries each entry of a Message Batches request, in order, with its requested and
 *     effective model; empty for any other request
 * @param shadow what the shadow policy decided, when its outcome differs from the enforced one
 * @param userId the calling principal as recorded (ECS {@code user.id}): as the principal source
 *     gave it, or its keyed hash under {@code principal-privacy: hmac}; empty when there is none
 * @param usage the usage limit a refused, substituted or flagged request was over, or what an
 *     {@link AuditAction#ALERT} is about ({@code geofence.usage}); empty otherwise
 */
public record AuditRecord(
    Instant timestamp,
    AuditAction action,
    String reason,
    String ruleName,
    Optional<InetAddress> sourceIp,
    String country,
    String regionIsoCode,
    String httpMethod,
    String urlPath,
    int statusCode,
    String policyId,
    String policyVersion,
    String policySha256,
    String basis,
    String databaseType,
    Optional<Instant> databaseBuildTime,
    String databaseSha256,
    String requestedModel,
    String requestedTier,
    String effectiveModel,
    String effectiveTier,
    String registeredCountry,
    String representedCountry,
    Set<String> anonymizerFlags,
    String addressSource,
    Optional<InetAddress> peerAddress,
    String requestId,
    long decisionMicros,
    boolean monitor,
    String addressUnresolvable,
    List<BatchEntry> batchEntries,
    Optional<Shadow> shadow,
    String userId,
    Optional<Usage> usage) {

  /**
   * What usage monitoring adds to a record ({@code geofence.usage}). Text fields are never null;
   * empty ones are left out of the line.
   *
   * @param limit the rule's usage limit in its policy form, such as {@code 5/1m}
   * @param countries the countries the principal was seen from within {@code window}, sorted; empty
   *     unless this is a country alert
   * @param window the alert's window in its policy form, such as {@code 10m}
   */
  public record Usage(String limit, List<String> countries, String window) {
    /** Normalises nulls to empty and copies the list. */
    public Usage {
      limit = limit == null ? "" : limit;
      countries = countries == null ? List.of() : List.copyOf(countries);
      window = window == null ? "" : window;
    }
  }

  /**
   * One entry of a Message Batches request as decided: the effective model is the requested one
   * when the entry was allowed, the substitute when it was replaced, and empty when it was refused.
   * Text fields are never null.
   *
   * @param customId the entry's {@code custom_id}, as sent
   * @param requestedModel the model the entry asked for
   * @param effectiveModel the model the entry went to
   */
  public record BatchEntry(String customId, String requestedModel, String effectiveModel) {
    /** Normalises nulls to empty values. */
    public BatchEntry {
      customId = orEmpty(customId);
      requestedModel = orEmpty(requestedModel);
      effectiveModel = orEmpty(effectiveModel);
    }
  }

  /**
   * What a shadow policy decided for the request, recorded as {@code geofence.shadow} when its
   * outcome differs from the enforced one. Text fields are never null; empty means "none".
   *
   * @param policyId id of the shadow policy
   * @param policyVersion its version
   * @param policySha256 hex SHA-256 of its file
   * @param action what the shadow policy would have done: allow, substitute or block
   * @param ruleName the shadow rule that decided
   * @param effectiveModel the model the request would have gone on with
   * @param effectiveTier the tier of that model
   */
  public record Shadow(
      String policyId,
      String policyVersion,
      String policySha256,
      AuditAction action,
      String ruleName,
      String effectiveModel,
      String effectiveTier) {
    /** Normalises nulls to empty text; the action is required. */
    public Shadow {
      policyId = orEmpty(policyId);
      policyVersion = orEmpty(policyVersion);
      policySha256 = orEmpty(policySha256);
      Objects.requireNonNull(action, "action");
      ruleName = orEmpty(ruleName);
      effectiveModel = orEmpty(effectiveModel);
      effectiveTier = orEmpty(effectiveTier);
    }
  }

  /** Normalises nulls to empty values and checks the action, status code and duration. */
  public AuditRecord {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(action, "action");
    reason = orEmpty(reason);
    ruleName = orEmpty(ruleName);
    sourceIp = Objects.requireNonNullElse(sourceIp, Optional.empty());
    country = orEmpty(country);
    regionIsoCode = orEmpty(regionIsoCode);
    httpMethod = orEmpty(httpMethod);
    urlPath = orEmpty(urlPath);
    checkStatus(statusCode);
    policyId = orEmpty(policyId);
    policyVersion = orEmpty(policyVersion);
    policySha256 = orEmpty(policySha256);
    basis = orEmpty(basis);
    databaseType = orEmpty(databaseType);
    databaseBuildTime = Objects.requireNonNullElse(databaseBuildTime, Optional.empty());
    databaseSha256 = orEmpty(databaseSha256);
    requestedModel = orEmpty(requestedModel);
    requestedTier = orEmpty(requestedTier);
    effectiveModel = orEmpty(effectiveModel);
    effectiveTier = orEmpty(effectiveTier);
    registeredCountry = orEmpty(registeredCountry);
    representedCountry = orEmpty(representedCountry);
    anonymizerFlags = anonymizerFlags == null ? Set.of() : Set.copyOf(anonymizerFlags);
    addressSource = orEmpty(addressSource);
    peerAddress = Objects.requireNonNullElse(peerAddress, Optional.empty());
    requestId = orEmpty(requestId);
    checkMicros(decisionMicros);
    addressUnresolvable = orEmpty(addressUnresolvable);
    batchEntries = batchEntries == null ? List.of() : List.copyOf(batchEntries);
    shadow = Objects.requireNonNullElse(shadow, Optional.empty());
    userId = orEmpty(userId);
    Objects.requireNonNull(usage, "usage");
  }

  /** Returns a builder with the timestamp set to now and every other field empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this record's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Encodes this record as one JSON line (without the line feed), as the SLF4J sink logs it.
   *
   * @param privacy how {@code source.ip} and the peer address are written
   */
  public String toJson(IpPrivacy privacy) {
    return AuditEncoder.encodeToString(this, Objects.requireNonNull(privacy, "privacy"));
  }

  /**
   * Whether this record is a block, a substitution, an error, decided by a monitor rule, or one the
   * shadow policy would have decided otherwise.
   */
  boolean isNotable() {
    return isNotable(action, monitor || shadow.isPresent());
  }

  static boolean isNotable(AuditAction action, boolean monitor) {
    return monitor || action.isNotable();
  }

  private static int checkStatus(int statusCode) {
    if (statusCode != 0 && (statusCode < 100 || statusCode > 599)) {
      throw new IllegalArgumentException(
          "status code "
              + statusCode
              + " is not an HTTP status; expected 100 to 599, or 0 when unknown");
    }
    return statusCode;
  }

  private static long checkMicros(long decisionMicros) {
    if (decisionMicros < 0) {
      throw new IllegalArgumentException(
          "decision time " + decisionMicros + " µs is negative; expected 0 or more");
    }
    return decisionMicros;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /**
   * Builds an {@link AuditRecord}. Not thread-safe; each setter accepts null as "not known" except
   * where noted, and {@link #build()} fails with {@link IllegalArgumentException} on a bad value.
   */
  public static final class Builder {
    private Instant timestamp = Instant.now();
    private AuditAction action;
    private String reason;
    private String ruleName;
    private InetAddress sourceIp;
    private String country;
    private String regionIsoCode;
    private String httpMethod;
    private String urlPath;
    private int statusCode;
    private String policyId;
    private String policyVersion;
    private String policySha256;
    private String basis;
    private String databaseType;
    private Instant databaseBuildTime;
    private String databaseSha256;
    private String requestedModel;
    private String requestedTier;
    private String effectiveModel;
    private String effectiveTier;
    private String registeredCountry;
    private String representedCountry;
    private Set<String> anonymizerFlags = Set.of();
    private String addressSource;
    private InetAddress peerAddress;
    private String requestId;
    private long decisionMicros;
    private boolean monitor;
    private String addressUnresolvable;
    private List<BatchEntry> batchEntries = List.of();
    private Shadow shadow;
    private String userId;
    private Usage usage;

    private Builder() {}

    private Builder(AuditRecord r) {
      timestamp = r.timestamp;
      action = r.action;
      reason = r.reason;
      ruleName = r.ruleName;
      sourceIp = r.sourceIp.orElse(null);
      country = r.country;
      regionIsoCode = r.regionIsoCode;
      httpMethod = r.httpMethod;
      urlPath = r.urlPath;
      statusCode = r.statusCode;
      policyId = r.policyId;
      policyVersion = r.policyVersion;
      policySha256 = r.policySha256;
      basis = r.basis;
      databaseType = r.databaseType;
      databaseBuildTime = r.databaseBuildTime.orElse(null);
      databaseSha256 = r.databaseSha256;
      requestedModel = r.requestedModel;
      requestedTier = r.requestedTier;
      effectiveModel = r.effectiveModel;
      effectiveTier = r.effectiveTier;
      registeredCountry = r.registeredCountry;
      representedCountry = r.representedCountry;
      anonymizerFlags = r.anonymizerFlags;
      addressSource = r.addressSource;
      peerAddress = r.peerAddress.orElse(null);
      requestId = r.requestId;
      decisionMicros = r.decisionMicros;
      monitor = r.monitor;
      addressUnresolvable = r.addressUnresolvable;
      batchEntries = r.batchEntries;
      shadow = r.shadow.orElse(null);
      userId = r.userId;
      usage = r.usage.orElse(null);
    }

    /** When the request was decided; not null. Defaults to the time {@link #builder()} ran. */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
      return this;
    }

    /** What the geo-fence did with the request; required. */
    public Builder action(AuditAction action) {
      this.action = Objects.requireNonNull(action, "action");
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Builder ruleName(String ruleName) {
      this.ruleName = ruleName;
      return this;
    }

    public Builder sourceIp(InetAddress sourceIp) {
      this.sourceIp = sourceIp;
      return this;
    }

    public Builder country(String country) {
      this.country = country;
      return this;
    }

    public Builder regionIsoCode(String regionIsoCode) {
      this.regionIsoCode = regionIsoCode;
      return this;
    }

    public Builder httpMethod(String httpMethod) {
      this.httpMethod = httpMethod;
      return this;
    }

    /** The request path; pass it raw, a query string is never written. */
    public Builder urlPath(String urlPath) {
      this.urlPath = urlPath;
      return this;
    }

    /** The response status, 100 to 599, or 0 when not known. */
    public Builder statusCode(int statusCode) {
      this.statusCode = checkStatus(statusCode);
      return this;
    }

    public Builder policyId(String policyId) {
      this.policyId = policyId;
      return this;
    }

    public Builder policyVersion(String policyVersion) {
      this.policyVersion = policyVersion;
      return this;
    }

    public Builder policySha256(String policySha256) {
      this.policySha256 = policySha256;
      return this;
    }

    public Builder basis(String basis) {
      this.basis = basis;
      return this;
    }

    public Builder databaseType(String databaseType) {
      this.databaseType = databaseType;
      return this;
    }

    public Builder databaseBuildTime(Instant databaseBuildTime) {
      this.databaseBuildTime = databaseBuildTime;
      return this;
    }

    public Builder databaseSha256(String databaseSha256) {
      this.databaseSha256 = databaseSha256;
      return this;
    }

    public Builder requestedModel(String requestedModel) {
      this.requestedModel = requestedModel;
      return this;
    }

    public Builder requestedTier(String requestedTier) {
      this.requestedTier = requestedTier;
      return this;
    }

    public Builder effectiveModel(String effectiveModel) {
      this.effectiveModel = effectiveModel;
      return this;
    }

    public Builder effectiveTier(String effectiveTier) {
      this.effectiveTier = effectiveTier;
      return this;
    }

    public Builder registeredCountry(String registeredCountry) {
      this.registeredCountry = registeredCountry;
      return this;
    }

    public Builder representedCountry(String representedCountry) {
      this.representedCountry = representedCountry;
      return this;
    }

    public Builder anonymizerFlags(Set<String> anonymizerFlags) {
      this.anonymizerFlags = anonymizerFlags == null ? Set.of() : Set.copyOf(anonymizerFlags);
      return this;
    }

    /** {@code peer}, or the name of the header the client address was taken from. */
    public Builder addressSource(String addressSource) {
      this.addressSource = addressSource;
      return this;
    }

    public Builder peerAddress(InetAddress peerAddress) {
      this.peerAddress = peerAddress;
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** How long the decision took, in microseconds; 0 or more. */
    public Builder decisionMicros(long decisionMicros) {
      this.decisionMicros = checkMicros(decisionMicros);
      return this;
    }

    /** Why the caller's address could not be told: a code such as {@code too_many_hops}. */
    public Builder addressUnresolvable(String code) {
      this.addressUnresolvable = code;
      return this;
    }

    /** The entries of a Message Batches request, in order; null or empty for any other. */
    public Builder batchEntries(List<BatchEntry> entries) {
      this.batchEntries = entries == null ? List.of() : List.copyOf(entries);
      return this;
    }

    /** What the shadow policy decided, when it differs from the enforced outcome. */
    public Builder shadow(Shadow shadow) {
      this.shadow = shadow;
      return this;
    }

    /**
     * The calling principal as it is to be written (ECS {@code user.id}), already in its recorded
     * form: the filter applies {@code principal-privacy} before the record is made.
     */
    public Builder userId(String userId) {
      this.userId = userId;
      return this;
    }

    /** What usage monitoring adds ({@code geofence.usage}); null for nothing. */
    public Builder usage(Usage usage) {
      this.usage = usage;
      return this;
    }

    /** Sets whether the deciding rule is marked {@code monitor}. */
    public Builder monitor(boolean monitor) {
      this.monitor = monitor;
      return this;
    }

    /**
     * Returns the record.
     *
     * @throws IllegalStateException when no action was set
     */
    public AuditRecord build() {
      if (action == null) {
        throw new IllegalStateException(
            "an audit record needs an action; set one of allow, substitute, block, error, alert");
      }
      return new AuditRecord(
          timestamp,
          action,
          reason,
          ruleName,
          Optional.ofNullable(sourceIp),
          country,
          regionIsoCode,
          httpMethod,
          urlPath,
          statusCode,
          policyId,
          policyVersion,
          policySha256,
          basis,
          databaseType,
          Optional.ofNullable(databaseBuildTime),
          databaseSha256,
          requestedModel,
          requestedTier,
          effectiveModel,
          effectiveTier,
          registeredCountry,
          representedCountry,
          anonymizerFlags,
          addressSource,
          Optional.ofNullable(peerAddress),
          requestId,
          decisionMicros,
          monitor,
          addressUnresolvable,
          batchEntries,
          Optional.ofNullable(shadow),
          userId,
          Optional.ofNullable(usage));
    }
  }
}
