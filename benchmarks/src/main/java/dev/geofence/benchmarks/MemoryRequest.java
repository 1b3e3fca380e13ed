package dev.geofence.benchmarks;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request held in memory, as a container would hand it to a filter once it has read the
 * request line and headers: just enough for the geo-fence filter. The body is streamed from a
 * shared array that is never copied here. Any other servlet method throws {@link
 * UnsupportedOperationException} naming it, so a benchmark notices when the filter starts to need
 * more. One request per benchmark operation; not thread-safe.
 */
final class MemoryRequest extends HttpServletRequestWrapper {

  private static final HttpServletRequest UNSUPPORTED =
      (HttpServletRequest)
          Proxy.newProxyInstance(
              MemoryRequest.class.getClassLoader(),
              new Class<?>[] {HttpServletRequest.class},
              (proxy, method, args) -> {
                throw new UnsupportedOperationException(
                    "MemoryRequest does not implement " + method.getName());
              });

  private final String method;
  private final String uri;
  private final String remoteAddr;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private Map<String, Object> attributes;

  /**
   * @param headers by name, compared case-insensitively; shared, not copied
   * @param body the body bytes, shared, not copied
   */
  MemoryRequest(
      String method,
      String uri,
      String remoteAddr,
      Map<String, List<String>> headers,
      byte[] body) {
    super(UNSUPPORTED);
    this.method = method;
    this.uri = uri;
    this.remoteAddr = remoteAddr;
    this.headers = headers;
    this.body = body;
  }

  /** A header map that compares names as HTTP does. */
  static Map<String, List<String>> headers(Map<String, List<String>> headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.putAll(headers);
    return map;
  }

  @Override
  public String getMethod() {
    return method;
  }

  @Override
  public String getRequestURI() {
    return uri;
  }

  @Override
  public String getContextPath() {
    return "";
  }

  @Override
  public String getServletPath() {
    return uri;
  }

  @Override
  public String getPathInfo() {
    return null;
  }

  @Override
  public String getQueryString() {
    return null;
  }

  @Override
  public String getRemoteAddr() {
    return remoteAddr;
  }

  @Override
  public String getScheme() {
    return "http";
  }

  @Override
  public boolean isSecure() {
    return false;
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public DispatcherType getDispatcherType() {
    return DispatcherType.REQUEST;
  }

  @Override
  public boolean isAsyncStarted() {
    return false;
  }

  @Override
  public String getHeader(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    List<String> values = headers.get(name);
    return values == null ? Collections.emptyEnumeration() : Collections.enumeration(values);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    return Collections.enumeration(headers.keySet());
  }

  @Override
  public long getContentLengthLong() {
    return body.length;
  }

  @Override
  public int getContentLength() {
    return body.length;
  }

  @Override
  public String getContentType() {
    return getHeader("Content-Type");
  }

  @Override
  public String getCharacterEncoding() {
    return null;
  }

  @Override
  public ServletInputStream getInputStream() {
    return new BodyStream(body);
  }

  @Override
  public Object getAttribute(String name) {
    return attributes == null ? null : attributes.get(name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    return attributes == null
        ? Collections.emptyEnumeration()
        : Collections.enumeration(attributes.keySet());
  }

  @Override
  public void setAttribute(String name, Object value) {
    if (attributes == null) {
      attributes = new HashMap<>();
    }
    attributes.put(name, value);
  }

  @Override
  public void removeAttribute(String name) {
    if (attributes != null) {
      attributes.remove(name);
    }
  }

  /** A blocking stream over the body array. */
  private static final class BodyStream extends ServletInputStream {
    private final byte[] bytes;
    private int position;

    BodyStream(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(length, bytes.length - position);
      System.arraycopy(bytes, position, into, offset, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return bytes.length - position;
    }

    @Override
    public boolean isFinished() {
      return position >= bytes.length;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      throw new UnsupportedOperationException("MemoryRequest streams are blocking");
    }
  }
}
