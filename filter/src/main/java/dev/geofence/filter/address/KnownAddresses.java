package dev.geofence.filter.address;

import java.net.InetAddress;

/**
 * Address literals already parsed, by their text, so that a repeated caller or proxy costs a hash
 * and a compare: no parse, no trust look-up and no allocation. A hit returns the same {@link
 * InetAddress} and {@link ClientAddress} objects every time, which also lets the caches behind the
 * resolver (the country look-up, the decisions) find them by identity.
 *
 * <p>Two-way set-associative and bounded: each text hashes to a pair of slots and a new text takes
 * an empty one or overwrites one of them, so two texts that share a pair do not evict each other, a
 * caller that sends ever new addresses costs a parse each, as without the cache, and memory stays
 * at the slot count. Only texts that parsed as addresses are kept.
 *
 * <p>Why not Caffeine: its keys are objects, and making one from a substring of a header is the
 * allocation this avoids. Caffeine still bounds the country look-ups behind it.
 *
 * <p>Thread-safe without locks: entries are immutable but for {@link Known#viaHeader}, a {@code
 * volatile} memo of an immutable value; slots are single reference writes, so a reader sees a whole
 * entry or an older one, and a lost update only costs a miss.
 */
final class KnownAddresses {

  /** One parsed literal. */
  static final class Known {
    final String text;
    final int flags;
    final long hi;
    final long lo;
    final boolean trusted;
    final InetAddress address;
    final ClientAddress asPeer;
    private volatile ClientAddress viaHeader;

    Known(String text, int flags, long hi, long lo, boolean trusted) {
      this.text = text;
      this.flags = flags;
      this.hi = hi;
      this.lo = lo;
      this.trusted = trusted;
      this.address = IpAddresses.toInetAddress(hi, lo);
      this.asPeer = ClientAddress.fromPeer(address);
    }

    /** This address named in {@code header} by the trusted proxy {@code peer}; reused per peer. */
    ClientAddress viaHeader(String header, Known peer) {
      ClientAddress last = viaHeader;
      if (last != null && last.peer().orElseThrow() == peer.address) {
        return last;
      }
      ClientAddress made = ClientAddress.fromHeader(address, header, peer.address);
      viaHeader = made;
      return made;
    }
  }

  private final Known[] slots;
  private final int mask;

  /**
   * @param size the number of slots, rounded up to a power of two; at least 1
   */
  KnownAddresses(int size) {
    int n = Integer.highestOneBit(Math.max(2, size - 1)) << 1;
    this.slots = new Known[Math.min(n, 1 << 20)];
    this.mask = slots.length - 1;
  }

  /** The entry for {@code text[from, to)} parsed with {@code flags}, or null. */
  Known get(String text, int from, int to, int flags) {
    int i = index(text, from, to);
    Known known = slots[i];
    if (matches(known, text, from, to, flags)) {
      return known;
    }
    known = slots[i ^ 1];
    return matches(known, text, from, to, flags) ? known : null;
  }

  private static boolean matches(Known known, String text, int from, int to, int flags) {
    return known != null
        && known.flags == flags
        && known.text.length() == to - from
        && known.text.regionMatches(0, text, from, to - from);
  }

  void put(Known known) {
    int i = index(known.text, 0, known.text.length());
    // The first slot of the pair if it is free, else the second; when both are taken, the one
    // the text's hash picks, so that no slot of a busy pair is favoured.
    int slot =
        slots[i] == null ? i : slots[i ^ 1] == null ? i ^ 1 : i ^ (known.text.hashCode() & 1);
    slots[slot] = known;
  }

  private int index(String text, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + text.charAt(i);
    }
    return (h ^ (h >>> 16)) & mask;
  }
}
