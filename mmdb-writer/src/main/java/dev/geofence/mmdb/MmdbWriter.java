package dev.geofence.mmdb;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes MaxMind DB (format 2.0) files: the {@code .mmdb} format of GeoIP2, GeoLite2, DB-IP and
 * IPinfo databases, readable by MaxMind's readers and {@code mmdblookup}.
 *
 * <pre>{@code
 * MmdbWriter writer = MmdbWriter.builder().databaseType("GeoIP2-Country").build();
 * writer.insert("192.0.2.0/24", GeoIp2Records.country("DE"));
 * writer.insert("2001:db8::/32", GeoIp2Records.country("FR"));
 * writer.write(Path.of("test.mmdb"));
 * }</pre>
 *
 * <p>A later insert replaces earlier data for every address it covers. Identical records are stored
 * once, and repeated keys and values inside records are written as pointers, so large databases
 * stay small. In an IPv6 database the IPv4 space lives at {@code ::/96} and is aliased, as in
 * MaxMind's own databases, at {@code ::ffff:0:0/96} (IPv4-mapped) and {@code 2002::/16} (6to4), so
 * {@code ::ffff:1.2.3.4} and {@code 2002:102:304::} find the record of {@code 1.2.3.4}; inserting
 * into {@code 2002::/16} is therefore rejected.
 *
 * <p>Not thread-safe: build a database from one thread. Records are copied on insert.
 */
public final class MmdbWriter {

  private static final byte[] METADATA_MARKER = {
    (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };
  private static final int DATA_SEPARATOR = 16;
  private static final byte[] SIX_TO_FOUR = {0x20, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  private static final byte[] IPV4_MAPPED = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0
  };

  private final String databaseType;
  private final int ipVersion;
  private final int recordSize;
  private final Instant buildEpoch;
  private final List<String> languages;
  private final Map<String, String> description;
  private final SearchTree tree;
  private final Map<Object, Integer> recordIds = new HashMap<>();
  private final List<Object> records = new ArrayList<>();
  private long insertCount;

  private MmdbWriter(Builder builder) {
    this.databaseType = builder.databaseType;
    this.ipVersion = builder.ipVersion;
    this.recordSize = builder.recordSize;
    this.buildEpoch = builder.buildEpoch;
    this.languages = List.copyOf(builder.languages);
    this.description = Collections.unmodifiableMap(new LinkedHashMap<>(builder.description));
    this.tree = new SearchTree(ipVersion == 6 ? 128 : 32);
  }

  /** Returns a builder; {@link Builder#databaseType(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Points every address of the network at the record.
   *
   * @param cidr e.g. {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a single address
   * @param record a map of String keys to supported values (see {@link MmdbValue})
   * @return this writer
   * @throws IllegalArgumentException for a malformed network, an IPv6 network in an IPv4 database,
   *     a network inside an aliased range, or an unsupported value
   */
  public MmdbWriter insert(String cidr, Map<String, ?> record) {
    return insert(IpNetwork.parse(cidr), record);
  }

  /** Like {@link #insert(String, Map)} for a parsed network. */
  public MmdbWriter insert(IpNetwork network, Map<String, ?> record) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(record, "record");
    byte[] address = network.bytes();
    int prefix = network.prefixLength();
    if (!network.isIpv4() && ipVersion == 4) {
      throw new IllegalArgumentException(
          "IPv6 network "
              + network
              + " cannot be inserted into an IPv4 database; build it with ipVersion(6).");
    }
    if (!network.isIpv4() && prefix >= 16 && address[0] == 0x20 && address[1] == 0x02) {
      throw new IllegalArgumentException(
          "Network "
              + network
              + " is inside 2002::/16, which is aliased to the IPv4 space; insert the IPv4 network instead.");
    }
    if (network.isIpv4() && ipVersion == 6) {
      byte[] wide = new byte[16];
      System.arraycopy(address, 0, wide, 12, 4);
      address = wide;
      prefix += 96;
    }
    tree.set(address, prefix, SearchTree.data(recordId(record)));
    insertCount++;
    return this;
  }

