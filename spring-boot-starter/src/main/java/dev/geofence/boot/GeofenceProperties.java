package dev.geofence.boot;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.RefusalFormat;
import dev.geofence.filter.UsageStoreFailure;
import dev.geofence.filter.audit.AuditScope;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoDatabase;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code geofence.*} properties: one for each setting of the filter, in Boot's naming and
 * types. A property left unset keeps the filter's default (docs/spring-boot.md lists them all).
 * Bound by Boot and read once at startup into {@link GeofenceSettings}; changing this object later
 * changes nothing. Files are {@link File}s because Boot binds those as plain paths, relative ones
 * against the working directory ({@code Path} would go through Spring's resource loading).
 */
@ConfigurationProperties(prefix = "geofence")
public class GeofenceProperties {

  /**
   * Ten ahead of Spring Security's filter chain ({@code spring.security.filter.order}, -100): a
   * refused caller costs no authentication, and the application's own filters (at 0 and after) see
   * the substituted model. Boot's request-wrapping filters stay at or below 0.
   */
  static final int DEFAULT_ORDER = -110;

  /** Whether to register the geo-fence filter at all. */
  private boolean enabled = true;

  /** The region policy (YAML); required. Reloaded when it changes. */
  private File policyFile;

  /** How often the policy file is checked for changes; 0 turns reloading off. Default 10s. */
  private Duration policyWatchInterval;

  /** Public URL of the policy, sent as Link rel="blocked-by" on 451 and as the problem type. */
  private URI policyUrl;

  /**
   * CIDRs of your own load balancers and proxies, whose forwarding header is believed; empty: the
   * caller is the TCP peer and forwarding headers are ignored.
   */
  private List<String> trustedProxies = new ArrayList<>();

  /**
   * The header trusted proxies name the caller in: X-Forwarded-For, Forwarded, or a single-address
   * header such as X-Real-IP. Default X-Forwarded-For.
   */
  private String proxyHeader;

  /** The most characters of the forwarding header read from the right. Default 4096. */
  private Integer maxHeaderLength;

  /** The most entries of the forwarding header read from the right. Default 20. */
  private Integer maxHops;

  /** Where each model API names its model, one route per line (docs/model-sources.md). */
  private String routes;

  /** Requests that match no route: evaluate (default), highest or pass. */
  private GeofenceSettings.Unmatched unmatched;

  /** Largest request body read on a body route, as sent; larger is answered 413. Default 4MB. */
  private DataSize maxBodySize;

  /** Largest body once gzip or deflate is decoded; at least max-body-size (its default). */
  private DataSize maxInflatedSize;

  /** Whether gzip and deflate bodies are decoded; false answers 415 to any Content-Encoding. */
  private Boolean decompress;

  /** Status of a refusal by policy: 451 (default), 403 or another 4xx. */
  private Integer blockStatus;

  /** Body of a refusal: problem (RFC 9457 problem+json, default), anthropic or openai. */
  private RefusalFormat refusalFormat;

  /** Header carrying the request id when a trusted proxy sets it, such as X-Request-Id. */
  private String requestIdHeader;

  /**
   * Where the calling principal is read from, recorded as user.id on every audit record: none
   * (default), user-principal, attribute:NAME or header:NAME (believed from trusted proxies only).
   */
  private String principalSource;

  /** How the principal is recorded: hmac (default; needs geofence.audit.hmac-key-file) or full. */
  private PrincipalPrivacyMode principalPrivacy;

  /**
   * Where rules' usage limits and alert countries are counted: local (default, in this process) or
   * redis://HOST:PORT[/DB] (shared by every instance using that Redis).
   */
  private String usageStore;

  /**
   * What limited requests get while the Redis usage store is unreachable: local (default: counted
   * in this process), allow (served uncounted) or block (429 usage_unverifiable).
   */
  private UsageStoreFailure usageStoreFailure;

  /** How long a request waits for the Redis usage store before the failure mode answers. */
  private Duration usageStoreTimeout;

  /** The most usage keys (and, apart, principals with countries) kept in this process. */
  private Integer usageMaxKeys;

  /** Whether the decision is forwarded to the application as X-Geofence-* request headers. */
  private Boolean decisionHeaders;

  /** Response header naming the requested model on a substitution. */
  private String requestedModelHeader;

  /** Response header naming the model served on a substitution. */
  private String servedModelHeader;

  /** URL patterns the filter is mapped to; keep /* and let the routes decide. */
  private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

  /**
   * Order of the filter registration: by default just ahead of Spring Security's filter chain
   * (-100), so a refused caller never reaches authentication.
   */
  private int order = DEFAULT_ORDER;

  private final Geoip geoip = new Geoip();

  private final Audit audit = new Audit();

  /** The GeoIP databases. */
  public static class Geoip {

    /** The country database (GeoIP2 or GeoLite2 Country or City, DB-IP, or flat); required. */
    private File database;

    /** A GeoIP2 Anonymous IP database; any flag makes the caller anonymous for the policy. */
    private File anonymousDatabase;

    /** How records are read: auto (default), geoip2 or flat. */
    private DatabaseInfo.Schema schema;

    /** Field (or dotted path) holding the country code in a flat database. */
    private String flatCountryField;

    /** Addresses held in the look-up cache; 0 turns the cache off. Default 100000. */
    private Long cacheSize;

    /** Age past its build time after which the database is stale; 0 means never. Default 30d. */
    private Duration maxAge;

    /** Whether a stale database answers "unknown", so the policy's unknown section decides. */
    private Boolean staleIsUnavailable;

    /** A missing database at startup: fail (default) or unknown (every caller unknown). */
    private GeoDatabase.MissingDatabase missing;

    /** How often the database files are checked for changes; 0 turns reloading off. */
    private Duration watchInterval;

    public File getDatabase() {
      return database;
    }

    public void setDatabase(File database) {
      this.database = database;
    }

    public File getAnonymousDatabase() {
      return anonymousDatabase;
    }

    public void setAnonymousDatabase(File anonymousDatabase) {
      this.anonymousDatabase = anonymousDatabase;
    }

    public DatabaseInfo.Schema getSchema() {
      return schema;
    }

    public void setSchema(DatabaseInfo.Schema schema) {
      this.schema = schema;
    }

    public String getFlatCountryField() {
      return flatCountryField;
    }

    public void setFlatCountryField(String flatCountryField) {
      this.flatCountryField = flatCountryField;
    }

    public Long getCacheSize() {
      return cacheSize;
    }

    public void setCacheSize(Long cacheSize) {
      this.cacheSize = cacheSize;
    }

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = maxAge;
    }

    public Boolean getStaleIsUnavailable() {
      return staleIsUnavailable;
    }

    public void setStaleIsUnavailable(Boolean staleIsUnavailable) {
      this.staleIsUnavailable = staleIsUnavailable;
    }

    public GeoDatabase.MissingDatabase getMissing() {
      return missing;
    }

    public void setMissing(GeoDatabase.MissingDatabase missing) {
      this.missing = missing;
    }

    public Duration getWatchInterval() {
      return watchInterval;
    }

    public void setWatchInterval(Duration watchInterval) {
      this.watchInterval = watchInterval;
    }
  }

  /** The audit trail. */
  public static class Audit {

    /** Whether to keep an audit trail; false keeps none at all (development and tests only). */
    private boolean enabled = true;

    /** Directory of the chained JSON Lines audit files; absent: the SLF4J logger geofence.audit. */
    private File directory;

    /** When records reach the disk: each-record (fsync each) or an interval such as 1s. */
    private String durability;

    /** Size at which the audit file is rotated. Default 100MB. */
    private DataSize maxFileSize;

    /** Interval at which the audit file is rotated. Default 1d. */
    private Duration rotateEvery;

    /** Which records are written: all (default) or notable (blocks, substitutions, errors). */
    private AuditScope scope;

    /** How caller addresses are recorded: full (default), truncated or hmac. */
    private IpPrivacyMode ipPrivacy;

    /** File holding the HMAC key in hex, for ip-privacy=hmac; never logged. */
    private File hmacKeyFile;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public File getDirectory() {
      return directory;
    }

    public void setDirectory(File directory) {
      this.directory = directory;
    }

    public String getDurability() {
      return durability;
    }

    public void setDurability(String durability) {
      this.durability = durability;
    }

    public DataSize getMaxFileSize() {
      return maxFileSize;
    }

    public void setMaxFileSize(DataSize maxFileSize) {
      this.maxFileSize = maxFileSize;
    }

    public Duration getRotateEvery() {
      return rotateEvery;
    }

    public void setRotateEvery(Duration rotateEvery) {
      this.rotateEvery = rotateEvery;
    }

    public AuditScope getScope() {
      return scope;
    }

    public void setScope(AuditScope scope) {
      this.scope = scope;
    }

    public IpPrivacyMode getIpPrivacy() {
      return ipPrivacy;
    }

    public void setIpPrivacy(IpPrivacyMode ipPrivacy) {
      this.ipPrivacy = ipPrivacy;
    }

    public File getHmacKeyFile() {
      return hmacKeyFile;
    }

    public void setHmacKeyFile(File hmacKeyFile) {
      this.hmacKeyFile = hmacKeyFile;
    }
  }

  /** How the audit trail records caller addresses. */
  public enum IpPrivacyMode {
    /** The address as seen. */
    FULL,
    /** IPv4 to /24, IPv6 to /48. */
    TRUNCATED,
    /** A keyed hash of the address (needs hmac-key-file). */
    HMAC
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public File getPolicyFile() {
    return policyFile;
  }

  public void setPolicyFile(File policyFile) {
    this.policyFile = policyFile;
  }

  public Duration getPolicyWatchInterval() {
    return policyWatchInterval;
  }

  public void setPolicyWatchInterval(Duration policyWatchInterval) {
    this.policyWatchInterval = policyWatchInterval;
  }

  public URI getPolicyUrl() {
    return policyUrl;
  }

  public void setPolicyUrl(URI policyUrl) {
    this.policyUrl = policyUrl;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public String getProxyHeader() {
    return proxyHeader;
  }

  public void setProxyHeader(String proxyHeader) {
    this.proxyHeader = proxyHeader;
  }

  public Integer getMaxHeaderLength() {
    return maxHeaderLength;
  }

  public void setMaxHeaderLength(Integer maxHeaderLength) {
    this.maxHeaderLength = maxHeaderLength;
  }

  public Integer getMaxHops() {
    return maxHops;
  }

  public void setMaxHops(Integer maxHops) {
    this.maxHops = maxHops;
  }

  public String getRoutes() {
    return routes;
  }

  public void setRoutes(String routes) {
    this.routes = routes;
  }

  public GeofenceSettings.Unmatched getUnmatched() {
    return unmatched;
  }

  public void setUnmatched(GeofenceSettings.Unmatched unmatched) {
    this.unmatched = unmatched;
  }

  public DataSize getMaxBodySize() {
    return maxBodySize;
  }

  public void setMaxBodySize(DataSize maxBodySize) {
    this.maxBodySize = maxBodySize;
  }

  public DataSize getMaxInflatedSize() {
    return maxInflatedSize;
  }

  public void setMaxInflatedSize(DataSize maxInflatedSize) {
    this.maxInflatedSize = maxInflatedSize;
  }

  public Boolean getDecompress() {
    return decompress;
  }

  public void setDecompress(Boolean decompress) {
    this.decompress = decompress;
  }

  public Integer getBlockStatus() {
    return blockStatus;
  }

  public void setBlockStatus(Integer blockStatus) {
    this.blockStatus = blockStatus;
  }

  public RefusalFormat getRefusalFormat() {
    return refusalFormat;
  }

  public void setRefusalFormat(RefusalFormat refusalFormat) {
    this.refusalFormat = refusalFormat;
  }

  public String getRequestIdHeader() {
    return requestIdHeader;
  }

  public void setRequestIdHeader(String requestIdHeader) {
    this.requestIdHeader = requestIdHeader;
  }

  public String getPrincipalSource() {
    return principalSource;
  }

  public void setPrincipalSource(String principalSource) {
    this.principalSource = principalSource;
  }

  public PrincipalPrivacyMode getPrincipalPrivacy() {
    return principalPrivacy;
  }

  public void setPrincipalPrivacy(PrincipalPrivacyMode principalPrivacy) {
    this.principalPrivacy = principalPrivacy;
  }

  public String getUsageStore() {
    return usageStore;
  }

  public void setUsageStore(String usageStore) {
    this.usageStore = usageStore;
  }

  public UsageStoreFailure getUsageStoreFailure() {
    return usageStoreFailure;
  }

  public void setUsageStoreFailure(UsageStoreFailure usageStoreFailure) {
    this.usageStoreFailure = usageStoreFailure;
  }

  public Duration getUsageStoreTimeout() {
    return usageStoreTimeout;
  }

  public void setUsageStoreTimeout(Duration usageStoreTimeout) {
    this.usageStoreTimeout = usageStoreTimeout;
  }

  public Integer getUsageMaxKeys() {
    return usageMaxKeys;
  }

  public void setUsageMaxKeys(Integer usageMaxKeys) {
    this.usageMaxKeys = usageMaxKeys;
  }

  /** How the audit trail records the calling principal. */
  public enum PrincipalPrivacyMode {
    /** A keyed hash of the principal, with geofence.audit.hmac-key-file (the default). */
    HMAC,
    /** The principal as its source gave it. */
    FULL
  }

  public Boolean getDecisionHeaders() {
    return decisionHeaders;
  }

  public void setDecisionHeaders(Boolean decisionHeaders) {
    this.decisionHeaders = decisionHeaders;
  }

  public String getRequestedModelHeader() {
    return requestedModelHeader;
  }

  public void setRequestedModelHeader(String requestedModelHeader) {
    this.requestedModelHeader = requestedModelHeader;
  }

  public String getServedModelHeader() {
    return servedModelHeader;
  }

  public void setServedModelHeader(String servedModelHeader) {
    this.servedModelHeader = servedModelHeader;
  }

  public List<String> getUrlPatterns() {
    return urlPatterns;
  }

  public void setUrlPatterns(List<String> urlPatterns) {
    this.urlPatterns = urlPatterns;
  }

  public int getOrder() {
    return order;
  }

  public void setOrder(int order) {
    this.order = order;
  }

  public Geoip getGeoip() {
    return geoip;
  }

  public Audit getAudit() {
    return audit;
  }
}
