/**
 * Gatehouse core: the realm SPI, the authentication engine, the servlet filter and the user
 * directory. Only the API packages are exported; {@code ..internal} packages are not.
 */
module dev.gatehouse.core {
    requires static jakarta.servlet;
    requires transitive java.sql;
    requires org.slf4j;
    requires com.github.benmanes.caffeine;

    exports dev.gatehouse.core;
    exports dev.gatehouse.core.audit;
    exports dev.gatehouse.core.jdbc;
    exports dev.gatehouse.core.servlet;

    uses dev.gatehouse.core.RealmProvider;
}
