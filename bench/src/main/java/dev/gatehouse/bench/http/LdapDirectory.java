package dev.gatehouse.bench.http;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import java.net.InetAddress;

/** UnboundID's in-process directory on a loopback port, with one service account and one user. */
final class LdapDirectory implements AutoCloseable {

    static final String BASE = "dc=example,dc=org";
    static final String PEOPLE = "ou=people," + BASE;
    static final String SYSTEM_DN = "cn=gatehouse,ou=services," + BASE;
    static final String SYSTEM_PASSWORD = "service-secret";
    static final String USER = "alice";
    static final String PASSWORD = "Wonderland1";

    private final InMemoryDirectoryServer server;

    LdapDirectory() throws LDAPException, LDIFException {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        server.add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: " + SYSTEM_DN, "objectClass: person", "cn: gatehouse", "sn: service",
                "userPassword: " + SYSTEM_PASSWORD);
        server.add("dn: uid=" + USER + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + USER, "cn: Alice",
                "sn: Liddell", "mail: alice@example.org", "userPassword: " + PASSWORD);
        server.startListening();
    }

    String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
