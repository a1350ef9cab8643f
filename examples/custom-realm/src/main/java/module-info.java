/** An example third-party realm: HMAC-signed requests. Needs gatehouse-core only. */
module com.example.gatehouse.hmac {
    requires transitive dev.gatehouse.core;
    requires static jakarta.servlet;

    exports com.example.gatehouse.hmac;

    provides dev.gatehouse.core.RealmProvider with com.example.gatehouse.hmac.HmacRealmProvider;
}
