/**
 * A host that is itself a named module: it requires the Gatehouse modules it uses and nothing
 * is on the class path, so a schema script, a service or a package a Gatehouse module fails to
 * make visible on the module path makes {@link dev.gatehouse.examples.modulehost.ModuleHost} fail.
 */
module dev.gatehouse.examples.modulehost {
    requires dev.gatehouse.core;
    requires dev.gatehouse.apikey;
    requires dev.gatehouse.session;
    requires dev.gatehouse.secrets;
    requires com.h2database;
}
