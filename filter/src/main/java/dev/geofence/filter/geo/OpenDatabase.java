package dev.geofence.filter.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Network;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.filter.geo.DatabaseInfo.Schema;
import dev.geofence.filter.geo.GeoDatabaseException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One database file, read fully into memory, checked, and ready for lookups. Reading into memory
 * (rather than mapping the file) means a file rewritten in place can never change the bytes under a
 * running lookup, and the SHA-256 is of exactly the bytes served. Thread-safe.
 */
final class OpenDatabase implements Closeable {

  /** What a database is opened for. */
  enum Role {
    COUNTRY,
    ANONYMOUS
  }

  private static final int PROBE_RECORDS = 64;
  // MaxMind and DB-IP products that carry no country at all.
  private static final Pattern NO_COUNTRY_TYPE =
      Pattern.compile(
          "(?i)^(GeoLite2|GeoIP2|GeoIP|DBIP)-.*(ASN|ISP|Domain|Connection-Type|IP-Risk|Anonymous).*");

  private final Reader reader;
  private final DatabaseInfo info;
  private final int ipVersion;
  private final String[] flatPath;

  private OpenDatabase(Reader reader, DatabaseInfo info, String[] flatPath) {
    this.reader = reader;
    this.info = info;
    this.ipVersion = reader.getMetadata().ipVersion();
    this.flatPath = flatPath;
  }

  DatabaseInfo info() {
    return info;
  }

