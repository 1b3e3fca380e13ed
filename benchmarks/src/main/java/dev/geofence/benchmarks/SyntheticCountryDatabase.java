package dev.geofence.benchmarks;

import dev.geofence.mmdb.IpNetwork;
import dev.geofence.mmdb.MmdbValue;
import dev.geofence.mmdb.MmdbWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A country database with the size and shape of a real GeoIP2/GeoLite2 Country database, generated
 * deterministically with the project's MMDB writer, and addresses that fall inside its networks.
 *
 * <p>Shape: 70% of the networks are IPv4 (mostly /24 to /20, some up to /12, laid out in ascending
 * order with gaps and skipping private and reserved space), 30% IPv6 (/29 to /48 from {@code
 * 2400::}). Countries are the 249 ISO 3166-1 codes drawn with a Zipf distribution, so a few
 * countries own most networks and every country owns some. Each record has the fields of a GeoLite2
 * Country record: continent, country and registered country (5% differ from the location), each
 * with a geoname id and names in the eight GeoIP2 languages, plus {@code is_in_european_union}.
 * Continents are assigned arbitrarily: their shape is realistic, their content is not.
 *
 * <p>The same network count always gives the same file and the same addresses. Stateless and
 * thread-safe.
 */
public final class SyntheticCountryDatabase {

  /** Bumped whenever the layout changes, so that stale cached files are not reused. */
  static final int FORMAT = 1;

  private static final long SEED = 0x6E0FE4CEL;
  private static final double IPV4_SHARE = 0.7;
  private static final List<String> LANGUAGES =
      List.of("de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN");
  private static final List<String> FIRST_COUNTRIES =
      List.of(
          "US", "CN", "JP", "DE", "GB", "KR", "BR", "FR", "CA", "IT", "NL", "AU", "IN", "RU", "ES",
          "SE", "TW", "MX", "PL", "IR", "VN", "ZA", "TR", "AR", "CH", "ID", "UA", "SG", "HK", "BE");
  private static final Set<String> EU =
      Set.of(
          "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
          "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");
  private static final String[] CONTINENTS = {"AF", "AN", "AS", "EU", "NA", "OC", "SA"};

  // Prefix lengths and their weights, roughly as in real country databases.
  private static final int[] V4_PREFIXES = {24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12};
  private static final double[] V4_WEIGHTS = {45, 12, 15, 8, 8, 4, 3, 2, 2.4, 0.3, 0.15, 0.1, 0.05};
  private static final int[] V6_PREFIXES = {29, 32, 36, 40, 44, 48};
  private static final double[] V6_WEIGHTS = {5, 35, 10, 10, 10, 30};
  // Private, shared, loopback, link-local and multicast-and-above IPv4 space, as [first, last].
  private static final long[][] V4_RESERVED = {
    {0x0A000000L, 0x0AFFFFFFL}, {0x64400000L, 0x647FFFFFL}, {0x7F000000L, 0x7FFFFFFFL},
    {0xA9FE0000L, 0xA9FEFFFFL}, {0xAC100000L, 0xAC1FFFFFL}, {0xC0A80000L, 0xC0A8FFFFL},
  };
  private static final long V4_END = 0xE0000000L;

  private SyntheticCountryDatabase() {}

  /** The networks of a database: IPv4 ones first, each with its country index. */
  static final class Layout {
    final int networks;
    final int ipv4Count;

    /** IPv4: the address as an unsigned int in a long; IPv6: the upper 64 bits. */
    final long[] base;

    final byte[] prefix;
    final short[] country;
    final String[] countries;

    private Layout(
        int networks,
        int ipv4Count,
        long[] base,
        byte[] prefix,
        short[] country,
        String[] countries) {
      this.networks = networks;
      this.ipv4Count = ipv4Count;
      this.base = base;
      this.prefix = prefix;
      this.country = country;
      this.countries = countries;
    }

    boolean isIpv4(int network) {
      return network < ipv4Count;
    }

    /** The number of distinct countries that own at least one network. */
    int countriesUsed() {
      return (int) Arrays.stream(countryCounts()).filter(c -> c > 0).count();
    }

    int[] countryCounts() {
      int[] counts = new int[countries.length];
      for (short c : country) {
        counts[c]++;
      }
      return counts;
    }
  }

