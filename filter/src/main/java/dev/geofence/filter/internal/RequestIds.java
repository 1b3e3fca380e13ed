package dev.geofence.filter.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates request ids: a random per-instance prefix and a counter, e.g. {@code 7f3e9a2c1b04-2a}.
 * Unique within a process and, with 48 random bits, across restarts in practice; cheaper than a
 * random UUID per request, which would take the secure random on the request thread. Thread-safe.
 */
public final class RequestIds {
  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  public RequestIds() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.prefix = HexFormat.of().formatHex(random) + "-";
  }

  public String next() {
    return prefix + Long.toHexString(counter.incrementAndGet());
  }
}
