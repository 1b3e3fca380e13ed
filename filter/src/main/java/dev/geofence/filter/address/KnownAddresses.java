package dev.geofence.filter.address;

import dev.geofence.filter.internal.cache.FourWayTable;
import java.net.InetAddress;

/**
 * Address literals already parsed, by their text, so that a repeated caller or proxy costs a hash
 * and a compare: no parse, no trust look-up and no allocation. A hit returns the same {@link
 * InetAddress} and {@link ClientAddress} objects every time, which also lets the caches behind the
 * resolver (the country look-up, the decisions) find them by identity.
 *
 * <p>Four-way set-associative with two choices of set, and bounded ({@link FourWayTable}): each
 * text hashes to two sets of four slots and a new text takes an empty one or overwrites a random
 * one of them, so texts that share a set do not evict each other until both of their sets are full,
 * a caller that sends ever new addresses costs a parse each, as without the cache, and memory stays
 * at the slot count. Only texts that parsed as addresses are kept. (With two ways, a table a third
 * full lost one entry in twenty to collisions; each loss is a parse, and new entries that live on
 * in the heap make every young collection copy them until they are old.)
 *
 * <p>A text is compared by its last 24 characters packed into three {@code long}s (an IPv4 literal,
 * with a port, fits whole), held in the entry itself: a look-up reads the slot and the entry, not
 * the entry's string and its array, which for a caller not seen lately are each a cache miss.
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
    // text's last 24 characters, 8 to a long (see pack); the rest, if any, only in text.
    final long k0;
    final long k1;
    final long k2;
    final long hi;
    final long lo;
    final boolean trusted;
    final InetAddress address;
    final ClientAddress asPeer;
    private volatile Via viaHeader;

    Known(String text, int flags, long hi, long lo, boolean trusted) {
      this.text = text;
      this.flags = flags;
      this.k0 = pack(text, 0);
      this.k1 = pack(text, 1);
      this.k2 = pack(text, 2);
      this.hi = hi;
      this.lo = lo;
      this.trusted = trusted;
      this.address = IpAddresses.toInetAddress(hi, lo);
      this.asPeer = ClientAddress.fromPeer(address);
    }

    /** This address named in {@code header} by the trusted proxy {@code peer}; reused per peer. */
    ClientAddress viaHeader(String header, Known peer) {
      Via last = viaHeader;
      if (last != null && last.peer == peer) {
        return last.caller;
      }
      ClientAddress made = ClientAddress.fromHeader(address, header, peer.address);
      viaHeader = new Via(peer, made);
      return made;
    }
  }

  /**
   * The memo of {@link Known#viaHeader}: the peer beside the answer, so that the check reads one
   * object rather than the answer and its {@code Optional}.
   */
  private record Via(Known peer, ClientAddress caller) {}

  /** How many leading characters the packed key holds. */
  private static final int PACKED = 24;

  private final FourWayTable<Known> table; // by the text's String.hashCode

  /**
   * @param size the number of slots, rounded up to a power of two; at least 1 (a table has at least
   *     two sets)
   */
  KnownAddresses(int size) {
    this.table = new FourWayTable<>(size);
  }

  /** The entry for {@code text[from, to)} parsed with {@code flags}, or null. */
  Known get(String text, int from, int to, int flags) {
    // One pass makes both the packed key and the hash put uses (text's String.hashCode).
    long k0 = 0;
    long k1 = 0;
    long k2 = 0;
    int h = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        return null; // no address literal has one
      }
      h = 31 * h + c;
      int d = to - 1 - i;
      if (d < 8) {
        k0 |= (long) c << (d << 3);
      } else if (d < 16) {
        k1 |= (long) c << ((d - 8) << 3);
      } else if (d < PACKED) {
        k2 |= (long) c << ((d - 16) << 3);
      }
    }
    return find(h, k0, k1, k2, text, from, to, flags);
  }

  /**
   * The entry for the {@code X-Forwarded-For} entry that ends at {@code end} in {@code line}: the
   * text after the nearest comma to its left (or from the line's start), spaces trimmed, found in
   * one backward pass that reads only that entry. Null unless it is known and the entry, with its
   * spaces, has at most {@code budget} characters; the caller then reads the entry the full way
   * ({@link HeaderSyntax#listEntry}), which finds the same entry, or says why there is none.
   */
  Known listEntry(String line, int end, int budget, int flags) {
    int floor = Math.max(0, end - budget);
    int to = IpAddresses.skipSpaceBackward(line, floor, end);
    // Backward, String.hashCode is the sum of each character times 31 to the power of its
    // distance from the end; the packed key is indexed by that distance too.
    long k0 = 0;
    long k1 = 0;
    long k2 = 0;
    int h = 0;
    int power = 1;
    int from = to;
    while (from > floor) {
      char c = line.charAt(from - 1);
      if (c == ',' || IpAddresses.isSpace(c)) {
        break;
      }
      if (c >= 0x80) {
        return null; // no address literal has one
      }
      h += c * power;
      power *= 31;
      int d = to - from;
      if (d < 8) {
        k0 |= (long) c << (d << 3);
      } else if (d < 16) {
        k1 |= (long) c << ((d - 8) << 3);
      } else if (d < PACKED) {
        k2 |= (long) c << ((d - 16) << 3);
      }
      from--;
    }
    int start = IpAddresses.skipSpaceBackward(line, floor, from);
    if (from == to || (start > 0 && line.charAt(start - 1) != ',')) {
      return null; // empty, a space inside, or longer than the budget
    }
    return find(h, k0, k1, k2, line, from, to, flags);
  }

  private Known find(int h, long k0, long k1, long k2, String text, int from, int to, int flags) {
    for (int i = 0; i < FourWayTable.PROBES; i++) {
      int slot = table.probe(h, i);
      if (slot < 0) {
        break;
      }
      Known known = table.candidate(slot, h);
      if (matches(known, k0, k1, k2, text, from, to, flags)) {
        return known;
      }
    }
    return null;
  }

  private static boolean matches(
      Known known, long k0, long k1, long k2, String text, int from, int to, int flags) {
    int length = to - from;
    return known != null
        && known.k0 == k0
        && known.k1 == k1
        && known.k2 == k2
        && known.flags == flags
        && known.text.length() == length
        && (length <= PACKED || known.text.regionMatches(0, text, from, length - PACKED));
  }

  void put(Known known) {
    table.put(known.text.hashCode(), known);
  }

  /**
   * The characters of {@code text} at distances {@code 8 * part} to {@code 8 * part + 7} from its
   * end, one byte each, the last character in the lowest byte, 0 before the start: the packed key
   * as {@link #get} and {@link #listEntry} make it, for the ASCII text of an address literal.
   */
  static long pack(String text, int part) {
    long packed = 0;
    for (int d = 8 * part; d < 8 * part + 8 && d < text.length(); d++) {
      packed |= (long) text.charAt(text.length() - 1 - d) << ((d - 8 * part) << 3);
    }
    return packed;
  }
}
