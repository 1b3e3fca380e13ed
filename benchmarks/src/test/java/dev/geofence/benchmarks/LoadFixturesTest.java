package dev.geofence.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.geoip2.DatabaseReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadFixturesTest {

  @TempDir Path dir;

  @Test
  void writesDatabaseDistinctCallersInsideItAndABodyOfTheSize() throws Exception {
    LoadFixtures.main(new String[] {dir.toString(), "300", "900", "1KB"});

    List<String> callers = Files.readAllLines(dir.resolve("callers-900.txt"));
    assertThat(callers).hasSize(900).doesNotHaveDuplicates();
    try (DatabaseReader reader =
        new DatabaseReader.Builder(dir.resolve("country-300.mmdb").toFile()).build()) {
      for (String caller : callers) {
        assertThat(reader.tryCountry(InetAddress.getByName(caller))).as(caller).isPresent();
      }
    }
    assertThat(Files.size(dir.resolve("body-1KB.json"))).isEqualTo(1024);
  }

  @Test
  void keepsFilesThatExist() throws Exception {
    Files.writeString(dir.resolve("callers-900.txt"), "kept");

    LoadFixtures.main(new String[] {dir.toString(), "300", "900"});

    assertThat(dir.resolve("callers-900.txt")).hasContent("kept");
  }

  @Test
  void refusesTooManyArguments() {
    assertThatThrownBy(() -> LoadFixtures.main(new String[] {"a", "1", "2", "3", "4"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 5 arguments");
  }
}
