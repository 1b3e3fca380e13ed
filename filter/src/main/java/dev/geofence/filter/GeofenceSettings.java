package dev.geofence.filter;

import dev.geofence.filter.address.ClientAddressResolver;
import dev.geofence.filter.address.ProxyHeader;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditScope;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.filter.geo.DatabaseInfo.Schema;
import dev.geofence.filter.geo.GeoDatabase.MissingDatabase;
import dev.geofence.filter.geo.GeoLookup;
import dev.geofence.filter.internal.body.BodyCapture;
import dev.geofence.filter.internal.model.ModelRoutes;
import dev.geofence.filter.internal.usage.UsageStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of a {@link GeofenceFilter} and of the {@link Geofence} engine behind it.
 * Immutable; build with {@link #builder()}, which checks each option when it is set and throws
 * {@link IllegalArgumentException} with the bad value in the message. The init-param of each
 * setting is given in {@code docs/filter.md}; {@link GeofenceFilter#init} maps init-params to this
 * builder.
 *
 * <pre>{@code
 * GeofenceSettings settings = GeofenceSettings.builder()
 *     .policyFile(Path.of("/etc/geofence/policy.yaml"))
 *     .geoipDatabase(Path.of("/var/lib/GeoIP/GeoLite2-Country.mmdb"))
 *     .trustedProxies(TrustedProxies.parse("10.0.0.0/8"))
 *     .build();
 * }</pre>
 *
 * <p>Optional values are never null: an empty {@link Optional} means "not configured". The
 * programmatic-only settings ({@code geoLookup}, {@code auditLog}, {@code clock}) hold objects that
 * the caller owns: the filter does not close a given {@link GeoLookup} or {@link AuditLog}.
 */
public final class GeofenceSettings {

  /** The default {@link Builder#maxBatchEntries(int)}: the Message Batches API's own limit. */
  public static final int DEFAULT_MAX_BATCH_ENTRIES = 100_000;

  /**
   * The default model routes: Anthropic Messages and Message Batches; OpenAI Chat Completions,
   * Completions, Responses, Embeddings, Images, Audio, Moderations, Batches, Realtime and
   * Assistants; Gemini; Bedrock invoke and async-invoke. The model is read where it is a top-level
   * JSON field, a path segment or a query parameter, and entry by entry in a Message Batches body
   * ({@code batch}); where the filter cannot read or rewrite it (an OpenAI batch's uploaded file, a
   * multipart upload, an assistant's stored model) the request is decided as one for the policy's
   * highest tier ({@code highest}). Listing, retrieving and cancelling get the country decision
   * alone ({@code none}), and are listed so that those methods are not answered 405.
   */
  public static final String DEFAULT_ROUTES =
      String.join(
          "\n",
          // Anthropic. Exact patterns: /v1/messages does not cover /v1/messages/batches.
          "POST /v1/messages body",
          "POST /v1/messages/count_tokens body",
          "POST /v1/messages/batches batch", // each entry's requests[].params.model, decided alone
          "POST /v1/messages/batches/*/cancel none",
          "GET,DELETE /v1/messages/batches/* none", // list, retrieve, results of a decided batch,
          // delete
          // OpenAI
          "POST /v1/chat/completions body",
          "POST /v1/completions body",
          "POST /v1/responses body",
          "POST /v1/embeddings body",
          "POST /v1/images/generations body highest", // model optional: the provider picks a
          // default
          "POST /v1/images/edits highest", // multipart
          "POST /v1/images/variations highest", // multipart
          "POST /v1/audio/speech body",
          "POST /v1/audio/transcriptions highest", // multipart
          "POST /v1/audio/translations highest", // multipart
          "POST /v1/moderations body highest", // model optional
          "POST /v1/batches highest", // the models are in an uploaded file
          "POST /v1/batches/*/cancel none",
          "GET /v1/batches/* none",
          "GET,POST /v1/realtime query:model highest", // websocket upgrade (GET), WebRTC offer
          // (POST)
          "POST /v1/realtime/sessions body highest",
          "POST /v1/realtime/* highest", // client secrets, calls, transcription sessions: model
          // nested or absent
          "POST /v1/assistants body",
          "GET,POST,DELETE /v1/assistants/* none", // an assistant's model is judged where it runs
          "POST /v1/threads none", // creating a thread runs no model
          "POST /v1/threads/runs body highest", // the run's model, else the assistant's, unseen
          "POST /v1/threads/*/runs body highest",
          "POST /v1/threads/*/messages/* none",
          "POST /v1/threads/*/runs/*/cancel none",
          "POST /v1/threads/* highest", // tool outputs continue a run; anything else unknown
          "GET,DELETE /v1/threads/* none",
          // Gemini
          "POST /v1beta/models/{model}:* path",
          "POST /v1/models/{model}:* path",
          // Bedrock
          "POST /model/{model}/* path", // invoke, invoke-with-response-stream, converse,
          // converse-stream
          "POST /async-invoke body:modelId highest",
          "GET /async-invoke/* none",
          // Model listing: the country decision alone
          "GET /v1/models none",
          "GET /v1/models/* none");

  /** Default {@link Builder#requestedModelHeader}. */
  public static final String DEFAULT_REQUESTED_MODEL_HEADER = "Geofence-Requested-Model";

  /** Default {@link Builder#servedModelHeader}. */
  public static final String DEFAULT_SERVED_MODEL_HEADER = "Geofence-Served-Model";

  /**
   * The response header of a Message Batches request whose entries were rewritten: how many of its
   * entries went to a substitute ({@code Geofence-Batch-Substituted: 1}). The audit record lists
   * each entry's requested and effective model.
   */
  public static final String BATCH_SUBSTITUTED_HEADER = "Geofence-Batch-Substituted";

  /**
   * Prefix of the decision headers forwarded upstream; caller-sent headers with it are always
   * removed.
   */
  public static final String DECISION_HEADER_PREFIX = "X-Geofence-";

  /** What the filter does with a request whose path matches no model route. */
  public enum Unmatched {
    /**
     * Decide it with no model (the default): a caller whose country the policy blocks is blocked on
     * every path; anyone else passes. Nothing bypasses the country decision.
     */
    EVALUATE,
    /** Let it through undecided and unaudited: for filters mapped to more than the model API. */
    PASS,
    /**
     * Decide it as a request for the policy's highest tier, whose model cannot be read: a caller
     * capped below that tier is refused on every path no route covers, so a model endpoint missing
     * from the routes cannot serve it a model above its cap; everyone else is decided as by its
     * country.
     */
    HIGHEST;

    static Unmatched parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "evaluate" -> EVALUATE;
        case "pass" -> PASS;
        case "highest" -> HIGHEST;
        default ->
            throw new IllegalArgumentException(
                "Unmatched mode '" + text + "' is not known; expected evaluate, pass or highest.");
      };
    }
  }

  private final Path policyFile;
  private final Duration policyWatchInterval;
  private final Optional<Path> shadowPolicyFile;
  private final Optional<Path> geoipDatabase;
  private final Optional<Path> anonymousDatabase;
  private final Optional<GeoLookup> geoLookup;
  private final Schema geoSchema;
  private final String flatCountryField;
  private final long cacheSize;
  private final Optional<Duration> databaseMaxAge;
  private final boolean staleIsUnavailable;
  private final MissingDatabase missingDatabase;
  private final Duration databaseWatchInterval;
  private final TrustedProxies trustedProxies;
  private final ProxyHeader proxyHeader;
  private final int maxHeaderLength;
  private final int maxHops;
  private final String routes;
  private final Unmatched unmatched;
  private final long maxBodySize;
  private final long maxInflatedSize;
  private final int maxBatchEntries;
  private final boolean decompress;
  private final int blockStatus;
  private final RefusalFormat refusalFormat;
  private final Optional<URI> policyUrl;
  private final Optional<AuditLog> auditLog;
  private final Optional<Path> auditDirectory;
  private final Durability auditDurability;
  private final long auditMaxFileSize;
  private final Duration auditRotateEvery;
  private final Optional<Path> auditSigningKey;
  private final Optional<String> auditInstance;
  private final IpPrivacy auditIpPrivacy;
  private final AuditScope auditScope;
  private final boolean auditEnabled;
  private final Optional<String> requestIdHeader;
  private final PrincipalSource principalSource;
  private final Optional<PrincipalPrivacy> principalPrivacy;
  private final String usageStore;
  private final UsageStoreFailure usageStoreFailure;
  private final Duration usageStoreTimeout;
  private final int usageMaxKeys;
  private final boolean decisionHeaders;
  private final String requestedModelHeader;
  private final String servedModelHeader;
  private final Clock clock;

  private GeofenceSettings(Builder b) {
    this.policyFile = b.policyFile;
    this.policyWatchInterval = b.policyWatchInterval;
    this.shadowPolicyFile = Optional.ofNullable(b.shadowPolicyFile);
    this.geoipDatabase = Optional.ofNullable(b.geoipDatabase);
    this.anonymousDatabase = Optional.ofNullable(b.anonymousDatabase);
    this.geoLookup = Optional.ofNullable(b.geoLookup);
    this.geoSchema = b.geoSchema;
    this.flatCountryField = b.flatCountryField;
    this.cacheSize = b.cacheSize;
    this.databaseMaxAge = Optional.ofNullable(b.databaseMaxAge);
    this.staleIsUnavailable = b.staleIsUnavailable;
    this.missingDatabase = b.missingDatabase;
    this.databaseWatchInterval = b.databaseWatchInterval;
    this.trustedProxies = b.trustedProxies;
    this.proxyHeader = b.proxyHeader;
    this.maxHeaderLength = b.maxHeaderLength;
    this.maxHops = b.maxHops;
    this.routes = b.routes;
    this.unmatched = b.unmatched;
    this.maxBodySize = b.maxBodySize;
    this.maxInflatedSize = b.maxInflatedSize == 0 ? b.maxBodySize : b.maxInflatedSize;
    this.maxBatchEntries = b.maxBatchEntries;
    this.decompress = b.decompress;
    this.blockStatus = b.blockStatus;
    this.refusalFormat = b.refusalFormat;
    this.policyUrl = Optional.ofNullable(b.policyUrl);
    this.auditLog = Optional.ofNullable(b.auditLog);
    this.auditDirectory = Optional.ofNullable(b.auditDirectory);
    this.auditDurability = b.auditDurability;
    this.auditMaxFileSize = b.auditMaxFileSize;
    this.auditRotateEvery = b.auditRotateEvery;
    this.auditSigningKey = Optional.ofNullable(b.auditSigningKey);
    this.auditInstance = Optional.ofNullable(b.auditInstance);
    this.auditIpPrivacy = b.auditIpPrivacy;
    this.auditScope = b.auditScope;
    this.auditEnabled = b.auditEnabled;
    this.requestIdHeader = Optional.ofNullable(b.requestIdHeader);
    this.principalSource = b.principalSource;
    this.principalPrivacy =
        b.principalSource.isNone() ? Optional.empty() : Optional.of(b.principalPrivacy);
    this.usageStore = b.usageStore;
    this.usageStoreFailure = b.usageStoreFailure;
    this.usageStoreTimeout = b.usageStoreTimeout;
    this.usageMaxKeys = b.usageMaxKeys;
    this.decisionHeaders = b.decisionHeaders;
    this.requestedModelHeader = b.requestedModelHeader;
    this.servedModelHeader = b.servedModelHeader;
    this.clock = b.clock;
  }

  /** A builder with every default; {@link Builder#policyFile} and a GeoIP source are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The region policy file. */
  public Path policyFile() {
    return policyFile;
  }

  /** How often the policy file is checked for changes; zero when watching is off. */
  public Duration policyWatchInterval() {
    return policyWatchInterval;
  }

  /**
   * The shadow policy file: a candidate policy decided on every decided request beside the enforced
   * one, recorded where it differs, never enforced. Empty when none is set.
   */
  public Optional<Path> shadowPolicyFile() {
    return shadowPolicyFile;
  }

  /** The country database file, unless a {@link #geoLookup()} is given. */
  public Optional<Path> geoipDatabase() {
    return geoipDatabase;
  }

  /** The GeoIP2 Anonymous IP database file, if any. */
  public Optional<Path> anonymousDatabase() {
    return anonymousDatabase;
  }

  /** A look-up given instead of a database file, if any; the caller owns it. */
  public Optional<GeoLookup> geoLookup() {
    return geoLookup;
  }

  /** How country records are read. */
  public Schema geoSchema() {
    return geoSchema;
  }

  /** Where a flat database keeps the country code. */
  public String flatCountryField() {
    return flatCountryField;
  }

  /** Addresses kept in the look-up cache; 0: none. */
  public long cacheSize() {
    return cacheSize;
  }

  /** Age past its build time after which the database is stale; empty: never. */
  public Optional<Duration> databaseMaxAge() {
    return databaseMaxAge;
  }

  /** Whether a stale database answers "unavailable". */
  public boolean staleIsUnavailable() {
    return staleIsUnavailable;
  }

  /** What a missing database file at start does. */
  public MissingDatabase missingDatabase() {
    return missingDatabase;
  }

  /** How often the database files are checked; zero when off. */
  public Duration databaseWatchInterval() {
    return databaseWatchInterval;
  }

  /** The proxies whose forwarding header is believed. */
  public TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  /** The header trusted proxies set. */
  public ProxyHeader proxyHeader() {
    return proxyHeader;
  }

  /** The most characters of the forwarding header the walk reads. */
  public int maxHeaderLength() {
    return maxHeaderLength;
  }

  /** The most entries of the forwarding header the walk reads. */
  public int maxHops() {
    return maxHops;
  }

  /** The model routes, one per line, in the syntax of {@code docs/model-sources.md}. */
  public String routes() {
    return routes;
  }

  /** What happens to requests that match no route. */
  public Unmatched unmatched() {
    return unmatched;
  }

  /** The largest request body read, in bytes. */
  public long maxBodySize() {
    return maxBodySize;
  }

  /** The largest body once decoded, in bytes. */
  public long maxInflatedSize() {
    return maxInflatedSize;
  }

  /** The most entries a Message Batches request may have; each is decided. */
  public int maxBatchEntries() {
    return maxBatchEntries;
  }

  /** Whether gzip and deflate bodies are decoded for inspection. */
  public boolean decompress() {
    return decompress;
  }

  /** The status of a blocked request. */
  public int blockStatus() {
    return blockStatus;
  }

  /** The shape of refusal bodies. */
  public RefusalFormat refusalFormat() {
    return refusalFormat;
  }

  /** Where the policy is published, if set. */
  public Optional<URI> policyUrl() {
    return policyUrl;
  }

  /**
   * An audit log given instead of one built from the audit settings, if any; the caller owns it.
   */
  public Optional<AuditLog> auditLog() {
    return auditLog;
  }

  /** The directory of the chained audit files, if set; otherwise the SLF4J logger. */
  public Optional<Path> auditDirectory() {
    return auditDirectory;
  }

  /** Durability of the audit file sink. */
  public Durability auditDurability() {
    return auditDurability;
  }

  /** Size at which an audit file is rotated, in bytes. */
  public long auditMaxFileSize() {
    return auditMaxFileSize;
  }

  /** Period after which an audit file is rotated. */
  public Duration auditRotateEvery() {
    return auditRotateEvery;
  }

  /** The Ed25519 key that signs the file sink's checkpoints; empty for no checkpoints. */
  public Optional<Path> auditSigningKey() {
    return auditSigningKey;
  }

  /** The instance name written in every audit line; empty for the host name. */
  public Optional<String> auditInstance() {
    return auditInstance;
  }

  /** How addresses are written to the audit trail. */
  public IpPrivacy auditIpPrivacy() {
    return auditIpPrivacy;
  }

  /** Which decisions are audited. */
  public AuditScope auditScope() {
    return auditScope;
  }

  /** Whether there is an audit trail at all; false only when explicitly turned off. */
  public boolean auditEnabled() {
    return auditEnabled;
  }

  /** The trusted request-id header, if set. */
  public Optional<String> requestIdHeader() {
    return requestIdHeader;
  }

  /** Where the calling principal is read from; {@link PrincipalSource#none()} by default. */
  public PrincipalSource principalSource() {
    return principalSource;
  }

  /** How the principal is recorded; empty when {@link #principalSource()} is {@code none}. */
  public Optional<PrincipalPrivacy> principalPrivacy() {
    return principalPrivacy;
  }

  /**
   * Where usage limits and country sets are counted: {@code local} (this process) or {@code
   * redis://HOST:PORT[/DB]} (shared by every instance using that Redis).
   */
  public String usageStore() {
    return usageStore;
  }

  /** What limited requests get while the shared usage store is unreachable. */
  public UsageStoreFailure usageStoreFailure() {
    return usageStoreFailure;
  }

  /** How long a request waits for the shared usage store before the failure mode answers. */
  public Duration usageStoreTimeout() {
    return usageStoreTimeout;
  }

  /** The most usage keys (and, apart, principals with countries) kept in this process. */
  public int usageMaxKeys() {
    return usageMaxKeys;
  }

  /** Whether the decision is forwarded as {@code X-Geofence-*} request headers. */
  public boolean decisionHeaders() {
    return decisionHeaders;
  }

  /** The response header naming the requested model on a substitution. */
  public String requestedModelHeader() {
    return requestedModelHeader;
  }

  /** The response header naming the served model on a substitution. */
  public String servedModelHeader() {
    return servedModelHeader;
  }

  /** The clock for decisions and staleness. */
  public Clock clock() {
    return clock;
  }

  /**
   * Builds {@link GeofenceSettings}. Each option is checked when set: a bad value throws {@link
   * IllegalArgumentException} naming the value and what is accepted. Not thread-safe.
   */
  public static final class Builder {
    private Path policyFile;
    private Duration policyWatchInterval = Duration.ofSeconds(10);
    private Path shadowPolicyFile;
    private Path geoipDatabase;
    private Path anonymousDatabase;
    private GeoLookup geoLookup;
    private Schema geoSchema = Schema.AUTO;
    private String flatCountryField = "country_code";
    private long cacheSize = 100_000;
    private Duration databaseMaxAge = Duration.ofDays(30);
    private boolean staleIsUnavailable;
    private MissingDatabase missingDatabase = MissingDatabase.FAIL;
    private Duration databaseWatchInterval = Duration.ofSeconds(30);
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private ProxyHeader proxyHeader = ProxyHeader.X_FORWARDED_FOR;
    private int maxHeaderLength = ClientAddressResolver.DEFAULT_MAX_HEADER_LENGTH;
    private int maxHops = ClientAddressResolver.DEFAULT_MAX_HOPS;
    private String routes = DEFAULT_ROUTES;
    private Unmatched unmatched = Unmatched.EVALUATE;
    private long maxBodySize = BodyCapture.DEFAULT_MAX_BYTES;
    private long maxInflatedSize; // 0: the same as maxBodySize
    private int maxBatchEntries = DEFAULT_MAX_BATCH_ENTRIES;
    private boolean decompress = true;
    private int blockStatus = 451;
    private RefusalFormat refusalFormat = RefusalFormat.PROBLEM;
    private URI policyUrl;
    private AuditLog auditLog;
    private Path auditDirectory;
    private Durability auditDurability = Durability.every(Duration.ofSeconds(1));
    private long auditMaxFileSize = 100L * 1024 * 1024;
    private Duration auditRotateEvery = Duration.ofDays(1);
    private Path auditSigningKey;
    private String auditInstance;
    private IpPrivacy auditIpPrivacy = IpPrivacy.full();
    private AuditScope auditScope = AuditScope.ALL;
    private boolean auditEnabled = true;
    private String requestIdHeader;
    private PrincipalSource principalSource = PrincipalSource.none();
    private PrincipalPrivacy principalPrivacy;
    private String usageStore = "local";
    private UsageStoreFailure usageStoreFailure = UsageStoreFailure.LOCAL;
    private Duration usageStoreTimeout = UsageStore.DEFAULT_COMMAND_TIMEOUT;
    private int usageMaxKeys = UsageStore.DEFAULT_MAX_KEYS;
    private boolean decisionHeaders;
    private String requestedModelHeader = DEFAULT_REQUESTED_MODEL_HEADER;
    private String servedModelHeader = DEFAULT_SERVED_MODEL_HEADER;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The region policy file (YAML). Required. A file that does not load makes start fail. */
    public Builder policyFile(Path policyFile) {
      this.policyFile = Objects.requireNonNull(policyFile, "policyFile");
      return this;
    }

    /**
     * How often the policy file is checked for changes; {@link Duration#ZERO} turns watching off.
     * Default 10 s.
     */
    public Builder policyWatchInterval(Duration interval) {
      this.policyWatchInterval = watchInterval(interval, "Policy watch interval");
      return this;
    }

    /**
     * A shadow policy (YAML): decided on every decided request after the enforced policy, for the
     * same caller and model, and never enforced. Where its outcome differs, the audit record
     * carries {@code geofence.shadow} (and is kept under {@code audit-scope=notable}), and the
     * status and metrics count it. Watched and reloaded as the policy is. A shadow file that is
     * missing, unreadable or invalid changes no answer: its error is logged and shown in the
     * status, as a refused policy reload is. The filter decides it; {@code Geofence#screen}, which
     * only decides, does not. Default: none.
     */
    public Builder shadowPolicyFile(Path shadowPolicyFile) {
      this.shadowPolicyFile = Objects.requireNonNull(shadowPolicyFile, "shadowPolicyFile");
      return this;
    }

    /**
     * The country database (.mmdb): GeoIP2/GeoLite2 Country, City, Enterprise, DB-IP or a flat one.
     */
    public Builder geoipDatabase(Path database) {
      this.geoipDatabase = Objects.requireNonNull(database, "database");
      return this;
    }

    /** An optional GeoIP2 Anonymous IP database, for the policy's {@code anonymous} section. */
    public Builder anonymousDatabase(Path database) {
      this.anonymousDatabase = Objects.requireNonNull(database, "database");
      return this;
    }

    /**
     * A look-up to use instead of opening {@link #geoipDatabase}: programmatic use and tests. The
     * caller keeps ownership; the database settings are then ignored.
     */
    public Builder geoLookup(GeoLookup lookup) {
      this.geoLookup = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /** How country records are read: AUTO (default) detects, GEOIP2 or FLAT. */
    public Builder geoSchema(Schema schema) {
      this.geoSchema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * Where a flat database keeps the country code, e.g. {@code country_code} (default) or {@code
     * country.iso_code}.
     */
    public Builder flatCountryField(String field) {
      Objects.requireNonNull(field, "field");
      if (field.isBlank() || field.startsWith(".") || field.endsWith(".") || field.contains("..")) {
        throw new IllegalArgumentException(
            "Flat country field '"
                + field
                + "' is not a field path; expected a key such as country_code or a dotted path such as country.iso_code.");
      }
      this.flatCountryField = field;
      return this;
    }

    /** Addresses kept in the look-up cache; 0 turns it off. Default 100,000. */
    public Builder cacheSize(long size) {
      if (size < 0) {
        throw new IllegalArgumentException(
            "Cache size " + size + " is negative; expected 0 (no cache) or more.");
      }
      this.cacheSize = size;
      return this;
    }

    /** Age past its build time after which the database is stale. Default 30 days. */
    public Builder databaseMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException(
            "Database maximum age " + maxAge + " is not positive; expected e.g. 14d.");
      }
      this.databaseMaxAge = maxAge;
      return this;
    }

    /** Never consider the database stale. */
    public Builder noDatabaseMaxAge() {
      this.databaseMaxAge = null;
      return this;
    }

    /**
     * If true, a stale database answers "unknown" so the policy's {@code unknown} section decides.
     * Default false.
     */
    public Builder staleIsUnavailable(boolean staleIsUnavailable) {
      this.staleIsUnavailable = staleIsUnavailable;
      return this;
    }

    /**
     * What a missing database file at start does: FAIL (default) or UNKNOWN (every caller unknown
     * until it appears).
     */
    public Builder missingDatabase(MissingDatabase mode) {
      this.missingDatabase = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * How often the database files are checked for changes; {@link Duration#ZERO} turns it off.
     * Default 30 s.
     */
    public Builder databaseWatchInterval(Duration interval) {
      this.databaseWatchInterval = watchInterval(interval, "Database watch interval");
      return this;
    }

    /**
     * The proxies whose forwarding header is believed. Default none: the caller is the TCP peer.
     */
    public Builder trustedProxies(TrustedProxies proxies) {
      this.trustedProxies = Objects.requireNonNull(proxies, "proxies");
      return this;
    }

    /** The header trusted proxies set. Default {@code X-Forwarded-For}. */
    public Builder proxyHeader(ProxyHeader header) {
      this.proxyHeader = Objects.requireNonNull(header, "header");
      return this;
    }

    /**
     * The most characters of the forwarding header the walk from the right reads (the trusted hops
     * and the caller's entry); needing more makes the caller unresolvable. Default 4096.
     */
    public Builder maxHeaderLength(int length) {
      this.maxHeaderLength = atLeastOne(length, "Maximum header length", "characters");
      return this;
    }

    /**
     * The most entries the walk from the right reads (the trusted hops and the caller's); needing
     * more makes the caller unresolvable. Entries left of the caller's are never counted. Default
     * 20.
     */
    public Builder maxHops(int hops) {
      this.maxHops = atLeastOne(hops, "Maximum hops", "entries");
      return this;
    }

    /**
     * Where the model is read from, per URL pattern, one route per line: {@code METHODS PATTERN
     * SOURCE...}, such as {@code POST /v1/messages body} (see {@code docs/model-sources.md}).
     * Default {@link #DEFAULT_ROUTES}.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public Builder routes(String spec) {
      ModelRoutes.parse(Objects.requireNonNull(spec, "spec")); // checked now, used at start
      this.routes = spec;
      return this;
    }

    /** What happens to requests that match no route. Default {@link Unmatched#EVALUATE}. */
    public Builder unmatched(Unmatched mode) {
      this.unmatched = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The largest request body read on a body route, in bytes; larger is 413. Default 4 MiB. */
    public Builder maxBodySize(long bytes) {
      this.maxBodySize = bodyLimit(bytes, "Maximum body size");
      return this;
    }

    /**
     * The largest body once gzip/deflate is decoded, in bytes; larger is 413 (a zip bomb stops
     * here). Default: the same as {@link #maxBodySize}; must not be smaller.
     */
    public Builder maxInflatedSize(long bytes) {
      this.maxInflatedSize = bodyLimit(bytes, "Maximum inflated size");
      return this;
    }

    /**
     * The most entries ({@code requests[]}) a Message Batches request may have; more is 413 {@code
     * batch_too_large}. Every entry is read and decided, so this bounds the work one request can
     * ask for. Default {@value GeofenceSettings#DEFAULT_MAX_BATCH_ENTRIES}, the Message Batches
     * API's own limit.
     *
     * @throws IllegalArgumentException if not between 1 and 1,000,000
     */
    public Builder maxBatchEntries(int entries) {
      if (entries < 1 || entries > 1_000_000) {
        throw new IllegalArgumentException(
            "Maximum batch entries "
                + entries
                + " is out of range; expected 1 to 1000000 (default "
                + DEFAULT_MAX_BATCH_ENTRIES
                + ").");
      }
      this.maxBatchEntries = entries;
      return this;
    }

    /** Whether gzip and deflate bodies are decoded for inspection (otherwise 415). Default true. */
    public Builder decompress(boolean decompress) {
      this.decompress = decompress;
      return this;
    }

    /** The status of a blocked request: 451 (default, RFC 7725), 403, or another 4xx. */
    public Builder blockStatus(int status) {
      if (status < 400 || status > 499) {
        throw new IllegalArgumentException(
            "Block status "
                + status
                + " is not a client error; expected 451 (default), 403 or another 4xx.");
      }
      this.blockStatus = status;
      return this;
    }

    /** The shape of refusal bodies: PROBLEM (RFC 9457, default), ANTHROPIC or OPENAI. */
    public Builder refusalFormat(RefusalFormat format) {
      this.refusalFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Where the policy is published; sent as {@code Link: <url>; rel="blocked-by"} on 451 answers.
     */
    public Builder policyUrl(URI url) {
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme();
      if (!url.isAbsolute()
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        throw new IllegalArgumentException(
            "Policy URL '"
                + url
                + "' is not an absolute http or https URL; expected e.g. https://example.com/policy.");
      }
      this.policyUrl = url;
      return this;
    }

    /**
     * An audit log to write to instead of building one from the audit settings; the caller closes
     * it.
     */
    public Builder auditLog(AuditLog log) {
      this.auditLog = Objects.requireNonNull(log, "log");
      return this;
    }

    /**
     * Write the audit trail as chained JSON Lines files in this directory (instead of the SLF4J
     * logger {@code geofence.audit}).
     */
    public Builder auditDirectory(Path directory) {
      this.auditDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Durability of the audit file sink. Default {@code Durability.every(1 s)}. */
    public Builder auditDurability(Durability durability) {
      this.auditDurability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /** Size at which an audit file is rotated, at least 4096 bytes. Default 100 MiB. */
    public Builder auditMaxFileSize(long bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException(
            "Audit maximum file size " + bytes + " bytes is too small; expected at least 4096.");
      }
      this.auditMaxFileSize = bytes;
      return this;
    }

    /** Period after which an audit file is rotated, at least 1 s. Default 1 day. */
    public Builder auditRotateEvery(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "Audit rotation period " + period + " is too short; expected at least 1s.");
      }
      this.auditRotateEvery = period;
      return this;
    }

    /**
     * Signs checkpoints of the file sink with this Ed25519 private key (PKCS#8 PEM, as {@code
     * geofence audit keygen} writes it). The file is read when the filter starts; default no
     * checkpoints.
     */
    public Builder auditSigningKey(Path privateKeyFile) {
      this.auditSigningKey = Objects.requireNonNull(privateKeyFile, "privateKeyFile");
      return this;
    }

    /**
     * The instance name written in every audit line (ECS {@code service.node.name}); 1 to 255
     * printable characters. Default the host name.
     */
    public Builder auditInstance(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()
          || name.length() > 255
          || name.chars().anyMatch(c -> Character.isISOControl(c))) {
        throw new IllegalArgumentException(
            "Audit instance name '"
                + name.replaceAll("\\p{Cntrl}", "?")
                + "' is not accepted; expected 1 to 255 printable characters.");
      }
      this.auditInstance = name;
      return this;
    }

    /** How addresses are written to the audit trail. Default {@link IpPrivacy#full()}. */
    public Builder auditIpPrivacy(IpPrivacy privacy) {
      this.auditIpPrivacy = Objects.requireNonNull(privacy, "privacy");
      return this;
    }

    /** Which decisions are audited: ALL (default) or NOTABLE. */
    public Builder auditScope(AuditScope scope) {
      this.auditScope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Whether the filter keeps an audit trail. Default true. {@code false} means no record of any
     * decision is written anywhere: only for development and tests, never where the trail is a
     * compliance record. Without it, a filter whose audit records would be discarded (the SLF4J
     * logger {@code geofence.audit} with no SLF4J provider, or not enabled at INFO) refuses to
     * start.
     */
    public Builder auditEnabled(boolean enabled) {
      this.auditEnabled = enabled;
      return this;
    }

    /**
     * A request-id header (such as {@code X-Request-Id}) whose value is used as the request id when
     * the TCP peer is a trusted proxy and the value is 1 to 128 visible ASCII characters.
     * Otherwise, and by default, an id is generated.
     */
    public Builder requestIdHeader(String header) {
      this.requestIdHeader = headerName(header, "Request id header");
      return this;
    }

    /**
     * Where the calling principal is read from, to be recorded as ECS {@code user.id} on every
     * audit record: see {@link PrincipalSource}. A principal longer than 256 characters or holding
     * a control character is refused with 400 {@code principal_invalid}. Default none. Any other
     * source needs {@link #principalPrivacy}.
     */
    public Builder principalSource(PrincipalSource source) {
      this.principalSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * How the principal is recorded: {@link PrincipalPrivacy#hmac} (what the init-param and the
     * starter property default to when they have the key) or {@link PrincipalPrivacy#full()}.
     * Required when {@link #principalSource} is not none: a principal may be an API key, and a
     * trail that held it in full would hold working credentials, so writing it in full is a choice
     * made on purpose.
     */
    public Builder principalPrivacy(PrincipalPrivacy privacy) {
      this.principalPrivacy = Objects.requireNonNull(privacy, "privacy");
      return this;
    }

    /**
     * Where the requests of rules with a {@code usage-limit}, and the countries of rules with
     * {@code alert-countries}, are counted: {@code local} (the default: in this process, bounded by
     * {@link #usageMaxKeys}) or {@code redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]} ({@code
     * rediss://} for TLS), shared by every instance that names the same Redis, so a fleet enforces
     * one limit.
     *
     * @throws IllegalArgumentException naming {@code usage-store} when the value is neither
     */
    public Builder usageStore(String store) {
      Objects.requireNonNull(store, "store");
      UsageStore.builder().store(store); // validates now, naming the setting
      this.usageStore = store.trim();
      return this;
    }

    /**
     * What limited requests get while the Redis usage store is unreachable: {@link
     * UsageStoreFailure#LOCAL} (the default) counts them in this process; {@link
     * UsageStoreFailure#ALLOW} serves them uncounted; {@link UsageStoreFailure#BLOCK} refuses them
     * with 429 {@code usage_unverifiable}. Never a 5xx.
     */
    public Builder usageStoreFailure(UsageStoreFailure failure) {
      this.usageStoreFailure = Objects.requireNonNull(failure, "failure");
      return this;
    }

    /**
     * How long a request waits for the Redis usage store before {@link #usageStoreFailure} answers.
     * Default 100 ms.
     *
     * @throws IllegalArgumentException unless between 1 ms and 10 s
     */
    public Builder usageStoreTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException(
            "Usage store timeout " + timeout + " is out of range; expected 1ms to 10s.");
      }
      this.usageStoreTimeout = timeout;
      return this;
    }

    /**
     * The most usage keys kept in this process (by a local store, or by a Redis store's local
     * fallback), and apart the most principals whose countries are tracked; the least recently used
     * go first. Default {@value UsageStore#DEFAULT_MAX_KEYS}.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder usageMaxKeys(int maxKeys) {
      this.usageMaxKeys = atLeastOne(maxKeys, "Usage max keys", "key");
      return this;
    }

    /**
     * Whether the decision is forwarded to the application as {@code X-Geofence-*} request headers
     * (for a proxied upstream). Default false. Caller-sent {@code X-Geofence-*} headers are removed
     * either way.
     */
    public Builder decisionHeaders(boolean decisionHeaders) {
      this.decisionHeaders = decisionHeaders;
      return this;
    }

    /**
     * The response header naming the requested model on a substitution. Default {@code
     * Geofence-Requested-Model}.
     */
    public Builder requestedModelHeader(String header) {
      this.requestedModelHeader = headerName(header, "Requested model header");
      return this;
    }

    /**
     * The response header naming the model served on a substitution. Default {@code
     * Geofence-Served-Model}.
     */
    public Builder servedModelHeader(String header) {
      this.servedModelHeader = headerName(header, "Served model header");
      return this;
    }

    /** The clock for decisions and staleness. Default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if the policy file or a GeoIP source is missing, or the
     *     inflated limit is below the body limit
     */
    public GeofenceSettings build() {
      if (policyFile == null) {
        throw new IllegalStateException("No policy file set; set policy-file (policyFile(path)).");
      }
      if (geoipDatabase == null && geoLookup == null) {
        throw new IllegalStateException(
            "No GeoIP database set; set geoip-database (geoipDatabase(path)).");
      }
      if (!principalSource.isNone() && principalPrivacy == null) {
        throw new IllegalStateException(
            "principal-source is "
                + principalSource
                + " but principal-privacy is not set; set principal-privacy to hmac"
                + " (the default, with audit-hmac-key-file) or full.");
      }
      long inflated = maxInflatedSize == 0 ? maxBodySize : maxInflatedSize;
      if (inflated < maxBodySize) {
        throw new IllegalStateException(
            "Maximum inflated size "
                + inflated
                + " is below the maximum body size "
                + maxBodySize
                + "; expected at least as much.");
      }
      return new GeofenceSettings(this);
    }

    private static Duration watchInterval(Duration interval, String what) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
        throw new IllegalArgumentException(
            what + " " + interval + " is not valid; expected 0 (off) or at least 10ms.");
      }
      return interval;
    }

    private static int atLeastOne(int value, String what, String unit) {
      if (value < 1) {
        throw new IllegalArgumentException(
            what + " " + value + " is too small; expected at least 1 " + unit + ".");
      }
      return value;
    }

    private static long bodyLimit(long bytes, String what) {
      if (bytes < 1 || bytes > BodyCapture.MAX_LIMIT) {
        throw new IllegalArgumentException(
            what
                + " "
                + bytes
                + " bytes is out of range; expected 1 to "
                + BodyCapture.MAX_LIMIT
                + " (1 GiB).");
      }
      return bytes;
    }
  }

  /** Checks that {@code name} is an HTTP header name (an RFC 9110 token). */
  static String headerName(String name, String what) {
    Objects.requireNonNull(name, "name");
    boolean token =
        !name.isEmpty()
            && name.chars()
                .allMatch(c -> c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0);
    if (!token) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "' is not a header name; expected letters, digits and !#$%&'*+-.^_`|~, such as X-Request-Id.");
    }
    return name;
  }
}