  /**
   * Points every address from {@code first} to {@code last} (both included) at the record, as the
   * smallest set of networks that covers the range exactly.
   *
   * @throws IllegalArgumentException as {@link IpNetwork#range(String, String)} and {@link
   *     #insert(IpNetwork, Map)}
   */
  public MmdbWriter insertRange(String first, String last, Map<String, ?> record) {
    for (IpNetwork network : IpNetwork.range(first, last)) {
      insert(network, record);
    }
    return this;
  }

  /** Returns the number of networks inserted so far. */
  public long networkCount() {
    return insertCount;
  }

  /** Returns the number of distinct records inserted so far (each is stored once). */
  public int distinctRecordCount() {
    return records.size();
  }

  /** Writes the database to a file, replacing it. */
  public void write(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    try (OutputStream out = Files.newOutputStream(path)) {
      write(out);
    }
  }

  /**
   * Writes the database to a stream (not closed). The writer can be written again after further
   * inserts.
   *
   * @throws IllegalStateException if the configured record size is too small for the database
   */
  public void write(OutputStream output) throws IOException {
    Objects.requireNonNull(output, "output");
    if (ipVersion == 6) {
      applyIpv4Aliases();
    }
    int[] order = breadthFirstOrder();
    int nodeCount = order.length;
    int[] newIndex = new int[tree.allocatedNodes()];
    for (int i = 0; i < nodeCount; i++) {
      newIndex[order[i]] = i;
    }
    DataEncoder data = new DataEncoder(true);
    int[] dataOffsets = new int[records.size()];
    Arrays.fill(dataOffsets, -1);
    for (int node : order) {
      writeRecordOnce(tree.left(node), data, dataOffsets);
      writeRecordOnce(tree.right(node), data, dataOffsets);
    }
    long largest = (long) nodeCount + DATA_SEPARATOR + data.size();
    int size = chooseRecordSize(largest);

    BufferedOutputStream out = new BufferedOutputStream(output, 1 << 16);
    byte[] nodeBytes = new byte[size / 4];
    for (int node : order) {
      long l = recordValue(tree.left(node), nodeCount, newIndex, dataOffsets);
      long r = recordValue(tree.right(node), nodeCount, newIndex, dataOffsets);
      encodeNode(nodeBytes, size, l, r);
      out.write(nodeBytes);
    }
    out.write(new byte[DATA_SEPARATOR]);
    out.write(data.toByteArray());
    out.write(METADATA_MARKER);
    out.write(metadata(nodeCount, size));
    out.flush();
  }

  private void writeRecordOnce(int slot, DataEncoder data, int[] dataOffsets) {
    if (SearchTree.isData(slot) && dataOffsets[SearchTree.recordId(slot)] < 0) {
      dataOffsets[SearchTree.recordId(slot)] = data.write(records.get(SearchTree.recordId(slot)));
    }
  }

  private void applyIpv4Aliases() {
    int ipv4Root = tree.nodeAt(new byte[16], 96);
    tree.set(IPV4_MAPPED, 96, ipv4Root);
    tree.set(SIX_TO_FOUR, 16, ipv4Root);
  }

  /** Numbers the reachable nodes breadth first from the root; unreachable (replaced) ones drop. */
  private int[] breadthFirstOrder() {
    boolean[] seen = new boolean[tree.allocatedNodes()];
    int[] queue = new int[tree.allocatedNodes()];
    int head = 0;
    int tail = 0;
    queue[tail++] = 0;
    seen[0] = true;
    while (head < tail) {
      int node = queue[head++];
      int l = tree.left(node);
      int r = tree.right(node);
      if (l >= 0 && !seen[l]) {
        seen[l] = true;
        queue[tail++] = l;
      }
      if (r >= 0 && !seen[r]) {
        seen[r] = true;
        queue[tail++] = r;
      }
    }
    return Arrays.copyOf(queue, tail);
  }

