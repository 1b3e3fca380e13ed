package dev.geofence.filter.internal.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lettuce, Bucket4j's Redis support and Netty are optional dependencies: an application with the
 * default local store leaves them out. Here the store is loaded by a class loader that has the
 * filter and its required dependencies but not those, as such an application's class path would.
 */
class WithoutRedisLibrariesTest {

  /** The jars an application without a Redis store does not have. */
  private static final Pattern REDIS_LIBRARIES =
      Pattern.compile("lettuce|bucket4j[^" + Pattern.quote(File.separator) + "]*-redis|netty");

  private URLClassLoader loader;

  @BeforeEach
  void loadTheFilterWithoutRedisLibraries() throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (!REDIS_LIBRARIES.matcher(name).find()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  @AfterEach
  void close() throws Exception {
    loader.close();
  }

  @Test
  void theLoaderHasTheFilterButNotLettuce() {
    assertThat(canLoad("dev.geofence.filter.internal.usage.UsageStore")).isTrue();
    assertThat(canLoad("io.github.bucket4j.Bucket")).isTrue();
    assertThat(canLoad("io.lettuce.core.RedisClient")).isFalse();
    assertThat(canLoad("io.github.bucket4j.redis.lettuce.Bucket4jLettuce")).isFalse();
    assertThat(canLoad("io.netty.channel.Channel")).isFalse();
  }

  @Test
  void aLocalStoreCountsWithoutThem() throws Exception {
    Object store = build("local");
    try {
      Object verdict =
          loader
              .loadClass("dev.geofence.filter.internal.usage.UsageStore")
              .getMethod("consume", String.class, int.class, Duration.class)
              .invoke(store, "key", 1, Duration.ofMinutes(1));
      assertThat(verdict.getClass().getMethod("allowed").invoke(verdict)).isEqualTo(true);
      assertThat(verdict.getClass().getMethod("counted").invoke(verdict)).hasToString("LOCAL");
    } finally {
      ((AutoCloseable) store).close();
    }
  }

  @Test
  void aRedisStoreIsRefusedNamingTheSettingAndTheLibrariesToAdd() {
    assertThatThrownBy(() -> build("redis://127.0.0.1:6379"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "usage-store: a redis:// store needs io.lettuce:lettuce-core on the class path; add"
                + " io.lettuce:lettuce-core and com.bucket4j:bucket4j_jdk17-lettuce to the"
                + " application's dependencies");
  }

  /** {@code UsageStore.builder().store(store).build()}, as loaded without the Redis libraries. */
  private Object build(String store) throws Exception {
    Class<?> type = loader.loadClass("dev.geofence.filter.internal.usage.UsageStore");
    Method builder = type.getDeclaredMethod("builder");
    builder.setAccessible(true);
    Object b = builder.invoke(null);
    try {
      Object withStore = b.getClass().getMethod("store", String.class).invoke(b, store);
      return b.getClass().getMethod("build").invoke(withStore);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  private boolean canLoad(String name) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
