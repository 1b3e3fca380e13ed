package dev.geofence.mmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@SuppressWarnings({"rawtypes", "unchecked"}) // MaxMind's reader decodes records into raw Maps
class MmdbWriterTest {

  @TempDir Path dir;

  static Stream<Arguments> layouts() {
    return Stream.of(24, 28, 32)
        .flatMap(size -> Stream.of(Arguments.of(size, 4), Arguments.of(size, 6)));
  }

  private static Map<String, Object> everyType() {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("utf8", "Kyiv – Київ");
    record.put("short_string", "x".repeat(28));
    record.put("string_29", "y".repeat(29));
    record.put("string_300", "z".repeat(300));
    record.put("string_70000", "w".repeat(70_000));
    record.put("double", 3.141592653589793);
    record.put("negative_double", -0.5);
    record.put("float", 1.5f);
    record.put("float32", MmdbValue.float32(-2.25f));
    record.put("bytes", new byte[] {0, 1, 2, (byte) 0xFF});
    record.put("bytes_value", MmdbValue.bytes(new byte[] {9}));
    record.put("uint16", MmdbValue.uint16(65535));
    record.put("uint16_zero", MmdbValue.uint16(0));
    record.put("uint32", MmdbValue.uint32(4_294_967_295L));
    record.put("long_as_uint32", 123_456L);
    record.put("long_as_uint64", 1L << 40);
    record.put("uint64", MmdbValue.uint64(new BigInteger("18446744073709551615")));
    record.put(
        "uint128", MmdbValue.uint128(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)));
    record.put("big_integer", new BigInteger("340282366920938463463374607431768211455"));
    record.put("int32", -2_147_483_648);
    record.put("int32_positive", 70_000);
    record.put("int32_value", MmdbValue.int32(-1));
    record.put("int32_zero", 0);
    record.put("true", true);
    record.put("false", false);
    record.put("array", List.of("a", 1, List.of(true)));
    record.put("long_array", IntStream.range(0, 300).boxed().toList());
    record.put("empty_array", List.of());
    record.put("map", Map.of("nested", Map.of("deeper", "value")));
    record.put("empty_map", Map.of());
    record.put("wide_map", wideMap());
    return record;
  }

  private static Map<String, Object> wideMap() {
    Map<String, Object> wide = new LinkedHashMap<>();
    IntStream.range(0, 40).forEach(i -> wide.put("key" + i, i));
    return wide;
  }

  @ParameterizedTest(name = "record size {0}, IPv{1}")
  @MethodSource("layouts")
  void everyDataTypeReadsBackWithMaxMindsReader(int recordSize, int ipVersion) throws IOException {
    Path file = dir.resolve("types.mmdb");
    MmdbWriter writer =
        MmdbWriter.builder()
            .databaseType("Test-Types")
            .ipVersion(ipVersion)
            .recordSize(recordSize)
            .build();
    writer.insert("192.0.2.0/24", everyType());
    writer.insert("198.51.100.7", Map.of("other", "record"));
    writer.write(file);

    try (Reader reader = new Reader(file.toFile())) {
      @SuppressWarnings("unchecked")
      Map<String, Object> read = reader.get(InetAddress.getByName("192.0.2.200"), Map.class);
      assertThat(read.get("utf8")).isEqualTo("Kyiv – Київ");
      assertThat(read.get("short_string")).isEqualTo("x".repeat(28));
      assertThat(read.get("string_29")).isEqualTo("y".repeat(29));
      assertThat(read.get("string_300")).isEqualTo("z".repeat(300));
      assertThat(read.get("string_70000")).isEqualTo("w".repeat(70_000));
      assertThat(read.get("double")).isEqualTo(3.141592653589793);
      assertThat(read.get("negative_double")).isEqualTo(-0.5);
      assertThat(read.get("float")).isEqualTo(1.5f);
      assertThat(read.get("float32")).isEqualTo(-2.25f);
      assertThat((byte[]) read.get("bytes")).containsExactly(0, 1, 2, 0xFF);
      assertThat((byte[]) read.get("bytes_value")).containsExactly(9);
      assertThat(read.get("uint16")).isEqualTo(65535);
      assertThat(read.get("uint16_zero")).isEqualTo(0);
      assertThat(read.get("uint32")).isEqualTo(4_294_967_295L);
      assertThat(read.get("long_as_uint32")).isEqualTo(123_456L);
      assertThat(read.get("long_as_uint64")).isEqualTo(BigInteger.ONE.shiftLeft(40));
      assertThat(read.get("uint64")).isEqualTo(new BigInteger("18446744073709551615"));
      assertThat(read.get("uint128"))
          .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
      assertThat(read.get("big_integer"))
          .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
      assertThat(read.get("int32")).isEqualTo(-2_147_483_648);
      assertThat(read.get("int32_positive")).isEqualTo(70_000);
      assertThat(read.get("int32_value")).isEqualTo(-1);
      assertThat(read.get("int32_zero")).isEqualTo(0);
      assertThat(read.get("true")).isEqualTo(true);
      assertThat(read.get("false")).isEqualTo(false);
      assertThat(read.get("array")).isEqualTo(List.of("a", 1, List.of(true)));
      assertThat(read.get("long_array")).isEqualTo(IntStream.range(0, 300).boxed().toList());
      assertThat(read.get("empty_array")).isEqualTo(List.of());
      assertThat(read.get("map")).isEqualTo(Map.of("nested", Map.of("deeper", "value")));
      assertThat(read.get("empty_map")).isEqualTo(Map.of());
      assertThat(read.get("wide_map")).isEqualTo(wideMap());

      assertThat(reader.get(InetAddress.getByName("198.51.100.7"), Map.class))
          .isEqualTo(Map.of("other", "record"));
      assertThat(reader.get(InetAddress.getByName("198.51.100.8"), Map.class)).isNull();
      assertThat(reader.getMetadata().recordSize()).isEqualTo(recordSize);
      assertThat(reader.getMetadata().ipVersion()).isEqualTo(ipVersion);
    }
  }

  @Test
  void metadataCarriesTheBuilderSettings() throws IOException {
    Path file = dir.resolve("meta.mmdb");
    Instant built = Instant.parse("2026-01-02T03:04:05Z");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .buildEpoch(built)
        .languages(List.of("en", "de"))
        .description("en", "Test database")
        .description(Map.of("de", "Testdatenbank"))
        .build()
        .insert("10.0.0.0/8", GeoIp2Records.country("DE"))
        .write(file);

    try (Reader reader = new Reader(file.toFile())) {
      Metadata metadata = reader.getMetadata();
      assertThat(metadata.databaseType()).isEqualTo("GeoIP2-Country");
      assertThat(metadata.buildTime()).isEqualTo(built);
      assertThat(metadata.languages()).containsExactly("en", "de");
      assertThat(metadata.description())
          .containsEntry("en", "Test database")
          .containsEntry("de", "Testdatenbank");
      assertThat(metadata.binaryFormatMajorVersion()).isEqualTo(2);
      assertThat(metadata.binaryFormatMinorVersion()).isZero();
      assertThat(metadata.ipVersion()).isEqualTo(6);
      assertThat(metadata.recordSize()).isEqualTo(24);
    }
  }

  @ParameterizedTest(name = "{0} finds the record of 1.2.3.4")
  @ValueSource(strings = {"::ffff:1.2.3.4", "2002:102:304::", "2002:102:304:ffff::1", "::1.2.3.4"})
  void ipv4SubtreeIsAliasedAtMappedAndSixToFourRanges(String alias) throws IOException {
    Path file = dir.resolve("alias.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert("1.2.3.0/24", GeoIp2Records.country("UA"))
        .insert("1.2.4.0/24", GeoIp2Records.country("PL"))
        .insert("2001:db8::/32", GeoIp2Records.country("FR"))
        .write(file);

    try (Reader reader = new Reader(file.toFile())) {
      DatabaseRecord<Map> record = reader.getRecord(ipv6(alias), Map.class);
      assertThat(record.data()).isEqualTo(GeoIp2Records.country("UA"));
      assertThat(reader.get(ipv6("::ffff:1.2.5.1"), Map.class)).isNull();
      assertThat(reader.get(ipv6("2001:db8:1::"), Map.class))
          .isEqualTo(GeoIp2Records.country("FR"));
    }
  }

  /** An Inet6Address even for IPv4-mapped text, which the JDK would otherwise turn into IPv4. */
  static InetAddress ipv6(String text) throws IOException {
    byte[] bytes = IpNetwork.InetAddresses.parse(text);
    if (bytes.length == 4) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      bytes = mapped;
    }
    return Inet6Address.getByAddress(null, bytes, -1);
  }

  @Test
  void ipv4DatabaseHoldsIpv4NetworksAndRejectsIpv6() throws IOException {
    Path file = dir.resolve("v4.mmdb");
    MmdbWriter writer = MmdbWriter.builder().databaseType("GeoLite2-Country").ipVersion(4).build();
    writer
        .insert("0.0.0.0/1", GeoIp2Records.country("US"))
        .insert("128.0.0.0/32", GeoIp2Records.country("CA"));
    writer.write(file);

    assertThatThrownBy(() -> writer.insert("2001:db8::/32", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2001:db8::/32");
    try (Reader reader = new Reader(file.toFile())) {
      assertThat(reader.getMetadata().ipVersion()).isEqualTo(4);
      DatabaseRecord<Map> record =
          reader.getRecord(InetAddress.getByName("127.255.255.255"), Map.class);
      assertThat(record.data()).isEqualTo(GeoIp2Records.country("US"));
      assertThat(record.network().toString()).isEqualTo("0.0.0.0/1");
      assertThat(reader.get(InetAddress.getByName("128.0.0.0"), Map.class))
          .isEqualTo(GeoIp2Records.country("CA"));
      assertThat(reader.get(InetAddress.getByName("128.0.0.1"), Map.class)).isNull();
    }
  }

  @Test
  void laterInsertReplacesCoveredAddressesAndSplitsCoveringNetworks() throws IOException {
    Path file = dir.resolve("overlap.mmdb");
    MmdbWriter.builder()
        .databaseType("Test")
        .build()
        .insert("::/0", Map.of("v", "v6-default"))
        .insert("10.1.0.0/16", Map.of("v", "old-inner"))
        .insert("10.0.0.0/8", Map.of("v", "outer"))
        .insert("10.2.3.0/24", Map.of("v", "inner"))
        .insert("2001:db8::/32", Map.of("v", "v6"))
        .write(file);

    try (Reader reader = new Reader(file.toFile())) {
      assertThat(reader.get(InetAddress.getByName("10.1.0.1"), Map.class))
          .isEqualTo(Map.of("v", "outer"));
      assertThat(reader.get(InetAddress.getByName("10.2.3.4"), Map.class))
          .isEqualTo(Map.of("v", "inner"));
      assertThat(reader.get(InetAddress.getByName("10.2.4.4"), Map.class))
          .isEqualTo(Map.of("v", "outer"));
      DatabaseRecord<Map> inner = reader.getRecord(InetAddress.getByName("10.2.3.4"), Map.class);
      assertThat(inner.network().toString()).isEqualTo("10.2.3.0/24");
      assertThat(reader.get(InetAddress.getByName("2001:db8::1"), Map.class))
          .isEqualTo(Map.of("v", "v6"));
      assertThat(reader.get(InetAddress.getByName("2a00::1"), Map.class))
          .isEqualTo(Map.of("v", "v6-default"));
      // ::/0 covered the IPv4 space too; mapped addresses follow the IPv4 data.
      assertThat(reader.get(InetAddress.getByName("11.0.0.1"), Map.class))
          .isEqualTo(Map.of("v", "v6-default"));
      assertThat(reader.get(ipv6("::ffff:10.2.3.4"), Map.class)).isEqualTo(Map.of("v", "inner"));
    }
  }

  @Test
  void identicalRecordsAreStoredOnce() throws IOException {
    MmdbWriter writer = MmdbWriter.builder().databaseType("Test").build();
    for (int i = 0; i < 4096; i++) {
      writer.insert(
          "10." + (i >> 8) + "." + (i & 0xFF) + ".0/24",
          new LinkedHashMap<>(GeoIp2Records.city("UA", "UA-43")));
    }
    ByteArrayOutputStream once = new ByteArrayOutputStream();
    writer.write(once);

    assertThat(writer.networkCount()).isEqualTo(4096);
    assertThat(writer.distinctRecordCount()).isEqualTo(1);
    // 4096 networks cost their tree nodes (6 bytes each at 24 bits) plus one record of < 100 bytes.
    assertThat(once.size()).isLessThan(5000 * 6 + 16 + 100 + 200);
  }

  @Test
  void repeatedValuesAcrossALargeDataSectionUseEveryPointerSize() throws IOException {
    Path file = dir.resolve("pointers.mmdb");
    MmdbWriter writer = MmdbWriter.builder().databaseType("Test").build();
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("unique", "record number " + i + " with some padding to grow the section");
      record.put("group", Map.of("name", "group " + (i / 50) + " shared by fifty records"));
      records.add(record);
      writer.insert(
          IpNetwork.of(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 0}), 24),
          record);
    }
    writer.write(file);

    assertThat(Files.size(file)).isGreaterThan(600_000);
    try (Reader reader = new Reader(file.toFile())) {
      for (int i = 0; i < 20_000; i += 7) {
        InetAddress address =
            InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 1});
        assertThat(reader.get(address, Map.class)).isEqualTo(records.get(i));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2002::/16", "2002:abcd::/32"})
  void insertIntoSixToFourAliasIsRejected(String network) {
    MmdbWriter writer = MmdbWriter.builder().databaseType("Test").build();
    assertThatThrownBy(() -> writer.insert(network, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(network)
        .hasMessageContaining("insert the IPv4 network");
  }

  @Test
  void ipv4MappedNetworkIsInsertedAsIpv4() throws IOException {
    Path file = dir.resolve("mapped.mmdb");
    MmdbWriter.builder()
        .databaseType("Test")
        .ipVersion(4)
        .build()
        .insert("::ffff:192.0.2.0/120", Map.of("v", 1))
        .write(file);
    try (Reader reader = new Reader(file.toFile())) {
      assertThat(reader.get(InetAddress.getByName("192.0.2.9"), Map.class))
          .isEqualTo(Map.of("v", 1));
    }
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(Map.of("a", -1L), "Negative Long -1 at 'a'"),
        Arguments.of(
            Map.of("a", Map.of("b", new Object())),
            "Unsupported value type java.lang.Object at 'a.b'"),
        Arguments.of(Map.of("a", List.of(BigInteger.ONE.negate())), "BigInteger -1 at 'a[0]'"),
        Arguments.of(Map.of("a", Map.of(1, "x")), "Map key 1 at 'a' is not a String"),
        Arguments.of(
            new LinkedHashMap<>(java.util.Collections.singletonMap("a", null)),
            "Null value at 'a'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void unsupportedValuesAreRejectedWithTheirPath(Map<String, ?> record, String message) {
    MmdbWriter writer = MmdbWriter.builder().databaseType("Test").build();
    assertThatThrownBy(() -> writer.insert("10.0.0.0/8", record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void builderValidatesEachSetting() {
    assertThatThrownBy(() -> MmdbWriter.builder().ipVersion(5))
        .hasMessageContaining("IP version 5");
    assertThatThrownBy(() -> MmdbWriter.builder().recordSize(30))
        .hasMessageContaining("Record size 30");
    assertThatThrownBy(() -> MmdbWriter.builder().databaseType(" ")).hasMessageContaining("blank");
    assertThatThrownBy(() -> MmdbWriter.builder().buildEpoch(Instant.ofEpochSecond(-1)))
        .hasMessageContaining("1969");
    assertThatThrownBy(() -> MmdbWriter.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No database type");
  }

  @Test
  void typedValueFactoriesCheckTheirRange() {
    assertThatThrownBy(() -> MmdbValue.uint16(65536)).hasMessageContaining("uint16 value 65536");
    assertThatThrownBy(() -> MmdbValue.uint32(-1)).hasMessageContaining("uint32 value -1");
    assertThatThrownBy(() -> MmdbValue.uint64(BigInteger.ONE.shiftLeft(64)))
        .hasMessageContaining("uint64 value 18446744073709551616");
    assertThatThrownBy(() -> MmdbValue.uint128(BigInteger.ONE.negate()))
        .hasMessageContaining("uint128 value -1");
  }

  @Test
  void emptyDatabaseFindsNothing() throws IOException {
    Path file = dir.resolve("empty.mmdb");
    MmdbWriter.builder().databaseType("Test").build().write(file);
    try (Reader reader = new Reader(file.toFile())) {
      assertThat(reader.get(InetAddress.getByName("1.2.3.4"), Map.class)).isNull();
      assertThat(reader.get(ipv6("::ffff:1.2.3.4"), Map.class)).isNull();
      assertThat(reader.get(InetAddress.getByName("2001:db8::1"), Map.class)).isNull();
    }
  }
}
