package dev.gatehouse.examples.internal;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFException;
import com.unboundid.ldif.LDIFReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Locale;

/**
 * An in-process LDAP directory (UnboundID) on a loopback port, loaded from the bundled
 * {@code demo-users.ldif}, so that {@code curl -u myuser:mypwd} works with no set-up. Used only
 * when the configuration names no directory of its own ({@code realm.ldap.url}).
 *
 * <p>Locked down as a real directory would be: it listens on loopback only; every search needs an
 * authenticated bind (no anonymous reads); nothing can be written over LDAP by anyone (the data
 * is loaded in-process at start-up); {@code userPassword} is readable by nobody, not even by the
 * service account (binds check it; searches never return it, and a filter that names it, which
 * would test guesses, is refused); and the schema is checked ({@code memberOf} is added as an
 * operational attribute, as OpenLDAP's memberof overlay defines it).
 */
public final class DemoDirectory implements AutoCloseable {

    public static final String BASE_DN = "dc=example,dc=com";
    public static final String SYSTEM_DN = "cn=gatehouse,ou=system," + BASE_DN;
    private static final String USER_PASSWORD = "userPassword";
    /** OpenLDAP's and Active Directory's definition of {@code memberOf}: operational, a DN. */
    private static final String MEMBER_OF = "( 1.2.840.113556.1.2.102 NAME 'memberOf' "
            + "EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 USAGE dSAOperation )";

    private final InMemoryDirectoryServer server;
    private final String systemPassword;

    private DemoDirectory(InMemoryDirectoryServer server, String systemPassword) {
        this.server = server;
        this.systemPassword = systemPassword;
    }

    /** Starts the directory; {@code systemPassword} becomes the service account's password. */
    public static DemoDirectory start(String systemPassword) {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE_DN);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("demo",
                    InetAddress.getLoopbackAddress(), 0, null));
            config.setSchema(schema());
            config.setAllowedOperationTypes(OperationType.BIND, OperationType.SEARCH, OperationType.ABANDON,
                    OperationType.UNBIND);
            config.setAuthenticationRequiredOperationTypes(OperationType.SEARCH, OperationType.COMPARE,
                    OperationType.ADD, OperationType.MODIFY, OperationType.MODIFY_DN, OperationType.DELETE,
                    OperationType.EXTENDED);
            config.addInMemoryOperationInterceptor(new PasswordsStayInside());
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            try (InputStream in = DemoDirectory.class.getResourceAsStream("/dev/gatehouse/examples/demo-users.ldif")) {
                if (in == null) {
                    throw new IllegalStateException("demo-users.ldif is missing from the class path");
                }
                server.importFromLDIF(true, new LDIFReader(in));
            }
            server.add("dn: " + SYSTEM_DN, "objectClass: top", "objectClass: person", "cn: gatehouse",
                    "sn: Gatehouse", "userPassword: " + systemPassword);
            server.startListening();
            return new DemoDirectory(server, systemPassword);
        } catch (LDAPException | LDIFException e) {
            throw new IllegalStateException("cannot start the demo directory: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema schema() throws LDAPException {
        try {
            Schema memberOf = new Schema(new Entry("dn: cn=schema", "objectClass: top", "objectClass: subschema",
                    "attributeTypes: " + MEMBER_OF));
            return Schema.mergeSchemas(Schema.getDefaultStandardSchema(), memberOf);
        } catch (LDIFException e) {
            throw new IllegalStateException("the memberOf definition does not parse", e);
        }
    }

    /** Searches never return {@code userPassword}, nor may a filter test it. */
    private static final class PasswordsStayInside extends InMemoryOperationInterceptor {
        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
            if (namesPassword(request.getRequest().getFilter())) {
                throw new LDAPException(ResultCode.INSUFFICIENT_ACCESS_RIGHTS,
                        "userPassword cannot be used in a search filter");
            }
        }

        @Override
        public void processSearchEntry(InMemoryInterceptedSearchEntry entry) {
            Entry e = entry.getSearchEntry().duplicate();
            for (var a : entry.getSearchEntry().getAttributes()) {
                if (a.getBaseName().equalsIgnoreCase(USER_PASSWORD) || a.getBaseName().equals("2.5.4.35")) {
                    e.removeAttribute(a.getName());
                }
            }
            entry.setSearchEntry(e);
        }

        private static boolean namesPassword(Filter f) {
            String attribute = f.getAttributeName();
            if (attribute != null) {
                String base = attribute.split(";", 2)[0].toLowerCase(Locale.ROOT);
                if (base.equals("userpassword") || base.equals("2.5.4.35")) {
                    return true;
                }
            }
            for (Filter c : f.getComponents()) {
                if (namesPassword(c)) {
                    return true;
                }
            }
            return f.getNOTComponent() != null && namesPassword(f.getNOTComponent());
        }
    }

    /** {@code ldap://127.0.0.1:<port>}. */
    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    public String systemPassword() {
        return systemPassword;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