  /**
   * Returns the database file for {@code networks} networks in {@code directory}, generating it
   * first if it is not there yet (about ten seconds for 500,000 networks).
   */
  public static Path ensure(Path directory, int networks) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Path file = directory.resolve("country-" + networks + "-v" + FORMAT + ".mmdb");
    if (Files.isRegularFile(file)) {
      return file;
    }
    Files.createDirectories(directory);
    Path partial = Files.createTempFile(directory, "country-" + networks, ".partial");
    try {
      write(layout(networks), partial);
      // Atomic, so a concurrent or interrupted run never sees a half-written database.
      Files.move(
          partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return file;
  }

  /** Lays out {@code networks} networks; deterministic. */
  static Layout layout(int networks) {
    if (networks < 1) {
      throw new IllegalArgumentException(
          "Network count " + networks + " is not positive; expected e.g. 500000.");
    }
    SplittableRandom random = new SplittableRandom(SEED);
    String[] countries = countryOrder();
    double[] zipf = cumulative(zipfWeights(countries.length));
    double[] v4Weights = cumulative(V4_WEIGHTS);
    double[] v6Weights = cumulative(V6_WEIGHTS);
    long[] base = new long[networks];
    byte[] prefix = new byte[networks];
    short[] country = new short[networks];
    int wantIpv4 = (int) Math.round(networks * IPV4_SHARE);

    int n = 0;
    long cursor = 0x01000000L;
    while (n < wantIpv4 && cursor < V4_END) {
      long skipTo = reservedEnd(cursor, cursor);
      if (skipTo >= 0) {
        cursor = skipTo;
        continue;
      }
      int p = V4_PREFIXES[pick(v4Weights, random)];
      // A block starts on its own boundary: where the cursor is less aligned, the block is smaller.
      p = Math.max(p, 32 - Long.numberOfTrailingZeros(cursor | (1L << 32)));
      long size = 1L << (32 - p);
      if (reservedEnd(cursor, cursor + size - 1) >= 0) {
        // Reserved ranges are /24-aligned and the cursor is outside them, so a /24 fits.
        p = 24;
        size = 256;
      }
      base[n] = cursor;
      prefix[n] = (byte) p;
      country[n] = (short) pick(zipf, random);
      n++;
      cursor += size;
      if (random.nextInt(10) == 0) {
        cursor += 256L << random.nextInt(8);
        cursor &= ~0xFFL;
      }
    }
    int ipv4Count = n;
    long cursor6 = 0x2400_0000_0000_0000L;
    while (n < networks) {
      int p = V6_PREFIXES[pick(v6Weights, random)];
      p = Math.max(p, 64 - Long.numberOfTrailingZeros(cursor6));
      long size = 1L << (64 - p);
      base[n] = cursor6;
      prefix[n] = (byte) p;
      country[n] = (short) pick(zipf, random);
      n++;
      cursor6 += size;
      if (random.nextInt(3) == 0) {
        cursor6 += 1L << (64 - 48 + random.nextInt(12));
        cursor6 &= ~0xFFFFL;
      }
    }
    return new Layout(networks, ipv4Count, base, prefix, country, countries);
  }

  /** Writes the layout's database. */
  static void write(Layout layout, Path file) throws IOException {
    MmdbWriter writer =
        MmdbWriter.builder()
            .databaseType("GeoLite2-Country")
            .languages(LANGUAGES)
            .description(
                "en",
                "Synthetic country database of " + layout.networks + " networks for benchmarks")
            // Built "today", so that servers with a maximum database age accept it.
            .buildEpoch(Instant.now().truncatedTo(ChronoUnit.DAYS))
            .build();
    Map<Long, Map<String, Object>> records = new HashMap<>();
    SplittableRandom random = new SplittableRandom(SEED ^ 0x5EEDL);
    for (int i = 0; i < layout.networks; i++) {
      int location = layout.country[i];
      // Registered elsewhere for a few networks, as with multinational providers.
      int registered = random.nextInt(20) == 0 ? random.nextInt(layout.countries.length) : location;
      Map<String, Object> record =
          records.computeIfAbsent(
              (long) location << 16 | registered,
              k -> record(layout.countries, location, registered));
      writer.insert(IpNetwork.of(networkAddress(layout, i), layout.prefix[i]), record);
    }
    writer.write(file);
  }

  /**
   * Returns {@code count} distinct addresses, each inside a network of the database, in random
   * order: every network in turn, so the addresses spread over all countries and both families.
   *
   * @throws IllegalArgumentException if there are not enough addresses for that many per network
   */
  static InetAddress[] sampleAddresses(Layout layout, int count) {
    int[] order = shuffled(count);
    InetAddress[] addresses = new InetAddress[count];
    for (int i = 0; i < count; i++) {
      int j = order[i];
      addresses[i] = host(layout, j % layout.networks, j / layout.networks, j);
    }
    return addresses;
  }

  private static InetAddress networkAddress(Layout layout, int network) {
    return layout.isIpv4(network) ? ipv4(layout.base[network]) : ipv6(layout.base[network], 0);
  }

  /**
   * The {@code round}-th distinct host of a network: IPv4 hosts counted from .1, IPv6 hosts with
   * distinct pseudo-random interface identifiers derived from {@code salt}.
   */
  private static InetAddress host(Layout layout, int network, int round, int salt) {
    if (!layout.isIpv4(network)) {
      return ipv6(layout.base[network], mix(salt));
    }
    long size = 1L << (32 - layout.prefix[network]);
    if (round + 3 > size) {
      throw new IllegalArgumentException(
          "Cannot take "
              + (round + 1)
              + " distinct hosts from a /"
              + layout.prefix[network]
              + "; ask for fewer addresses.");
    }
    return ipv4(layout.base[network] + round + 1);
  }

  private static InetAddress ipv4(long value) {
    return byAddress(
        new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        });
  }

