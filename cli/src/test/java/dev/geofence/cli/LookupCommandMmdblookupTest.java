package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.GeoIp2Records.AnonymousFlag;
import dev.geofence.mmdb.IpNetwork;
import dev.geofence.mmdb.MmdbWriter;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code geofence lookup} must agree, address for address, with MaxMind's C reader {@code
 * mmdblookup} (Debian package mmdb-bin) on databases made by our writer. Runs only where {@code
 * mmdblookup} is installed.
 */
class LookupCommandMmdblookupTest {

  private static final String[] COUNTRIES = {
    "UA", "PL", "DE", "US", "CN", "RU", "IR", "FR", "GB", "JP", "BR", "IN"
  };
  private static final String[] FLAG_FIELDS = {
    "is_anonymous",
    "is_anonymous_vpn",
    "is_hosting_provider",
    "is_public_proxy",
    "is_residential_proxy",
    "is_tor_exit_node"
  };

  private static ExecutorService pool;

  @TempDir Path dir;

  private final Random random = new Random(20260101);

  @BeforeAll
  static void requireMmdblookup() {
    Assumptions.assumeTrue(
        onPath("mmdblookup"), "mmdblookup is not installed (Debian package mmdb-bin)");
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, command))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void agreesWithMmdblookupOnAnIpv6EnterpriseDatabase() throws Exception {
    Path db = dir.resolve("enterprise.mmdb");
    MmdbWriter writer =
        MmdbWriter.builder().databaseType("GeoIP2-Enterprise").recordSize(28).build();
    List<IpNetwork> v4 = new ArrayList<>();
    List<IpNetwork> v6 = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      IpNetwork network = randomNetwork(4, 8 + random.nextInt(23));
      writer.insert(network, randomRecord());
      v4.add(network);
    }
    for (int i = 0; i < 1000; i++) {
      IpNetwork network = randomNetwork(16, 16 + random.nextInt(49));
      if (network.toString().startsWith("2002:")) {
        continue; // aliased to the IPv4 space
      }
      writer.insert(network, randomRecord());
      v6.add(network);
    }
    writer.write(db);

    List<String> sample = new ArrayList<>();
    for (int i = 0; i < 350; i++) {
      String inside = randomAddressIn(v4.get(random.nextInt(v4.size())));
      String anywhere = randomAddressIn(randomNetwork(4, 0));
      sample.add(inside);
      sample.add(anywhere);
      sample.add("::ffff:" + (i % 2 == 0 ? inside : anywhere));
    }
    for (int i = 0; i < 250; i++) {
      sample.add(randomAddressIn(v6.get(random.nextInt(v6.size()))));
      sample.add(randomAddressIn(randomNetwork(16, 0)));
    }
    for (int i = 0; i < 100; i++) {
      byte[] v4Bytes =
          InetAddress.getByName(randomAddressIn(v4.get(random.nextInt(v4.size())))).getAddress();
      sample.add(
          String.format(
              "2002:%02x%02x:%02x%02x::%x",
              v4Bytes[0], v4Bytes[1], v4Bytes[2], v4Bytes[3], random.nextInt(65536)));
    }

    assertAgreement(db, sample, false);
  }

  @Test
  void agreesWithMmdblookupOnAnIpv4FlatDatabase() throws Exception {
    Path db = dir.resolve("flat.mmdb");
    MmdbWriter writer =
        MmdbWriter.builder()
            .databaseType("DBIP-Country-Lite-Flat")
            .ipVersion(4)
            .recordSize(24)
            .build();
    List<IpNetwork> networks = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      IpNetwork network = randomNetwork(4, 8 + random.nextInt(25));
      writer.insert(network, GeoIp2Records.flat(COUNTRIES[random.nextInt(COUNTRIES.length)]));
      networks.add(network);
    }
    writer.write(db);

    List<String> sample = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sample.add(randomAddressIn(networks.get(random.nextInt(networks.size()))));
      sample.add(randomAddressIn(randomNetwork(4, 0)));
    }
    assertAgreement(db, sample, true);
  }

  private void assertAgreement(Path db, List<String> sample, boolean flat) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("lookup", "--geoip", db.toString()));
    args.addAll(sample);
    int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as(err.toString()).isZero();
    List<String> ours = out.toString().lines().toList();

    List<Future<String>> theirs = new ArrayList<>();
    for (String address : sample) {
      theirs.add(pool.submit(() -> expectedLine(db, address, flat)));
    }
    List<String> mismatches = new ArrayList<>();
    int found = 0;
    for (int i = 0; i < sample.size(); i++) {
      String expected = theirs.get(i).get();
      if (!expected.endsWith("\t-\t-\t-\t-")) {
        found++;
      }
      if (!expected.equals(ours.get(i))) {
        mismatches.add("mmdblookup: " + expected + "  geofence: " + ours.get(i));
      }
    }
    assertThat(mismatches).as("disagreements out of %d addresses", sample.size()).isEmpty();
    // The sample must exercise both answers, or agreement proves little.
    assertThat(found).isBetween(sample.size() / 5, sample.size() - sample.size() / 10);
  }

  /** Runs mmdblookup for one address and turns its record into the TSV line lookup should print. */
  private static String expectedLine(Path db, String address, boolean flat)
      throws IOException, InterruptedException {
    // A 6to4 address must answer as the IPv4 address it embeds: ask mmdblookup for that one, so
    // the comparison also checks the alias rather than only that both readers walk one tree.
    Process process =
        new ProcessBuilder("mmdblookup", "--file", db.toString(), "--ip", embeddedIpv4(address))
            .redirectErrorStream(true)
            .start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (text.contains("Could not find an entry")) {
      return address + "\t-\t-\t-\t-";
    }
    if (exit != 0) {
      throw new IllegalStateException("mmdblookup failed for " + address + ": " + text);
    }
    Map<String, String> fields = parse(text);
    if (flat) {
      return String.join("\t", address, fields.getOrDefault("country_code", "-"), "-", "-", "-");
    }
    String country = fields.getOrDefault("country.iso_code", "-");
    List<String> subdivisions = new ArrayList<>();
    for (int i = 0; fields.containsKey("subdivisions." + i + ".iso_code"); i++) {
      subdivisions.add(country + "-" + fields.get("subdivisions." + i + ".iso_code"));
    }
    List<String> flags = new ArrayList<>();
    for (String flag : FLAG_FIELDS) {
      if ("true".equals(fields.get("traits." + flag))) {
        flags.add(flag.substring(3));
      }
    }
    return String.join(
        "\t",
        address,
        country,
        fields.getOrDefault("registered_country.iso_code", "-"),
        subdivisions.isEmpty() ? "-" : String.join(",", subdivisions),
        flags.isEmpty() ? "-" : String.join(",", flags));
  }

  private static String embeddedIpv4(String address) throws IOException {
    if (!address.startsWith("2002:")) {
      return address;
    }
    byte[] bytes = InetAddress.getByName(address).getAddress();
    return InetAddress.getByAddress(new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]})
        .getHostAddress();
  }

  /**
   * Reads mmdblookup's pretty-printed record into dotted paths ({@code subdivisions.0.iso_code})
   * mapped to scalar values without their type suffix or quotes.
   */
  static Map<String, String> parse(String text) {
    Map<String, String> fields = new HashMap<>();
    Deque<String> path = new ArrayDeque<>();
    Deque<int[]> arrayIndexes = new ArrayDeque<>();
    String pendingKey = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.equals("{") || line.equals("[")) {
        String element = pendingKey != null ? pendingKey : nextIndex(arrayIndexes);
        if (element != null) {
          path.addLast(element);
        }
        arrayIndexes.push(new int[] {line.equals("[") ? 0 : -1});
        pendingKey = null;
      } else if (line.equals("}") || line.equals("]")) {
        arrayIndexes.pop();
        path.pollLast();
      } else if (line.startsWith("\"") && line.endsWith(":")) {
        pendingKey = line.substring(1, line.length() - 2);
      } else {
        String value = line.replaceFirst(" <[a-z0-9_]+>$", "");
        if (value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        String element = pendingKey != null ? pendingKey : nextIndex(arrayIndexes);
        List<String> full = new ArrayList<>(path);
        full.add(element);
        fields.put(String.join(".", full), value);
        pendingKey = null;
      }
    }
    return fields;
  }

  /** The next index if the innermost container is an array (index >= 0), else null. */
  private static String nextIndex(Deque<int[]> containers) {
    int[] top = containers.peek();
    if (top == null || top[0] < 0) {
      return null;
    }
    return Integer.toString(top[0]++);
  }

  private Map<String, Object> randomRecord() {
    String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
    GeoIp2Records.Builder builder = GeoIp2Records.builder(country);
    if (random.nextInt(4) == 0) {
      builder.registeredCountry(COUNTRIES[random.nextInt(COUNTRIES.length)]);
    }
    int subdivisions = random.nextInt(3);
    for (int s = 0; s < subdivisions; s++) {
      builder.subdivisions(Integer.toString(1 + random.nextInt(60)));
    }
    Set<AnonymousFlag> flags = EnumSet.noneOf(AnonymousFlag.class);
    if (random.nextInt(5) == 0) {
      flags.add(AnonymousFlag.values()[random.nextInt(AnonymousFlag.values().length)]);
    }
    return builder.anonymizer(flags).toEnterpriseRecord();
  }

  /** A random network of the given address length in bytes; prefix 0 means a random address. */
  private IpNetwork randomNetwork(int bytes, int prefix) throws IOException {
    byte[] address = new byte[bytes];
    random.nextBytes(address);
    if (bytes == 16) {
      address[0] = (byte) (0x20 | random.nextInt(16)); // global unicast 2000::/4, like real data
    }
    if (prefix == 0) {
      return IpNetwork.of(InetAddress.getByAddress(address), bytes * 8);
    }
    for (int bit = prefix; bit < bytes * 8; bit++) {
      address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return IpNetwork.of(InetAddress.getByAddress(address), prefix);
  }

  private String randomAddressIn(IpNetwork network) throws IOException {
    byte[] address = network.addressBytes();
    for (int bit = network.prefixLength(); bit < address.length * 8; bit++) {
      if (random.nextBoolean()) {
        address[bit / 8] |= (byte) (0x80 >>> (bit % 8));
      }
    }
    return InetAddress.getByAddress(address).getHostAddress().toLowerCase(Locale.ROOT);
  }
}
