package dev.geofence.mmdb;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serialises values into a MaxMind DB data section. A value that was written before is written
 * again as a pointer to the first copy when the pointer is shorter, so repeated keys, strings and
 * sub-maps cost a few bytes each. Not thread-safe.
 */
final class DataEncoder {

  private static final int POINTER = 1;
  private static final int UTF8 = 2;
  private static final int DOUBLE = 3;
  private static final int BYTES = 4;
  private static final int UINT16 = 5;
  private static final int UINT32 = 6;
  private static final int MAP = 7;
  private static final int INT32 = 8;
  private static final int UINT64 = 9;
  private static final int UINT128 = 10;
  private static final int ARRAY = 11;
  private static final int BOOLEAN = 14;
  private static final int FLOAT = 15;

  private final boolean usePointers;
  private final Map<Object, Integer> offsets = new HashMap<>();
  private byte[] buffer = new byte[4096];
  private int size;

  DataEncoder(boolean usePointers) {
    this.usePointers = usePointers;
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  /** Writes a value and returns its offset in the section. */
  int write(Object value) {
    int offset = size;
    encode(value);
    return offset;
  }

  private void encode(Object value) {
    if (usePointers && worthPointing(value)) {
      Integer previous = offsets.get(value);
      if (previous != null && pointerLength(previous) < encodedLengthLowerBound(value)) {
        pointer(previous);
        return;
      }
      if (previous == null) {
        offsets.put(value, size);
      }
    }
    encodeInline(value);
  }

  private static boolean worthPointing(Object value) {
    return value instanceof String s
        ? s.length() > 2
        : value instanceof Map<?, ?> m
            ? !m.isEmpty()
            : value instanceof List<?> l
                ? !l.isEmpty()
                : value instanceof MmdbValue.Bytes b && b.raw().length > 2;
  }

  private static int encodedLengthLowerBound(Object value) {
    if (value instanceof String s) {
      return 1 + s.length();
    }
    if (value instanceof MmdbValue.Bytes b) {
      return 2 + b.raw().length;
    }
    return Integer.MAX_VALUE; // a non-empty map or array is never shorter than a pointer
  }

  private static int pointerLength(int offset) {
    if (offset < 2048) {
      return 2;
    }
    if (offset < 2048 + 524288) {
      return 3;
    }
    return offset < 2048 + 524288 + 134217728 ? 4 : 5;
  }

  private void encodeInline(Object value) {
    if (value instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      control(UTF8, utf8.length);
      append(utf8);
    } else if (value instanceof Map<?, ?> map) {
      control(MAP, map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        encode(entry.getKey());
        encode(entry.getValue());
      }
    } else if (value instanceof List<?> list) {
      control(ARRAY, list.size());
      for (Object element : list) {
        encode(element);
      }
    } else if (value instanceof Boolean b) {
      control(BOOLEAN, b ? 1 : 0);
    } else if (value instanceof Double d) {
      control(DOUBLE, 8);
      unsigned(BigInteger.valueOf(Double.doubleToLongBits(d)), 8);
    } else if (value instanceof Float f) {
      control(FLOAT, 4);
      unsigned(BigInteger.valueOf(Float.floatToIntBits(f) & 0xFFFF_FFFFL), 4);
    } else if (value instanceof Integer i) {
      int32(i);
    } else if (value instanceof Long l) {
      unsignedInteger(l <= 0xFFFF_FFFFL ? UINT32 : UINT64, BigInteger.valueOf(l));
    } else if (value instanceof BigInteger b) {
      unsignedInteger(b.bitLength() <= 64 ? UINT64 : UINT128, b);
    } else if (value instanceof MmdbValue typed) {
      encodeTyped(typed);
    } else {
      throw new IllegalStateException("value not normalised: " + value.getClass().getName());
    }
  }

  private void encodeTyped(MmdbValue typed) {
    if (typed instanceof MmdbValue.Uint16 v) {
      unsignedInteger(UINT16, BigInteger.valueOf(v.value()));
    } else if (typed instanceof MmdbValue.Uint32 v) {
      unsignedInteger(UINT32, BigInteger.valueOf(v.value()));
    } else if (typed instanceof MmdbValue.Uint64 v) {
      unsignedInteger(UINT64, v.value());
    } else if (typed instanceof MmdbValue.Uint128 v) {
      unsignedInteger(UINT128, v.value());
    } else if (typed instanceof MmdbValue.Int32 v) {
      int32(v.value());
    } else if (typed instanceof MmdbValue.Float32 v) {
      encodeInline(Float.valueOf(v.value()));
    } else if (typed instanceof MmdbValue.Bytes v) {
      control(BYTES, v.raw().length);
      append(v.raw());
    }
  }

  private void int32(int value) {
    // The spec stores positive values in as few bytes as needed; negative ones need all four
    // bytes so the sign bit is the left-most bit.
    int length = value < 0 ? 4 : minimalLength(BigInteger.valueOf(value));
    control(INT32, length);
    unsigned(BigInteger.valueOf(value & 0xFFFF_FFFFL), length);
  }

  private void unsignedInteger(int type, BigInteger value) {
    int length = minimalLength(value);
    control(type, length);
    unsigned(value, length);
  }

  private static int minimalLength(BigInteger value) {
    return (value.bitLength() + 7) / 8;
  }

  private void unsigned(BigInteger value, int length) {
    ensure(length);
    for (int i = length - 1; i >= 0; i--) {
      buffer[size + i] = value.byteValue();
      value = value.shiftRight(8);
    }
    size += length;
  }

  private void pointer(int offset) {
    ensure(5);
    if (offset < 2048) {
      appendByte(0x20 | (offset >>> 8));
      appendByte(offset);
    } else if (offset < 2048 + 524288) {
      int v = offset - 2048;
      appendByte(0x28 | (v >>> 16));
      appendByte(v >>> 8);
      appendByte(v);
    } else if (offset < 2048 + 524288 + 134217728) {
      int v = offset - 2048 - 524288;
      appendByte(0x30 | (v >>> 24));
      appendByte(v >>> 16);
      appendByte(v >>> 8);
      appendByte(v);
    } else {
      appendByte(0x38);
      appendByte(offset >>> 24);
      appendByte(offset >>> 16);
      appendByte(offset >>> 8);
      appendByte(offset);
    }
  }

  /** Writes the control byte(s): type, then size in 5 bits plus 0 to 3 extra bytes. */
  private void control(int type, int length) {
    ensure(6);
    int typeBits = type <= 7 ? type << 5 : 0;
    int marker;
    int extra;
    int extraBytes;
    if (length < 29) {
      marker = length;
      extra = 0;
      extraBytes = 0;
    } else if (length < 29 + 256) {
      marker = 29;
      extra = length - 29;
      extraBytes = 1;
    } else if (length < 285 + 65536) {
      marker = 30;
      extra = length - 285;
      extraBytes = 2;
    } else {
      marker = 31;
      extra = length - 65821;
      extraBytes = 3;
    }
    appendByte(typeBits | marker);
    if (type > 7) {
      appendByte(type - 7);
    }
    for (int i = extraBytes - 1; i >= 0; i--) {
      appendByte(extra >>> (8 * i));
    }
  }

  private void append(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
  }

  private void appendByte(int b) {
    buffer[size++] = (byte) b;
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }
}