  private int chooseRecordSize(long largestValue) {
    if (recordSize != 0) {
      if (largestValue >= 1L << recordSize) {
        throw new IllegalStateException(
            "Record size "
                + recordSize
                + " is too small for this database ("
                + largestValue
                + " record values); use a larger record size or leave it unset to choose automatically.");
      }
      return recordSize;
    }
    for (int candidate : new int[] {24, 28, 32}) {
      if (largestValue < 1L << candidate) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "The database is too large for the MaxMind DB format ("
            + largestValue
            + " record values).");
  }

  private static long recordValue(int slot, int nodeCount, int[] newIndex, int[] dataOffsets) {
    if (slot == SearchTree.EMPTY) {
      return nodeCount;
    }
    if (SearchTree.isData(slot)) {
      return (long) nodeCount + DATA_SEPARATOR + dataOffsets[SearchTree.recordId(slot)];
    }
    return newIndex[slot];
  }

  private static void encodeNode(byte[] out, int size, long left, long right) {
    switch (size) {
      case 24 -> {
        put(out, 0, left, 3);
        put(out, 3, right, 3);
      }
      case 28 -> {
        put(out, 0, left & 0xFFFFFF, 3);
        out[3] = (byte) (((left >>> 24) & 0x0F) << 4 | ((right >>> 24) & 0x0F));
        put(out, 4, right & 0xFFFFFF, 3);
      }
      default -> {
        put(out, 0, left, 4);
        put(out, 4, right, 4);
      }
    }
  }

  private static void put(byte[] out, int at, long value, int length) {
    for (int i = length - 1; i >= 0; i--) {
      out[at + i] = (byte) value;
      value >>>= 8;
    }
  }

