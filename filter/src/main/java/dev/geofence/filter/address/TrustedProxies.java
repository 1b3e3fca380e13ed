package dev.geofence.filter.address;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The networks whose forwarding headers are believed: a set of {@link Cidr}s, IPv4 and IPv6.
 *
 * <p>The networks are merged at construction into sorted, disjoint ranges of the 128-bit address
 * space (IPv4 as IPv4-mapped IPv6), so {@link #contains} is a binary search over primitive arrays:
 * O(log n) and no allocation, however many CDN ranges are listed.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustedProxies {

  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Cidr> cidrs;
  // Range i is [start, end], each 128-bit value split into high and low longs, compared unsigned.
  private final long[] startHigh;
  private final long[] startLow;
  private final long[] endHigh;
  private final long[] endLow;

  private TrustedProxies(List<Cidr> cidrs) {
    this.cidrs = cidrs;
    Cidr[] sorted = cidrs.toArray(new Cidr[0]);
    // By first address, and the wider network first where two start together, so that it absorbs
    // the other.
    Comparator<Cidr> byStart =
        (a, b) -> compare(a.firstHigh(), a.firstLow(), b.firstHigh(), b.firstLow());
    Arrays.sort(sorted, byStart.thenComparingInt(Cidr::prefixLength128));
    long[] sh = new long[sorted.length];
    long[] sl = new long[sorted.length];
    long[] eh = new long[sorted.length];
    long[] el = new long[sorted.length];
    int n = 0;
    for (Cidr c : sorted) {
      // CIDR ranges are either nested or disjoint: a range starting inside the previous one is
      // inside it.
      if (n > 0 && compare(c.firstHigh(), c.firstLow(), eh[n - 1], el[n - 1]) <= 0) {
        continue;
      }
      sh[n] = c.firstHigh();
      sl[n] = c.firstLow();
      eh[n] = c.lastHigh();
      el[n] = c.lastLow();
      n++;
    }
    this.startHigh = Arrays.copyOf(sh, n);
    this.startLow = Arrays.copyOf(sl, n);
    this.endHigh = Arrays.copyOf(eh, n);
    this.endLow = Arrays.copyOf(el, n);
  }

  /** Trusts no proxy: every caller is the TCP peer. This is the default. */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * @param cidrs the trusted networks, none null
   * @return a set trusting exactly these networks
   */
  public static TrustedProxies of(Cidr... cidrs) {
    return of(Arrays.asList(Objects.requireNonNull(cidrs, "cidrs")));
  }

  /**
   * @param cidrs the trusted networks, none null
   * @return a set trusting exactly these networks
   */
  public static TrustedProxies of(Collection<Cidr> cidrs) {
    List<Cidr> copy = List.copyOf(Objects.requireNonNull(cidrs, "cidrs"));
    return copy.isEmpty() ? NONE : new TrustedProxies(copy);
  }

  /**
   * Parses a list of networks separated by commas and/or white space, as written in configuration:
   * {@code "10.0.0.0/8, 192.168.0.0/16 ::1"}. A blank list trusts no proxy.
   *
   * @param list the networks, not null
   * @return a set trusting exactly these networks
   * @throws IllegalArgumentException naming the first entry that is not CIDR notation
   */
  public static TrustedProxies parse(String list) {
    Objects.requireNonNull(list, "list");
    List<Cidr> cidrs = new ArrayList<>();
    int i = 0;
    int n = list.length();
    while (i < n) {
      while (i < n && isSeparator(list.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSeparator(list.charAt(i))) {
        i++;
      }
      if (i > start) {
        cidrs.add(Cidr.parse(list.substring(start, i)));
      }
    }
    return of(cidrs);
  }

  private static boolean isSeparator(char c) {
    return c == ',' || Character.isWhitespace(c);
  }

  /**
   * @param address the address to test, not null
   * @return whether {@code address} is in one of the trusted networks (IPv4 and its IPv4-mapped
   *     IPv6 form are the same address)
   */
  public boolean contains(InetAddress address) {
    Objects.requireNonNull(address, "address");
    byte[] b = address.getAddress();
    return contains(IpAddresses.high(b), IpAddresses.low(b));
  }

  /** Allocation-free check of a 128-bit address (IPv4 as IPv4-mapped IPv6). */
  boolean contains(long hi, long lo) {
    // Find the last range whose start is <= the address, then check the address is <= its end.
    int low = 0;
    int high = startHigh.length - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (compare(startHigh[mid], startLow[mid], hi, lo) <= 0) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found >= 0 && compare(hi, lo, endHigh[found], endLow[found]) <= 0;
  }

  private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
    int c = Long.compareUnsigned(aHigh, bHigh);
    return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
  }

  /** The networks as given, in the order given. */
  public List<Cidr> cidrs() {
    return cidrs;
  }

  /** True if no proxy is trusted. */
  public boolean isEmpty() {
    return cidrs.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustedProxies other && cidrs.equals(other.cidrs);
  }

  @Override
  public int hashCode() {
    return cidrs.hashCode();
  }

  /** The networks, comma-separated, in a form {@link #parse} reads back. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Cidr c : cidrs) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(c);
    }
    return out.toString();
  }
}
