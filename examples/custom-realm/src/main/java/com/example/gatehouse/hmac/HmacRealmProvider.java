package com.example.gatehouse.hmac;

import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;

/**
 * Realm type {@code hmac}: requests signed with a shared secret. Registered in
 * {@code META-INF/services/dev.gatehouse.core.RealmProvider}; enabled by configuration alone:
 *
 * <pre>
 * gatehouse.realms=apikey,ldap,session,hmac
 * realm.hmac.key.ci-bot=ci-bot:${env:CI_BOT_HMAC_SECRET}    # keyId=username:base64 secret (>= 32 bytes)
 * realm.hmac.maxSkew=5m
 * </pre>
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
