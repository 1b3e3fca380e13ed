package dev.geofence.filter;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat on port 0, the filter mapped on /* as web.xml would map it. */
final class TomcatContainer implements Container {
  private Tomcat tomcat;

  @Override
  public URI start(Filter filter, Map<String, String> initParams, Path workDir, Servlet servlet)
      throws Exception {
    tomcat = new Tomcat();
    tomcat.setBaseDir(workDir.toString());
    tomcat.setHostname("127.0.0.1");
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    tomcat
        .getConnector()
        .setProperty("maxHttpRequestHeaderSize", Integer.toString(JettyContainer.MAX_HEADER_BYTES));
    Context context = tomcat.addContext("", workDir.toString());
    Tomcat.addServlet(context, "echo", servlet).setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "echo");
    FilterDef def = new FilterDef();
    def.setFilterName("geofence");
    if (filter == null) {
      def.setFilterClass(GeofenceFilter.class.getName());
    } else {
      def.setFilter(filter);
    }
    initParams.forEach(def::addInitParameter);
    def.setAsyncSupported("true");
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("geofence");
    map.addURLPattern("/*");
    map.setDispatcher("REQUEST");
    map.setDispatcher("ASYNC");
    context.addFilterMap(map);
    tomcat.start();
    return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
  }

  @Override
  public void close() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }
}
