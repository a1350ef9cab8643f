package com.example.gatehouse.hmac;

import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;

/**
 * Realm type {@code hmac}: requests signed with a shared secret (see {@link HmacRealm} for the
 * scheme). Registered in {@code META-INF/services/dev.gatehouse.core.RealmProvider}; enabled by
 * configuration alone:
 *
 * <pre>
 * gatehouse.realms=apikey,ldap,session,hmac
 * realm.hmac.key.ci-bot=ci-bot:${env:CI_BOT_HMAC_SECRET}    # keyId=username:base64 secret (>= 32 bytes)
 * realm.hmac.maxSkew=5m                                     # how far a request's date may be from the clock (1s to 1h)
 * realm.hmac.maxNonces=100000                               # requests remembered against replay
 * </pre>
 *
 * <p>The host must also map {@link HmacRequestFilter} in front of Gatehouse's filter: it checks
 * each signed request's body against its {@code Content-Digest} and hands the realm the query
 * string, which a realm cannot see; without it every signed request is refused.
 */
public final class HmacRealmProvider implements RealmProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public HmacRealmProvider() {}

    @Override
    public String type() {
        return "hmac";
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        return HmacRealm.create(settings, context);
    }
}
