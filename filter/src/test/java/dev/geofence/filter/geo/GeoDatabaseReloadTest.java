package dev.geofence.filter.geo;

import static dev.geofence.filter.geo.TestDatabases.replaceByRename;
import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Await;
import dev.geofence.filter.geo.GeoDatabaseException.Reason;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading while lookups run, through the file watcher and explicit reloads. */
class GeoDatabaseReloadTest {

  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;

  private static Optional<String> countryOf(GeoDatabase geo, String address) throws Exception {
    return geo.lookup(InetAddress.getByName(address)).country();
  }

  @Test
  void reloadsUnderConcurrentLookupsWithNoFailedLookup() throws Exception {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    String[] countries = {"PL", "CZ", "AT", "FR", "IT", "ES"};
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong lookups = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    ConcurrentHashMap.KeySetView<String, Boolean> seen = ConcurrentHashMap.newKeySet();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    // A small cache so most lookups reach the readers being swapped, and no grace period so
    // replaced readers are closed while lookups may still be on them.
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(db)
            .cacheSize(8)
            .noMaxAge()
            .closeGrace(Duration.ZERO)
            .build()) {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        workers.add(
            threads.submit(
                () -> {
                  int i = 0;
                  while (running.get()) {
                    String address =
                        (i % 2 == 0 ? "192.0.2." : "2001:db8::") + (thread * 50 + i++ % 50);
                    GeoResult result = geo.lookup(InetAddress.getByName(address));
                    lookups.incrementAndGet();
                    if (!result.found() || result.country().isEmpty()) {
                      failures.incrementAndGet();
                    } else {
                      seen.add(result.country().get());
                    }
                  }
                  return null;
                }));
      }
      for (String country : countries) {
        replaceByRename(db, country);
        geo.reload();
        Await.until("lookups on " + country, () -> seen.contains(country));
      }
      running.set(false);
      for (Future<?> worker : workers) {
        worker.get();
      }
      assertThat(failures.get()).as("failed lookups out of %d", lookups.get()).isZero();
      assertThat(countryOf(geo, "192.0.2.1")).contains("ES");
      assertThat(countryOf(geo, "2001:db8::1")).contains("ES");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void watcherPicksUpARenameOver() throws Exception {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = GeoDatabase.builder().database(db).watch(POLL).noMaxAge().build()) {
      assertThat(countryOf(geo, "192.0.2.1")).contains("DE");
      replaceByRename(db, "PL");
      Await.until("reload to PL", () -> "PL".equals(country(geo)));
      assertThat(geo.lastReloadError()).isEmpty();
    }
  }

  private static String country(GeoDatabase geo) {
    try {
      return countryOf(geo, "192.0.2.1").orElse("");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void watcherPicksUpAConfigMapSymlinkSwap() throws Exception {
    Path first = Files.createDirectory(dir.resolve("..2026_01_01"));
    TestDatabases.country(first.resolve("country.mmdb"), "DE");
    Path data = Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path db =
        Files.createSymbolicLink(dir.resolve("country.mmdb"), Path.of("..data", "country.mmdb"));
    try (GeoDatabase geo = GeoDatabase.builder().database(db).watch(POLL).noMaxAge().build()) {
      assertThat(country(geo)).isEqualTo("DE");
      Path second = Files.createDirectory(dir.resolve("..2026_01_02"));
      TestDatabases.country(second.resolve("country.mmdb"), "UA");
      Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
      Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      Await.until("reload to UA", () -> "UA".equals(country(geo)));
      assertThat(geo.info().orElseThrow().path()).isEqualTo(db);
    }
  }

  @Test
  void watcherRejectsABadFileAndKeepsServingTheOldOne() throws Exception {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = GeoDatabase.builder().database(db).watch(POLL).noMaxAge().build()) {
      Path temp = Files.write(dir.resolve("bad.tmp"), "truncated download".getBytes());
      Files.move(temp, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      Await.until("the reload error", () -> geo.lastReloadError().isPresent());
      assertThat(geo.lastReloadError().get().reason()).isEqualTo(Reason.CORRUPT);
      assertThat(country(geo)).isEqualTo("DE");

      replaceByRename(db, "FR");
      Await.until("reload to FR", () -> "FR".equals(country(geo)));
      assertThat(geo.lastReloadError()).isEmpty();
    }
  }

  @Test
  void watcherKeepsServingWhenTheFileDisappears() throws Exception {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    try (GeoDatabase geo = GeoDatabase.builder().database(db).watch(POLL).noMaxAge().build()) {
      Files.delete(db);
      Await.until("the reload error", () -> geo.lastReloadError().isPresent());
      assertThat(geo.lastReloadError().get().reason()).isEqualTo(Reason.MISSING);
      assertThat(country(geo)).isEqualTo("DE");
    }
  }

  @Test
  void watcherLoadsADatabaseThatWasMissingAtStart() throws Exception {
    Path db = dir.resolve("country.mmdb");
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(db)
            .watch(POLL)
            .noMaxAge()
            .missingDatabase(GeoDatabase.MissingDatabase.UNKNOWN)
            .build()) {
      assertThat(geo.lookup(InetAddress.getByName("192.0.2.1"))).isEqualTo(GeoResult.unavailable());
      replaceByRename(db, "SE");
      Await.until("the database to appear", () -> "SE".equals(country(geo)));
    }
  }

  @Test
  void watcherReloadsTheAnonymousDatabase() throws Exception {
    Path db = TestDatabases.country(dir.resolve("country.mmdb"), "DE");
    Path anonymous = TestDatabases.write(dir.resolve("anon.mmdb"), "GeoIP2-Anonymous-IP");
    try (GeoDatabase geo =
        GeoDatabase.builder()
            .database(db)
            .anonymousDatabase(anonymous)
            .watch(POLL)
            .noMaxAge()
            .build()) {
      InetAddress address = InetAddress.getByName("192.0.2.1");
      assertThat(geo.lookup(address).anonymizer()).isEmpty();
      Path temp =
          TestDatabases.write(
              dir.resolve("anon.tmp"),
              "GeoIP2-Anonymous-IP",
              "192.0.2.0/24",
              dev.geofence.mmdb.GeoIp2Records.anonymousIp(
                  dev.geofence.mmdb.GeoIp2Records.AnonymousFlag.PUBLIC_PROXY));
      Files.move(
          temp, anonymous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      Await.until("the proxy flag", () -> geo.lookup(address).is(AnonymizerFlag.PUBLIC_PROXY));
      assertThat(geo.lookup(address).country()).contains("DE");
    }
  }
}
