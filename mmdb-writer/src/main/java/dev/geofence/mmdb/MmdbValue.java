package dev.geofence.mmdb;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A value with an explicit MaxMind DB data type, for when the default mapping of a Java value is
 * not the type a reader expects (GeoIP2's {@code confidence} is a uint16, for example).
 *
 * <p>Default mapping of plain Java values: {@code String} utf8_string, {@code Boolean} boolean,
 * {@code Double} double, {@code Float} float, {@code Integer} int32, {@code Long} uint32 (uint64
 * above 2^32-1; negative values are rejected), {@code BigInteger} uint64 (uint128 above 2^64-1),
 * {@code byte[]} bytes, {@code Map<String, ?>} map, {@code List<?>} array.
 *
 * <p>All values are immutable; factories validate the range and throw {@link
 * IllegalArgumentException} with the value.
 */
public sealed interface MmdbValue {

  /** An unsigned 16-bit integer (decoded by Java readers as {@code Integer}). */
  static MmdbValue uint16(int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException(
          "uint16 value " + value + " is out of range; expected 0 to 65535.");
    }
    return new Uint16(value);
  }

  /** An unsigned 32-bit integer (decoded by Java readers as {@code Long}). */
  static MmdbValue uint32(long value) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "uint32 value " + value + " is out of range; expected 0 to 4294967295.");
    }
    return new Uint32(value);
  }

  /** An unsigned 64-bit integer (decoded by Java readers as {@code BigInteger}). */
  static MmdbValue uint64(BigInteger value) {
    checkUnsigned(value, 64, "uint64");
    return new Uint64(value);
  }

  /** An unsigned 128-bit integer (decoded by Java readers as {@code BigInteger}). */
  static MmdbValue uint128(BigInteger value) {
    checkUnsigned(value, 128, "uint128");
    return new Uint128(value);
  }

  /** A signed 32-bit integer. */
  static MmdbValue int32(int value) {
    return new Int32(value);
  }

  /** A 32-bit IEEE 754 float. */
  static MmdbValue float32(float value) {
    return new Float32(value);
  }

  /** A byte string (copied). */
  static MmdbValue bytes(byte[] value) {
    return new Bytes(value.clone());
  }

  private static void checkUnsigned(BigInteger value, int bits, String type) {
    if (value.signum() < 0 || value.bitLength() > bits) {
      throw new IllegalArgumentException(
          type + " value " + value + " is out of range; expected 0 to 2^" + bits + "-1.");
    }
  }

  /** See {@link #uint16(int)}. */
  record Uint16(int value) implements MmdbValue {}

  /** See {@link #uint32(long)}. */
  record Uint32(long value) implements MmdbValue {}

  /** See {@link #uint64(BigInteger)}. */
  record Uint64(BigInteger value) implements MmdbValue {}

  /** See {@link #uint128(BigInteger)}. */
  record Uint128(BigInteger value) implements MmdbValue {}

  /** See {@link #int32(int)}. */
  record Int32(int value) implements MmdbValue {}

  /** See {@link #float32(float)}. */
  record Float32(float value) implements MmdbValue {}

  /** See {@link #bytes(byte[])}; equality is by content. */
  record Bytes(byte[] value) implements MmdbValue {
    @Override
    public byte[] value() {
      return value.clone();
    }

    byte[] raw() {
      return value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Bytes that && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bytes[" + value.length + " bytes]";
    }
  }
}
