package dev.geofence.mmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.record.Subdivision;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RangeCsvTest {

  @TempDir Path dir;

  @Test
  void importsRangesWithHeaderQuotesCommentsAndSubdivisions() throws Exception {
    Path csv = dir.resolve("ranges.csv");
    Files.writeString(
        csv,
        """
        start,end,country,subdivision
        # comment
        1.0.0.0,1.0.0.255,AU

        "1.0.1.1","1.0.1.6","cn"
        2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,UA,UA-43
        """);
    MmdbWriter writer = MmdbWriter.builder().databaseType("GeoIP2-City").build();

    int imported = RangeCsv.importInto(writer, csv, RangeCsv.geoIp2());
    Path db = dir.resolve("ranges.mmdb");
    writer.write(db);

    assertThat(imported).isEqualTo(3);
    try (DatabaseReader reader = new DatabaseReader.Builder(db.toFile()).build()) {
      assertThat(
              reader.tryCity(InetAddress.getByName("1.0.0.77")).orElseThrow().country().isoCode())
          .isEqualTo("AU");
      assertThat(reader.tryCity(InetAddress.getByName("1.0.1.0"))).isEmpty();
      assertThat(reader.tryCity(InetAddress.getByName("1.0.1.1")).orElseThrow().country().isoCode())
          .isEqualTo("CN");
      assertThat(reader.tryCity(InetAddress.getByName("1.0.1.6")).orElseThrow().country().isoCode())
          .isEqualTo("CN");
      assertThat(reader.tryCity(InetAddress.getByName("1.0.1.7"))).isEmpty();
      CityResponse ua = reader.tryCity(InetAddress.getByName("2001:db8:0:1234::1")).orElseThrow();
      assertThat(ua.subdivisions()).map(Subdivision::isoCode).containsExactly("43");
      assertThat(reader.tryCity(InetAddress.getByName("2001:db8:1::"))).isEmpty();
    }
  }

  @Test
  @SuppressWarnings("unchecked") // the reader decodes into a raw Map
  void flatFactoryWritesTheCodeAtItsPath() throws IOException {
    MmdbWriter writer = MmdbWriter.builder().databaseType("DB-IP-flat").build();
    RangeCsv.importInto(
        writer,
        new StringReader("10.0.0.0,10.0.0.9,DE,DE-BY\n"),
        "inline",
        RangeCsv.flat("country_code"));
    Path db = dir.resolve("flat.mmdb");
    writer.write(db);
    try (Reader reader = new Reader(db.toFile())) {
      assertThat(reader.get(InetAddress.getByName("10.0.0.9"), Map.class))
          .isEqualTo(Map.of("country_code", "DE"));
    }
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0.0.0;1.0.0.255 | ranges.csv:2: expected 3 or 4 fields",
        "1.0.0.9;1.0.0.8;DE | ranges.csv:2: Range start 1.0.0.9 is after its end 1.0.0.8",
        "1.0.0.0;1.0.0.8;Germany | ranges.csv:2: Country code 'Germany'",
        "1.0.0.0;nowhere;DE | ranges.csv:2: 'nowhere' is not an IP address literal",
        "1.0.0.0;1.0.0.8;DE;PL-1 | ranges.csv:2: Subdivision 'PL-1'",
      })
  void malformedLinesNameTheSourceAndLine(String line, String message) {
    String text = "1.2.3.4,1.2.3.4,US\n" + line.replace(';', ',') + "\n";
    MmdbWriter writer = MmdbWriter.builder().databaseType("GeoIP2-City").build();
    assertThatThrownBy(
            () ->
                RangeCsv.importInto(
                    writer, new StringReader(text), "ranges.csv", RangeCsv.geoIp2()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
