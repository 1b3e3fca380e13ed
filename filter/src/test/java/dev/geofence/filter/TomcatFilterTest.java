package dev.geofence.filter;

/** The contract cases in embedded Tomcat: the filter is not tied to Jetty. */
class TomcatFilterTest extends FilterContractTest {
  @Override
  Container newContainer() {
    return new TomcatContainer();
  }
}