  private static InetAddress ipv6(long high, long low) {
    byte[] bytes = new byte[16];
    for (int b = 0; b < 8; b++) {
      bytes[b] = (byte) (high >>> (56 - 8 * b));
      bytes[8 + b] = (byte) (low >>> (56 - 8 * b));
    }
    return byAddress(bytes);
  }

  private static InetAddress byAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("unreachable: 4 or 16 bytes", e);
    }
  }

  /** SplitMix64's finaliser: a bijection, so distinct salts give distinct identifiers. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int[] shuffled(int count) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(SEED ^ count);
    for (int i = count - 1; i > 0; i--) {
      int k = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[k];
      order[k] = t;
    }
    return order;
  }

  /** Returns the end (exclusive) of a reserved range that overlaps {@code [first, last]}, or -1. */
  private static long reservedEnd(long first, long last) {
    for (long[] range : V4_RESERVED) {
      if (first <= range[1] && last >= range[0]) {
        return range[1] + 1;
      }
    }
    return -1;
  }

  private static String[] countryOrder() {
    Set<String> order = new LinkedHashSet<>(FIRST_COUNTRIES);
    order.addAll(Arrays.asList(Locale.getISOCountries()));
    return order.toArray(String[]::new);
  }

  private static double[] zipfWeights(int n) {
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      weights[i] = 1.0 / (i + 1);
    }
    return weights;
  }

  private static double[] cumulative(double[] weights) {
    double[] sums = new double[weights.length];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      total += weights[i];
      sums[i] = total;
    }
    for (int i = 0; i < sums.length; i++) {
      sums[i] /= total;
    }
    return sums;
  }

  private static int pick(double[] cumulative, SplittableRandom random) {
    int i = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
  }

  private static Map<String, Object> record(String[] countries, int location, int registered) {
    String code = countries[location];
    Map<String, Object> record = new LinkedHashMap<>();
    String continent = CONTINENTS[Math.floorMod(code.hashCode(), CONTINENTS.length)];
    Map<String, Object> continentMap = new LinkedHashMap<>();
    continentMap.put("code", continent);
    continentMap.put(
        "geoname_id", MmdbValue.uint32(6_255_140L + Arrays.asList(CONTINENTS).indexOf(continent)));
    continentMap.put("names", names(new Locale("", continent)));
    record.put("continent", continentMap);
    record.put("country", place(countries, location));
    record.put("registered_country", place(countries, registered));
    return record;
  }

  private static Map<String, Object> place(String[] countries, int index) {
    String code = countries[index];
    Map<String, Object> place = new LinkedHashMap<>();
    place.put("geoname_id", MmdbValue.uint32(1_000_000L + 7919L * index));
    if (EU.contains(code)) {
      place.put("is_in_european_union", true);
    }
    place.put("iso_code", code);
    place.put("names", names(new Locale("", code)));
    return place;
  }

  private static Map<String, Object> names(Locale region) {
    Map<String, Object> names = new LinkedHashMap<>();
    for (String language : LANGUAGES) {
      String name = region.getDisplayCountry(Locale.forLanguageTag(language));
      names.put(language, name.isEmpty() ? region.getCountry() : name);
    }
    return names;
  }
}
