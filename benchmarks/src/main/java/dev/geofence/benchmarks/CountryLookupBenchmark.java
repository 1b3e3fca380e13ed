package dev.geofence.benchmarks;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CountryResponse;
import dev.geofence.filter.geo.GeoCacheStats;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.filter.geo.GeoResult;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country lookups on a database of realistic size (default 500,000 networks, see {@link
 * SyntheticCountryDatabase}), each operation a different caller drawn from a million:
 *
 * <ul>
 *   <li>{@code maxmindReader}: MaxMind's {@code DatabaseReader.tryCountry}, no cache, in memory;
 *   <li>{@code maxmindReaderChmCache}: the same with MaxMind's {@code CHMCache} of decoded records;
 *   <li>{@code geoDatabaseUncached}: {@link GeoDatabase} with its address cache off;
 *   <li>{@code geoDatabaseCacheMiss}: {@link GeoDatabase} whose cache holds 1/16 of the callers, so
 *       nearly every lookup misses and pays the insert and an eviction;
 *   <li>{@code geoDatabaseCacheHit}: {@link GeoDatabase} cycling over 1,024 callers, all cached.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class CountryLookupBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(CountryLookupBenchmark.class);
  private static final int CALLERS = 1 << 20;
  private static final int HOT_CALLERS = 1 << 10;

  @Param("500000")
  public int networks;

  private InetAddress[] callers;
  private InetAddress[] hotCallers;
  private DatabaseReader maxmind;
  private DatabaseReader maxmindChm;
  private GeoDatabase uncached;
  private GeoDatabase missing;
  private GeoDatabase hitting;

  /** Where each benchmark thread is in the caller list. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void open() throws IOException {
    CountryData data = CountryData.of(networks);
    callers = data.addresses(CALLERS);
    hotCallers = Arrays.copyOf(callers, Math.min(HOT_CALLERS, callers.length));
    maxmind =
        new DatabaseReader.Builder(data.database.toFile()).fileMode(Reader.FileMode.MEMORY).build();
    maxmindChm =
        new DatabaseReader.Builder(data.database.toFile())
            .fileMode(Reader.FileMode.MEMORY)
            .withCache(new CHMCache())
            .build();
    uncached = GeoDatabase.builder().database(data.database).noMaxAge().cacheSize(0).build();
    missing =
        GeoDatabase.builder()
            .database(data.database)
            .noMaxAge()
            .cacheSize(callers.length / 16)
            .build();
    hitting = GeoDatabase.builder().database(data.database).noMaxAge().cacheSize(100_000).build();
    for (InetAddress caller : hotCallers) {
      hitting.lookup(caller);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    report("cache-miss", missing.cacheStats());
    report("cache-hit", hitting.cacheStats());
    maxmind.close();
    maxmindChm.close();
    uncached.close();
    missing.close();
    hitting.close();
  }

  private static void report(String name, GeoCacheStats stats) {
    LOG.info(
        "{}: {} lookups, hit rate {}%, {} cached",
        name, stats.hits() + stats.misses(), Math.round(stats.hitRate() * 100), stats.size());
  }

  @Benchmark
  public Optional<CountryResponse> maxmindReader(Cursor cursor)
      throws IOException, GeoIp2Exception {
    return maxmind.tryCountry(callers[cursor.next++ & (callers.length - 1)]);
  }

  @Benchmark
  public Optional<CountryResponse> maxmindReaderChmCache(Cursor cursor)
      throws IOException, GeoIp2Exception {
    return maxmindChm.tryCountry(callers[cursor.next++ & (callers.length - 1)]);
  }

  @Benchmark
  public GeoResult geoDatabaseUncached(Cursor cursor) {
    return uncached.lookup(callers[cursor.next++ & (callers.length - 1)]);
  }

  @Benchmark
  public GeoResult geoDatabaseCacheMiss(Cursor cursor) {
    return missing.lookup(callers[cursor.next++ & (callers.length - 1)]);
  }

  @Benchmark
  public GeoResult geoDatabaseCacheHit(Cursor cursor) {
    return hitting.lookup(hotCallers[cursor.next++ & (hotCallers.length - 1)]);
  }

  /** For tests: the databases answer every benchmark caller. */
  GeoResult lookupForTest(int i) {
    return uncached.lookup(callers[i]);
  }
}