  private byte[] metadata(int nodeCount, int size) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("binary_format_major_version", MmdbValue.uint16(2));
    meta.put("binary_format_minor_version", MmdbValue.uint16(0));
    meta.put("build_epoch", MmdbValue.uint64(BigInteger.valueOf(buildEpoch.getEpochSecond())));
    meta.put("database_type", databaseType);
    meta.put("description", description);
    meta.put("ip_version", MmdbValue.uint16(ipVersion));
    meta.put("languages", languages);
    meta.put("node_count", MmdbValue.uint32(nodeCount));
    meta.put("record_size", MmdbValue.uint16(size));
    // The metadata is decoded on its own, so it must not point into the data section.
    DataEncoder encoder = new DataEncoder(false);
    encoder.write(meta);
    return encoder.toByteArray();
  }

  private int recordId(Map<String, ?> record) {
    Integer id = recordIds.get(record);
    if (id != null) {
      return id;
    }
    Object normalised = normalise(record, "");
    id = recordIds.get(normalised);
    if (id == null) {
      id = records.size();
      records.add(normalised);
      recordIds.put(normalised, id);
    }
    return id;
  }

  /** Validates a value and copies it into an immutable form with content equality. */
  static Object normalise(Object value, String path) {
    if (value == null) {
      throw new IllegalArgumentException(
          "Null value at '" + path + "'; MaxMind DB has no null; leave the key out.");
    }
    if (value instanceof String
        || value instanceof Boolean
        || value instanceof Double
        || value instanceof Float
        || value instanceof Integer
        || value instanceof MmdbValue) {
      return value;
    }
    if (value instanceof Long l) {
      if (l < 0) {
        throw new IllegalArgumentException(
            "Negative Long "
                + l
                + " at '"
                + path
                + "'; MaxMind DB has no signed 64-bit type; use an Integer (int32).");
      }
      return value;
    }
    if (value instanceof BigInteger b) {
      if (b.signum() < 0 || b.bitLength() > 128) {
        throw new IllegalArgumentException(
            "BigInteger " + b + " at '" + path + "' is out of range; expected 0 to 2^128-1.");
      }
      return value;
    }
    if (value instanceof byte[] bytes) {
      return MmdbValue.bytes(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              "Map key "
                  + entry.getKey()
                  + " at '"
                  + path
                  + "' is not a String; MaxMind DB map keys are strings.");
        }
        copy.put(key, normalise(entry.getValue(), path.isEmpty() ? key : path + "." + key));
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(normalise(list.get(i), path + "[" + i + "]"));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(
        "Unsupported value type "
            + value.getClass().getName()
            + " at '"
            + path
            + "'; expected String, Boolean, Integer, Long, BigInteger, Double, Float, byte[], Map, List or MmdbValue.");
  }

  /**
   * Settings of a database; each is validated when set. Defaults: IPv6, record size chosen
   * automatically (the smallest of 24, 28, 32 that fits), build time now, no languages, no
   * description.
   */
  public static final class Builder {
    private String databaseType;
    private int ipVersion = 6;
    private int recordSize;
    private Instant buildEpoch = Instant.now();
    private List<String> languages = List.of();
    private final Map<String, String> description = new LinkedHashMap<>();

    private Builder() {}

    /** The metadata {@code database_type}, e.g. {@code GeoIP2-Country}; required. */
    public Builder databaseType(String databaseType) {
      Objects.requireNonNull(databaseType, "databaseType");
      if (databaseType.isBlank()) {
        throw new IllegalArgumentException(
            "Database type '" + databaseType + "' is blank; give a name such as GeoIP2-Country.");
      }
      this.databaseType = databaseType;
      return this;
    }

    /** 4 or 6 (default); an IPv4 database holds IPv4 networks only. */
    public Builder ipVersion(int ipVersion) {
      if (ipVersion != 4 && ipVersion != 6) {
        throw new IllegalArgumentException(
            "IP version " + ipVersion + " is not supported; expected 4 or 6.");
      }
      this.ipVersion = ipVersion;
      return this;
    }

    /** 24, 28 or 32 bits per search tree record; unset chooses the smallest that fits. */
    public Builder recordSize(int recordSize) {
      if (recordSize != 24 && recordSize != 28 && recordSize != 32) {
        throw new IllegalArgumentException(
            "Record size " + recordSize + " is not supported; expected 24, 28 or 32.");
      }
      this.recordSize = recordSize;
      return this;
    }

    /** The metadata {@code build_epoch}, in whole seconds; default now. */
    public Builder buildEpoch(Instant buildEpoch) {
      Objects.requireNonNull(buildEpoch, "buildEpoch");
      if (buildEpoch.getEpochSecond() < 0) {
        throw new IllegalArgumentException(
            "Build time " + buildEpoch + " is before 1970; expected a time after the Unix epoch.");
      }
      this.buildEpoch = buildEpoch;
      return this;
    }

    /** The metadata {@code languages}, e.g. {@code en}; default none. */
    public Builder languages(List<String> languages) {
      Objects.requireNonNull(languages, "languages");
      this.languages = List.copyOf(languages);
      return this;
    }

    /** Adds a metadata description in a language, e.g. {@code ("en", "Test database")}. */
    public Builder description(String language, String text) {
      Objects.requireNonNull(language, "language");
      Objects.requireNonNull(text, "text");
      description.put(language, text);
      return this;
    }

    /** Adds all descriptions of the map, language to text. */
    public Builder description(Map<String, String> descriptions) {
      Objects.requireNonNull(descriptions, "descriptions");
      descriptions.forEach(this::description);
      return this;
    }

    /**
     * Returns an empty writer with these settings.
     *
     * @throws IllegalStateException if no database type was set
     */
    public MmdbWriter build() {
      if (databaseType == null) {
        throw new IllegalStateException(
            "No database type set; call databaseType(\"GeoIP2-Country\") or similar.");
      }
      return new MmdbWriter(this);
    }
  }
}
