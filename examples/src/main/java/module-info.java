/**
 * The Gatehouse example server: a host that embeds every Gatehouse module. It runs on the class
 * path ({@code mvn ... exec:java}) and, as this named module, on the module path:
 *
 * <pre>
 * java --module-path examples/target/classes:examples/target/modules --add-modules ALL-MODULE-PATH \
 *      --module dev.gatehouse.examples/dev.gatehouse.examples.ExampleServer
 * </pre>
 *
 * <p>{@code --add-modules ALL-MODULE-PATH} resolves the plugins the server never names in code:
 * the JDBC drivers and third-party realms such as {@code com.example.gatehouse.hmac}, found
 * through {@link java.util.ServiceLoader} as on the class path.
 */
module dev.gatehouse.examples {
    requires dev.gatehouse.core;
    requires dev.gatehouse.apikey;
    requires dev.gatehouse.ldap;
    requires dev.gatehouse.session;
    requires dev.gatehouse.secrets;
    requires dev.gatehouse.secrets.git;
    requires jakarta.servlet;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.ee10.servlet;
    requires com.fasterxml.jackson.databind;
    requires com.zaxxer.hikari;
    requires unboundid.ldapsdk;
    requires org.slf4j;
    requires java.sql;

    exports dev.gatehouse.examples;
}