  /**
   * Opens and checks a database.
   *
   * @throws GeoDatabaseException if the file is missing, unreadable, corrupt, of the wrong type, or
   *     its records do not match the schema
   */
  static OpenDatabase open(Path path, Role role, Schema schema, String flatField) {
    MessageDigest sha256 = sha256();
    Reader reader;
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha256)) {
      reader = new Reader(in, new CHMCache());
    } catch (NoSuchFileException e) {
      throw new GeoDatabaseException(
          path, Reason.MISSING, "GeoIP database " + path + " does not exist.", e);
    } catch (AccessDeniedException e) {
      throw new GeoDatabaseException(
          path,
          Reason.UNREADABLE,
          "GeoIP database " + path + " is not readable (permission denied).",
          e);
    } catch (InvalidDatabaseException | RuntimeException e) {
      throw corrupt(path, e);
    } catch (StackOverflowError e) {
      throw corrupt(path, pointerCycle(e));
    } catch (IOException e) {
      throw new GeoDatabaseException(
          path,
          Reason.UNREADABLE,
          "GeoIP database " + path + " could not be read: " + e.getMessage(),
          e);
    }
    try {
      String[] flatPath = flatField.split("\\.");
      Schema detected =
          role == Role.COUNTRY
              ? checkCountryDatabase(path, reader, schema, flatField, flatPath)
              : checkAnonymousDatabase(path, reader);
      Metadata metadata = reader.getMetadata();
      DatabaseInfo info =
          new DatabaseInfo(
              path,
              metadata.databaseType(),
              metadata.buildTime(),
              HexFormat.of().formatHex(sha256.digest()),
              detected,
              false);
      return new OpenDatabase(reader, info, flatPath);
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e instanceof GeoDatabaseException g ? g : corrupt(path, e);
    } catch (StackOverflowError e) {
      closeQuietly(reader);
      throw corrupt(path, pointerCycle(e));
    }
  }

  /**
   * The reader follows data-section pointers by recursion, so a pointer that leads back to itself
   * ends in a {@link StackOverflowError}. The recursion only reads the in-memory file and fills no
   * cache before a value is complete, so once the stack has unwound nothing is left damaged and the
   * error is safe to turn into "corrupt": an Error must not escape to a request thread or end the
   * file watcher's thread.
   */
  private static InvalidDatabaseException pointerCycle(StackOverflowError e) {
    InvalidDatabaseException corrupt =
        new InvalidDatabaseException(
            "The MaxMind DB file's data section has a pointer cycle (decoding never ends).");
    corrupt.initCause(e);
    return corrupt;
  }

  private static GeoDatabaseException corrupt(Path path, Exception e) {
    return new GeoDatabaseException(
        path,
        Reason.CORRUPT,
        "GeoIP database "
            + path
            + " is not a valid MaxMind DB file (corrupt or truncated): "
            + e.getMessage(),
        e);
  }

  private static Schema checkCountryDatabase(
      Path path, Reader reader, Schema schema, String flatField, String[] flatPath) {
    String type = reader.getMetadata().databaseType();
    if (NO_COUNTRY_TYPE.matcher(type).matches()) {
      String hint =
          type.toLowerCase(Locale.ROOT).contains("anonymous")
              ? "; give it as the anonymous-IP database instead, and a Country, City or Enterprise database here"
              : "; expected a Country, City or Enterprise database (GeoIP2, GeoLite2, DB-IP) or a flat country database";
      throw new GeoDatabaseException(
          path,
          Reason.WRONG_TYPE,
          "GeoIP database "
              + path
              + " is a "
              + type
              + " database, which has no countries"
              + hint
              + ".",
          null);
    }
    int geoIp2 = 0;
    int flat = 0;
    int records = 0;
    @SuppressWarnings("rawtypes") // the reader decodes records of any shape into a raw Map
    Networks<Map> networks = networks(path, reader);
    while (records < PROBE_RECORDS && networks.hasNext()) {
      Object data = networks.next().data();
      records++;
      if (data instanceof Map<?, ?> map) {
        if (map.get("country") instanceof Map || map.get("registered_country") instanceof Map) {
          geoIp2++;
        }
        if (field(map, flatPath) instanceof String) {
          flat++;
        }
      }
    }
    Schema detected;
    if (schema != Schema.AUTO) {
      detected = schema;
    } else if (geoIp2 > 0) {
      detected = Schema.GEOIP2;
    } else if (flat > 0) {
      detected = Schema.FLAT;
    } else if (records == 0 && type.matches("(?i).*(Country|City|Enterprise).*")) {
      detected = Schema.GEOIP2;
    } else {
      throw new GeoDatabaseException(
          path,
          Reason.UNKNOWN_SCHEMA,
          "GeoIP database "
              + path
              + " ("
              + type
              + ") has "
              + (records == 0
                  ? "no records to tell its schema from"
                  : "no country in its records: neither GeoIP2 fields (country.iso_code) nor the flat field '"
                      + flatField
                      + "'")
              + "; set the schema, or the flat country field path of a flat database.",
          null);
    }
    int matching = detected == Schema.GEOIP2 ? geoIp2 : flat;
    if (records > 0 && matching == 0) {
      throw new GeoDatabaseException(
          path,
          Reason.UNKNOWN_SCHEMA,
          "GeoIP database "
              + path
              + " ("
              + type
              + ") was set to schema "
              + detected
              + " but none of its first "
              + records
              + " records has "
              + (detected == Schema.GEOIP2 ? "a GeoIP2 country" : "the field '" + flatField + "'")
              + "; check the schema and flat field settings.",
          null);
    }
    if (detected == Schema.GEOIP2) {
      // Decode a few records the way lookups will, so fields of unexpected types are refused now.
      Networks<Records.GeoIp2> typed = networks(path, reader, Records.GeoIp2.class);
      for (int i = 0; i < PROBE_RECORDS && typed.hasNext(); i++) {
        typed.next();
      }
    }
    return detected;
  }

  private static Schema checkAnonymousDatabase(Path path, Reader reader) {
    String type = reader.getMetadata().databaseType();
    if (!type.toLowerCase(Locale.ROOT).contains("anonymous")) {
      throw new GeoDatabaseException(
          path,
          Reason.WRONG_TYPE,
          "Anonymous-IP database "
              + path
              + " is a "
              + type
              + " database; expected a GeoIP2 Anonymous IP database (GeoIP2-Anonymous-IP).",
          null);
    }
    // Decode a few records so a damaged data section is refused now, not on the request path.
    Networks<Records.Anonymizer> networks = networks(path, reader, Records.Anonymizer.class);
    for (int i = 0; i < PROBE_RECORDS && networks.hasNext(); i++) {
      networks.next();
    }
    return Schema.GEOIP2;
  }

  @SuppressWarnings("rawtypes")
  private static Networks<Map> networks(Path path, Reader reader) {
    return networks(path, reader, Map.class);
  }

  private static <T> Networks<T> networks(Path path, Reader reader, Class<T> type) {
    try {
      return reader.networks(false, type);
    } catch (IOException | InvalidNetworkException e) {
      throw corrupt(path, e);
    }
  }

  /** Looks up the country record; a null address (see {@link #adapt}) is not found. */
  GeoResult lookupCountry(InetAddress address) throws IOException {
    InetAddress key = adapt(address);
    if (key == null) {
      return GeoResult.notFound();
    }
    try {
      return info.schema() == Schema.FLAT ? lookupFlat(key) : lookupGeoIp2(key);
    } catch (StackOverflowError e) {
      throw pointerCycle(e); // see pointerCycle: the caller answers unavailable
    }
  }

  private GeoResult lookupGeoIp2(InetAddress address) throws IOException {
    DatabaseRecord<Records.GeoIp2> record = reader.getRecord(address, Records.GeoIp2.class);
    Records.GeoIp2 data = record.data();
    if (data == null) {
      return GeoResult.notFound();
    }
    Optional<String> country = code(data.country());
    List<String> subdivisions = List.of();
    if (country.isPresent() && data.subdivisions() != null && !data.subdivisions().isEmpty()) {
      List<String> codes = new ArrayList<>(data.subdivisions().size());
      for (Records.Place place : data.subdivisions()) {
        if (place != null && place.isoCode() != null && !place.isoCode().isEmpty()) {
          codes.add(country.get() + "-" + place.isoCode().toUpperCase(Locale.ROOT));
        }
      }
      subdivisions = codes;
    }
    return new GeoResult(
        GeoResult.Status.FOUND,
        country,
        code(data.registeredCountry()),
        code(data.representedCountry()),
        subdivisions,
        flags(data.traits()),
        network(record.network()));
  }

  private GeoResult lookupFlat(InetAddress address) throws IOException {
    @SuppressWarnings("rawtypes")
    DatabaseRecord<Map> record = reader.getRecord(address, Map.class);
    if (record.data() == null) {
      return GeoResult.notFound();
    }
    Object value = field(record.data(), flatPath);
    Optional<String> country = value instanceof String s ? code(s) : Optional.empty();
    return new GeoResult(
        GeoResult.Status.FOUND,
        country,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Set.of(),
        network(record.network()));
  }

  /** Looks up anonymizer flags; empty if the address is not listed. */
  Set<AnonymizerFlag> lookupAnonymizer(InetAddress address) throws IOException {
    InetAddress key = adapt(address);
    try {
      return key == null ? Set.of() : flags(reader.get(key, Records.Anonymizer.class));
    } catch (StackOverflowError e) {
      throw pointerCycle(e);
    }
  }

  /**
   * An IPv4-only database cannot take an IPv6 address: an IPv4-mapped one is turned into IPv4, any
   * other is simply not in it (null).
   */
  private InetAddress adapt(InetAddress address) throws UnknownHostException {
    if (ipVersion != 4 || address instanceof Inet4Address) {
      return address;
    }
    byte[] bytes = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return null;
      }
    }
    if (address instanceof Inet6Address && (bytes[10] & bytes[11] & 0xFF) == 0xFF) {
      return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
    }
    return null;
  }

  /**
   * The matched network for a result: its parts only, formatted when someone asks ({@code explain},
   * the {@code lookup} command). {@link Network#networkAddress()} would build a new {@code
   * InetAddress} per call.
   */
  static GeoResult.Network network(Network network) {
    return new GeoResult.Network(network.ipAddress().getAddress(), network.prefixLength());
  }

  /** Formats a network, IPv6 in the compressed form people write ({@code 2001:db8::/32}). */
  static String cidr(Network network) {
    return cidr(network.ipAddress().getAddress(), network.prefixLength());
  }

  /** Masks {@code bytes} (a fresh copy: masked in place) to the prefix and formats the network. */
  static String cidr(byte[] bytes, int prefix) {
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      bytes[i] &= (byte) (0xFF00 >>> keep);
    }
    return IpAddresses.format(bytes) + '/' + prefix;
  }

  private static Object field(Map<?, ?> map, String[] path) {
    Object value = map;
    for (String key : path) {
      if (!(value instanceof Map<?, ?> m)) {
        return null;
      }
      value = m.get(key);
    }
    return value;
  }

  private static Optional<String> code(Records.Place place) {
    return place == null ? Optional.empty() : code(place.isoCode());
  }

  private static Optional<String> code(String isoCode) {
    if (isoCode == null || isoCode.length() != 2) {
      return Optional.empty();
    }
    char a = Character.toUpperCase(isoCode.charAt(0));
    char b = Character.toUpperCase(isoCode.charAt(1));
    return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z'
        ? Optional.of("" + a + b)
        : Optional.empty();
  }

  static Set<AnonymizerFlag> flags(Records.Anonymizer record) {
    if (record == null) {
      return Set.of();
    }
    EnumSet<AnonymizerFlag> flags = EnumSet.noneOf(AnonymizerFlag.class);
    if (Boolean.TRUE.equals(record.anonymous())) {
      flags.add(AnonymizerFlag.ANONYMOUS);
    }
    if (Boolean.TRUE.equals(record.anonymousVpn())) {
      flags.add(AnonymizerFlag.ANONYMOUS_VPN);
    }
    if (Boolean.TRUE.equals(record.hostingProvider())) {
      flags.add(AnonymizerFlag.HOSTING_PROVIDER);
    }
    if (Boolean.TRUE.equals(record.publicProxy())) {
      flags.add(AnonymizerFlag.PUBLIC_PROXY);
    }
    if (Boolean.TRUE.equals(record.residentialProxy())) {
      flags.add(AnonymizerFlag.RESIDENTIAL_PROXY);
    }
    if (Boolean.TRUE.equals(record.torExitNode())) {
      flags.add(AnonymizerFlag.TOR_EXIT_NODE);
    }
    if (Boolean.TRUE.equals(record.anonymousProxy())) {
      flags.add(AnonymizerFlag.ANONYMOUS_PROXY);
    }
    if (Boolean.TRUE.equals(record.satelliteProvider())) {
      flags.add(AnonymizerFlag.SATELLITE_PROVIDER);
    }
    return flags.isEmpty() ? Set.of() : Set.copyOf(flags);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform provides SHA-256.", e);
    }
  }

  private static void closeQuietly(Reader reader) {
    try {
      reader.close();
    } catch (IOException ignored) {
      // Nothing was served from it; there is nothing to recover.
    }
  }

  @Override
  public void close() {
    closeQuietly(reader);
  }
}
